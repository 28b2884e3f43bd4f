// Package examples_test builds and runs every example program, as a user
// would with go run, and checks exit statuses and key output lines.
package examples_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/reports"
)

// build compiles ./NAME into a temporary directory.
func build(t *testing.T, name string) string {
	t.Helper()
	if testing.Short() {
		t.Skip("building example programs is skipped in -short mode")
	}
	bin := filepath.Join(t.TempDir(), name)
	cmd := exec.Command("go", "build", "-o", bin, "./"+name)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./%s: %v\n%s", name, err, out)
	}
	return bin
}

// run executes bin with a timeout and returns stdout, stderr and the exit
// status.
func run(t *testing.T, bin string, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s %v did not finish in time", filepath.Base(bin), args)
	}
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), code
}

func wantLines(t *testing.T, out string, lines ...string) {
	t.Helper()
	for _, l := range lines {
		if !strings.Contains(out, l) {
			t.Errorf("output lacks %q\n--- output:\n%s", l, out)
		}
	}
}

func TestOnboarding(t *testing.T) {
	bin := build(t, "onboarding")
	out, stderr, code := run(t, bin)
	if code != 0 {
		t.Fatalf("exit status %d, want 0\nstderr: %s\nstdout:\n%s", code, stderr, out)
	}
	wantLines(t, out,
		// the record set, as a table and a zone file
		"cio12345.example.com.\t3600\tIN\tMX\t10 mxa.mailgun.org.",
		`cio12345.example.com.	3600	IN	TXT	"v=spf1 include:mailgun.org ~all"`,
		// the broken zone: each mistake found, with its fix
		"example.com: pending",
		"name-doubled", "name-at-apex", "cname-proxied", "dkim-key-mismatch",
		"Proxied (orange cloud)",
		// the fixed zone
		"example.com: verified",
		// the message as a receiver sees it
		"DKIM   d=cio12345.example.com s=krs: pass",
		"SPF    pass for cio12345.example.com from 198.51.100.10",
		"DMARC  pass",
		"Authentication-Results: mx.example.org;",
		"dmarc=pass (p=quarantine dis=none) header.from=example.com",
		"Final state: verified; DMARC pass: true",
	)
}

func TestCheckdomainZoneFile(t *testing.T) {
	bin := build(t, "checkdomain")
	out, _, code := run(t, bin, "-zone", "checkdomain/testdata/example.zone", "-selector", "s1,s2", "example.com")
	if code != 0 {
		t.Fatalf("exit status %d, want 0\n%s", code, out)
	}
	// example.com includes _spf.example.net (a, mx: 2 lookups) and
	// mailgun.org (include: 1): 2 + 2 + 1 = 5 DNS-querying terms.
	wantLines(t, out,
		"record:  v=spf1 include:_spf.example.net include:mailgun.org ~all",
		"lookups: 5 of 10",
		"include:_spf.mailgun.org",
		"policy for example.com: quarantine (adkim=s, aspf=r)",
		"s1._domainkey.example.com: ed25519 256 bits",
		"s2._domainkey.example.com: no key",
		"Result: ok",
	)

	// The same zone served on loopback through -server gives the same
	// report.
	text, err := os.ReadFile("checkdomain/testdata/example.zone")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := domainauth.MustFakeResolver(string(text)).Serve()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	out2, _, code := run(t, bin, "-server", srv.Addr(), "-selector", "s1,s2", "example.com")
	if code != 0 || out2 != out {
		t.Errorf("-server: exit %d, output differs from -zone:\n%s", code, out2)
	}

	// JSON output parses and carries the same facts.
	js, _, code := run(t, bin, "-zone", "checkdomain/testdata/example.zone", "-json", "example.com")
	var rep struct {
		SPF struct {
			Lookups int `json:"lookups"`
		} `json:"spf"`
		DMARC struct {
			Applies string `json:"policy_applied"`
		} `json:"dmarc"`
		Failed bool `json:"failed"`
	}
	if err := json.Unmarshal([]byte(js), &rep); err != nil || code != 0 {
		t.Fatalf("-json: exit %d, %v\n%s", code, err, js)
	}
	if rep.SPF.Lookups != 5 || rep.DMARC.Applies != "quarantine" || rep.Failed {
		t.Errorf("-json: %+v", rep)
	}
}

