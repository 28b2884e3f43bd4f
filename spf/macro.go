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

// Macro expansion (RFC 7208 section 7.3) is bounded as it is produced. A
// domain-spec is only ever used through its rightmost 253 characters
// (longer names lose labels on the left), so expandName produces it from
// the right and stops once it holds enough to make that cut; an
// explanation is cut to a prefix, so expandText produces it from the left
// and stops at the limit. Each macro's own value is bounded by the
// identity limits (MaxLocalPart, MaxDomainLength), so one expansion costs
// at most the macro-string's length times such a value, and allocates at
// most a few such values, whatever the whole expansion would weigh.

// maxName is the longest name RFC 7208 section 7.3 lets an expanded
// domain-spec keep: longer ones lose labels on the left until they fit.
const maxName = 253

// nameWindow is how much of an expanded domain-spec's right end decides
// its truncation: maxName characters and the dot before them, and a final
// dot (of a fully qualified name) that is dropped first.
const nameWindow = maxName + 2

// macro is a parsed macro-expand body (RFC 7208 section 7.1).
type macro struct {
	letter  byte
	keep    int  // rightmost parts to keep; 0 for all
	reverse bool // "r" transformer
	delims  string
}

// parseMacro parses the body of a macro-expand, the text between "%{" and
// "}": letter, digits, "r", delimiters. explain allows c, r and t.
func parseMacro(body string, explain bool) (macro, bool) {
	if body == "" {
		return macro{}, false
	}
	m := macro{letter: body[0]}
	ok, expOnly := isMacroLetter(m.letter)
	if !ok || expOnly && !explain {
		return macro{}, false
	}
	j := 1
	for j < len(body) && isDigit(body[j]) {
		if m.keep < 1000 {
			m.keep = m.keep*10 + int(body[j]-'0')
		}
		j++
	}
	if j > 1 && m.keep == 0 {
		return macro{}, false
	}
	if j < len(body) && body[j]|0x20 == 'r' {
		m.reverse = true
		j++
	}
	m.delims = body[j:]
	for k := 0; k < len(m.delims); k++ {
		if !isDelimiter(m.delims[k]) {
			return macro{}, false
		}
	}
	if m.delims == "" {
		m.delims = "."
	}
	return m, true
}

// macroErr wraps err with the offset of the macro at s[i:] and the start of
// its text (not the whole string, which may be 64 KB).
func macroErr(err error, s string, i int) error {
	end := min(len(s), i+32)
	if j := strings.IndexByte(s[i:end], '}'); j >= 0 {
		end = i + j + 1
	}
	return fmt.Errorf("%w: %q at offset %d", err, s[i:end], i)
}

// checkMacros checks every "%" of a macro-string the way expansion reads
// them: "%%", "%_", "%-" or "%{" body "}" with a valid body, c, r and t
// only when explain is set. Other bytes are literals. Both expanders check
// the whole string first, so a bad macro is an error even where the
// expansion would be cut off.
func checkMacros(s string, explain bool) error {
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '%')
		if j < 0 {
			return nil
		}
		i += j
		if i+1 >= len(s) {
			return macroErr(ErrBadMacro, s, i)
		}
		switch s[i+1] {
		case '%', '_', '-':
			i += 2
		case '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				return macroErr(ErrBadMacro, s, i)
			}
			if _, ok := parseMacro(s[i+2:i+end], explain); !ok {
				return macroErr(ErrBadMacro, s, i)
			}
			i += end + 1
		default:
			return macroErr(ErrBadMacro, s, i)
		}
	}
	return nil
}

// expandName expands the domain-spec s for a DNS query, for the current
// domain d, and applies RFC 7208 section 7.3: without the final dot of a
// fully qualified name, a name longer than 253 characters loses labels on
// the left until it fits. ok is false when the result cannot be a name to
// look up (a label over 63 octets or empty, one label only, an address
// literal, or no cut that fits); name is then at most nameWindow bytes of
// the expansion's right end.
//
// It produces the expansion from the right and stops when it holds
// nameWindow bytes: the cut only depends on those, and on whether the
// expansion is longer, which it then is.
func (e *evaluation) expandName(ctx context.Context, s, d string) (name string, ok bool, err error) {
	if strings.IndexByte(s, '%') < 0 {
		name, ok = finishName(s)
		return name, ok, nil
	}
	if err := checkMacros(s, false); err != nil {
		return "", false, err
	}
	var win [nameWindow]byte
	n := 0 // bytes produced, at the end of win
	// One macro's value, on the stack unless it is long (an escaped
	// sender); transform needs twice the value's length.
	var buf [2 * nameWindow]byte
	for j := len(s); j > 0 && n < len(win); {
		k := tokenStart(s, j)
		var v []byte
		switch {
		case j-k == 1:
			v = []byte{s[k]}
		case s[k+1] == '%':
			v = []byte{'%'}
		case s[k+1] == '_':
			v = []byte{' '}
		case s[k+1] == '-':
			v = []byte("%20")
		default:
			m, _ := parseMacro(s[k+2:j-1], false) // checked by checkMacros
			v, err = e.appendMacro(ctx, buf[:0], m, d)
			if err != nil {
				return "", false, macroErr(err, s, k)
			}
		}
		space := len(win) - n
		if len(v) > space {
			v = v[len(v)-space:]
		}
		n += copy(win[space-len(v):space], v)
		j = k
	}
	name, ok = finishName(string(win[len(win)-n:]))
	return name, ok, nil
}

