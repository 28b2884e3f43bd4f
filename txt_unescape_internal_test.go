package domainauth

import (
	"strings"
	"testing"
)

// TestUnescapeTXTDecimalBytes: in the zone-file form of a character-string
// (RFC 1035 section 5.1), \DDD is the byte with decimal value DDD, up to
// 255, for every hundreds digit; a value above 255 is no escape, and the
// digits stand for themselves.
func TestUnescapeTXTDecimalBytes(t *testing.T) {
	for in, want := range map[string]string{
		`\000`:          "\x00",
		`\059`:          ";",
		`\100`:          "d",
		`\128`:          "\x80",
		`\200\201`:      "\xc8\xc9",
		`a\255b`:        "a\xffb",
		`\256`:          "256",
		`v=spf1\0322\1`: "v=spf1 21",
	} {
		var b strings.Builder
		unescapeTXT(&b, in)
		if got := b.String(); got != want {
			t.Errorf("unescapeTXT(%q) = %q, want %q", in, got, want)
		}
	}
}
