package reports

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"runtime"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dmarc"
)

const minimalRecord = `<record><row><source_ip>192.0.2.1</source_ip><count>3</count>
<policy_evaluated><disposition>none</disposition><dkim>pass</dkim><spf>fail</spf></policy_evaluated></row>
<identifiers><header_from>example.com</header_from></identifiers>
<auth_results><spf><domain>example.com</domain><result>pass</result></spf></auth_results></record>`

const minimalHeader = `<report_metadata><org_name>r.example</org_name><email>d@r.example</email><report_id>1</report_id>
<date_range><begin>1700000000</begin><end>1700086399</end></date_range></report_metadata>
<policy_published><domain>example.com</domain><p>none</p></policy_published>`

func minimal(body string) string {
	return `<?xml version="1.0"?><feedback>` + minimalHeader + body + `</feedback>`
}

// TestLenient: what real reporters get wrong is read, with a warning
// naming the element.
func TestLenient(t *testing.T) {
	tests := []struct {
		name, doc string
		warn      string // a warning path must end with this
		check     func(*AggregateReport) string
	}{
		{"upper-case PASS", minimal(strings.Replace(minimalRecord, "<dkim>pass</dkim>", "<dkim>PASS</dkim>", 1)), "policy_evaluated/dkim",
			func(r *AggregateReport) string { return string(r.Records[0].DKIM) + "=>pass" }},
		{"upper-case policy", strings.Replace(minimal(minimalRecord), "<p>none</p>", "<p>Reject</p>", 1), "policy_published/p",
			func(r *AggregateReport) string { return string(r.Policy.P) + "=>reject" }},
		{"empty reason", minimal(strings.Replace(minimalRecord, "</spf></policy_evaluated>", "</spf><reason><type></type><comment/></reason></policy_evaluated>", 1)), "policy_evaluated/reason",
			func(r *AggregateReport) string { return fmt.Sprint(len(r.Records[0].Reasons)) + "=>1" }},
		{"override with comment", minimal(strings.Replace(minimalRecord, "</spf></policy_evaluated>", "</spf><reason><type>local_policy</type><comment>arc=pass</comment></reason></policy_evaluated>", 1)), "",
			func(r *AggregateReport) string {
				return string(r.Records[0].Reasons[0].Type) + r.Records[0].Reasons[0].Comment + "=>local_policyarc=pass"
			}},
		{"unknown result kept", minimal(strings.Replace(minimalRecord, "<result>pass</result>", "<result>HardFail</result>", 1)), "auth_results/spf/result",
			func(r *AggregateReport) string { return string(r.Records[0].AuthSPF[0].Result) + "=>hardfail" }},
		{"end before begin", strings.Replace(minimal(minimalRecord), "<begin>1700000000</begin><end>1700086399</end>", "<begin>1700086399</begin><end>1700000000</end>", 1), "date_range",
			func(r *AggregateReport) string {
				return fmt.Sprint(r.Metadata.Begin.Unix(), r.Metadata.End.Unix()) + "=>1700086399 1700000000"
			}},
		{"stray text", strings.Replace(minimal(minimalRecord), "<p>none</p>", "<p>none</p>11", 1), "policy_published",
			func(r *AggregateReport) string { return string(r.Policy.P) + "=>none" }},
		{"stray text in feedback", strings.Replace(minimal(minimalRecord), "<record>", "junk<record>", 1), "feedback",
			func(r *AggregateReport) string { return fmt.Sprint(len(r.Records)) + "=>1" }},
		{"out of order and comments", `<feedback><!-- c --><record>` + minimalRecord[8:] + `<policy_published><p>quarantine</p><domain>example.com</domain></policy_published><report_metadata><report_id>9</report_id><org_name>o</org_name><email>e</email><date_range><end>2</end><begin>1</begin></date_range></report_metadata></feedback>`, "",
			func(r *AggregateReport) string {
				return r.Metadata.ReportID + string(r.Policy.P) + fmt.Sprint(r.Metadata.Begin.Unix(), r.Metadata.End.Unix()) + "=>9quarantine1 2"
			}},
		{"RFC 9990 namespace with a prefix", `<d:feedback xmlns:d="urn:ietf:params:xml:ns:dmarc-2.0"><d:version>1.0</d:version>` + strings.ReplaceAll(strings.ReplaceAll(minimalHeader+minimalRecord, "<", "<d:"), "<d:/", "</d:") + `</d:feedback>`, "",
			func(r *AggregateReport) string {
				return r.Namespace + r.Policy.Domain + "=>" + Namespace9990 + "example.com"
			}},
		{"missing record", `<feedback>` + minimalHeader + `</feedback>`, "feedback",
			func(r *AggregateReport) string { return fmt.Sprint(len(r.Records)) + "=>0" }},
		{"empty org_name", strings.Replace(minimal(minimalRecord), "<org_name>r.example</org_name>", "<org_name/>", 1), "report_metadata/org_name",
			func(r *AggregateReport) string { return r.Metadata.OrgName + "=>" }},
		{"missing report_id", strings.Replace(minimal(minimalRecord), "<report_id>1</report_id>", "", 1), "report_metadata/report_id",
			func(r *AggregateReport) string { return r.Metadata.ReportID + "=>" }},
		{"IPv4-mapped source", minimal(strings.Replace(minimalRecord, "192.0.2.1", "::ffff:192.0.2.1", 1)), "row/source_ip",
			func(r *AggregateReport) string { return r.Records[0].SourceIP.String() + "=>192.0.2.1" }},
		{"date as float", strings.Replace(minimal(minimalRecord), "<begin>1700000000</begin>", "<begin>1700000000.0</begin>", 1), "date_range/begin",
			func(r *AggregateReport) string { return fmt.Sprint(r.Metadata.Begin.Unix()) + "=>1700000000" }},
		{"byte order mark", "\ufeff" + minimal(minimalRecord), "",
			func(r *AggregateReport) string { return r.Policy.Domain + "=>example.com" }},
		{"ISO-8859-1", `<?xml version="1.0" encoding="ISO-8859-1"?><feedback>` + strings.Replace(minimalHeader, "r.example</org_name>", "r\xe9.example</org_name>", 1) + minimalRecord + `</feedback>`, "",
			func(r *AggregateReport) string { return r.Metadata.OrgName + "=>ré.example" }},
		{"pct out of range", strings.Replace(minimal(minimalRecord), "<p>none</p>", "<p>none</p><pct>101</pct>", 1), "policy_published/pct",
			func(r *AggregateReport) string { return fmt.Sprint(r.Policy.HasPercent) + "=>false" }},
		{"repeated org_name", strings.Replace(minimal(minimalRecord), "<email>", "<org_name>second</org_name><email>", 1), "report_metadata/org_name",
			func(r *AggregateReport) string { return r.Metadata.OrgName + "=>r.example" }},
		{"unknown elements", minimal(strings.Replace(minimalRecord, "<row>", "<row><x-vendor><a>b</a></x-vendor>", 1)), "row/x-vendor",
			func(r *AggregateReport) string { return fmt.Sprint(r.Records[0].Count) + "=>3" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p Parser
			rep, err := p.ParseAggregate(strings.NewReader(tt.doc))
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			got := tt.check(rep)
			g, w, _ := strings.Cut(got, "=>")
			if g != w {
				t.Errorf("got %q, want %q", g, w)
			}
			if tt.warn == "" {
				if len(rep.Warnings) > 0 {
					t.Errorf("unexpected warnings %v", rep.Warnings)
				}
			} else if !hasWarning(rep.Warnings, tt.warn) {
				t.Errorf("no warning at %s; warnings: %v", tt.warn, rep.Warnings)
			}
		})
	}
}

