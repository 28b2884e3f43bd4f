package reports

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// addCorpus seeds f with every file of the shared corpus whose name
// matches, when the corpus is present.
func addCorpus(f *testing.F, match func(path string) bool) {
	filepath.WalkDir(corpusDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !match(path) {
			return nil
		}
		// Large files make slow fuzz inputs; the small samples cover
		// the same grammar.
		if b, err := os.ReadFile(path); err == nil && len(b) <= 64<<10 {
			f.Add(b)
		}
		return nil
	})
}

// fuzzParser has small limits so that the fuzzer reaches them.
var fuzzParser = Parser{MaxDecompressed: 1 << 20, MaxInput: 1 << 20, MaxElement: 4096, MaxRecords: 1000, MaxAttachments: 16, MaxNesting: 4, MaxDepth: 16, MaxWarnings: 50}

// checkErr asserts that a parse error is a *SyntaxError with a known sentinel.
func checkErr(t *testing.T, err error) {
	t.Helper()
	var e *SyntaxError
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *reports.SyntaxError", err, err)
	}
	for _, s := range []error{ErrEmpty, ErrUnknownFormat, ErrNoReport, ErrMalformed, ErrInvalid, ErrLimit} {
		if errors.Is(err, s) {
			return
		}
	}
	t.Fatalf("error %v wraps no sentinel", err)
}

// FuzzAggregate: any input gives a report or a *SyntaxError, never a panic;
// and a report read back from what WriteAggregate wrote is a fixed point:
// write(parse(write(parse(x)))) == write(parse(x)).
func FuzzAggregate(f *testing.F) {
	f.Add([]byte(minimal(minimalRecord)))
	f.Add([]byte(`<feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0"><version>1.0</version>` + minimalHeader + minimalRecord + `</feedback>`))
	f.Add([]byte(`<xs:schema><feedback>` + minimalHeader + minimalRecord + `</feedback></xs:schema>`))
	f.Add([]byte("<feedback><record><row><source_ip>::1</source_ip><count>1</count></row></record></feedback>"))
	addCorpus(f, func(p string) bool {
		return filepath.Ext(p) == ".xml" || filepath.Ext(p) == ".gz" || filepath.Ext(p) == ".zip"
	})
	f.Fuzz(func(t *testing.T, data []byte) {
		p := fuzzParser
		p.Recover = len(data)%2 == 1
		rep, err := p.ParseAggregate(bytes.NewReader(data))
		if err != nil {
			checkErr(t, err)
			return
		}
		if len(rep.Records) > p.MaxRecords || len(rep.Warnings) > p.MaxWarnings {
			t.Fatalf("%d records, %d warnings: over the limits", len(rep.Records), len(rep.Warnings))
		}
		if rep.Policy.P == "" {
			return // not writable
		}
		schema := Schema7489
		if rep.Namespace == Namespace9990 {
			schema = Schema9990
		}
		var w1 bytes.Buffer
		if err := WriteAggregate(&w1, schema, &rep.Aggregate, recordSeq(rep.Records)); err != nil {
			return
		}
		big := Parser{MaxElement: 1 << 20}
		rep2, err := big.ParseAggregate(bytes.NewReader(w1.Bytes()))
		if err != nil {
			t.Fatalf("cannot read what was written: %v\n%s", err, w1.Bytes())
		}
		var w2 bytes.Buffer
		if err := WriteAggregate(&w2, schema, &rep2.Aggregate, recordSeq(rep2.Records)); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(w1.Bytes(), w2.Bytes()) {
			t.Fatalf("not a fixed point:\n%s\n---\n%s", w1.Bytes(), w2.Bytes())
		}
	})
}

// FuzzRead: the container sniffing and MIME walk survive any input.
func FuzzRead(f *testing.F) {
	f.Add([]byte("From: a@b\nContent-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: application/gzip\nContent-Transfer-Encoding: base64\n\nH4sIAAAAAAAA/7IpTs0rS8zJT0nVyU0syYgrSE0uSk1RyM9TyEhNTM7JzEvXyMsvz+NKTMnPTVUoyUhVyMvMS1UoSizKzEsHAAAA//8DAA==\n--x--\n"))
	f.Add([]byte("From d Mon Jan  1 00:00:00 2024\nSubject: s\nContent-Type: multipart/report; report-type=feedback-report; boundary=b\n\n--b\nContent-Type: message/feedback-report\n\nFeedback-Type: auth-failure\nSource-IP: 192.0.2.1\n\n--b--\n"))
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff})
	f.Add([]byte("PK\x03\x04"))
	addCorpus(f, func(string) bool { return true })
	f.Fuzz(func(t *testing.T, data []byte) {
		p := fuzzParser
		n := 0
		err := p.Read(bytes.NewReader(data), func(r *Report) error {
			n++
			switch r.Kind {
			case KindAggregate:
				if r.Aggregate == nil {
					t.Fatal("aggregate report without a reader")
				}
				for range r.Aggregate.Records() {
				}
			case KindFailure:
				if r.Failure == nil {
					t.Fatal("failure report without a value")
				}
			case KindTLS:
				if r.TLS == nil {
					t.Fatal("TLS report without a value")
				}
			default:
				t.Fatalf("kind %v", r.Kind)
			}
			return nil
		})
		if err != nil {
			checkErr(t, err)
		}
		if n > p.MaxAttachments {
			t.Fatalf("%d reports from one input, over MaxAttachments", n)
		}
	})
}

