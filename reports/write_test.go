package reports

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// randomReport builds a report that is valid for schema: every required
// element present and non-empty, enumerations from the schema, text with
// characters XML must escape.
func randomReport(rng *rand.Rand, schema Schema, records int) *AggregateReport {
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	word := func() string {
		parts := []string{"example", "mail", "a&b", "x<y", "q\"uote", "tab\there", "ü", "it's", "[brackets]", "d.e"}
		return pick(parts) + fmt.Sprint(rng.IntN(1000))
	}
	begin := time.Unix(1_700_000_000+rng.Int64N(1_000_000), 0).UTC()
	rep := &AggregateReport{Aggregate: Aggregate{
		Version: "1.0",
		Metadata: Metadata{
			OrgName:  word(),
			Email:    "dmarc@" + word(),
			ReportID: word(),
			Begin:    begin,
			End:      begin.Add(86399 * time.Second),
		},
		Policy: PolicyPublished{
			Domain: word() + ".example",
			P:      dmarc.Policy(pick(policies)),
			SP:     dmarc.Policy(pick(policies)),
			FO:     pick([]string{"", "0", "1", "d:s"}),
		},
	}}
	if rng.IntN(2) == 0 {
		rep.Metadata.ExtraContactInfo = "https://" + word()
		rep.Metadata.Errors = []string{word(), word()}
	}
	if rng.IntN(2) == 0 {
		rep.Policy.ADKIM = dmarc.AlignmentMode(pick([]string{"r", "s"}))
		rep.Policy.ASPF = dmarc.AlignmentMode(pick([]string{"r", "s"}))
	}
	switch schema {
	case Schema7489:
		rep.Policy.Percent, rep.Policy.HasPercent = rng.IntN(101), true
	case Schema9990:
		rep.Namespace = Namespace9990
		rep.Metadata.Generator = "domainauth " + word()
		rep.Policy.NP = dmarc.Policy(pick(policies))
		rep.Policy.Testing = pick([]string{"y", "n"})
		rep.Policy.DiscoveryMethod = pick([]string{"psl", "treewalk"})
	}
	for range records {
		var ip netip.Addr
		if rng.IntN(2) == 0 {
			ip = netip.AddrFrom4([4]byte{byte(rng.IntN(256)), byte(rng.IntN(256)), 1, 2})
		} else {
			ip = netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 15: byte(rng.IntN(256))})
		}
		r := Record{
			SourceIP:    ip,
			Count:       rng.Int64N(1 << 40),
			Disposition: dmarc.Policy(pick(policies)),
			DKIM:        Verdict(pick(verdicts)),
			SPF:         Verdict(pick(verdicts)),
			HeaderFrom:  word(),
		}
		if schema == Schema7489 || rng.IntN(2) == 0 {
			r.EnvelopeFrom = word()
		}
		if rng.IntN(3) == 0 {
			r.EnvelopeTo = word()
		}
		for range rng.IntN(3) {
			r.Reasons = append(r.Reasons, Reason{Type: Override(pick(overrides)), Comment: pick([]string{"", "arc=pass", word()})})
		}
		for range rng.IntN(3) {
			r.AuthDKIM = append(r.AuthDKIM, DKIMAuth{Domain: word(), Selector: word(), Result: dmarc.AuthResult(pick(dkimResults)), HumanResult: pick([]string{"", word()})})
		}
		for range 1 + rng.IntN(2) {
			r.AuthSPF = append(r.AuthSPF, SPFAuth{Domain: word(), Scope: pick(spfScopes), Result: dmarc.AuthResult(pick(spfResults))})
		}
		rep.Records = append(rep.Records, r)
	}
	return rep
}

func recordSeq(recs []Record) func(func(*Record) bool) {
	return func(yield func(*Record) bool) {
		for i := range recs {
			if !yield(&recs[i]) {
				return
			}
		}
	}
}

var cmpReport = []cmp.Option{
	cmp.Comparer(func(a, b netip.Addr) bool { return a == b }),
	cmpopts.IgnoreFields(Aggregate{}, "Warnings", "WarningsDropped"),
	cmpopts.EquateEmpty(),
}

