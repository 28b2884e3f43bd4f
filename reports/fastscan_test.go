package reports

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
)

// parseBoth reads data with the fast scanner and with encoding/xml alone
// and fails unless the records, the header with its warnings, and the
// error with its position are the same. chunk > 0 feeds the fast path
// through a reader that returns at most chunk bytes per Read.
func parseBoth(t *testing.T, p Parser, data []byte, chunk int) {
	t.Helper()
	slow := p
	slow.slowXML = true
	want, wantErr := slow.ParseAggregate(bytes.NewReader(data))
	var r io.Reader = bytes.NewReader(data)
	if chunk > 0 {
		r = &chunkReader{r: r, n: chunk}
	}
	fast := p
	fast.slowXML = false
	got, gotErr := fast.ParseAggregate(r)
	if describeErr(gotErr) != describeErr(wantErr) {
		t.Fatalf("error differs (chunk %d):\n fast: %s\n slow: %s\ninput %q", chunk, describeErr(gotErr), describeErr(wantErr), clip(data))
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("report differs (chunk %d):\n fast: %+v\n slow: %+v\ninput %q", chunk, got, want, clip(data))
	}
}

func clip(b []byte) []byte {
	if len(b) > 2000 {
		return b[:2000]
	}
	return b
}

// describeErr gives the message and every position field of an error.
func describeErr(err error) string {
	if err == nil {
		return "<nil>"
	}
	var e *SyntaxError
	if errors.As(err, &e) {
		return fmt.Sprintf("part=%q line=%d col=%d off=%d: %v", e.Part, e.Line, e.Column, e.Offset, err)
	}
	return fmt.Sprintf("%T: %v", err, err)
}

type chunkReader struct {
	r io.Reader
	n int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(p) > c.n {
		p = p[:c.n]
	}
	return c.r.Read(p)
}

