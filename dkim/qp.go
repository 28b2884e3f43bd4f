package dkim

import (
	"errors"
	"fmt"
	"strings"
)

// errQP is wrapped by decodeQP errors.
var errQP = errors.New("invalid DKIM quoted-printable")

// decodeQP decodes DKIM-Quoted-Printable (RFC 6376 section 2.11): "=XX"
// stands for the octet with hex value XX; folding whitespace is not part
// of the value and is dropped.
func decodeQP(s string) (string, error) {
	if !strings.ContainsAny(s, "= \t\r\n") {
		return s, nil
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case ' ', '\t', '\r', '\n':
			continue
		case '=':
			if i+2 >= len(s) {
				return "", fmt.Errorf("%w: %q at offset %d is not followed by two hex digits", errQP, "=", i)
			}
			hi, ok1 := unhex(s[i+1])
			lo, ok2 := unhex(s[i+2])
			if !ok1 || !ok2 {
				return "", fmt.Errorf("%w: %q at offset %d is not a hex octet", errQP, s[i:i+3], i)
			}
			b = append(b, hi<<4|lo)
			i += 2
		default:
			b = append(b, c)
		}
	}
	return string(b), nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

// encodeQP encodes s in DKIM-Quoted-Printable: every octet outside
// dkim-safe-char (0x21-0x3A, 0x3C, 0x3E-0x7E) becomes "=XX". With bar set,
// "|" is encoded too, as z= requires.
func encodeQP(s string, bar bool) string {
	const hexdig = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x21 && c <= 0x7e && c != ';' && c != '=' && !(bar && c == '|') {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('=')
		b.WriteByte(hexdig[c>>4])
		b.WriteByte(hexdig[c&15])
	}
	return b.String()
}