// TestWriteParseRoundTrip: parse(write(x)) == x for random reports valid
// for each schema, without a warning.
func TestWriteParseRoundTrip(t *testing.T) {
	for _, schema := range []Schema{Schema7489, Schema9990} {
		for seed := range uint64(200) {
			rng := rand.New(rand.NewPCG(seed, uint64(schema)))
			want := randomReport(rng, schema, 1+rng.IntN(5))
			var buf bytes.Buffer
			if err := WriteAggregate(&buf, schema, &want.Aggregate, recordSeq(want.Records)); err != nil {
				t.Fatalf("schema %d seed %d: write: %v", schema, seed, err)
			}
			var p Parser
			got, err := p.ParseAggregate(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatalf("schema %d seed %d: parse: %v\n%s", schema, seed, err, buf.Bytes())
			}
			if diff := cmp.Diff(want, got, cmpReport...); diff != "" {
				t.Fatalf("schema %d seed %d: parse(write(x)) != x (-want +got):\n%s\n%s", schema, seed, diff, buf.Bytes())
			}
			if len(got.Warnings) > 0 {
				t.Errorf("schema %d seed %d: warnings on a valid report: %v", schema, seed, got.Warnings)
			}
		}
	}
}

// TestWriteDefaults: RFC 7489 requires sp, pct and envelope_from; the
// writer fills sp from p and pct with 100. RFC 9990 drops pct.
func TestWriteDefaults(t *testing.T) {
	hdr := &Aggregate{Policy: PolicyPublished{Domain: "example.com", P: dmarc.Reject, Percent: 50, HasPercent: true}}
	recs := []Record{{SourceIP: netip.MustParseAddr("192.0.2.1"), Count: 1, Disposition: dmarc.None, DKIM: VerdictPass, SPF: VerdictFail, HeaderFrom: "example.com"}}
	var b7, b9 bytes.Buffer
	if err := WriteAggregate(&b7, Schema7489, &Aggregate{Policy: PolicyPublished{Domain: "example.com", P: dmarc.Reject}}, recordSeq(recs)); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"<sp>reject</sp>", "<pct>100</pct>", "<envelope_from></envelope_from>", "<version>1.0</version>", "<feedback>"} {
		if !strings.Contains(b7.String(), s) {
			t.Errorf("RFC 7489 report lacks %s:\n%s", s, b7.String())
		}
	}
	if err := WriteAggregate(&b9, Schema9990, hdr, recordSeq(recs)); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"<pct>", "<sp>", "<envelope_from>"} {
		if strings.Contains(b9.String(), s) {
			t.Errorf("RFC 9990 report has %s:\n%s", s, b9.String())
		}
	}
	if !strings.Contains(b9.String(), `<feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0">`) {
		t.Errorf("RFC 9990 report without its namespace:\n%s", b9.String())
	}
	if err := WriteAggregate(&b9, Schema9990, &Aggregate{}, recordSeq(recs)); err == nil {
		t.Error("a report without p was written")
	}
	if err := WriteAggregate(&b9, Schema(9), hdr, recordSeq(recs)); err == nil {
		t.Error("an unknown schema was accepted")
	}
	if err := WriteAggregate(&b9, Schema7489, hdr, recordSeq([]Record{{Count: 1}})); err == nil {
		t.Error("a record without a source IP was written")
	}
}

