package reports

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/mail"
	"strings"
	"testing"
	"time"
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

// TestRatioGuard: a decompression bomb, gzip or zip, is refused with a
// *LimitError naming MaxRatio (decompressed/compressed size, checked
// beyond 1 MiB), while a large report that compresses as real ones do (a
// few dozen times) reads under the default limits, through gzip and zip.
func TestRatioGuard(t *testing.T) {
	var bomb bytes.Buffer
	bomb.WriteString("<feedback>")
	bomb.Write(bytes.Repeat([]byte("<extension/>"), 6<<16))
	bomb.WriteString("</feedback>")
	gzBomb := gzipBytes(t, bomb.Bytes(), "", 0)
	zipBomb := zipBytes(t, map[string][]byte{"a.xml": bomb.Bytes()})
	for name, b := range map[string][]byte{"gzip": gzBomb, "zip": zipBomb} {
		_, err := (&Parser{MaxRatio: 100}).ParseAggregate(bytes.NewReader(b))
		wantLimit(t, err, "MaxRatio")
		if _, err := (&Parser{MaxRatio: 1 << 20}).ParseAggregate(bytes.NewReader(b)); err != nil {
			t.Errorf("%s bomb with MaxRatio 2^20: %v", name, err)
		}
	}
	// The purest bomb deflate can make (8 MiB of a 4-byte pattern, about
	// 1023:1) is refused by the default MaxRatio of 1000.
	var pure bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&pure, gzip.BestCompression)
	io.WriteString(zw, "<feedback>")
	zw.Write(bytes.Repeat([]byte("<x/>"), 2<<20))
	zw.Close()
	_, err := (&Parser{}).ParseAggregate(bytes.NewReader(pure.Bytes()))
	wantLimit(t, err, "MaxRatio")

	// The ratio is checked beyond 1 MiB only (ratioFloor): a 1 MiB
	// payload reads whatever its ratio; one byte more is a bomb.
	edge := func(size int) []byte {
		const head, tail = "<feedback>", "</feedback>"
		pad := size - len(head) - len(tail)
		return gzipBytes(t, []byte(head+strings.Repeat("<x/>", pad/4)+strings.Repeat(" ", pad%4)+tail), "", 0)
	}
	if _, err := (&Parser{MaxRatio: 1}).ParseAggregate(bytes.NewReader(edge(1 << 20))); err != nil {
		t.Errorf("1 MiB payload with MaxRatio 1: %v", err)
	}
	_, err = (&Parser{MaxRatio: 1}).ParseAggregate(bytes.NewReader(edge(1<<20 + 1)))
	wantLimit(t, err, "MaxRatio")

	// A real-looking report of about 2 MiB: every record differs.
	var recs strings.Builder
	const n = 8000
	for i := range n {
		fmt.Fprintf(&recs, "<record><row><source_ip>10.%d.%d.%d</source_ip><count>%d</count><policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>fail</spf></policy_evaluated></row><identifiers><header_from>h%d.example.com</header_from></identifiers><auth_results><spf><domain>s%d.example.net</domain><result>pass</result></spf></auth_results></record>\n",
			i>>16&255, i>>8&255, i&255, i*7919%1000+1, i*31%977, i*17%983)
	}
	doc := []byte(minimal(recs.String()))
	if len(doc) < 1<<20 {
		t.Fatalf("report of %d bytes, want more than 1 MiB", len(doc))
	}
	for name, b := range map[string][]byte{"gzip": gzipBytes(t, doc, "", 0), "zip": zipBytes(t, map[string][]byte{"a.xml": doc})} {
		rep, err := (&Parser{}).ParseAggregate(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s of a %d-byte report (%d:1): %v", name, len(doc), len(doc)/len(b), err)
		}
		if got := len(rep.Records); got != n {
			t.Errorf("%s: %d records, want %d", name, got, n)
		}
	}
}

// endless is a decompressor that never ends.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