// tokenStart returns where the token of the macro-string s that ends at j
// starts: a literal byte, "%%", "%_", "%-" or "%{...}". s has passed
// checkMacros, so every '%' starts a token or ends a "%%", and a run of
// '%' starts a token; an odd run therefore ends with the '%' of the token
// that the next byte completes.
func tokenStart(s string, j int) int {
	switch s[j-1] {
	case '%':
		return j - 2 // "%%": no other token ends in '%'
	case '_', '-':
		if oddPercents(s, j-1) {
			return j - 2
		}
	case '}':
		// A macro body holds letters, digits and delimiters only; the
		// '}' closes a macro if they follow a "{" that a '%' opens.
		k := j - 1
		for k > 0 && isBodyByte(s[k-1]) {
			k--
		}
		if k >= 2 && s[k-1] == '{' && oddPercents(s, k-1) {
			return k - 2
		}
	}
	return j - 1
}

// oddPercents reports whether the run of '%' just before s[i] is of odd
// length, so that its last '%' and s[i] make one token.
func oddPercents(s string, i int) bool {
	n := 0
	for i > 0 && s[i-1] == '%' {
		n++
		i--
	}
	return n%2 == 1
}

func isBodyByte(c byte) bool {
	return isAlpha(c) || isDigit(c) || isDelimiter(c)
}

// finishName applies the RFC 7208 section 7.3 cut to an expanded name, or
// to the right end of one (at least nameWindow bytes when the name is
// longer than that), and checks the result as queryName does.
func finishName(s string) (string, bool) {
	s = strings.TrimSuffix(s, ".")
	if len(s) > maxName {
		tail := s[len(s)-maxName-1:]
		i := strings.IndexByte(tail, '.')
		if i < 0 {
			return s, false
		}
		s = tail[i+1:]
	}
	if mayBeAddr(s) {
		if _, err := netip.ParseAddr(s); err == nil {
			return s, false // an address literal is not a name to look up
		}
	}
	_, ok := validDomain(s)
	return s, ok
}

// expandText expands the explanation text s (RFC 7208 section 6.2) for
// the current domain d, cut to e.maxExpl bytes: it produces the text from
// the left and stops at the limit, so macros past it are not expanded.
func (e *evaluation) expandText(ctx context.Context, s, d string) (string, error) {
	if err := checkMacros(s, true); err != nil {
		return "", err
	}
	max := e.maxExpl
	out := make([]byte, 0, min(len(s), max))
	for i := 0; i < len(s) && len(out) < max; {
		if s[i] != '%' {
			lit := s[i:]
			if j := strings.IndexByte(lit, '%'); j >= 0 {
				lit = lit[:j]
			}
			lit = lit[:min(len(lit), max-len(out))]
			out = append(out, lit...)
			i += len(lit)
			continue
		}
		switch s[i+1] {
		case '%':
			out = append(out, '%')
			i += 2
		case '_':
			out = append(out, ' ')
			i += 2
		case '-':
			out = append(out, "%20"...)
			i += 2
		default:
			end := strings.IndexByte(s[i:], '}')
			m, _ := parseMacro(s[i+2:i+end], true) // checked by checkMacros
			var err error
			if out, err = e.appendMacro(ctx, out, m, d); err != nil {
				return "", macroErr(err, s, i)
			}
			i += end + 1
		}
	}
	return string(out[:min(len(out), max)]), nil
}

// appendMacro appends the expansion of one macro to out. A macro that needs
// an identity over its limit (the sender's local-part over maxLocal, its
// domain or the HELO name over MaxDomainLength octets) fails with
// ErrIdentityTooLong rather than expand it.
func (e *evaluation) appendMacro(ctx context.Context, out []byte, m macro, d string) ([]byte, error) {
	// The value, written to the end of out, then transformed in place.
	start := len(out)
	switch m.letter | 0x20 {
	case 's':
		if err := e.checkSender(true, true); err != nil {
			return out, err
		}
		out = append(out, e.sender...)
	case 'l':
		if err := e.checkSender(true, false); err != nil {
			return out, err
		}
		out = append(out, e.local...)
	case 'o':
		if err := e.checkSender(false, true); err != nil {
			return out, err
		}
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
		if len(h) > MaxDomainLength {
			return out, fmt.Errorf("%w: HELO name of %d octets, over %d", ErrIdentityTooLong, len(h), MaxDomainLength)
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
	if m.keep > 0 || m.reverse || m.delims != "." {
		out = e.transform(out, start, m.keep, m.reverse, m.delims)
	}
	if m.letter >= 'A' && m.letter <= 'Z' {
		out = urlEscape(out, start)
	}
	return out, nil
}

// checkSender checks the parts of the sender a macro needs against their
// limits (RFC 5321 section 4.5.3.1).
func (e *evaluation) checkSender(local, domain bool) error {
	if local && len(e.local) > e.maxLocal {
		return fmt.Errorf("%w: sender local-part of %d octets, over %d", ErrIdentityTooLong, len(e.local), e.maxLocal)
	}
	if domain && len(e.senderDomain) > MaxDomainLength {
		return fmt.Errorf("%w: sender domain of %d octets, over %d", ErrIdentityTooLong, len(e.senderDomain), MaxDomainLength)
	}
	return nil
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