// FuzzTLS: any JSON gives a TLS report or a *SyntaxError.
func FuzzTLS(f *testing.F) {
	f.Add([]byte(`{"organization-name":"o","policies":[{"policy":{"policy-type":"sts","mx-host":["a","b"]},"failure-details":[{"sending-mta-ip":"2001:db8:abcd:0012::1","failed-session-count":1}]}]}`))
	f.Add([]byte(`{"policies":[{"policy":{"mx-host":7}}]}`))
	addCorpus(f, func(p string) bool { return filepath.Ext(p) == ".json" })
	f.Fuzz(func(t *testing.T, data []byte) {
		p := fuzzParser
		tr, err := p.ParseTLS(bytes.NewReader(data))
		if err != nil {
			checkErr(t, err)
			return
		}
		if len(tr.Policies) > p.MaxRecords {
			t.Fatalf("%d policies", len(tr.Policies))
		}
	})
}

// FuzzFailure: any e-mail gives a failure report or a *SyntaxError; the
// source IP, when set, is valid and unmapped.
func FuzzFailure(f *testing.F) {
	f.Add([]byte("Subject: s\nContent-Type: multipart/report; report-type=feedback-report; boundary=b\n\n--b\nContent-Type: text/plain\n\nx\n--b\nContent-Type: message/feedback-report\nContent-Transfer-Encoding: base64\n\nRmVlZGJhY2stVHlwZTogYXV0aC1mYWlsdXJlDQpTb3VyY2UtSVA6IDo6ZmZmZjoxLjIuMy40DQo=\n--b\nContent-Type: text/rfc822-headers\n\nFrom: a@b\nSubject: =?utf-8?q?hi?=\n\n--b--\n"))
	f.Add([]byte("Content-Type: multipart/report; boundary=b\n\n--b\nContent-Type: text/plain\n\n  Sender IP Address: 203.0.113.1\n  Sender Domain: example.com\n------ headers\n\nFrom: x@example.com\nSubject: s\n\n--b--\n"))
	addCorpus(f, func(p string) bool { return filepath.Ext(p) == ".eml" })
	f.Fuzz(func(t *testing.T, data []byte) {
		p := fuzzParser
		fr, err := p.ParseFailure(bytes.NewReader(data))
		if err != nil {
			checkErr(t, err)
			return
		}
		if fr.SourceIP.IsValid() && fr.SourceIP.Is4In6() {
			t.Fatalf("source IP %v not unmapped", fr.SourceIP)
		}
		if len(fr.Fields) > maxFields || len(fr.TextFields) > maxFields {
			t.Fatal("too many fields")
		}
		// Round trip: the ARF fields written back read the same.
		if !fr.HasARF || fr.ReportedDomain == "" {
			return
		}
		m := &FailureMessage{From: "a@b.example", To: "c@d.example", ReportedDomain: fr.ReportedDomain, SourceIP: fr.SourceIP, Arrival: fr.Arrival,
			UserAgent: fr.UserAgent, OriginalMailFrom: fr.OriginalMailFrom, OriginalRcptTo: fr.OriginalRcptTo, AuthFailure: fr.AuthFailure,
			DeliveryResult: fr.DeliveryResult, AuthenticationResults: fr.AuthenticationResults, DKIMDomain: fr.DKIMDomain, DKIMIdentity: fr.DKIMIdentity,
			DKIMSelector: fr.DKIMSelector, SPFDNS: fr.SPFDNS, IdentityAlignment: fr.IdentityAlignment}
		var buf bytes.Buffer
		if err := WriteFailureReport(&buf, m); err != nil {
			return // a value the writer refuses (a line break)
		}
		back, err := (&Parser{}).ParseFailure(&buf)
		if err != nil {
			t.Fatalf("cannot read the report written back: %v\n%s", err, buf.Bytes())
		}
		pairs := [][2]string{
			{fr.ReportedDomain, back.ReportedDomain}, {fr.OriginalMailFrom, back.OriginalMailFrom}, {fr.OriginalRcptTo, back.OriginalRcptTo},
			{fr.DeliveryResult, back.DeliveryResult}, {fr.AuthenticationResults, back.AuthenticationResults}, {fr.DKIMDomain, back.DKIMDomain},
			{fr.DKIMIdentity, back.DKIMIdentity}, {fr.DKIMSelector, back.DKIMSelector}, {fr.SPFDNS, back.SPFDNS}, {fr.IdentityAlignment, back.IdentityAlignment},
		}
		for i, p := range pairs {
			if p[0] != p[1] {
				t.Fatalf("field %d: %q written, %q read", i, p[0], p[1])
			}
		}
		if back.SourceIP != fr.SourceIP || !back.Arrival.Equal(fr.Arrival) {
			t.Fatalf("Source-IP %v/%v, Arrival %v/%v", fr.SourceIP, back.SourceIP, fr.Arrival, back.Arrival)
		}
	})
}
