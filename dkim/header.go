package dkim

import (
	"fmt"
	"math/bits"
	"strings"
)

// Canonicalization is one of the two algorithms of RFC 6376 section 3.4
// that prepare header fields and body for hashing.
type Canonicalization string

// The canonicalization algorithms. Simple tolerates almost no change in
// transit; relaxed survives whitespace changes, header case changes and
// re-folding.
const (
	Simple  Canonicalization = "simple"
	Relaxed Canonicalization = "relaxed"
)

// ParseCanonicalization parses the value of a c= tag, "header/body" or
// "header" alone (the body algorithm then defaults to simple). An empty
// value is an error; an absent tag means simple/simple, which the caller
// handles. The error is a *SyntaxError on tag c matching
// ErrUnsupportedCanonicalization.
func ParseCanonicalization(c string) (header, body Canonicalization, err error) {
	header, body, err = parseCanonicalization(c)
	if err != nil {
		return "", "", &SyntaxError{In: "canonicalization", Tag: "c", Offset: -1, Err: err}
	}
	return header, body, nil
}

// parseCanonicalization is ParseCanonicalization with the bare reason,
// for parsers that put it in their own SyntaxError.
func parseCanonicalization(c string) (header, body Canonicalization, err error) {
	c = stripFWS(c)
	h, b, slash := strings.Cut(c, "/")
	header, err = canonByName(h)
	if err != nil {
		return "", "", err
	}
	body = Simple
	if slash {
		if body, err = canonByName(b); err != nil {
			return "", "", err
		}
	}
	return header, body, nil
}

func canonByName(s string) (Canonicalization, error) {
	switch Canonicalization(s) {
	case Simple, Relaxed:
		return Canonicalization(s), nil
	}
	return "", fmt.Errorf("%w %q", ErrUnsupportedCanonicalization, s)
}

// CanonicalizeHeader appends the canonical form of one header field to dst
// and returns the extended slice. field is the whole field as it appears in
// the message, name, colon, value and folded continuation lines, with or
// without the final CRLF; line ends may be CRLF or bare LF. The result
// ends with CRLF.
//
// Simple keeps the field as is (line ends normalized to CRLF). Relaxed
// (RFC 6376 section 3.4.2) lower-cases the name, unfolds, reduces runs of
// whitespace to one space and removes whitespace at the end of the value
// and around the colon.
func CanonicalizeHeader(dst []byte, field string, c Canonicalization) []byte {
	if c == Relaxed {
		return relaxedHeader(dst, field)
	}
	return simpleHeader(dst, field)
}

func simpleHeader(dst []byte, f string) []byte {
	for len(f) > 0 {
		i := strings.IndexByte(f, '\n')
		if i < 0 {
			dst = append(dst, f...)
			break
		}
		line := f[:i]
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		dst = append(dst, line...)
		f = f[i+1:]
		if len(f) > 0 {
			dst = append(dst, '\r', '\n')
		}
	}
	return append(dst, '\r', '\n')
}

func relaxedHeader(dst []byte, f string) []byte {
	colon := strings.IndexByte(f, ':')
	if colon < 0 {
		colon = len(f)
	}
	name := f[:colon]
	// Whitespace before the colon is dropped; names have none inside.
	for len(name) > 0 && isWSPorEOL(name[len(name)-1]) {
		name = name[:len(name)-1]
	}
	n := len(dst)
	dst = append(dst, name...)
	for i := n; i < len(dst); i++ {
		if c := dst[i]; c >= 'A' && c <= 'Z' {
			dst[i] = c + 'a' - 'A'
		}
	}
	dst = append(dst, ':')
	if colon < len(f) {
		dst = relaxedValue(dst, f[colon+1:])
	}
	return append(dst, '\r', '\n')
}

// relaxedValue appends v unfolded, with whitespace runs reduced to one
// space and none at either end. It copies the runs between white space
// whole (b= and bh= are long ones), finding their ends with wordRun.
func relaxedValue(dst []byte, v string) []byte {
	i := 0
	for i < len(v) && isWSPorEOL(v[i]) {
		i++
	}
	for i < len(v) {
		j := i + wordRun(v[i:])
		dst = append(dst, v[i:j]...)
		k := j
		for k < len(v) && isWSPorEOL(v[k]) {
			k++
		}
		if k > j && k < len(v) {
			dst = append(dst, ' ')
		}
		i = k
	}
	return dst
}

// wordRun returns the length of the run of bytes at the start of s that
// are not white space or line ends (isWSPorEOL). It tests eight bytes at
// a time for one below 0x21, and only where it finds one looks at it
// byte by byte: header values are runs of visible characters.
func wordRun(s string) int {
	const lsb, msb = 0x0101010101010101, 0x8080808080808080
	i := 0
	for {
		for ; i+8 <= len(s); i += 8 {
			x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
				uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
			// The top bit of a byte is set when it is below 0x21 (exact
			// for the first such byte, which is all that is used).
			if t := (x - 0x21*lsb) &^ x & msb; t != 0 {
				i += bits.TrailingZeros64(t) / 8
				break
			}
		}
		for ; i < len(s) && s[i] > ' '; i++ {
		}
		if i == len(s) || isWSPorEOL(s[i]) {
			return i
		}
		i++ // a control character: part of the run
	}
}

func isWSPorEOL(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
