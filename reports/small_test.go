package reports

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestSmallPieces(t *testing.T) {
	r := rec("192.0.2.1", 1, VerdictFail, VerdictPass)
	if !r.MessagesPassed() {
		t.Error("SPF pass: not passed")
	}
	r.SPF = VerdictFail
	if r.MessagesPassed() {
		t.Error("both fail: passed")
	}
	for k, want := range map[Kind]string{KindAggregate: "aggregate", KindFailure: "failure", KindTLS: "smtp_tls", Kind(9): "Kind(9)"} {
		if k.String() != want {
			t.Errorf("Kind %d = %q", k, k.String())
		}
	}
	for f, want := range map[format]string{formatXML: "XML", formatJSON: "JSON", formatGzip: "gzip", formatZip: "zip", formatEmail: "an e-mail", formatUnknown: "unknown content"} {
		if f.String() != want {
			t.Errorf("format %d = %q", f, f.String())
		}
	}
	if got := (Warning{Line: 3, Path: "a/b", Message: "m"}).String(); got != "line 3: a/b: m" {
		t.Errorf("Warning = %q", got)
	}
	if got := (Warning{Path: "a", Message: "m"}).String(); got != "a: m" {
		t.Errorf("Warning = %q", got)
	}
	for _, tt := range []struct {
		m    Metadata
		want string
	}{
		{Metadata{OrgName: "o", Email: "x@y"}, "o"},
		{Metadata{Email: "x@y.example"}, "y.example"},
		{Metadata{Email: "<x@y.example>"}, "y.example"},
		{Metadata{Email: "nobody"}, "nobody"},
	} {
		if got := ReporterName(&tt.m); got != tt.want {
			t.Errorf("ReporterName(%+v) = %q, want %q", tt.m, got, tt.want)
		}
	}
	for _, tt := range []struct{ a, b, q int64 }{{7, 2, 3}, {-7, 2, -4}, {-8, 2, -4}, {0, 5, 0}} {
		if got := floorDiv(tt.a, tt.b); got != tt.q {
			t.Errorf("floorDiv(%d, %d) = %d, want %d", tt.a, tt.b, got, tt.q)
		}
	}
	if mt, _ := mediaType(""); mt != "text/plain" {
		t.Errorf("no Content-Type: %q", mt)
	}
	if mt, _ := mediaType("Application/GZIP; name=\"unterminated"); mt != "application/gzip" {
		t.Errorf("broken Content-Type: %q", mt)
	}
	if mt, p := mediaType(`multipart/report; report-type=feedback-report; boundary="b"`); mt != "multipart/report" || p["boundary"] != "b" {
		t.Errorf("multipart: %q %v", mt, p)
	}
}

func TestAggregateReaderAccessors(t *testing.T) {
	ar, err := (&Parser{}).NewAggregateReader(strings.NewReader(minimal(minimalRecord + minimalRecord)))
	if err != nil {
		t.Fatal(err)
	}
	if !ar.Next() || ar.Count() != 1 || ar.Record().Count != 3 || ar.Report().Policy.Domain != "example.com" {
		t.Fatalf("first record: %d %+v", ar.Count(), ar.Record())
	}
	n := 0
	for range ar.Records() {
		n++
		break
	}
	if n != 1 || ar.Count() != 2 {
		t.Errorf("iterator stopped early: %d, count %d", n, ar.Count())
	}
	if ar.Next() || ar.Err() != nil {
		t.Errorf("after the last record: %v", ar.Err())
	}
	if ar.Next() {
		t.Error("Next after the end")
	}
	if _, err := (&Parser{}).NewAggregateReader(strings.NewReader(`{"a":1}`)); err == nil {
		t.Error("JSON read as an aggregate report")
	}
	if _, err := (&Parser{}).ParseTLS(strings.NewReader(`<feedback/>`)); err == nil {
		t.Error("XML read as a TLS report")
	}
}

