package spf

import (
	"context"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// isMacroLetter reports whether c (lower case) is a macro letter, and
// whether it is one of c, r, t that only explanations may use
// (RFC 7208 section 7.2).
func isMacroLetter(c byte) (ok, expOnly bool) {
	switch c | 0x20 {
	case 's', 'l', 'o', 'd', 'i', 'p', 'h', 'v':
		return true, false
	case 'c', 'r', 't':
		return true, true
	}
	return false, false
}

func isDelimiter(c byte) bool {
	switch c {
	case '.', '-', '+', ',', '/', '_', '=':
		return true
	}
	return false
}

// scanMacro checks a macro-string (RFC 7208 section 7.1):
//
//	macro-string = *( macro-expand / macro-literal )
//	macro-expand = ( "%{" macro-letter transformers *delimiter "}" )
//	               / "%%" / "%_" / "%-"
//	transformers = *DIGIT [ "r" ]
//
// With allLetters the letters c, r and t are allowed; with spaces, SP is
// allowed between (explain-string). It reports whether the string ends with
// a macro-expand, and on error the offset of the bad macro.
func scanMacro(s string, spaces, allLetters bool) (endsExpand bool, at int, err error) {
	for i := 0; i < len(s); {
		c := s[i]
		if c != '%' {
			if c < 0x21 || c > 0x7e {
				if !(c == ' ' && spaces) {
					return false, i, ErrNonASCII
				}
			}
			endsExpand = false
			i++
			continue
		}
		if i+1 >= len(s) {
			return false, i, ErrBadMacro
		}
		switch s[i+1] {
		case '%', '_', '-':
			i += 2
			endsExpand = true
			continue
		case '{':
		default:
			return false, i, ErrBadMacro
		}
		j := i + 2
		if j >= len(s) {
			return false, i, ErrBadMacro
		}
		ok, expOnly := isMacroLetter(s[j])
		if !ok || expOnly && !allLetters {
			return false, i, ErrBadMacro
		}
		j++
		digits, zero := 0, true
		for j < len(s) && isDigit(s[j]) {
			if s[j] != '0' {
				zero = false
			}
			digits++
			j++
		}
		if digits > 0 && zero {
			return false, i, ErrBadMacro // RFC 7208 section 7.3: the number must be nonzero
		}
		if j < len(s) && s[j]|0x20 == 'r' {
			j++
		}
		for j < len(s) && isDelimiter(s[j]) {
			j++
		}
		if j >= len(s) || s[j] != '}' {
			return false, i, ErrBadMacro
		}
		i = j + 1
		endsExpand = true
	}
	return endsExpand, 0, nil
}

// expand expands the macros of a domain-spec or, with explain set, of an
// explanation text (RFC 7208 section 7.3), for the current domain d. The
// string has been checked by scanMacro already (Parse did it), but expand
// checks again and fails with ErrBadMacro rather than trust it.
func (e *evaluation) expand(ctx context.Context, s, d string, explain bool) (string, error) {
	if strings.IndexByte(s, '%') < 0 {
		return s, nil
	}
	out := make([]byte, 0, len(s)+32)
	for i := 0; i < len(s); {
		c := s[i]
		if c != '%' {
			out = append(out, c)
			i++
			continue
		}
		if i+1 >= len(s) {
			return "", fmt.Errorf("%w: %q at offset %d", ErrBadMacro, s, i)
		}
		switch s[i+1] {
		case '%':
			out = append(out, '%')
			i += 2
			continue
		case '_':
			out = append(out, ' ')
			i += 2
			continue
		case '-':
			out = append(out, "%20"...)
			i += 2
			continue
		case '{':
		default:
			return "", fmt.Errorf("%w: %q at offset %d", ErrBadMacro, s, i)
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return "", fmt.Errorf("%w: %q at offset %d", ErrBadMacro, s, i)
		}
		var err error
		out, err = e.expandOne(ctx, out, s[i+2:i+end], d, explain)
		if err != nil {
			return "", fmt.Errorf("%w: %q at offset %d", err, s, i)
		}
		i += end + 1
	}
	return string(out), nil
}

// expandOne appends the expansion of one macro body (the text between
// "%{" and "}": letter, digits, "r", delimiters) to out.
func (e *evaluation) expandOne(ctx context.Context, out []byte, body, d string, explain bool) ([]byte, error) {
	if body == "" {
		return out, ErrBadMacro
	}
	letter := body[0]
	ok, expOnly := isMacroLetter(letter)
	if !ok || expOnly && !explain {
		return out, ErrBadMacro
	}
	j := 1
	keep := 0
	for j < len(body) && isDigit(body[j]) {
		if keep < 1000 {
			keep = keep*10 + int(body[j]-'0')
		}
		j++
	}
	if j > 1 && keep == 0 {
		return out, ErrBadMacro
	}
	reverse := false
	if j < len(body) && body[j]|0x20 == 'r' {
		reverse = true
		j++
	}
	delims := body[j:]
	for k := 0; k < len(delims); k++ {
		if !isDelimiter(delims[k]) {
			return out, ErrBadMacro
		}
	}
	if delims == "" {
		delims = "."
	}

	// The value, written to the end of out, then transformed in place.
	start := len(out)
	switch letter | 0x20 {
	case 's':
		out = append(out, e.sender...)
	case 'l':
		out = append(out, e.local...)
	case 'o':
		out = append(out, e.senderDomain...)
	case 'd':
		out = append(out, d...)
	case 'i':
		out = appendDottedIP(out, e.ip)
	case 'p':
		if !e.validatedDone {
			name, _, _ := e.validate(ctx, d, true)
			if name == "" {
				name = "unknown"
			}
			e.validated, e.validatedDone = name, true
		}
		out = append(out, e.validated...)
	case 'v':
		if e.ip.Is4() {
			out = append(out, "in-addr"...)
		} else {
			out = append(out, "ip6"...)
		}
	case 'h':
		h := e.c.HELO
		if h == "" {
			h = "unknown"
		}
		out = append(out, h...)
	case 'c':
		out = e.ip.AppendTo(out)
	case 'r':
		r := e.c.Receiver
		if r == "" {
			r = "unknown"
		}
		out = append(out, r...)
	case 't':
		now := time.Now
		if e.c.Now != nil {
			now = e.c.Now
		}
		out = strconv.AppendInt(out, now().Unix(), 10)
	}
	if keep > 0 || reverse || delims != "." {
		out = e.transform(out, start, keep, reverse, delims)
	}
	if letter >= 'A' && letter <= 'Z' {
		out = urlEscape(out, start)
	}
	return out, nil
}

// transform rewrites out[start:] as RFC 7208 section 7.3 says: split on
// any of delims, reverse if asked, keep the rightmost keep parts (all when
// keep is 0 or larger than the count), join with ".".
func (e *evaluation) transform(out []byte, start, keep int, reverse bool, delims string) []byte {
	parts := e.parts[:0]
	p := start
	for k := start; k <= len(out); k++ {
		if k == len(out) || strings.IndexByte(delims, out[k]) >= 0 {
			parts = append(parts, [2]int{p, k})
			p = k + 1
		}
	}
	e.parts = parts
	if reverse {
		for a, b := 0, len(parts)-1; a < b; a, b = a+1, b-1 {
			parts[a], parts[b] = parts[b], parts[a]
		}
	}
	if keep > 0 && keep < len(parts) {
		parts = parts[len(parts)-keep:]
	}
	// Build after the value, then move into place.
	mid := len(out)
	for n, pt := range parts {
		if n > 0 {
			out = append(out, '.')
		}
		out = append(out, out[pt[0]:pt[1]]...)
	}
	n := copy(out[start:], out[mid:])
	return out[:start+n]
}

// appendDottedIP appends the %{i} form of ip: dotted decimal for IPv4,
// dot-separated nibbles for IPv6 (RFC 7208 section 7.3).
func appendDottedIP(out []byte, ip netip.Addr) []byte {
	if ip.Is4() {
		return ip.AppendTo(out)
	}
	const hex = "0123456789abcdef"
	b := ip.As16()
	for k, c := range b {
		if k > 0 {
			out = append(out, '.')
		}
		out = append(out, hex[c>>4], '.', hex[c&0xf])
	}
	return out
}

// urlEscape percent-encodes out[start:] in place for upper-case macro
// letters: every byte but the URI unreserved characters (RFC 3986).
func urlEscape(out []byte, start int) []byte {
	n := 0
	for _, c := range out[start:] {
		if !unreserved(c) {
			n++
		}
	}
	if n == 0 {
		return out
	}
	mid := len(out)
	for k := start; k < mid; k++ {
		c := out[k]
		if unreserved(c) {
			out = append(out, c)
		} else {
			const hex = "0123456789ABCDEF"
			out = append(out, '%', hex[c>>4], hex[c&0xf])
		}
	}
	m := copy(out[start:], out[mid:])
	return out[:start+m]
}

func unreserved(c byte) bool {
	return isAlpha(c) || isDigit(c) || c == '-' || c == '.' || c == '_' || c == '~'
}
