// Package ascii folds the case of ASCII letters only.
//
// Names on the wire in mail authentication (domain names, header field
// names, tag and method keywords, authserv-ids) are compared without case
// for ASCII letters alone (RFC 4343, RFC 5322 section 1.2.2). The
// standard library's strings.EqualFold and strings.ToLower follow Unicode
// instead, under which "\u212a" (KELVIN SIGN) equals "k" and "\u017f"
// (LATIN SMALL LETTER LONG S) equals "s": a name written with them would
// pass for another one that an ASCII comparison, such as the one a mail
// server makes, tells apart. Use these functions on every name from a
// message or a DNS answer.
package ascii

// EqualFold reports whether a and b are equal when ASCII letters are
// compared without case; every other byte must be equal.
func EqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if x, y := a[i], b[i]; x != y {
			// Unequal bytes are equal letters only if they differ in bit
			// 0x20 alone and are letters with it set.
			if l := x | 0x20; l != y|0x20 || l < 'a' || l > 'z' {
				return false
			}
		}
	}
	return true
}

// Lower returns s with the ASCII letters A-Z turned to a-z and every other
// byte kept; s itself when it has no upper-case ASCII letter.
func Lower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				b[j] = lower(b[j])
			}
			return string(b)
		}
	}
	return s
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// Is reports whether every byte of s is ASCII: what a DKIM or ARC tag
// value, written as given, must hold (an internationalized name as its
// A-label).
func Is(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
