package spf

import (
	"net/netip"
	"strings"
)

// Parse parses the text of an SPF record, as published in a TXT record
// (with the character-strings of the record already joined), following the
// ABNF of RFC 7208 sections 4.5, 4.6.1, 5, 6 and 7.1.
//
// The text must start with "v=spf1" (in any case) followed by a space or the
// end; otherwise the error wraps ErrNotSPF, which in record selection means
// "not an SPF record" rather than "broken SPF record". Terms are separated by
// one or more spaces. Every mechanism and modifier is checked: domain-specs
// must end in a top label or a macro, macros must be well formed (the
// letters c, r and t belong in explanations only), CIDR lengths in range,
// addresses valid, redirect and exp at most once. Unknown modifiers are kept;
// unknown mechanisms are errors.
//
// Errors are *SyntaxError values with the offset of the problem; they match
// ErrSyntax and the specific sentinel with errors.Is.
func Parse(s string) (*Record, error) {
	if !IsRecord(s) {
		return nil, &SyntaxError{Input: s, Offset: 0, Err: ErrNotSPF}
	}
	const version = len("v=spf1")
	r := &Record{Terms: make([]Term, 0, countTerms(s[version:]))}
	seenRedirect, seenExp := false, false
	for i := version; i < len(s); {
		if s[i] == ' ' {
			i++
			continue
		}
		end := i
		for end < len(s) && s[end] != ' ' {
			end++
		}
		r.Terms = append(r.Terms, Term{})
		t := &r.Terms[len(r.Terms)-1]
		if at, err := parseTerm(s[i:end], t); err != nil {
			return nil, &SyntaxError{Input: s, Offset: i + at, Term: s[i:end], Err: err}
		}
		switch t.Kind {
		case KindRedirect:
			if seenRedirect {
				return nil, &SyntaxError{Input: s, Offset: i, Term: s[i:end], Err: ErrDuplicateModifier}
			}
			seenRedirect = true
		case KindExp:
			if seenExp {
				return nil, &SyntaxError{Input: s, Offset: i, Term: s[i:end], Err: ErrDuplicateModifier}
			}
			seenExp = true
		}
		i = end
	}
	return r, nil
}

// MustParse is Parse for records known to be valid, such as constants in
// tests; it panics on error.
func MustParse(s string) *Record {
	r, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return r
}

// countTerms counts the space-separated fields of s, to size the slice.
func countTerms(s string) int {
	n := 0
	in := false
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			in = false
		} else if !in {
			in = true
			n++
		}
	}
	return n
}

