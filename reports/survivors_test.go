package reports

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// readKinds reads an e-mail with a default Parser and lists the kinds of
// the reports found in it.
func readKinds(t *testing.T, email string) (string, error) {
	t.Helper()
	var kinds []string
	err := (&Parser{}).Read(strings.NewReader(email), func(r *Report) error {
		kinds = append(kinds, r.Kind.String())
		return nil
	})
	return strings.Join(kinds, ","), err
}

// TestEmailBoundaryNeedsMultipart: only a multipart/* type with a
// boundary parameter is split into parts (RFC 2046 section 5.1.1: the
// boundary parameter belongs to multipart types). A leaf with a stray
// boundary parameter, and a multipart without one, are read as one body.
func TestEmailBoundaryNeedsMultipart(t *testing.T) {
	doc := minimal(minimalRecord)
	hdr := "From: d@r.example\nSubject: Report Domain: example.com Submitter: r.example Report-ID: <1>\nMIME-Version: 1.0\n"
	for _, ct := range []string{
		`text/xml; boundary="B"`,
		`application/xml; charset=utf-8; boundary=B`,
		`multipart/mixed`,
	} {
		t.Run(ct, func(t *testing.T) {
			kinds, err := readKinds(t, hdr+"Content-Type: "+ct+"\n\n"+doc)
			if err != nil {
				t.Fatal(err)
			}
			if kinds != "aggregate" {
				t.Errorf("kinds %q, want the aggregate report in the body", kinds)
			}
		})
	}
}

// TestFailureWithoutReportType: a multipart/report without report-type
// (Exim sends these, RFC 6522 makes report-type required) is a failure
// report unless a part carries an aggregate or TLS payload. An HTML part
// looks like XML to the sniffer but is not a report payload.
func TestFailureWithoutReportType(t *testing.T) {
	doc := minimal(minimalRecord)
	mail := func(parts ...string) string {
		s := "From: mailer-daemon@r.example\nSubject: DMARC failure report\nMIME-Version: 1.0\nContent-Type: multipart/report; boundary=\"B\"\n\n"
		for _, p := range parts {
			s += "--B\n" + p + "\n"
		}
		return s + "--B--\n"
	}
	text := "Content-Type: text/plain\n\n  Sender IP Address: 203.0.113.1\n  Sender Domain: example.com\n"
	html := "Content-Type: text/html\n\n<html><body><p>Sender IP Address: 203.0.113.1</p></body></html>"
	headers := "Content-Type: text/rfc822-headers\n\nFrom: x@example.com\nSubject: s\n"

	t.Run("text and HTML: failure", func(t *testing.T) {
		e := mail(text, html, headers)
		kinds, err := readKinds(t, e)
		if err != nil {
			t.Fatal(err)
		}
		if kinds != "failure" {
			t.Errorf("kinds %q, want failure", kinds)
		}
		fr, err := (&Parser{}).ParseFailure(strings.NewReader(e))
		if err != nil {
			t.Fatalf("ParseFailure: %v", err)
		}
		if fr.SourceIP.String() != "203.0.113.1" {
			t.Errorf("source IP %v, want 203.0.113.1 from the text part", fr.SourceIP)
		}
	})
	for name, payload := range map[string]string{
		"XML":         "Content-Type: application/xml\n\n" + doc,
		"XML as text": "Content-Type: text/plain\n\n" + doc,
	} {
		t.Run(name+" attachment: aggregate", func(t *testing.T) {
			e := mail("Content-Type: text/plain\n\nDMARC aggregate report", payload)
			kinds, err := readKinds(t, e)
			if err != nil {
				t.Fatal(err)
			}
			if kinds != "aggregate" {
				t.Errorf("kinds %q, want aggregate", kinds)
			}
			_, err = (&Parser{}).ParseFailure(strings.NewReader(e))
			if !errors.Is(err, ErrNoReport) {
				t.Errorf("ParseFailure error %v, want ErrNoReport", err)
			}
		})
	}
}

// TestReadFieldsKeepsFirstMaxFields: an ARF part with more than maxFields
// fields keeps the first maxFields, in order, and drops the rest.
func TestReadFieldsKeepsFirstMaxFields(t *testing.T) {
	var b strings.Builder
	for i := range maxFields + 5 {
		fmt.Fprintf(&b, "X-Field-%d: v%d\r\n", i, i)
	}
	got := readFields([]byte(b.String()))
	if len(got) != maxFields {
		t.Fatalf("%d fields, want maxFields (%d)", len(got), maxFields)
	}
	for _, i := range []int{0, maxFields - 1} {
		if want := (Field{Name: fmt.Sprint("X-Field-", i), Value: fmt.Sprint("v", i)}); got[i] != want {
			t.Errorf("field %d is %+v, want %+v", i, got[i], want)
		}
	}
	// Exactly maxFields fields are all kept.
	b.Reset()
	for i := range maxFields {
		fmt.Fprintf(&b, "F%d: %d\n", i, i)
	}
	if got := readFields([]byte(b.String())); len(got) != maxFields {
		t.Errorf("%d of exactly maxFields fields kept, want %d", len(got), maxFields)
	}
}

// TestMaxElementEdge: the budget of MaxElement bytes is per token and
// starts again at every token. An element text of L bytes (read with the
// "<" that ends it) needs MaxElement L+1; L fails with the MaxElement
// limit. This holds for a text late in the document, also when the fast
// scanner has handed over to encoding/xml earlier (after a text, before a
// CDATA section it does not read itself: encoding/xml then gets one byte
// more for that one token only), and with encoding/xml alone.
func TestMaxElementEdge(t *testing.T) {
	const L = 300
	for _, before := range []string{"", "<!-- c -->", "x<!-- c -->", "<extension>x<!-- c --></extension>", "<extension>x<![CDATA[y]]></extension>"} {
		doc := minimal(strings.Replace(minimalRecord, "<count>3</count>",
			"<count>3</count>"+before+"<extension>"+strings.Repeat("x", L)+"</extension>", 1))
		for _, slow := range []bool{false, true} {
			p := Parser{MaxElement: L + 1, slowXML: slow}
			if _, err := p.ParseAggregate(strings.NewReader(doc)); err != nil {
				t.Errorf("before %q, slow %v: a %d-byte text with MaxElement %d: %v", before, slow, L, L+1, err)
			}
			p.MaxElement = L
			_, err := p.ParseAggregate(strings.NewReader(doc))
			var le *LimitError
			if !errors.As(err, &le) || le.Limit != "MaxElement" {
				t.Errorf("before %q, slow %v: a %d-byte text with MaxElement %d: error %v, want the MaxElement limit", before, slow, L, L, err)
			}
		}
	}
}