// TestFailureOddValues: unreadable Source-IP and Arrival-Date are
// warnings, not errors.
func TestFailureOddValues(t *testing.T) {
	mail := "Subject: s\nContent-Type: multipart/report; report-type=feedback-report; boundary=b\n\n--b\nContent-Type: message/feedback-report\n\nFeedback-Type: auth-failure\nVersion: 1\nAuth-Failure: dmarc\nSource-IP: not-an-ip\nArrival-Date: yesterday\nReported-Domain: example.com\nDelivery-Result: bounced\nSource-IP: 192.0.2.1\n\n--b--\n"
	fr, err := (&Parser{}).ParseFailure(strings.NewReader(mail))
	if err != nil {
		t.Fatal(err)
	}
	if fr.SourceIP.IsValid() || !fr.Arrival.IsZero() || fr.ArrivalDate != "yesterday" {
		t.Errorf("source %v arrival %v %q", fr.SourceIP, fr.Arrival, fr.ArrivalDate)
	}
	for _, w := range []string{"Source-IP", "Arrival-Date", "Delivery-Result"} {
		if !hasWarning(fr.Warnings, w) {
			t.Errorf("no warning for %s: %v", w, fr.Warnings)
		}
	}
	if hasWarning(fr.Warnings, "Version") || hasWarning(fr.Warnings, "Auth-Failure") || hasWarning(fr.Warnings, "Feedback-Type") {
		t.Errorf("warnings on valid fields: %v", fr.Warnings)
	}
	if _, err := (&Parser{}).ParseFailure(strings.NewReader("")); err == nil {
		t.Error("empty input read as a failure report")
	}
	if _, err := (&Parser{}).ParseFailure(strings.NewReader("Subject: s\nContent-Type: text/plain\n\nhello\n")); err == nil {
		t.Error("a plain message read as a failure report")
	}
	// TLS reports: unreadable dates and addresses are warnings.
	tr, err := (&Parser{}).ParseTLS(strings.NewReader(`{"organization-name":"o","date-range":{"start-datetime":"1 April"},"policies":[{"policy":{"policy-type":"odd"},"failure-details":[{"sending-mta-ip":"x","receiving-ip":"::ffff:192.0.2.1"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"start-datetime", "end-datetime", "report-id", "policy-type", "sending-mta-ip"} {
		if !hasWarning(tr.Warnings, w) {
			t.Errorf("no TLS warning for %s: %v", w, tr.Warnings)
		}
	}
	if ip := tr.Policies[0].Failures[0].ReceivingIP.String(); ip != "192.0.2.1" {
		t.Errorf("receiving-ip %s, want unmapped", ip)
	}
	if !tr.Start.IsZero() {
		t.Error("unreadable start kept")
	}
}

func TestErrorString(t *testing.T) {
	for _, tt := range []struct {
		e    *SyntaxError
		want string
	}{
		{&SyntaxError{Offset: 0, Err: ErrEmpty}, "reports: offset 0: empty input"},
		{&SyntaxError{Offset: -1, Err: ErrEmpty}, "reports: empty input"},
		{&SyntaxError{Part: "a.xml", Line: 2, Column: 5, Offset: 9, Err: ErrMalformed}, `reports: "a.xml": line 2, column 5: malformed report`},
	} {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

// TestTextAcrossComments: an element's text split by a comment is read
// whole.
func TestTextAcrossComments(t *testing.T) {
	doc := strings.Replace(minimal(minimalRecord), "<org_name>r.example</org_name>", "<org_name>r.<!-- c -->exa<!-- d -->mple</org_name>", 1)
	doc = strings.Replace(doc, "<header_from>example.com", "<header_from>exa<!-- c -->mple.com", 1)
	rep, err := (&Parser{}).ParseAggregate(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Metadata.OrgName != "r.example" || rep.Records[0].HeaderFrom != "example.com" {
		t.Errorf("org_name %q, header_from %q", rep.Metadata.OrgName, rep.Records[0].HeaderFrom)
	}
}

// TestAttachmentNames: the part name comes from Content-Disposition's
// filename, else Content-Type's name, when the gzip member has none.
func TestAttachmentNames(t *testing.T) {
	gz := gzipBytes(t, []byte(minimal(minimalRecord)), "", 0)
	b64 := base64.StdEncoding.EncodeToString(gz)
	for _, tt := range []struct{ headers, want string }{
		{"Content-Type: application/gzip\nContent-Disposition: attachment; filename=\"disp.xml.gz\"", "disp.xml.gz"},
		{"Content-Type: application/gzip; name=\"ct.xml.gz\"", "ct.xml.gz"},
		{"Content-Type: application/gzip; name=\"ct.xml.gz\"\nContent-Disposition: attachment; filename=\"disp.xml.gz\"", "disp.xml.gz"},
	} {
		mail := "From: a@b\nContent-Type: multipart/mixed; boundary=B\n\n--B\n" + tt.headers + "\nContent-Transfer-Encoding: base64\n\n" + b64 + "\n--B--\n"
		var part string
		err := (&Parser{}).Read(strings.NewReader(mail), func(r *Report) error { part = r.Part; return nil })
		if err != nil || part != tt.want {
			t.Errorf("%q: part %q, %v; want %q", tt.headers, part, err, tt.want)
		}
	}
}

func TestFailureVersionWarning(t *testing.T) {
	mail := "Subject: s\nContent-Type: multipart/report; report-type=feedback-report; boundary=b\n\n--b\nContent-Type: message/feedback-report\n\nFeedback-Type: auth-failure\nVersion: 1.0\nAuth-Failure: dmarc\nReported-Domain: example.com\n\n--b--\n"
	fr, err := (&Parser{}).ParseFailure(strings.NewReader(mail))
	if err != nil {
		t.Fatal(err)
	}
	if !hasWarning(fr.Warnings, "Version") {
		t.Errorf("Version 1.0 without a warning: %v", fr.Warnings)
	}
}