// TestErrors: what cannot be read is an error with its position, never a
// partial report.
func TestErrors(t *testing.T) {
	tests := []struct {
		name, doc string
		is        error
		line      int
	}{
		{"empty", "", ErrEmpty, 0},
		{"white space only", "  \n ", ErrUnknownFormat, 0},
		{"not a report", "hello world", ErrUnknownFormat, 0},
		{"wrong root", "<html><body/></html>", ErrInvalid, 1},
		{"unclosed", "<feedback>\n" + minimalHeader + minimalRecord, ErrMalformed, 7},
		{"mismatched", "<feedback>\n<version>1</versio></feedback>", ErrMalformed, 2},
		{"invalid UTF-8", minimal(strings.Replace(minimalRecord, "example.com", "ex\x91ample.com", 1)), ErrMalformed, 5},
		{"stray <", strings.Replace(minimal(minimalRecord), "d@r.example", "<d@r.example>", 1), ErrMalformed, 1},
		{"count not a number", minimal(strings.Replace(minimalRecord, "<count>3", "<count>three", 1)), ErrInvalid, 3},
		{"negative count", minimal(strings.Replace(minimalRecord, "<count>3", "<count>-3", 1)), ErrInvalid, 3},
		{"bad source IP", minimal(strings.Replace(minimalRecord, "192.0.2.1", "192.0.2", 1)), ErrInvalid, 3},
		{"no source IP", minimal(strings.Replace(minimalRecord, "<source_ip>192.0.2.1</source_ip>", "", 1)), ErrInvalid, 6},
		{"no count", minimal(strings.Replace(minimalRecord, "<count>3</count>", "", 1)), ErrInvalid, 6},
		{"bad date", strings.Replace(minimal(minimalRecord), "<begin>1700000000", "<begin>yesterday", 1), ErrInvalid, 2},
		{"content after the root", minimal(minimalRecord) + "<feedback/>", ErrMalformed, 6},
		{"text after the root", minimal(minimalRecord) + "x", ErrMalformed, 6},
		{"two roots wrapped", "<w><x/></w>", ErrInvalid, 1},
		{"unsupported encoding", `<?xml version="1.0" encoding="EBCDIC"?><feedback/>`, ErrMalformed, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p Parser
			rep, err := p.ParseAggregate(strings.NewReader(tt.doc))
			if err == nil {
				t.Fatalf("no error; report %+v", rep)
			}
			if rep != nil {
				t.Errorf("a report came with the error")
			}
			if !errors.Is(err, tt.is) {
				t.Errorf("error %v, want %v", err, tt.is)
			}
			// ErrSyntax is every error of the package; ErrMalformed only
			// input that is not well-formed.
			if !errors.Is(err, ErrSyntax) {
				t.Errorf("error %v does not match ErrSyntax", err)
			}
			if errors.Is(err, ErrMalformed) != (tt.is == ErrMalformed) {
				t.Errorf("error %v: errors.Is(ErrMalformed) = %v", err, !(tt.is == ErrMalformed))
			}
			var e *SyntaxError
			if !errors.As(err, &e) {
				t.Fatalf("%v is not a *SyntaxError", err)
			}
			if e.Line != tt.line {
				t.Errorf("line %d, want %d (%v)", e.Line, tt.line, err)
			}
		})
	}
}

