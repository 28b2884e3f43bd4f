package authres

import (
	"errors"
	"strings"
	"testing"
)

// The byte classes include their end points: 'z' and the first of the
// atext specials, '!' (RFC 5322 section 3.2.3).
func TestAtextEnds(t *testing.T) {
	for _, c := range []byte{'a', 'z', 'A', 'Z', '0', '9', '!', '~'} {
		if !isAtext(c) {
			t.Errorf("isAtext(%q) = false", c)
		}
	}
	for _, c := range []byte{' ', '(', ')', '@', '"', ','} {
		if isAtext(c) {
			t.Errorf("isAtext(%q) = true", c)
		}
	}
}

// A byte that is not UTF-8 in a comment is written as a space, not
// copied: the field must stay valid UTF-8 (RFC 6532).
func TestCommentInvalidUTF8(t *testing.T) {
	got := string(appendComment(nil, "a\xffb"))
	if !strings.Contains(got, "a b") || strings.Contains(got, "\xff") {
		t.Errorf("appendComment = %q, want the bad byte as a space", got)
	}
}

// A quoted string whose last byte is a line feed (no white space can
// follow) is a syntax error, not a read past the end.
func TestQuotedStringEndsInLF(t *testing.T) {
	for _, v := range []string{"mx.example; spf=pass reason=\"abc\n", "mx.example; spf=pass reason=\"abc\r"} {
		_, err := Parse(v)
		if !errors.Is(err, ErrMalformed) {
			t.Errorf("Parse(%q) = %v, want a syntax error", v, err)
		}
	}
}

// Validate names the result it refuses by its place, counting from 1.
func TestValidateNamesResult(t *testing.T) {
	h := Header{AuthServID: "mx.example", Results: []Result{{Method: "bad method", Value: "pass"}}}
	err := h.Validate()
	if err == nil || !strings.Contains(err.Error(), "result 1:") {
		t.Errorf("Validate = %v, want it to name result 1", err)
	}
}

// Past the method, Validate names the result by its method too.
func TestValidateNamesMethod(t *testing.T) {
	h := Header{AuthServID: "mx.example", Results: []Result{{Method: "spf", Value: "pass"}, {Method: "dkim", Value: "bad value"}}}
	err := h.Validate()
	if err == nil || !strings.Contains(err.Error(), "result 2 (dkim):") {
		t.Errorf("Validate = %v, want it to name result 2 (dkim)", err)
	}
}

// A property value with an address whose domain has a byte that no
// domain name has ('/', '_') is no bare address: it is written quoted.
// Bytes of UTF-8 are allowed (U-labels).
func TestPValueQuotesNonDomain(t *testing.T) {
	for _, tc := range []struct{ v, want string }{
		{"joe@a/b.example", `"joe@a/b.example"`},
		{"joe@a_b.example", `"joe@a_b.example"`},
		{"joe@b\u00fccher.example", "joe@b\u00fccher.example"},
		{"joe@news.example", "joe@news.example"},
	} {
		if got := string(appendPValue(nil, tc.v)); got != tc.want {
			t.Errorf("appendPValue(%q) = %s, want %s", tc.v, got, tc.want)
		}
	}
}