// TestBoundReaderStopsAtLimit: MaxDecompressed bounds the bytes taken
// from a decompressor, not only the bytes kept: one read with a large
// buffer takes at most one byte past the limit (to tell "exactly at the
// limit" from "over it") and then fails with the limit.
func TestBoundReaderStopsAtLimit(t *testing.T) {
	b := &boundReader{r: endless{}, fixedIn: 1, max: 100, ratio: 1 << 40}
	buf := make([]byte, 4096)
	n, err := b.Read(buf)
	if n > 101 {
		t.Errorf("one read took %d bytes with MaxDecompressed 100, want at most 101", n)
	}
	var le *LimitError
	for err == nil {
		n, err = b.Read(buf)
		if n > 1 {
			t.Fatalf("a read past the limit took %d bytes", n)
		}
	}
	if !errors.As(err, &le) || le.Limit != "MaxDecompressed" {
		t.Errorf("error %v, want the MaxDecompressed limit", err)
	}
	if b.out > 101 {
		t.Errorf("%d bytes decompressed in all, want at most 101", b.out)
	}
}

// TestDefaultMaxAttachments: the documented default of MaxAttachments is
// 64 members of one zip archive.
func TestDefaultMaxAttachments(t *testing.T) {
	doc := []byte(minimal(minimalRecord))
	members := func(n int) map[string][]byte {
		m := map[string][]byte{}
		for i := range n {
			m[fmt.Sprint(i, ".xml")] = doc
		}
		return m
	}
	if _, err := (&Parser{}).ParseAggregate(bytes.NewReader(zipBytes(t, members(64)))); err != nil {
		t.Fatalf("64 members with the default MaxAttachments: %v", err)
	}
	_, err := (&Parser{}).ParseAggregate(bytes.NewReader(zipBytes(t, members(65))))
	wantLimit(t, err, "MaxAttachments")
}

// TestReportEmailIsMIME: the written report e-mail declares MIME
// (RFC 2045 section 4: a MIME message carries "MIME-Version: 1.0"), as its
// multipart body and attachment need.
func TestReportEmailIsMIME(t *testing.T) {
	rep := randomReport(rand.New(rand.NewPCG(3, 4)), Schema9990, 2)
	e := &ReportEmail{From: "dmarc@r.example", To: "rua@example.com", Receiver: "r.example", Date: time.Unix(1013749200, 0).UTC()}
	var buf bytes.Buffer
	if err := WriteAggregateEmail(&buf, e, Schema9990, &rep.Aggregate, recordSeq(rep.Records)); err != nil {
		t.Fatal(err)
	}
	m, err := mail.ReadMessage(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if v := m.Header.Get("MIME-Version"); v != "1.0" {
		t.Errorf("MIME-Version %q, want 1.0", v)
	}
	if ct := m.Header.Get("Content-Type"); !strings.HasPrefix(ct, "multipart/mixed") {
		t.Errorf("Content-Type %q, want multipart/mixed", ct)
	}
}

// TestFailureOriginalHeaderReadable: the reported message's header is read
// as far as it goes: a bad line after good fields keeps the fields read
// before it; only a header of which nothing could be read is reported as
// unreadable (a warning).
func TestFailureOriginalHeaderReadable(t *testing.T) {
	mail := func(headers string) string {
		return "Subject: s\nContent-Type: multipart/report; report-type=feedback-report; boundary=b\n\n" +
			"--b\nContent-Type: message/feedback-report\n\nFeedback-Type: auth-failure\nVersion: 1\nAuth-Failure: dmarc\nReported-Domain: example.com\n\n" +
			"--b\nContent-Type: text/rfc822-headers\n\n" + headers + "\n--b--\n"
	}
	unreadable := func(fr *FailureReport) bool {
		for _, w := range fr.Warnings {
			if strings.Contains(w.Message, "header unreadable") {
				return true
			}
		}
		return false
	}
	fr, err := (&Parser{}).ParseFailure(strings.NewReader(mail("Subject: the original\nnot a header line\nFrom: x@example.com\n")))
	if err != nil {
		t.Fatal(err)
	}
	if fr.OriginalSubject != "the original" || unreadable(fr) {
		t.Errorf("subject %q, warnings %+v; want the subject read before the bad line, no unreadable warning", fr.OriginalSubject, fr.Warnings)
	}
	fr, err = (&Parser{}).ParseFailure(strings.NewReader(mail("not a header line\nSubject: after\n")))
	if err != nil {
		t.Fatal(err)
	}
	if !unreadable(fr) {
		t.Errorf("warnings %+v, want the header reported unreadable", fr.Warnings)
	}
}