func gzipBytes(t testing.TB, b []byte, name string, osByte byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Name = name
	zw.OS = osByte
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func zipBytes(t testing.TB, members map[string][]byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, b := range members {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	zw.Close()
	return buf.Bytes()
}

// TestContainers: gzip headers as real reporters write them, stray bytes
// after the gzip member, zip members, nesting.
func TestContainers(t *testing.T) {
	doc := []byte(minimal(minimalRecord))
	tests := []struct {
		name string
		in   []byte
	}{
		{"gzip without name, OS unknown", gzipBytes(t, doc, "", 255)},
		{"gzip with name, OS 3", gzipBytes(t, doc, "r!example.com!1!2.xml", 3)},
		{"gzip with trailing bytes", append(gzipBytes(t, doc, "", 0), 0, 0, 0, 'x', 'y')},
		{"zip", zipBytes(t, map[string][]byte{"r!example.com!1!2.xml": doc})},
		{"zip in gzip", gzipBytes(t, zipBytes(t, map[string][]byte{"a.xml": doc}), "", 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p Parser
			// Through a plain io.Reader, so that zip must be buffered.
			rep, err := p.ParseAggregate(io.MultiReader(bytes.NewReader(tt.in)))
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Records) != 1 || rep.Records[0].Count != 3 {
				t.Errorf("records %+v", rep.Records)
			}
		})
	}
}

func wantLimit(t *testing.T, err error, limit string) {
	t.Helper()
	var le *LimitError
	if !errors.As(err, &le) || !errors.Is(err, ErrLimit) {
		t.Fatalf("error %v, want the %s limit", err, limit)
	}
	if le.Limit != limit {
		t.Errorf("limit %s reached, want %s (%v)", le.Limit, limit, err)
	}
	if errors.Is(err, ErrMalformed) {
		t.Errorf("a limit reported as malformed input: %v", err)
	}
}

// TestLimits: each bound at its edge: the input right at the limit reads,
// one step more fails with a *LimitError naming it.
func TestLimits(t *testing.T) {
	doc := minimal(strings.Repeat(minimalRecord, 3))
	t.Run("MaxRecords", func(t *testing.T) {
		p := Parser{MaxRecords: 3}
		if _, err := p.ParseAggregate(strings.NewReader(doc)); err != nil {
			t.Fatalf("3 records with MaxRecords 3: %v", err)
		}
		p.MaxRecords = 2
		_, err := p.ParseAggregate(strings.NewReader(doc))
		wantLimit(t, err, "MaxRecords")
	})
	t.Run("MaxElement", func(t *testing.T) {
		long := strings.Replace(minimal(minimalRecord), "r.example</org_name>", strings.Repeat("x", 5000)+"</org_name>", 1)
		p := Parser{MaxElement: 6000}
		if _, err := p.ParseAggregate(strings.NewReader(long)); err != nil {
			t.Fatalf("5000-byte text with MaxElement 6000: %v", err)
		}
		p.MaxElement = 4000
		_, err := p.ParseAggregate(strings.NewReader(long))
		wantLimit(t, err, "MaxElement")
		// The default holds a realistic element; a megabyte-long one
		// fails.
		_, err = (&Parser{}).ParseAggregate(strings.NewReader(strings.Replace(long, strings.Repeat("x", 5000), strings.Repeat("x", 1<<20), 1)))
		wantLimit(t, err, "MaxElement")
		// A huge tag (attributes) counts too.
		_, err = (&Parser{MaxElement: 4000}).ParseAggregate(strings.NewReader(`<feedback a="` + strings.Repeat("y", 5000) + `"/>`))
		wantLimit(t, err, "MaxElement")
	})
	t.Run("MaxDepth", func(t *testing.T) {
		deep := func(n int) string {
			return minimal(strings.Repeat("<extension>", n) + strings.Repeat("</extension>", n) + minimalRecord)
		}
		p := Parser{MaxDepth: 10}
		if _, err := p.ParseAggregate(strings.NewReader(deep(9))); err != nil {
			t.Fatalf("depth 10 with MaxDepth 10: %v", err)
		}
		_, err := p.ParseAggregate(strings.NewReader(deep(10)))
		wantLimit(t, err, "MaxDepth")
		_, err = (&Parser{}).ParseAggregate(strings.NewReader(deep(100000)))
		wantLimit(t, err, "MaxDepth")
	})
	t.Run("MaxDecompressed", func(t *testing.T) {
		gz := gzipBytes(t, []byte(doc), "", 0)
		p := Parser{MaxDecompressed: int64(len(doc))}
		if _, err := p.ParseAggregate(bytes.NewReader(gz)); err != nil {
			t.Fatalf("payload of exactly MaxDecompressed: %v", err)
		}
		p.MaxDecompressed = int64(len(doc)) - 1
		_, err := p.ParseAggregate(bytes.NewReader(gz))
		wantLimit(t, err, "MaxDecompressed")
		// Plain XML is bounded too.
		_, err = p.ParseAggregate(strings.NewReader(doc))
		wantLimit(t, err, "MaxDecompressed")
		z := zipBytes(t, map[string][]byte{"a.xml": []byte(doc)})
		_, err = p.ParseAggregate(bytes.NewReader(z))
		wantLimit(t, err, "MaxDecompressed")
	})
	t.Run("MaxRatio", func(t *testing.T) {
		// A gzip bomb: 4 MiB of empty elements, compressed about 500
		// times. (Deflate cannot exceed about 1032:1, which the default
		// ratio of 1000 is set just under; MaxDecompressed is the main
		// guard.)
		bomb := func() []byte {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			io.WriteString(zw, "<feedback>")
			chunk := bytes.Repeat([]byte("<extension/>"), 1<<16)
			for range 6 {
				zw.Write(chunk)
			}
			io.WriteString(zw, "</feedback>")
			zw.Close()
			return buf.Bytes()
		}()
		_, err := (&Parser{MaxRatio: 100}).ParseAggregate(bytes.NewReader(bomb))
		wantLimit(t, err, "MaxRatio")
		// With a higher ratio the same input is read (it has no records,
		// which is only a warning).
		if _, err := (&Parser{MaxRatio: 1 << 20}).ParseAggregate(bytes.NewReader(bomb)); err != nil {
			t.Fatalf("MaxRatio 2^20: %v", err)
		}
	})
	t.Run("MaxInput", func(t *testing.T) {
		z := zipBytes(t, map[string][]byte{"a.xml": []byte(doc)})
		p := Parser{MaxInput: int64(len(z))}
		if _, err := p.ParseAggregate(io.MultiReader(bytes.NewReader(z))); err != nil {
			t.Fatalf("zip of exactly MaxInput: %v", err)
		}
		p.MaxInput = int64(len(z)) - 1
		_, err := p.ParseAggregate(io.MultiReader(bytes.NewReader(z)))
		wantLimit(t, err, "MaxInput")
		_, err = p.ParseAggregate(bytes.NewReader(z))
		wantLimit(t, err, "MaxInput")
	})
	t.Run("MaxNesting containers", func(t *testing.T) {
		b := []byte(doc)
		for range 3 {
			b = gzipBytes(t, b, "", 0)
		}
		if _, err := (&Parser{MaxNesting: 3}).ParseAggregate(bytes.NewReader(b)); err != nil {
			t.Fatalf("3 gzip layers with MaxNesting 3: %v", err)
		}
		_, err := (&Parser{MaxNesting: 2}).ParseAggregate(bytes.NewReader(b))
		wantLimit(t, err, "MaxNesting")
	})
	t.Run("MaxAttachments zip", func(t *testing.T) {
		m := map[string][]byte{}
		for i := range 5 {
			m[fmt.Sprint(i, ".xml")] = []byte(doc)
		}
		z := zipBytes(t, m)
		if _, err := (&Parser{MaxAttachments: 5}).ParseAggregate(bytes.NewReader(z)); err != nil {
			t.Fatalf("5 members with MaxAttachments 5: %v", err)
		}
		_, err := (&Parser{MaxAttachments: 4}).ParseAggregate(bytes.NewReader(z))
		wantLimit(t, err, "MaxAttachments")
	})
	t.Run("MaxWarnings", func(t *testing.T) {
		d := minimal(strings.Repeat(strings.Replace(minimalRecord, "pass", "PASS", 1), 10))
		rep, err := (&Parser{MaxWarnings: 4}).ParseAggregate(strings.NewReader(d))
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Warnings) != 4 || rep.WarningsDropped != 6 {
			t.Errorf("%d warnings, %d dropped; want 4 and 6", len(rep.Warnings), rep.WarningsDropped)
		}
	})
}

