package reports

import (
	"bytes"
	"errors"
	"io"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestSniff: the format comes from the first bytes only.
func TestSniff(t *testing.T) {
	tests := []struct {
		in   string
		want format
	}{
		{"PK\x03\x04rest", formatZip},
		{"PK\x05\x06", formatZip},
		{"\x1f\x8b\x08", formatGzip},
		{"\x1f", formatUnknown},
		{"  \n<feedback>", formatXML},
		{"\xef\xbb\xbf<?xml", formatXML},
		{"\r\n{\"a\":1}", formatJSON},
		{"From someone Mon Jan  1 00:00:00 2024\n", formatEmail},
		{"Received: from x\n", formatEmail},
		{"X-Header:1", formatEmail},
		{":no name", formatUnknown},
		{"no colon at all", formatUnknown},
		{"Bad Name: x", formatUnknown},    // a space ends the name
		{"Bad\x7fName: x", formatUnknown}, // DEL is not in a field name
		{"Bad\x80: x", formatUnknown},
		{"~: x", formatEmail},
	}
	for _, tt := range tests {
		if got := sniff([]byte(tt.in)); got != tt.want {
			t.Errorf("sniff(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

// TestIsHeaderLine: a quoted header starts with a field name: printable
// characters other than space, then a colon.
func TestIsHeaderLine(t *testing.T) {
	for in, want := range map[string]bool{
		"Received: from x": true,
		"X-A:b":            true,
		"Sender IP: 1.2":   false,
		"\tcontinued: x":   false,
		"no colon":         false,
		": empty name":     false,
		"Bad\x7f: x":       false,
	} {
		if got := isHeaderLine(in); got != want {
			t.Errorf("isHeaderLine(%q) = %v, want %v", in, got, want)
		}
	}
}

// TestByteInputRead: an empty read consumes nothing; a read takes one
// byte at a time.
func TestByteInputRead(t *testing.T) {
	b := newByteInput(strings.NewReader("ab"), 10, 10)
	if n, err := b.Read(nil); n != 0 || err != nil {
		t.Fatalf("empty read: %d, %v", n, err)
	}
	p := make([]byte, 4)
	if n, err := b.Read(p); n != 1 || err != nil || p[0] != 'a' {
		t.Fatalf("read: %d %v %q", n, err, p[:n])
	}
	if n, _ := b.Read(p); n != 1 || p[0] != 'b' {
		t.Fatalf("second read: %d %q", n, p[:n])
	}
	if _, err := b.Read(p); err != io.EOF {
		t.Fatalf("at the end: %v", err)
	}
}

// TestLatin1Reader: each byte becomes its code point in UTF-8; a buffer
// too short for a two-byte character is refused.
func TestLatin1Reader(t *testing.T) {
	l := &latin1Reader{r: strings.NewReader("a\xe9")}
	if _, err := l.Read(make([]byte, 1)); err != io.ErrShortBuffer {
		t.Errorf("1-byte buffer: %v, want io.ErrShortBuffer", err)
	}
	out, err := io.ReadAll(&latin1Reader{r: strings.NewReader("a\xe9\xff")})
	if err != nil || string(out) != "aéÿ" {
		t.Errorf("got %q, %v", out, err)
	}
}

// TestTLSFailureSumWarning: one failure detail whose count differs from
// the policy total is worth a warning, as several are.
func TestTLSFailureSumWarning(t *testing.T) {
	doc := `{"organization-name":"o","report-id":"r","date-range":{"start-datetime":"2024-01-01T00:00:00Z","end-datetime":"2024-01-02T00:00:00Z"},
"policies":[{"policy":{"policy-type":"sts","policy-domain":"example.com"},"summary":{"total-successful-session-count":1,"total-failure-session-count":1},
"failure-details":[{"result-type":"certificate-expired","failed-session-count":2}]}]}`
	tr, err := (&Parser{}).ParseTLS(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if !hasWarning(tr.Warnings, "policies[0]") {
		t.Errorf("no warning for 2 failed sessions against a total of 1: %v", tr.Warnings)
	}
	ok := strings.Replace(doc, `"failed-session-count":2`, `"failed-session-count":1`, 1)
	tr, err = (&Parser{}).ParseTLS(strings.NewReader(ok))
	if err != nil || len(tr.Warnings) > 0 {
		t.Errorf("consistent report: %v, warnings %v", err, tr.Warnings)
	}
	if _, err := (&Parser{}).ParseTLS(strings.NewReader(`{"a":1}`)); err == nil {
		t.Error("JSON without report fields read as a TLS report")
	}
	if _, err := (&Parser{}).ParseTLS(strings.NewReader(`{"policies":[{"summary":{"total-successful-session-count":"x"}}]}`)); err == nil {
		t.Error("a count that is a string was accepted")
	}
}

// TestEmailDefaultText: the report e-mail has a human-readable part even
// when none is given.
func TestEmailDefaultText(t *testing.T) {
	hdr := &Aggregate{Policy: PolicyPublished{Domain: "example.com", P: "none"}}
	var buf bytes.Buffer
	e := &ReportEmail{From: "a@r.example", To: "b@example.com", Receiver: "r.example"}
	if err := WriteAggregateEmail(&buf, e, Schema7489, hdr, recordSeq(nil)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "This is an aggregate report from r.example for example.com.") {
		t.Errorf("no default text:\n%s", buf.String())
	}
	bad := *e
	bad.Boundary = "bad boundary\x00"
	if err := WriteAggregateEmail(&bytes.Buffer{}, &bad, Schema7489, hdr, recordSeq(nil)); err == nil {
		t.Error("an invalid boundary was accepted")
	}
	e.Boundary = "fixed-1"
	e.Text = "Custom words."
	buf.Reset()
	WriteAggregateEmail(&buf, e, Schema7489, hdr, recordSeq(nil))
	if !strings.Contains(buf.String(), "Custom words.") || strings.Contains(buf.String(), "This is an aggregate report") || !strings.Contains(buf.String(), `boundary="fixed-1"`) {
		t.Errorf("custom text not used:\n%s", buf.String())
	}
}

// TestTruncatedEverywhere: a report cut inside any part of it is a syntax
// error with a position, never io.EOF or a partial report.
func TestTruncatedEverywhere(t *testing.T) {
	doc := minimal(minimalRecord)
	for _, cut := range []string{"<org_name>r.ex", "<date_range><begin>17", "<date_range>", "<policy_published><domain>", "<report_metadata>", "<row><source_ip>192", "<policy_evaluated>"} {
		i := strings.Index(doc, cut)
		if i < 0 {
			t.Fatalf("no %q", cut)
		}
		in := doc[:i+len(cut)]
		_, err := (&Parser{}).ParseAggregate(strings.NewReader(in))
		var e *SyntaxError
		if !errors.As(err, &e) || !errors.Is(err, ErrMalformed) || e.Line == 0 {
			t.Errorf("cut after %q: error %v, want a syntax *SyntaxError with a line", cut, err)
		}
	}
	// Inside an element the parser skips.
	_, err := (&Parser{}).ParseAggregate(strings.NewReader("<feedback><extension><a>"))
	if !errors.Is(err, ErrMalformed) {
		t.Errorf("cut in <extension>: %v", err)
	}
	// An end tag that closes nothing, after the root.
	_, err = (&Parser{}).ParseAggregate(strings.NewReader(doc + "</x>"))
	if !errors.Is(err, ErrMalformed) {
		t.Errorf("stray end tag after the root: %v", err)
	}
}

// TestMerge: merging per-report summarizers gives what one summarizer
// over all records gives.
func TestMerge(t *testing.T) {
	r1 := report("a.example", "d@a.example", "1", "example.com", 1_700_000_000, rec("192.0.2.1", 5, VerdictPass, VerdictPass), rec("192.0.2.2", 2, VerdictFail, VerdictFail, OverrideForwarded))
	r2 := report("a.example", "d@a.example", "2", "example.com", 1_700_086_400, rec("192.0.2.2", 4, VerdictFail, VerdictFail))
	r3 := report("b.example", "d@b.example", "3", "other.example", 1_700_000_000, rec("192.0.2.9", 1, VerdictFail, VerdictFail))
	var all, merged Summarizer
	for _, r := range []*AggregateReport{r1, r2, r3} {
		var one Summarizer
		for i := range r.Records {
			all.Add(&r.Aggregate, &r.Records[i])
			one.Add(&r.Aggregate, &r.Records[i])
		}
		merged.Merge(&one)
	}
	want, got := all.Summaries(), merged.Summaries()
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
		t.Errorf("merged differs (-one +merged):\n%s", diff)
	}
	if got[0].Messages != 11 || got[0].Reporters[0].Reports != 2 {
		t.Errorf("merged: %+v", got[0])
	}
}

// TestReadFieldsStopsAtBlankLine: the ARF fields end at the first blank
// line; text after it is not a field.
func TestReadFieldsStopsAtBlankLine(t *testing.T) {
	f := readFields([]byte("\r\nFeedback-Type: auth-failure\r\nAuthentication-Results: mx;\r\n dmarc=fail\r\n\r\nNot-A-Field: x\r\n"))
	if len(f) != 2 || f[1].Value != "mx; dmarc=fail" {
		t.Errorf("fields %+v", f)
	}
}

func TestUnfoldHeader(t *testing.T) {
	for in, want := range map[string]string{
		"a":                "a",
		" a b ":            "a b",
		"a\r\n b":          "a b",
		"a\r\n\t b\r\n  c": "a b c",
		"a\n b":            "a b",
	} {
		if got := unfoldHeader(in); got != want {
			t.Errorf("unfoldHeader(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestWriteAggregateGolden pins the layout of a written report.
func TestWriteAggregateGolden(t *testing.T) {
	hdr := &Aggregate{
		Metadata: Metadata{OrgName: "r.example", Email: "d@r.example", ExtraContactInfo: "https://r.example/dmarc", ReportID: "1", Begin: time.Unix(1700000000, 0), End: time.Unix(1700086399, 0), Errors: []string{"e1"}},
		Policy:   PolicyPublished{Domain: "example.com", P: "reject", ADKIM: "s", FO: "1"},
	}
	recs := []Record{{SourceIP: netip.MustParseAddr("192.0.2.1"), Count: 2, Disposition: "none", DKIM: VerdictPass, SPF: VerdictFail,
		Reasons: []Reason{{Type: OverrideLocalPolicy, Comment: "arc=pass"}}, HeaderFrom: "example.com",
		AuthDKIM: []DKIMAuth{{Domain: "example.com", Selector: "s", Result: "pass"}}, AuthSPF: []SPFAuth{{Domain: "b.example", Scope: "mfrom", Result: "fail"}}}}
	var buf bytes.Buffer
	if err := WriteAggregate(&buf, Schema7489, hdr, recordSeq(recs)); err != nil {
		t.Fatal(err)
	}
	want := `<?xml version="1.0" encoding="UTF-8"?>
<feedback>
  <version>1.0</version>
  <report_metadata>
    <org_name>r.example</org_name>
    <email>d@r.example</email>
    <extra_contact_info>https://r.example/dmarc</extra_contact_info>
    <report_id>1</report_id>
    <date_range>
      <begin>1700000000</begin>
      <end>1700086399</end>
    </date_range>
    <error>e1</error>
  </report_metadata>
  <policy_published>
    <domain>example.com</domain>
    <adkim>s</adkim>
    <p>reject</p>
    <sp>reject</sp>
    <pct>100</pct>
    <fo>1</fo>
  </policy_published>
  <record>
    <row>
      <source_ip>192.0.2.1</source_ip>
      <count>2</count>
      <policy_evaluated>
        <disposition>none</disposition>
        <dkim>pass</dkim>
        <spf>fail</spf>
        <reason>
          <type>local_policy</type>
          <comment>arc=pass</comment>
        </reason>
      </policy_evaluated>
    </row>
    <identifiers>
      <envelope_from></envelope_from>
      <header_from>example.com</header_from>
    </identifiers>
    <auth_results>
      <dkim>
        <domain>example.com</domain>
        <selector>s</selector>
        <result>pass</result>
      </dkim>
      <spf>
        <domain>b.example</domain>
        <scope>mfrom</scope>
        <result>fail</result>
      </spf>
    </auth_results>
  </record>
</feedback>
`
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

// TestWriteAggregateGolden9990 pins the RFC 9990 policy_published layout.
func TestWriteAggregateGolden9990(t *testing.T) {
	hdr := &Aggregate{
		Metadata: Metadata{Generator: "g"},
		Policy:   PolicyPublished{Domain: "example.com", DiscoveryMethod: "treewalk", P: "reject", SP: "none", NP: "quarantine", ADKIM: "r", ASPF: "s", Testing: "n", FO: "0"},
	}
	var buf bytes.Buffer
	if err := WriteAggregate(&buf, Schema9990, hdr, recordSeq(nil)); err != nil {
		t.Fatal(err)
	}
	want := `    <generator>g</generator>
  </report_metadata>
  <policy_published>
    <domain>example.com</domain>
    <discovery_method>treewalk</discovery_method>
    <p>reject</p>
    <sp>none</sp>
    <np>quarantine</np>
    <adkim>r</adkim>
    <aspf>s</aspf>
    <testing>n</testing>
    <fo>0</fo>
  </policy_published>
</feedback>
`
	if !strings.HasSuffix(buf.String(), want) {
		t.Errorf("got\n%s\nwant the end\n%s", buf.String(), want)
	}
}

// TestTLSMXHost: mx-host is a string in RFC 8460 and a list in some
// reports; anything else is a warning.
func TestTLSMXHost(t *testing.T) {
	for _, tt := range []struct {
		mx   string
		want string
		warn bool
	}{
		{`"mx.example"`, "mx.example", false},
		{`["a.example","b.example"]`, "a.example,b.example", false},
		{`7`, "", true},
		{`null`, "", false},
	} {
		doc := `{"organization-name":"o","report-id":"r","date-range":{"start-datetime":"2024-01-01T00:00:00Z","end-datetime":"2024-01-02T00:00:00Z"},"policies":[{"policy":{"policy-type":"sts","mx-host":` + tt.mx + `}}]}`
		tr, err := (&Parser{}).ParseTLS(strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(tr.Policies[0].MXHosts, ","); got != tt.want || hasWarning(tr.Warnings, "mx-host") != tt.warn {
			t.Errorf("mx-host %s: %q, warnings %v", tt.mx, got, tr.Warnings)
		}
	}
}

// TestTLSSyntaxPosition: a JSON syntax error names its line and column.
func TestTLSSyntaxPosition(t *testing.T) {
	_, err := (&Parser{}).ParseTLS(strings.NewReader("{\n  \"organization-name\": ,\n}"))
	var e *SyntaxError
	if !errors.As(err, &e) || !errors.Is(err, ErrMalformed) || e.Line != 2 {
		t.Errorf("error %v, want a syntax error on line 2", err)
	}
	_, err = (&Parser{}).ParseTLS(strings.NewReader("{\"policies\": 5}"))
	if !errors.As(err, &e) || !errors.Is(err, ErrInvalid) || e.Line != 1 {
		t.Errorf("error %v, want an invalid-report error on line 1", err)
	}
}

func TestSmallParsers(t *testing.T) {
	if f := readFields([]byte("A: 1\n\nB: 2\n")); len(f) != 1 {
		t.Errorf("fields after the blank line read: %+v", f)
	}
	for in, want := range map[string]int{"\n\r\nbody": 1, "a: b\n\nbody": 5, "a: b\r\n\r\nbody": 6, "no end": -1} {
		if got := headerEnd([]byte(in)); got != want {
			t.Errorf("headerEnd(%q) = %d, want %d", in, got, want)
		}
	}
	for in, want := range map[string]bool{"Sender IP Address": true, "Received-date": true, "x1": false, "a_b": false, "[x]": false} {
		if got := isTextKey(in); got != want {
			t.Errorf("isTextKey(%q) = %v, want %v", in, got, want)
		}
	}
	var buf bytes.Buffer
	err := WriteAggregate(&buf, Schema7489, &Aggregate{Policy: PolicyPublished{P: "none"}}, recordSeq([]Record{{SourceIP: netip.MustParseAddr("192.0.2.1")}, {}}))
	if err == nil || !strings.Contains(err.Error(), "record 2 has no source IP") {
		t.Errorf("error %v, want one naming record 2", err)
	}
}
