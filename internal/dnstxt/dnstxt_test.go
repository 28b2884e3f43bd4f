package dnstxt

import "testing"

// TestUnescapeTXT: miekg/dns holds character-strings in zone-file form
// (RFC 1035 section 5.1: \DDD is a decimal byte, \X is X); a backslash at
// the very end stands for itself.
func TestJoinUnescapes(t *testing.T) {
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
		if got := Join([]string{in}); got != want {
			t.Errorf("Join(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestJoinDecimalBytes: in the zone-file form of a character-string
// (RFC 1035 section 5.1), \DDD is the byte with decimal value DDD, up to
// 255, for every hundreds digit; a value above 255 is no escape, and the
// digits stand for themselves.
func TestJoinDecimalBytes(t *testing.T) {
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
		if got := Join([]string{in}); got != want {
			t.Errorf("Join(%q) = %q, want %q", in, got, want)
		}
	}
}

// The character-strings of one record are joined with nothing between
// them (RFC 7208 section 3.3, RFC 6376 section 3.6.2.2), each unescaped.
// Only three decimal digits make an escape: a non-digit anywhere among
// the three leaves the backslash to escape the next character alone, even
// where the arithmetic would give a byte (':' is '0'+10: \0:5 is no 105).
func TestJoinEscapeNeedsThreeDigits(t *testing.T) {
	for in, want := range map[string]string{
		`\05x`:  "05x",
		`\0!5`:  "0!5",
		`\!!!x`: "!!!x",
		`\5/9`:  "5/9",
		`\0:5`:  "0:5",
		`\:05`:  ":05",
	} {
		if got := Join([]string{in}); got != want {
			t.Errorf("Join(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestJoinStrings(t *testing.T) {
	for _, c := range []struct {
		parts []string
		want  string
	}{
		{nil, ""},
		{[]string{"v=DKIM1; p=AB", "CD"}, "v=DKIM1; p=ABCD"},
		{[]string{`a\059`, `\098c`}, "a;bc"},
		{[]string{"", "x", ""}, "x"},
	} {
		if got := Join(c.parts); got != c.want {
			t.Errorf("Join(%q) = %q, want %q", c.parts, got, c.want)
		}
	}
}