func isAlpha(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// parseTerm parses one term into t. On error it returns the offset within
// term where the problem is.
func parseTerm(term string, t *Term) (int, error) {
	for i := 0; i < len(term); i++ {
		if term[i] < 0x21 || term[i] > 0x7e {
			return i, ErrNonASCII
		}
	}
	// A modifier is name "=" ...; name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ).
	if isAlpha(term[0]) {
		n := 1
		for n < len(term) && (isAlpha(term[n]) || isDigit(term[n]) || term[n] == '-' || term[n] == '_' || term[n] == '.') {
			n++
		}
		if n < len(term) && term[n] == '=' {
			return parseModifier(term, n, t)
		}
	}
	i := 0
	switch term[0] {
	case '+':
		t.Qualifier, i = QualifierPass, 1
	case '-':
		t.Qualifier, i = QualifierFail, 1
	case '~':
		t.Qualifier, i = QualifierSoftFail, 1
	case '?':
		t.Qualifier, i = QualifierNeutral, 1
	}
	n := i
	for n < len(term) && term[n] != ':' && term[n] != '/' {
		n++
	}
	name, arg := term[i:n], term[n:]
	switch {
	case strings.EqualFold(name, "all"):
		t.Kind = KindAll
		if arg != "" {
			return n, ErrUnexpectedArg
		}
		return 0, nil
	case strings.EqualFold(name, "include"):
		t.Kind = KindInclude
		return parseDomainArg(arg, n, true, t)
	case strings.EqualFold(name, "exists"):
		t.Kind = KindExists
		return parseDomainArg(arg, n, true, t)
	case strings.EqualFold(name, "ptr"):
		t.Kind = KindPTR
		return parseDomainArg(arg, n, false, t)
	case strings.EqualFold(name, "a"):
		t.Kind = KindA
		return parseDualCIDR(arg, n, t)
	case strings.EqualFold(name, "mx"):
		t.Kind = KindMX
		return parseDualCIDR(arg, n, t)
	case strings.EqualFold(name, "ip4"):
		t.Kind = KindIP4
		return parseIP(arg, n, t)
	case strings.EqualFold(name, "ip6"):
		t.Kind = KindIP6
		return parseIP(arg, n, t)
	}
	return i, ErrUnknownMechanism
}

// parseModifier parses name=value, the '=' being at term[eq].
func parseModifier(term string, eq int, t *Term) (int, error) {
	name, value := term[:eq], term[eq+1:]
	switch {
	case strings.EqualFold(name, "redirect"):
		t.Kind = KindRedirect
	case strings.EqualFold(name, "exp"):
		t.Kind = KindExp
	default:
		t.Kind = KindModifier
		t.Name, t.Value = name, value
		if _, at, err := scanMacro(value, false, true); err != nil {
			return eq + 1 + at, err
		}
		return 0, nil
	}
	if value == "" {
		return eq + 1, ErrMissingDomain
	}
	t.Domain = value
	if at, err := checkDomainSpec(value); err != nil {
		return eq + 1 + at, err
	}
	return 0, nil
}

// parseDomainArg parses [":" domain-spec] (required when must is set);
// arg starts at offset off of the term.
func parseDomainArg(arg string, off int, must bool, t *Term) (int, error) {
	if arg == "" {
		if must {
			return off, ErrMissingDomain
		}
		return 0, nil
	}
	if arg[0] != ':' {
		return off, ErrUnexpectedArg
	}
	if len(arg) == 1 {
		return off + 1, ErrMissingDomain
	}
	t.Domain = arg[1:]
	if at, err := checkDomainSpec(t.Domain); err != nil {
		return off + 1 + at, err
	}
	return 0, nil
}

// parseDualCIDR parses [":" domain-spec] [ip4-cidr-length] ["/" ip6-cidr-length]
// for a and mx.
func parseDualCIDR(arg string, off int, t *Term) (int, error) {
	// The CIDR lengths are taken off the end: a domain-spec always ends in a
	// top label or a macro, never in "/" digits.
	if d, ok := trailingNumber(arg); ok {
		slash := len(arg) - len(d) - 1
		if slash >= 1 && arg[slash-1] == '/' {
			n, ok := cidrLength(d, 128)
			if !ok {
				return off + slash + 1, ErrBadCIDR
			}
			t.V6Len, t.HasV6Len = n, true
			arg = arg[:slash-1]
			if d, ok = trailingNumber(arg); !ok {
				goto domain
			}
			slash = len(arg) - len(d) - 1
			if slash >= 1 && arg[slash-1] == '/' {
				return off + slash - 1, ErrBadCIDR
			}
		}
		n, ok := cidrLength(d, 32)
		if !ok {
			return off + slash + 1, ErrBadCIDR
		}
		t.V4Len, t.HasV4Len = n, true
		arg = arg[:slash]
	}
domain:
	if i := strings.IndexByte(arg, '/'); i >= 0 && (i == 0 || strings.HasSuffix(arg, "/")) {
		return off + i, ErrBadCIDR
	}
	return parseDomainArg(arg, off, false, t)
}

// trailingNumber returns the digits at the end of s if they are preceded by
// a '/'.
func trailingNumber(s string) (string, bool) {
	i := len(s)
	for i > 0 && isDigit(s[i-1]) {
		i--
	}
	if i == len(s) || i == 0 || s[i-1] != '/' {
		return "", false
	}
	return s[i:], true
}

// cidrLength parses a CIDR length: decimal without leading zeros, at most
// max (RFC 7208 section 5.6, ip4-cidr-length and ip6-cidr-length).
func cidrLength(d string, max int) (int, bool) {
	if d == "" || len(d) > 3 || len(d) > 1 && d[0] == '0' {
		return 0, false
	}
	n := 0
	for i := 0; i < len(d); i++ {
		n = n*10 + int(d[i]-'0')
	}
	return n, n <= max
}

// parseIP parses ":" address [ "/" length ] for ip4 and ip6.
func parseIP(arg string, off int, t *Term) (int, error) {
	if arg == "" || arg[0] != ':' {
		return off, ErrBadIP
	}
	s := arg[1:]
	bits := -1
	max := 32
	if t.Kind == KindIP6 {
		max = 128
	}
	if i := strings.LastIndexByte(s, '/'); i >= 0 {
		n, ok := cidrLength(s[i+1:], max)
		if !ok {
			return off + 2 + i, ErrBadCIDR
		}
		bits, s = n, s[:i]
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" || (t.Kind == KindIP4) != a.Is4() {
		return off + 1, ErrBadIP
	}
	if bits < 0 {
		bits = a.BitLen()
	}
	t.Prefix = netip.PrefixFrom(a, bits)
	return 0, nil
}

// checkDomainSpec checks domain-spec = macro-string domain-end, where
// domain-end = ( "." toplabel [ "." ] ) / macro-expand.
func checkDomainSpec(s string) (int, error) {
	endsExpand, at, err := scanMacro(s, false, false)
	if err != nil {
		return at, err
	}
	if endsExpand {
		return 0, nil
	}
	d := strings.TrimSuffix(s, ".")
	dot := strings.LastIndexByte(d, '.')
	if dot < 0 || !isTopLabel(d[dot+1:]) {
		return dot + 1, ErrBadDomainSpec
	}
	return 0, nil
}

// isTopLabel reports whether s is a toplabel (RFC 7208 section 7.1):
// alphanumeric with at least one letter, or alphanumeric with inner hyphens.
func isTopLabel(s string) bool {
	if s == "" {
		return false
	}
	alpha, hyphen := false, false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isAlpha(c):
			alpha = true
		case isDigit(c):
		case c == '-':
			if i == 0 || i == len(s)-1 {
				return false
			}
			hyphen = true
		default:
			return false
		}
	}
	return alpha || hyphen
}