// -dmarc chooses the DMARC specification, and the report names it: for a
// subdomain without a record of its own, RFC 9989 walks the tree and RFC
// 7489 asks the organizational domain of the public suffix list.
func TestCheckdomainDMARCMode(t *testing.T) {
	bin := build(t, "checkdomain")
	for _, tt := range []struct {
		args      []string
		mode, how string
	}{
		{nil, "rfc9989", "tree-walk"},
		{[]string{"-dmarc", "rfc9989"}, "rfc9989", "tree-walk"},
		{[]string{"-dmarc", "rfc7489"}, "rfc7489", "organizational-domain"},
	} {
		args := append(append([]string{"-zone", "checkdomain/testdata/example.zone"}, tt.args...), "news.example.com")
		out, _, code := run(t, bin, args...)
		if code == 2 { // 1: news.example.com has no SPF record
			t.Fatalf("%v: exit %d\n%s", tt.args, code, out)
		}
		wantLines(t, out, "DMARC ("+tt.mode+")", "found at _dmarc.example.com ("+tt.how+")", "policy for news.example.com: none")
		js, _, _ := run(t, bin, append([]string{"-json"}, args...)...)
		var rep struct {
			DMARC struct {
				Mode string `json:"mode"`
			} `json:"dmarc"`
		}
		if err := json.Unmarshal([]byte(js), &rep); err != nil || rep.DMARC.Mode != tt.mode {
			t.Errorf("%v -json: mode %q (%v), want %s", tt.args, rep.DMARC.Mode, err, tt.mode)
		}
	}
	if _, stderr, code := run(t, bin, "-dmarc", "rfc1234", "example.com"); code != 2 || !strings.Contains(stderr, "rfc1234") {
		t.Errorf("-dmarc rfc1234: exit %d, stderr %q; want 2 naming the bad value", code, stderr)
	}
}

func TestCheckdomainProblems(t *testing.T) {
	bin := build(t, "checkdomain")
	out, _, code := run(t, bin, "-zone", "checkdomain/testdata/broken.zone", "broken.example")
	if code != 1 {
		t.Errorf("two SPF records: exit %d, want 1\n%s", code, out)
	}
	wantLines(t, out, "spf-multiple", "Result: problems found")

	// A server that does not answer: exit 1 and a message saying so.
	l, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := l.LocalAddr().String()
	l.Close()
	out, stderr, code := run(t, bin, "-server", dead, "-timeout", "3s", "example.com")
	if code != 1 || !strings.Contains(stderr, "could not get answers from "+dead) {
		t.Errorf("unreachable server: exit %d, stderr %q", code, stderr)
	}
	// The record could not be read: not "no SPF record".
	wantLines(t, out, "lookup failed: temporary DNS failure")
	if strings.Contains(out, "no SPF record") {
		t.Errorf("unreachable server reported as a missing SPF record:\n%s", out)
	}

	// Bad usage: exit 2.
	for _, args := range [][]string{{}, {"bad..name"}, {"-zone", "x", "-server", "y", "example.com"}, {"-zone", "does-not-exist.zone", "example.com"}} {
		if _, _, code := run(t, bin, args...); code != 2 {
			t.Errorf("checkdomain %v: exit %d, want 2", args, code)
		}
	}
}