// infiniteReport streams an aggregate report of n records without holding
// it.
func infiniteReport(n int) io.Reader {
	pr, pw := io.Pipe()
	go func() {
		hdr := &Aggregate{Policy: PolicyPublished{Domain: "example.com", P: dmarc.Reject}}
		rec := Record{Count: 1, Disposition: dmarc.Reject, DKIM: VerdictFail, SPF: VerdictFail, HeaderFrom: "example.com",
			AuthSPF: []SPFAuth{{Domain: "example.com", Scope: "mfrom", Result: dmarc.AuthFail}}}
		pw.CloseWithError(WriteAggregate(pw, Schema7489, hdr, func(yield func(*Record) bool) {
			for i := range n {
				rec.SourceIP = netipFrom(i)
				if !yield(&rec) {
					return
				}
			}
		}))
	}()
	return pr
}

// TestStreamingMemory: the live heap while reading a report of 40,000
// records (about 20 MB of XML) stays far below the report's size.
func TestStreamingMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	const n = 40_000
	ar, err := (&Parser{}).NewAggregateReader(infiniteReport(n))
	if err != nil {
		t.Fatal(err)
	}
	var maxLive uint64
	var ms runtime.MemStats
	count := 0
	for ar.Next() {
		count++
		if count%10_000 == 0 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			maxLive = max(maxLive, ms.HeapAlloc)
		}
	}
	if err := ar.Err(); err != nil {
		t.Fatal(err)
	}
	if count != n {
		t.Fatalf("%d records, want %d", count, n)
	}
	// The XML is about 500 bytes per record: holding the records would
	// take tens of MB.
	if maxLive > 8<<20 {
		t.Errorf("live heap reached %d bytes while streaming %d records", maxLive, n)
	}
	t.Logf("max live heap %d KiB", maxLive>>10)
}

