package reports

import (
	"bytes"
	"io"
	"strings"
	"testing"
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
	e.Text = "Custom words."
	buf.Reset()
	WriteAggregateEmail(&buf, e, Schema7489, hdr, recordSeq(nil))
	if !strings.Contains(buf.String(), "Custom words.") || strings.Contains(buf.String(), "This is an aggregate report") {
		t.Errorf("custom text not used:\n%s", buf.String())
	}
}