// TestFileNameAndEmail checks the file name and subject of RFC 7489
// section 7.2.1.1, and that the e-mail reads back as the same report.
func TestFileNameAndEmail(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	rep := randomReport(rng, Schema9990, 3)
	rep.Policy.Domain = "example.com"
	rep.Metadata.ReportID = "r-1"
	rep.Metadata.Begin = time.Unix(1013662812, 0).UTC()
	rep.Metadata.End = time.Unix(1013749130, 0).UTC()
	if got, want := FileName("mail.receiver.example", &rep.Aggregate, "", true), "mail.receiver.example!example.com!1013662812!1013749130.xml.gz"; got != want {
		t.Errorf("FileName = %q, want %q", got, want)
	}
	if got, want := FileName("r.example", &rep.Aggregate, "u1", false), "r.example!example.com!1013662812!1013749130!u1.xml"; got != want {
		t.Errorf("FileName = %q, want %q", got, want)
	}
	e := &ReportEmail{From: "dmarc@r.example", To: "rua@example.com", Receiver: "r.example", MessageID: "m1@r.example", Date: time.Unix(1013749200, 0).UTC()}
	if got, want := e.Subject(&rep.Aggregate), "Report Domain: example.com Submitter: r.example Report-ID: <r-1>"; got != want {
		t.Errorf("Subject = %q, want %q", got, want)
	}
	var buf bytes.Buffer
	if err := WriteAggregateEmail(&buf, e, Schema9990, &rep.Aggregate, recordSeq(rep.Records)); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"Content-Type: application/gzip", "filename=r.example!example.com!1013662812!1013749130.xml.gz", "Content-Transfer-Encoding: base64", "Subject: Report Domain: example.com Submitter: r.example Report-ID: <r-1>\r\n"} {
		if !strings.Contains(buf.String(), s) {
			t.Errorf("e-mail lacks %q", s)
		}
	}
	for _, line := range strings.Split(buf.String(), "\r\n") {
		// RFC 5322 section 2.1.1: 78 SHOULD (a long file name may
		// exceed it), 998 MUST.
		if len(line) > 78 && !strings.Contains(line, "name=") || len(line) > 998 {
			t.Fatalf("line too long: %q", line)
		}
	}
	var p Parser
	var got []*AggregateReport
	err := p.Read(bytes.NewReader(buf.Bytes()), func(r *Report) error {
		if r.Kind != KindAggregate {
			t.Errorf("kind %v", r.Kind)
		}
		if r.Email == nil || r.Email.Subject != e.Subject(&rep.Aggregate) {
			t.Errorf("e-mail info %+v", r.Email)
		}
		if r.Part != "r.example!example.com!1013662812!1013749130.xml" {
			t.Errorf("part %q, want the gzip member name", r.Part)
		}
		a, err := r.Aggregate.collect()
		got = append(got, a)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("%d reports", len(got))
	}
	if diff := cmp.Diff(rep, got[0], cmpReport...); diff != "" {
		t.Errorf("report from the e-mail differs (-want +got):\n%s", diff)
	}
	bad := *e
	bad.To = "a@b\r\nBcc: x@y"
	if err := WriteAggregateEmail(&buf, &bad, Schema9990, &rep.Aggregate, recordSeq(rep.Records)); err == nil {
		t.Error("header injection accepted")
	}
	if err := WriteAggregateEmail(&buf, &ReportEmail{}, Schema9990, &rep.Aggregate, recordSeq(rep.Records)); err == nil {
		t.Error("e-mail without addresses accepted")
	}
}

// TestEmailOutsideLatin1: the gzip header holds a file name in ISO 8859-1
// only (RFC 1952), and compress/gzip fails the whole write for a name it
// cannot hold. A report for a policy domain written in its U-label
// ("例え.jp") must still go out and read back as the same report, and a
// failure of the writer must say it is the report e-mail's.
func TestEmailOutsideLatin1(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	rep := randomReport(rng, Schema9990, 2)
	rep.Policy.Domain = "例え.jp"
	e := &ReportEmail{From: "dmarc@r.example", To: "rua@example.com", Receiver: "r.example", Date: time.Unix(1013749200, 0).UTC()}
	var buf bytes.Buffer
	if err := WriteAggregateEmail(&buf, e, Schema9990, &rep.Aggregate, recordSeq(rep.Records)); err != nil {
		t.Fatal(err)
	}
	var p Parser
	n := 0
	err := p.Read(bytes.NewReader(buf.Bytes()), func(r *Report) error {
		a, err := r.Aggregate.collect()
		if err == nil && a.Policy.Domain != rep.Policy.Domain {
			t.Errorf("policy domain read back %q, want %q", a.Policy.Domain, rep.Policy.Domain)
		}
		n++
		return err
	})
	if err != nil || n != 1 {
		t.Fatalf("%d reports read back, %v", n, err)
	}
	// A fixed boundary that the text part holds would end the part there.
	bad := *e
	bad.Boundary, bad.Text = "b0und", "see\r\n--b0und\r\n"
	if err := WriteAggregateEmail(&buf, &bad, Schema9990, &rep.Aggregate, recordSeq(rep.Records)); err == nil || !strings.HasPrefix(err.Error(), "reports: ") {
		t.Errorf("a boundary inside the text: %v, want an error of reports", err)
	}
}

// TestWriteAggregateNotXMLChars: a value holding characters XML 1.0
// cannot hold is written with U+FFFD in their place (see WriteAggregate),
// so the report stays well-formed and reads back.
func TestWriteAggregateNotXMLChars(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	rep := randomReport(rng, Schema9990, 1)
	rep.Metadata.ReportID = "a\x00b\x1bc\xffd"
	var buf bytes.Buffer
	if err := WriteAggregate(&buf, Schema9990, &rep.Aggregate, recordSeq(rep.Records)); err != nil {
		t.Fatal(err)
	}
	var p Parser
	got, err := p.ParseAggregate(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("the report does not read back: %v", err)
	}
	if want := "a\uFFFDb\uFFFDc\uFFFDd"; got.Metadata.ReportID != want {
		t.Errorf("report id read back %q, want %q", got.Metadata.ReportID, want)
	}
}