// TestEmails: report e-mails in the forms reporters send.
func TestEmails(t *testing.T) {
	doc := []byte(minimal(minimalRecord))
	b64 := func(b []byte) string {
		s := base64.StdEncoding.EncodeToString(b)
		var out strings.Builder
		for len(s) > 60 {
			out.WriteString(s[:60] + "\n")
			s = s[60:]
		}
		out.WriteString(s + "\n")
		return out.String()
	}
	mail := func(ct, body string) string {
		return "From: d@r.example\nTo: rua@example.com\nSubject: Report Domain: example.com Submitter: r.example Report-ID: <1>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\nMIME-Version: 1.0\nContent-Type: " + ct + "\n\n" + body
	}
	multi := func(parts ...string) string {
		s := ""
		for _, p := range parts {
			s += "--B\n" + p + "\n"
		}
		return mail(`multipart/mixed; boundary="B"`, s+"--B--\n")
	}
	tlsJSON := `{"organization-name":"o","date-range":{"start-datetime":"2024-01-01T00:00:00Z","end-datetime":"2024-01-01T23:59:59Z"},"contact-info":"c","report-id":"r","policies":[{"policy":{"policy-type":"no-policy-found","policy-domain":"example.com"},"summary":{"total-successful-session-count":1,"total-failure-session-count":0}}]}`
	tests := []struct {
		name  string
		email string
		kinds string
	}{
		{"gzip attachment", multi("Content-Type: text/plain\n\nhello", "Content-Type: application/gzip\nContent-Transfer-Encoding: base64\nContent-Disposition: attachment; filename=\"a.xml.gz\"\n\n"+b64(gzipBytes(t, doc, "a.xml", 0))), "aggregate"},
		{"zip as octet-stream", multi("Content-Type: application/octet-stream; name=a.zip\nContent-Transfer-Encoding: base64\n\n" + b64(zipBytes(t, map[string][]byte{"a.xml": doc}))), "aggregate"},
		{"zip labelled text/plain", multi("Content-Type: text/plain\nContent-Transfer-Encoding: base64\n\n" + b64(zipBytes(t, map[string][]byte{"a.xml": doc}))), "aggregate"},
		{"single-part gzip body", mail("application/gzip", "")[:0] + "Content-Transfer-Encoding: base64\n" + mail("application/gzip", b64(gzipBytes(t, doc, "", 0))), "aggregate"},
		{"XML in the body", mail("text/xml", string(doc)), "aggregate"},
		{"base64 without padding", multi("Content-Type: application/gzip\nContent-Transfer-Encoding: base64\n\n" + strings.TrimRight(b64(gzipBytes(t, doc, "", 0)), "=\n")), "aggregate"},
		{"two reports", multi("Content-Type: application/gzip\nContent-Transfer-Encoding: base64\n\n"+b64(gzipBytes(t, doc, "", 0)), "Content-Type: application/zip\nContent-Transfer-Encoding: base64\n\n"+b64(zipBytes(t, map[string][]byte{"b.xml": doc}))), "aggregate,aggregate"},
		{"forwarded report", multi("Content-Type: text/plain\n\nFYI", "Content-Type: message/rfc822\n\n"+multi("Content-Type: application/gzip\nContent-Transfer-Encoding: base64\n\n"+b64(gzipBytes(t, doc, "", 0)))), "aggregate"},
		{"mbox From line and CRLF", "From d@r.example Mon Jan  1 00:00:00 2024\r\n" + strings.ReplaceAll(multi("Content-Type: application/gzip\nContent-Transfer-Encoding: base64\n\n"+b64(gzipBytes(t, doc, "", 0))), "\n", "\r\n"), "aggregate"},
		{"TLS report", mail(`multipart/report; report-type=tlsrpt; boundary="B"`, "--B\nContent-Type: text/plain\n\nTLS report\n--B\nContent-Type: application/tlsrpt+gzip\nContent-Transfer-Encoding: base64\n\n"+b64(gzipBytes(t, []byte(tlsJSON), "", 0))+"--B--\n"), "smtp_tls"},
		{"TLS report as JSON", mail("application/tlsrpt+json", tlsJSON), "smtp_tls"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p Parser
			var kinds []string
			err := p.Read(strings.NewReader(tt.email), func(r *Report) error {
				kinds = append(kinds, r.Kind.String())
				if r.Email == nil || r.Email.From != "d@r.example" {
					t.Errorf("e-mail info %+v", r.Email)
				}
				if r.Aggregate != nil {
					n := 0
					for range r.Aggregate.Records() {
						n++
					}
					if n != 1 {
						t.Errorf("%d records", n)
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(kinds, ","); got != tt.kinds {
				t.Errorf("kinds %q, want %q", got, tt.kinds)
			}
		})
	}
	t.Run("no report", func(t *testing.T) {
		err := (&Parser{}).Read(strings.NewReader(multi("Content-Type: text/plain\n\njust text")), func(*Report) error { return nil })
		if !errors.Is(err, ErrNoReport) {
			t.Errorf("error %v, want ErrNoReport", err)
		}
	})
	t.Run("MaxAttachments", func(t *testing.T) {
		parts := make([]string, 10)
		for i := range parts {
			parts[i] = "Content-Type: text/plain\n\npart"
		}
		parts = append(parts, "Content-Type: application/gzip\nContent-Transfer-Encoding: base64\n\n"+b64(gzipBytes(t, doc, "", 0)))
		if err := (&Parser{MaxAttachments: 11}).Read(strings.NewReader(multi(parts...)), func(*Report) error { return nil }); err != nil {
			t.Fatalf("11 parts with MaxAttachments 11: %v", err)
		}
		err := (&Parser{MaxAttachments: 10}).Read(strings.NewReader(multi(parts...)), func(*Report) error { return nil })
		wantLimit(t, err, "MaxAttachments")
	})
	t.Run("MaxNesting", func(t *testing.T) {
		nest := func(n int) string {
			body := "Content-Type: application/gzip\nContent-Transfer-Encoding: base64\n\n" + b64(gzipBytes(t, doc, "", 0))
			for i := range n {
				b := fmt.Sprintf("b%d", i)
				body = "Content-Type: multipart/mixed; boundary=\"" + b + "\"\n\n--" + b + "\n" + body + "\n--" + b + "--\n"
			}
			return "From: d@r.example\nSubject: s\n" + body
		}
		if err := (&Parser{MaxNesting: 4}).Read(strings.NewReader(nest(4)), func(*Report) error { return nil }); err != nil {
			t.Fatalf("4 levels with MaxNesting 4: %v", err)
		}
		err := (&Parser{MaxNesting: 4}).Read(strings.NewReader(nest(5)), func(*Report) error { return nil })
		wantLimit(t, err, "MaxNesting")
	})
	t.Run("callback error stops", func(t *testing.T) {
		stop := errors.New("stop here")
		err := (&Parser{}).Read(strings.NewReader(multi("Content-Type: application/gzip\nContent-Transfer-Encoding: base64\n\n"+b64(gzipBytes(t, doc, "", 0)))), func(*Report) error { return stop })
		if !errors.Is(err, stop) {
			t.Errorf("error %v, want the callback's", err)
		}
	})
	t.Run("broken report in an e-mail", func(t *testing.T) {
		bad := []byte(strings.Replace(string(doc), "</feedback>", "", 1))
		err := (&Parser{}).Read(strings.NewReader(multi("Content-Type: application/gzip\nContent-Transfer-Encoding: base64\n\n"+b64(gzipBytes(t, bad, "a.xml", 0)))), func(*Report) error { return nil })
		var e *SyntaxError
		if !errors.Is(err, ErrMalformed) || !errors.As(err, &e) || e.Part != "a.xml" {
			t.Errorf("error %v, want a syntax error in part a.xml", err)
		}
	})
}

func netipFrom(i int) netip.Addr {
	return netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
}
