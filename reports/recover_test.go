package reports

import (
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// TestRecoverReader: the repairs, whatever the read boundaries.
func TestRecoverReader(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<a>x</a>", "<a>x</a>"},
		{"<x-y.z_1>t</x-y.z_1>", "<x-y.z_1>t</x-y.z_1>"},
		{"<h>1<2</h>", "<h>1&lt;2</h>"},
		{"<email><x@y.example></email>", "<email>&lt;x@y.example></email>"},
		{"<h>bad<xml.net</h>", "<h>bad&lt;xml.net</h>"},
		{"<h>a < b</h>", "<h>a &lt; b</h>"},
		{"<h>a <3</h>", "<h>a &lt;3</h>"},
		{"<?xml version='1.0'?><!-- c --><a/>", "<?xml version='1.0'?><!-- c --><a/>"},
		{"<a\tb='1'>x</a >", "<a\tb='1'>x</a >"},
		{"<h>bad_byte\x91</h>", "<h>bad_byte</h>"},
		{"<h>caf\xc3\xa9 \xe2\x82</h>", "<h>café </h>"},
		{"<h>\xff\xfe</h>", "<h></h>"},
		{"<h>\x7f\x80</h>", "<h>\x7f</h>"},             // the first byte outside ASCII, alone, is dropped
		{"<h>\xef\xbf\xbd</h>", "<h>\xef\xbf\xbd</h>"}, // U+FFFD itself is valid
		{"end<", "end&lt;"},
		{"end<abc", "end&lt;abc"},
		{"<" + strings.Repeat("n", 300) + "@x", "<" + strings.Repeat("n", 300) + "@x"}, // too long to tell: left as a tag
	}
	for _, tt := range tests {
		for _, oneByte := range []bool{false, true} {
			var r io.Reader = strings.NewReader(tt.in)
			if oneByte {
				r = iotest.OneByteReader(r)
			}
			out, err := io.ReadAll(&recoverReader{r: r})
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tt.want {
				t.Errorf("%q (one byte at a time: %v) -> %q, want %q", tt.in, oneByte, out, tt.want)
			}
		}
	}
	rr := &recoverReader{r: strings.NewReader("<a>\x91<x@y></a>")}
	io.ReadAll(rr)
	if rr.dropped != 1 || rr.escaped != 1 {
		t.Errorf("counted %d dropped, %d escaped; want 1 and 1", rr.dropped, rr.escaped)
	}
}

// TestRecoverOptIn: without Recover the same faults are errors; with it,
// the report reads and says what was repaired.
func TestRecoverOptIn(t *testing.T) {
	doc := strings.Replace(minimal(minimalRecord), "d@r.example", "<d@r.example>", 1)
	doc = strings.Replace(doc, "<header_from>example.com", "<header_from>exa\x91mple.com", 1)
	if _, err := (&Parser{}).ParseAggregate(strings.NewReader(doc)); err == nil {
		t.Fatal("read without Recover")
	}
	rep, err := (&Parser{Recover: true}).ParseAggregate(iotest.HalfReader(strings.NewReader(doc)))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Metadata.Email != "<d@r.example>" || rep.Records[0].HeaderFrom != "example.com" {
		t.Errorf("email %q, header_from %q", rep.Metadata.Email, rep.Records[0].HeaderFrom)
	}
	var msgs []string
	for _, w := range rep.Warnings {
		msgs = append(msgs, w.Message)
	}
	all := strings.Join(msgs, "|")
	if !strings.Contains(all, "1 bytes that are not UTF-8 dropped") || !strings.Contains(all, `1 "<" that open no tag`) {
		t.Errorf("warnings %q", all)
	}
	// An unclosed wrapper is accepted only with Recover.
	wrapped := "<xs:schema xmlns:xs='x'>" + minimal(minimalRecord)[len(`<?xml version="1.0"?>`):]
	if _, err := (&Parser{}).ParseAggregate(strings.NewReader(wrapped)); err == nil {
		t.Error("unclosed wrapper read without Recover")
	}
	if _, err := (&Parser{Recover: true}).ParseAggregate(strings.NewReader(wrapped)); err != nil {
		t.Errorf("unclosed wrapper with Recover: %v", err)
	}
	rep, err = (&Parser{}).ParseAggregate(strings.NewReader(wrapped + "</xs:schema>"))
	if err != nil {
		t.Fatalf("closed wrapper: %v", err)
	}
	if !hasWarning(rep.Warnings, "xs:schema") {
		t.Errorf("wrapper accepted without a warning: %v", rep.Warnings)
	}
}
