package verify

import "testing"

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
