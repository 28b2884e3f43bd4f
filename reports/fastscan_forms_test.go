package reports

import (
	"bytes"
	"encoding/xml"
	"io"
	"reflect"
	"strings"
	"testing"
)

// fastTokens reads doc with the fast scanner alone, through reads of at
// most chunk bytes (0: one read), and fails if it hands over to
// encoding/xml before the end. It returns the tokens in encoding/xml's
// RawToken form (the fast scanner's tokens are only valid until the next).
func fastTokens(t *testing.T, doc string, chunk int) []xml.Token {
	t.Helper()
	var r io.Reader = strings.NewReader(doc)
	if chunk > 0 {
		r = &chunkReader{r: r, n: chunk}
	}
	in := newByteInput(r, 1<<16, 1<<30)
	f := newFastScan(in)
	var out []xml.Token
	for {
		tk, ok, err := f.next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("chunk %d: error %v after %d bytes of %q", chunk, err, in.n, doc)
		}
		if !ok {
			t.Fatalf("chunk %d: the fast scanner handed over after %d bytes of %q", chunk, in.n, doc)
		}
		switch tk.kind {
		case tokStart:
			out = append(out, xml.StartElement{Name: tk.Name, Attr: append([]xml.Attr(nil), tk.Attr...)})
		case tokEnd:
			out = append(out, xml.EndElement{Name: tk.Name})
		case tokText:
			out = append(out, xml.CharData(bytes.Clone(tk.text)))
		}
	}
}

// rawTokens gives encoding/xml's start, end and text tokens of doc.
func rawTokens(t *testing.T, doc string) []xml.Token {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(doc))
	var out []xml.Token
	for {
		tk, err := d.RawToken()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("encoding/xml: %v in %q", err, doc)
		}
		switch tk := tk.(type) {
		case xml.StartElement:
			if len(tk.Attr) == 0 {
				tk.Attr = nil
			}
			out = append(out, tk)
		case xml.EndElement, xml.CharData:
			out = append(out, xml.CopyToken(tk))
		}
	}
}

// TestFastScanReadsCommonForms: the fast scanner exists to read what
// reporters actually send without falling back to encoding/xml (several
// times slower): the UTF-8 XML declaration in either quoting, attributes
// (namespace declarations, xsi:schemaLocation) with either quote and
// with or without spaces between them, prefixed names, and names and
// attributes cut by a read boundary. It must read them itself, and yield
// the tokens encoding/xml's RawToken does.
func TestFastScanReadsCommonForms(t *testing.T) {
	docs := []string{
		`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + minimal(minimalRecord)[len(`<?xml version="1.0"?>`):],
		`<?xml version='1.0' encoding='utf-8' standalone='no'?>` + minimal(minimalRecord)[len(`<?xml version="1.0"?>`):],
		`<?xml version="1.0" standalone="yes"?><feedback xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="rua.xsd">` + minimalHeader + minimalRecord + `</feedback>`,
		`<feedback xmlns="urn:ietf:params:xml:ns:dmarc-2.0"><version>1.0</version>` + minimalHeader + minimalRecord + `</feedback>`,
		`<d:feedback xmlns:d='urn:ietf:params:xml:ns:dmarc-2.0'>` + minimalHeader + minimalRecord + `</d:feedback>`,
		minimal(strings.Replace(minimalRecord, "<row>", `<row a="1"b='2' c = "x y">`, 1)),
		minimal(strings.Replace(minimalRecord, "<row>", `<row a="1" bb="22"/><row>`, 1)),
	}
	for _, doc := range docs {
		want := rawTokens(t, doc)
		for _, chunk := range []int{0, 1, 2, 3, 5, 7, 13} {
			got := fastTokens(t, doc, chunk)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("chunk %d: tokens differ from encoding/xml's for %q:\n got %v\nwant %v", chunk, doc, got, want)
			}
		}
	}
}

// TestFastScanOddDeclarations: a declaration the fast scanner does not
// fully understand is left to encoding/xml, which decides as it always
// did (both paths agree, nothing panics).
func TestFastScanOddDeclarations(t *testing.T) {
	rest := minimal(minimalRecord)[len(`<?xml version="1.0"?>`):]
	for _, decl := range []string{
		`<?xml version=?>`, `<?xml version="?>`, `<?xml version='1.0"?>`, `<?xml version?>`,
		`<?xml v=?>`, `<?xml version="1.0" encoding=?>`, `<?xml version="1.0" x?>`,
		`<?xml version="1.0" encoding='UTF-8"?>`, `<?xml =""?>`,
	} {
		for _, p := range []Parser{{}, {Recover: true}} {
			parseBoth(t, p, []byte(decl+rest), 0)
		}
	}
}