func TestBatchDemo(t *testing.T) {
	bin := build(t, "batch")
	// A generous lookup timeout: the loopback server answers at once, but
	// a loaded machine must not turn a slow answer into "undetermined".
	out, stderr, code := run(t, bin, "-demo", "200", "-concurrency", "16", "-lookup-timeout", "20s")
	// Every tenth generated domain leaves its MX out: 180 verified and 20
	// pending is the outcome the demo is built to show, so it exits 0.
	if code != 0 {
		t.Fatalf("exit status %d, want 0\nstderr: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 200 {
		t.Fatalf("%d JSON lines, want 200", len(lines))
	}
	counts := map[string]int{}
	for _, l := range lines {
		var rep struct {
			Domain string `json:"domain"`
			Status string `json:"status"`
		}
		if err := json.Unmarshal([]byte(l), &rep); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		counts[rep.Status]++
	}
	if counts["verified"] != 180 || counts["pending"] != 20 {
		t.Errorf("statuses %v, want 180 verified and 20 pending", counts)
	}
	wantLines(t, stderr, "200/200 domains", "200 domains in")
}

func TestBatchInputErrors(t *testing.T) {
	bin := build(t, "batch")
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(bad, []byte("# comment\n{\"domain\": \"a.example\"}\nnot json\n"), 0o644)
	_, stderr, code := run(t, bin, bad)
	if code != 2 || !strings.Contains(stderr, "line 3") {
		t.Errorf("malformed line: exit %d, stderr %q; want 2 naming line 3", code, stderr)
	}
	if _, _, code := run(t, bin); code != 2 {
		t.Errorf("no input: exit %d, want 2", code)
	}
}

// Two SPF records are not "no SPF record": that would tell the customer to
// add a third. checkdomain says there are several and that they must be
// merged (RFC 7208 section 4.5: more than one record is a permerror).
func TestCheckdomainTwoSPFRecords(t *testing.T) {
	bin := build(t, "checkdomain")
	zone := filepath.Join(t.TempDir(), "two.zone")
	if err := os.WriteFile(zone, []byte("two.example. 300 TXT \"v=spf1 include:a.example ~all\"\ntwo.example. 300 TXT \"v=spf1 mx -all\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code := run(t, bin, "-zone", zone, "two.example")
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if strings.Contains(out, "no SPF record") {
		t.Errorf("two SPF records reported as none:\n%s", out)
	}
	wantLines(t, out, "more than one SPF record", "spf-multiple")
}

// A nightly re-verification: the demo verifies 100 domains, removes the
// DKIM records of every 25th, verifies again and prints what changed.
// customer24 and customer74 were verified and regress; customer49 and
// customer99 never had their MX (pending) and lose DKIM too, but were not
// verified, so they do not count as regressions.
func TestBatchReverify(t *testing.T) {
	bin := build(t, "batch")
	out, stderr, code := run(t, bin, "-demo", "100", "-reverify", "-concurrency", "16", "-lookup-timeout", "20s")
	if code != 0 {
		t.Fatalf("exit %d, want 0\nstderr: %s", code, stderr)
	}
	if n := len(strings.Split(strings.TrimSpace(out), "\n")); n != 100 {
		t.Errorf("%d JSON lines, want 100 (the second run's reports)", n)
	}
	wantLines(t, stderr,
		"customer24.example: regressed (was verified, now pending)",
		"customer74.example: regressed (was verified, now pending)",
		"record-removed   the CNAME record at tok24a._domainkey.customer24.example was removed",
		`fix: Add a CNAME record with host "tok24a._domainkey" pointing to tok24a.dkim.amazonses.com.`,
		"since the last run: 4 domains changed, 2 regressed, 0 newly verified",
	)

	// -previous reads those reports back: against the same zone nothing
	// changed.
	prev := filepath.Join(t.TempDir(), "prev.jsonl")
	first, _, _ := run(t, bin, "-demo", "20", "-concurrency", "8", "-lookup-timeout", "20s")
	if err := os.WriteFile(prev, []byte(first), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, code = run(t, bin, "-demo", "20", "-previous", prev, "-concurrency", "8", "-lookup-timeout", "20s")
	if code != 0 {
		t.Errorf("-previous on an unchanged zone: exit %d\n%s", code, stderr)
	}
	wantLines(t, stderr, "since the last run: 0 domains changed, 0 regressed, 0 newly verified")
	if _, _, code := run(t, bin, "-reverify", "sets.jsonl"); code != 2 {
		t.Errorf("-reverify without -demo: exit %d, want 2", code)
	}
}

// reportsCorpus is the shared report corpus, relative to examples/.
const reportsCorpus = "../../shared/corpus/reports"

// TestReportsCorpus runs the reports example on the shared corpus: every
// readable sample is summarized, the four broken ones (three malformed
// XML files and the empty file) are named on stderr with exit status 1.
func TestReportsCorpus(t *testing.T) {
	if _, err := os.Stat(filepath.Join(reportsCorpus, "manifest.json")); err != nil {
		t.Skipf("report corpus not available: %v", err)
	}
	bin := build(t, "reports")
	var args []string
	for _, d := range []string{"aggregate", "aggregate_invalid", "extract_report", "failure", "smtp_tls", "empty.xml"} {
		args = append(args, filepath.Join(reportsCorpus, d))
	}
	out, stderr, code := run(t, bin, args...)
	if code != 1 {
		t.Fatalf("exit status %d, want 1 (four samples are broken)\nstderr: %s", code, stderr)
	}
	wantLines(t, stderr, "ikea.com!example.de!1538690400!1538776800.xml: ", "invalid_utf_8.xml: ", "invalid_xml.xml: ", "empty.xml: ", "4 of 28 inputs could not be read")
	wantLines(t, out,
		// manifest: fastmail's report is for indemed.com, one message from 104.195.80.20
		"indemed.com  2018-01-16 to 2018-01-16",
		"104.195.80.20",
		// manifest: borschow.com, one message, in the Google e-mail
		"borschow.com  2019-02-12 to 2019-02-12",
		"failure reports: 4",
		// manifest: the RFC 8460 example
		"Company-X company-y.example (sts): 5326 successful, 303 failed sessions",
		"Mail.ru example.com (sts): 0 successful, 1 failed sessions",
		"24 reports from 28 inputs")
	if strings.Contains(out, "example.de") {
		t.Errorf("the broken ikea.com report (example.de) was summarized:\n%s", out)
	}
	csvOut, stderr, code := run(t, bin, "-csv", filepath.Join(reportsCorpus, "aggregate", "old_draft_from_wiki.xml"))
	if code != 0 {
		t.Fatalf("-csv: exit status %d\n%s", code, stderr)
	}
	wantLines(t, csvOut, "xml_schema,org_name,org_email,", "draft,acme.com,noreply-dmarc-support@acme.com,")
}

// TestReportsWritten runs the reports example on reports the test writes
// itself (so it runs without the corpus): a maildir of report e-mails, an
// mbox holding two more, and a bare .xml.gz in a directory.
func TestReportsWritten(t *testing.T) {
	bin := build(t, "reports")
	dir := t.TempDir()
	day := time.Date(2024, 5, 1, 0, 0, 0, 0, time.UTC)
	mk := func(id, reporter string, recs []reports.Record) (*reports.Aggregate, []reports.Record) {
		return &reports.Aggregate{
			Metadata: reports.Metadata{OrgName: reporter, Email: "dmarc@" + reporter, ReportID: id, Begin: day, End: day.Add(86399 * time.Second)},
			Policy:   reports.PolicyPublished{Domain: "customer.example", P: dmarc.Reject},
		}, recs
	}
	rec := func(ip string, n int64, pass bool, reasons ...reports.Override) reports.Record {
		v := reports.VerdictFail
		if pass {
			v = reports.VerdictPass
		}
		r := reports.Record{SourceIP: netip.MustParseAddr(ip), Count: n, Disposition: dmarc.None, DKIM: v, SPF: v, HeaderFrom: "customer.example"}
		for _, o := range reasons {
			r.Reasons = append(r.Reasons, reports.Reason{Type: o, Comment: "arc=pass"})
		}
		return r
	}
	seq := func(rs []reports.Record) func(func(*reports.Record) bool) {
		return func(yield func(*reports.Record) bool) {
			for i := range rs {
				if !yield(&rs[i]) {
					return
				}
			}
		}
	}
	email := func(id, reporter string, recs []reports.Record) []byte {
		hdr, rs := mk(id, reporter, recs)
		var b bytes.Buffer
		e := &reports.ReportEmail{From: "dmarc@" + reporter, To: "rua@esp.example", Receiver: reporter, Date: day.Add(25 * time.Hour)}
		if err := reports.WriteAggregateEmail(&b, e, reports.Schema9990, hdr, seq(rs)); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	maildir := filepath.Join(dir, "Maildir")
	for _, sub := range []string{"cur", "new", "tmp"} {
		if err := os.MkdirAll(filepath.Join(maildir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(maildir, "new", "1.eml"), email("g1", "google.com", []reports.Record{rec("192.0.2.1", 100, true), rec("198.51.100.9", 7, false)}), 0o644)
	os.WriteFile(filepath.Join(maildir, "cur", "2.eml:2,S"), email("m1", "outlook.com", []reports.Record{rec("192.0.2.1", 50, true), rec("203.0.113.5", 3, false, reports.OverrideMailingList)}), 0o644)
	mbox := append([]byte("From dmarc@yahoo.com Thu May  2 01:00:00 2024\n"), email("y1", "yahoo.com", []reports.Record{rec("192.0.2.2", 40, true)})...)
	mbox = append(mbox, "\nFrom dmarc@gmx.net Thu May  2 01:00:00 2024\n"...)
	mbox = append(mbox, email("x1", "gmx.net", []reports.Record{rec("198.51.100.9", 5, false)})...)
	os.WriteFile(filepath.Join(dir, "reports.mbox"), mbox, 0o644)
	plain := filepath.Join(dir, "files")
	os.MkdirAll(plain, 0o755)
	{
		hdr, rs := mk("f1", "fastmail.com", []reports.Record{rec("192.0.2.1", 10, true)})
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		if err := reports.WriteAggregate(zw, reports.Schema7489, hdr, seq(rs)); err != nil {
			t.Fatal(err)
		}
		zw.Close()
		// A name with the characters a glob would misread.
		os.WriteFile(filepath.Join(plain, "fastmail.com!customer.example!1714521600!1714607999 [1].xml.gz"), b.Bytes(), 0o644)
	}

	out, stderr, code := run(t, bin, maildir, filepath.Join(dir, "reports.mbox"), plain)
	if code != 0 {
		t.Fatalf("exit status %d\nstderr: %s\nstdout:\n%s", code, stderr, out)
	}
	// 215 messages: aligned 100+50+40+10 = 200, override 3, failing 7+5 = 12.
	wantLines(t, out,
		"customer.example  2024-05-01 to 2024-05-01",
		"messages 215, DMARC pass 93.0%: aligned 200, override 3, failing 12",
		"sources (4):",
		"top failing:",
		"google.com <dmarc@google.com>: 1 reports, 107 messages",
		"gmx.net <dmarc@gmx.net>: 1 reports, 5 messages",
		"5 reports from 5 inputs")
	if i, j := strings.Index(out, "192.0.2.1 "), strings.Index(out, "192.0.2.2 "); i < 0 || j < 0 || i > j {
		t.Errorf("sources not sorted by messages (192.0.2.1 with 160 before 192.0.2.2 with 40):\n%s", out)
	}

	csvOut, stderr, code := run(t, bin, "-csv", maildir)
	if code != 0 {
		t.Fatalf("-csv: exit status %d\n%s", code, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(csvOut)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 || !slices.Equal(rows[0], reports.AggregateColumns) {
		t.Fatalf("CSV: %d rows (want a header and 4 records), header %v", len(rows), rows[0])
	}
	jsonOut, _, code := run(t, bin, "-json", filepath.Join(dir, "reports.mbox"))
	if code != 0 {
		t.Fatal("-json failed")
	}
	var total float64
	for _, line := range strings.Split(strings.TrimSpace(jsonOut), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		total += m["count"].(float64)
	}
	if total != 45 {
		t.Errorf("-json counts add up to %v, want 45", total)
	}
}