// differentialInputs are documents that exercise every branch of the fast
// scanner and every way it hands over to encoding/xml.
var differentialInputs = []string{
	minimal(minimalRecord),
	"\ufeff<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + minimal(minimalRecord),
	"<?xml version='1.0' encoding='utf-8' standalone='yes'?>" + minimal(minimalRecord),
	"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>" + minimal(strings.Replace(minimalRecord, "</record>", "<identifiers><header_from>caf\xe9.example</header_from></identifiers></record>", 1)),
	"<?xml version=\"1.1\"?>" + minimal(minimalRecord),
	"<?xml version=\"1.0\" encoding=\"EBCDIC\"?>" + minimal(minimalRecord),
	"<?xml-stylesheet href=\"a\"?>" + minimal(minimalRecord),
	"<!DOCTYPE feedback>" + minimal(minimalRecord),
	"<!-- a comment -->\n<!---->" + minimal(minimalRecord+"<!-- x -- y -->"),
	`<feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0"><version>1.0</version>` + minimalHeader + minimalRecord + `</feedback>`,
	`<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><feedback>` + minimalHeader + minimalRecord + `</feedback></xs:schema>`,
	`<xs:schema><feedback>` + minimalHeader + minimalRecord + `</feedback>`,
	`<d:feedback xmlns:d='urn:ietf:params:xml:ns:dmarc-2.0'>` + minimalHeader + minimalRecord + `</d:feedback>`,
	minimal(strings.Replace(minimalRecord, "<count>", "<count >", 1)),
	minimal(strings.Replace(minimalRecord, "</count>", "</count\n>", 1)),
	minimal(strings.Replace(minimalRecord, "</count>", "</count x>", 1)),
	minimal(strings.Replace(minimalRecord, "<row>", "<row a=\"1\"b='2' c = \"x\ty\n\">", 1)),
	minimal(strings.Replace(minimalRecord, "<row>", "<row a>", 1)),
	minimal(strings.Replace(minimalRecord, "<row>", "<row a=1>", 1)),
	minimal(strings.Replace(minimalRecord, "<row>", "<row a=\"&lt;\">", 1)),
	minimal(strings.Replace(minimalRecord, "<row>", "<row/><row>", 1)),
	minimal(strings.Replace(minimalRecord, "<row>", "<row /><x:y:z/><row>", 1)),
	minimal(strings.Replace(minimalRecord, "<row>", "<é/><row>", 1)),
	minimal(strings.Replace(minimalRecord, "<row>", "<1a/><row>", 1)),
	minimal(strings.Replace(minimalRecord, "<row>", "<a:/><:b/><row>", 1)),
	minimal(strings.Replace(minimalRecord, "</record>", "<identifiers><header_from>a&amp;b&lt;&gt;&apos;&quot;.example</header_from></identifiers></record>", 1)),
	minimal(strings.Replace(minimalRecord, "</record>", "<identifiers><header_from>&#65;.example</header_from></identifiers></record>", 1)),
	minimal(strings.Replace(minimalRecord, "</record>", "<identifiers><header_from>&nbsp;.example</header_from></identifiers></record>", 1)),
	minimal(strings.Replace(minimalRecord, "</record>", "<identifiers><header_from>&lt</header_from></identifiers></record>", 1)),
	minimal(strings.Replace(minimalRecord, "</record>", "<identifiers><header_from>ex]]>ample</header_from></identifiers></record>", 1)),
	minimal(strings.Replace(minimalRecord, "</record>", "<identifiers><header_from><![CDATA[ex.ample]]></header_from></identifiers></record>", 1)),
	minimal(strings.Replace(minimalRecord, "</record>", "<identifiers><header_from>bücher.example</header_from></identifiers></record>", 1)),
	minimal(strings.Replace(minimalRecord, "</record>", "<identifiers><header_from>b\xfccher.example</header_from></identifiers></record>", 1)),
	minimal(strings.Replace(minimalRecord, "</record>", "<identifiers><header_from>a\x01b</header_from></identifiers></record>", 1)),
	minimal(strings.Replace(minimalRecord, "</record>", "<identifiers><header_from>a\r\nb</header_from></identifiers></record>", 1)),
	minimal(strings.Replace(minimalRecord, "</record>", "<identifiers><header_from>\uFFFE</header_from></identifiers></record>", 1)),
	minimal(strings.Replace(minimalRecord, "</record>", "<identifiers><header_from>a <b@c.example> d</header_from></identifiers></record>", 1)),
	minimal(strings.Replace(minimalRecord, "</record>", "<identifiers><header_from>a < b</header_from></identifiers></record>", 1)),
	minimal(strings.Replace(minimalRecord, "<count>1", "<count>x", 1)),
	minimal(minimalRecord) + "trailing",
	minimal(minimalRecord) + "<!-- after -->\n",
	minimal(minimalRecord)[:len(minimal(minimalRecord))-3],
	"<feedback>" + minimalHeader + minimalRecord,
	"<feedback>" + minimalHeader + minimalRecord + "</feedbak>",
	"",
	"   \n",
	"<",
	"<feedback",
	"<feedback>" + strings.Repeat("<a>", 40) + strings.Repeat("</a>", 40) + minimalHeader + minimalRecord + "</feedback>",
}

func TestFastScanDifferential(t *testing.T) {
	for i, in := range differentialInputs {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			for _, p := range differentialParsers() {
				for _, chunk := range []int{0, 1, 7, 100} {
					parseBoth(t, p, []byte(in), chunk)
				}
			}
		})
	}
}

// differentialParsers are the limits the differential tests run under:
// the defaults, Recover, and limits small enough to be reached inside
// the fast path (every token size near MaxElement, the payload near
// MaxDecompressed).
func differentialParsers() []Parser {
	ps := []Parser{{}, {Recover: true}, {MaxDepth: 4}, {MaxRecords: 1}, {MaxWarnings: 1}}
	for _, n := range []int{8, 9, 10, 11, 12, 13, 14, 15, 16, 20, 30} {
		ps = append(ps, Parser{MaxElement: n})
	}
	for _, n := range []int64{50, 100, 200, 300, 310, 320, 400} {
		ps = append(ps, Parser{MaxDecompressed: n})
	}
	return ps
}

