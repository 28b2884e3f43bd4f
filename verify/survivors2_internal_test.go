package verify

import (
	"strings"
	"testing"
)

// unquote strips the quote characters pasted around a TXT value, also when
// the value between them is empty, and leaves alone a value that is not
// wrapped in a pair of them (a lone quote character is not a pair).
func TestUnquoteEnds(t *testing.T) {
	for in, want := range map[string]string{
		`""`:            "",
		` "" `:          "",
		`"`:             `"`,
		`"a"`:           "a",
		`"abc" "def"`:   "abcdef",
		`a"`:            `a"`,
		`"a`:            `"a`,
		`v=spf1 -all`:   "v=spf1 -all",
		` v=spf1 -all `: "v=spf1 -all",
	} {
		if got := unquote(in); got != want {
			t.Errorf("unquote(%q) = %q, want %q", in, got, want)
		}
	}
}

// shorten leaves values of up to 80 bytes whole and cuts longer ones to
// 77 bytes and "...", so that a line of the report stays readable.
func TestShortenAt80(t *testing.T) {
	a80 := strings.Repeat("a", 80)
	a81 := a80 + "a"
	if got := shorten(a80); got != a80 {
		t.Errorf("80 bytes: %q", got)
	}
	if got := shorten(a81); got != a80[:77]+"..." {
		t.Errorf("81 bytes: %q, want 77 bytes and ...", got)
	}
}
