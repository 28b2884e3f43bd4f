package domainauth

import (
	"strings"
	"testing"
)

// TestUnescapeTXT: miekg/dns holds character-strings in zone-file form
// (RFC 1035 section 5.1: \DDD is a decimal byte, \X is X); a backslash at
// the very end stands for itself.
func TestUnescapeTXT(t *testing.T) {
	for in, want := range map[string]string{
		`plain`:     "plain",
		`a\"b`:      `a"b`,
		`\065\066`:  "AB",
		`\256`:      "256",
		`\\`:        `\`,
		`end\`:      `end\`,
		`\05`:       "05",
		`x\059y\;z`: "x;y;z",
	} {
		var b strings.Builder
		unescapeTXT(&b, in)
		if b.String() != want {
			t.Errorf("unescapeTXT(%q) = %q, want %q", in, b.String(), want)
		}
	}
}