// TestFastScanCorpus runs both paths over every XML file of the shared
// corpus (plain, gzip and zip), with the default limits, with Recover,
// and through small reads.
func TestFastScanCorpus(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("corpus %s absent: %v", corpusDir, err)
	}
	n := 0
	filepath.WalkDir(corpusDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		switch filepath.Ext(path) {
		case ".xml", ".gz", ".zip":
		default:
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		n++
		t.Run(strings.TrimPrefix(path, corpusDir), func(t *testing.T) {
			for _, p := range []Parser{{}, {Recover: true}, {MaxElement: 64}} {
				parseBoth(t, p, data, 0)
				parseBoth(t, p, data, 333)
			}
		})
		return nil
	})
	if n == 0 {
		t.Fatal("no XML file in the corpus")
	}
}

// TestFastScanHandsOver checks that the fast path does not read what it
// does not understand: a DOCTYPE is refused by neither path, an unknown
// entity fails in both with the same position.
func TestFastScanHandsOver(t *testing.T) {
	in := minimal(strings.Replace(minimalRecord, "</record>", "<identifiers>\n<header_from>&bogus;</header_from></identifiers></record>", 1))
	var p Parser
	_, err := p.ParseAggregate(strings.NewReader(in))
	var e *SyntaxError
	if !errors.As(err, &e) || !errors.Is(err, ErrMalformed) {
		t.Fatalf("got %v, want a syntax error", err)
	}
	// The entity is on the record's second line of the document.
	wantLine := strings.Count(in[:strings.Index(in, "&bogus;")], "\n") + 1
	if e.Line != wantLine {
		t.Errorf("line %d, want %d", e.Line, wantLine)
	}
	parseBoth(t, p, []byte(in), 0)
}

func TestChunkReaderSanity(t *testing.T) {
	if err := iotest.TestReader(&chunkReader{r: strings.NewReader("abcdef"), n: 2}, []byte("abcdef")); err != nil {
		t.Fatal(err)
	}
}

// FuzzFastScan: the fast scanner and encoding/xml give the same records,
// warnings and errors on any input.
func FuzzFastScan(f *testing.F) {
	for _, in := range differentialInputs {
		f.Add([]byte(in), uint16(0))
	}
	filepath.WalkDir(corpusDir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(path) == ".xml" {
			if b, err := os.ReadFile(path); err == nil && len(b) <= 64<<10 {
				f.Add(b, uint16(len(b)))
			}
		}
		return nil
	})
	f.Fuzz(func(t *testing.T, data []byte, knobs uint16) {
		p := fuzzParser
		p.Recover = knobs&1 == 1
		if k := int(knobs>>1) & 63; k > 0 {
			p.MaxElement = 4 + k
		}
		if k := int64(knobs>>7) & 511; k > 0 {
			p.MaxDecompressed = 16 + 4*k
		}
		parseBoth(t, p, data, 0)
		parseBoth(t, p, data, 1+int(knobs>>12))
	})
}

// TestFastScanLimits sweeps MaxElement and MaxDecompressed over every
// value around the sizes of the tokens and of the documents: the fast
// scanner must leave each token that would reach a limit to encoding/xml,
// which then fails exactly where it always did.
func TestFastScanLimits(t *testing.T) {
	for i, in := range differentialInputs {
		for n := 1; n <= 48; n++ {
			parseBoth(t, Parser{MaxElement: n}, []byte(in), 0)
		}
		if i < 4 {
			for n := 1; n <= len(in)+2; n++ {
				parseBoth(t, Parser{MaxDecompressed: int64(n)}, []byte(in), 0)
			}
		}
	}
}
