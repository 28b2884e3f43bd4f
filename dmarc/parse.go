package dmarc

import (
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/internal/tagvalue"
)

// MaxURIs bounds the URIs read from one rua or ruf tag; RFC 7489 section
// 6.2 lets receivers stop after two, real records rarely list more than a
// few.
const MaxURIs = 32

// Parse parses the text of a DMARC record (the TXT record at
// _dmarc.<domain>, its character-strings already joined), as an RFC 9989
// receiver reads it; [Checker.Parse] with Mode RFC7489 reads it as an RFC
// 7489 receiver does.
//
// Both modes read v, p, sp, rua, ruf, adkim, aspf and fo; RFC 9989 adds
// np, psd and t, RFC 7489 has pct, rf and ri. A tag of the other mode is
// an unknown tag, and unknown tags are ignored (Record.Findings still
// names them, for the publisher). Tag names and keyword values are read in
// any case; the text must start with "v=DMARC1" exactly (no leading white
// space, "DMARC1" in upper case), whitespace around "=" and ";" allowed.
// Invalid values of optional tags, and malformed tags after v, are
// discarded in favour of the default (RFC 7489 section 6.3, RFC 9989
// section 4.8) and listed in Record.Discarded. A record with no valid p,
// or with an invalid sp (or, in RFC 9989, an invalid np), is read as
// "p=none" when it has a valid rua, and rejected otherwise (RFC 7489
// section 6.6.3 step 6, RFC 9989 section 4.10.1).
//
// The error is a *SyntaxError (matching ErrSyntax) naming the tag and its
// offset, and matching one of: ErrNotDMARC for
// text that is not a DMARC record, ErrNoPolicy, ErrBadValue (p, sp or np)
// or ErrDuplicateTag for a DMARC record that cannot be used.
//
// Record.Findings says what RFC 7489 and RFC 9989 receivers read
// differently in the record.
func Parse(txt string) (*Record, error) {
	var c Checker
	return c.Parse(txt)
}

// parse is Parse. On an error about p, sp or np (ErrNoPolicy, ErrBadValue)
// it also returns the record as read, for the psd tag that the RFC 9989
// tree walk looks at; on other errors the record is nil.
func parse(txt string, mode Mode) (*Record, error) {
	// Both ABNFs start the record with dmarc-version: no white space first.
	if txt != "" && isWSP(txt[0]) {
		return nil, &SyntaxError{Tag: "v", Err: ErrNotDMARC}
	}
	ts := tagScanner{sc: tagvalue.NewScanner(txt)}
	// The first tag must be v=DMARC1; a malformed tag before it makes the
	// text something else.
	if !ts.next() || ts.bad != nil {
		pe := &SyntaxError{Tag: "v", Err: ErrNotDMARC}
		for ts.bad != nil {
			ts.bad = nil
			if ts.next() && ts.bad == nil {
				pe.Offset = ts.sc.Tag().Offset // the first well-formed tag
			}
		}
		return nil, pe
	}
	if v := ts.sc.Tag(); !strings.EqualFold(v.Name, "v") {
		return nil, &SyntaxError{Tag: "v", Offset: v.Offset, Err: ErrNotDMARC}
	} else if v.Value != "DMARC1" {
		return nil, &SyntaxError{Tag: v.Name, Offset: v.Offset, Value: v.Value, Err: ErrNotDMARC}
	}
	r := &Record{
		Percent:      DefaultPercent,
		ADKIM:        Relaxed,
		ASPF:         Relaxed,
		ReportFormat: DefaultReportFormat,
		Interval:     DefaultInterval,
		PSD:          PSDUnknown,
		Present:      TagV,
		Mode:         mode,
	}
	foreign := mode.foreignTags()
	var (
		seen        = TagV
		policyErr   *SyntaxError // invalid p or sp: decides between fallback and rejection
		subPolicyOK = true
		bad         []*SyntaxError // malformed tags, listed first in Discarded
		uris        []URI          // storage for RUA and RUF
	)
	for {
		// ts.next, by hand: the call is not inlined.
		if !ts.sc.Next() {
			if !ts.malformed() {
				break
			}
			bad = append(bad, ts.bad)
			ts.bad = nil
			continue
		}
		ts.ntags++
		t := ts.sc.Tag()
		bit := tagByName(t.Name)
		if bit == 0 {
			continue // unknown tags MUST be ignored (RFC 7489 section 6.3)
		}
		if bit&foreign != 0 {
			r.foreign |= bit // a tag of the other mode: unknown here
			continue
		}
		if seen&bit != 0 {
			return nil, &SyntaxError{Tag: t.Name, Offset: t.Offset, Err: ErrDuplicateTag}
		}
		seen |= bit
		switch bit {
		case TagV:
			// unreachable: v is the first tag and duplicates were caught above
		case TagP:
			p, ok := parsePolicy(t.Value)
			if !ok {
				policyErr = &SyntaxError{Tag: t.Name, Offset: t.Offset, Value: t.Value, Err: ErrBadValue}
				continue
			}
			r.Policy = p
			r.Present |= TagP
			r.pLate = ts.ntags != 2 // v is the first well-formed tag, p must be the second
		case TagSP:
			p, ok := parsePolicy(t.Value)
			if !ok {
				subPolicyOK = false
				if policyErr == nil {
					policyErr = &SyntaxError{Tag: t.Name, Offset: t.Offset, Value: t.Value, Err: ErrBadValue}
				}
				continue
			}
			r.SubdomainPolicy = p
			r.Present |= TagSP
		case TagNP:
			// RFC 9989 only (RFC 7489 mode skipped it above): an invalid
			// np counts as an invalid sp (section 4.10.1).
			p, ok := parsePolicy(t.Value)
			if !ok {
				subPolicyOK = false
				if policyErr == nil {
					policyErr = &SyntaxError{Tag: t.Name, Offset: t.Offset, Value: t.Value, Err: ErrBadValue}
				}
				continue
			}
			r.NPolicy = p
			r.Present |= TagNP
		case TagPct:
			n, ok := parseUint(t.Value, 100)
			if !ok {
				r.discard(t, ErrBadValue)
				continue
			}
			r.Percent = int(n)
			r.Present |= TagPct
		case TagRUA, TagRUF:
			after := "" // the text after this tag
			if k := strings.IndexByte(txt[t.Offset:], ';'); k >= 0 {
				after = txt[t.Offset+k+1:]
			}
			us := parseURIs(t, &r.Discarded, &uris, after)
			if len(us) == 0 {
				continue
			}
			if bit == TagRUA {
				r.RUA = us
			} else {
				r.RUF = us
			}
			r.Present |= bit
		case TagADKIM, TagASPF:
			m, ok := parseMode(t.Value)
			if !ok {
				r.discard(t, ErrBadValue)
				continue
			}
			if bit == TagADKIM {
				r.ADKIM = m
			} else {
				r.ASPF = m
			}
			r.Present |= bit
		case TagFO:
			parseFO := parseFO7489
			if mode == RFC9989 {
				parseFO = parseFO9989
			}
			fo, ok := parseFO(t.Value)
			if !ok {
				r.discard(t, ErrBadValue)
				continue
			}
			r.FailureOptions = fo
			r.Present |= TagFO
		case TagRF:
			rf, ok := parseRF(t.Value)
			if !ok {
				r.discard(t, ErrBadValue)
				continue
			}
			r.ReportFormat = rf
			r.Present |= TagRF
		case TagRI:
			n, ok := parseUint(t.Value, 1<<32-1)
			if !ok {
				r.discard(t, ErrBadValue)
				continue
			}
			r.Interval = uint32(n)
			r.Present |= TagRI
		case TagPSD:
			switch {
			case strings.EqualFold(t.Value, "y"):
				r.PSD = PSDYes
			case strings.EqualFold(t.Value, "n"):
				r.PSD = PSDNo
			case strings.EqualFold(t.Value, "u"):
				r.PSD = PSDUnknown
			default:
				r.discard(t, ErrBadValue)
				continue
			}
			r.Present |= TagPSD
		case TagT:
			switch {
			case strings.EqualFold(t.Value, "y"):
				r.Testing = true
			case strings.EqualFold(t.Value, "n"):
				r.Testing = false
			default:
				r.discard(t, ErrBadValue)
				continue
			}
			r.Present |= TagT
		}
	}
	if len(bad) > 0 {
		r.Discarded = append(bad, r.Discarded...)
	}
	if !r.Present.Has(TagP) || !subPolicyOK {
		if policyErr == nil {
			policyErr = &SyntaxError{Tag: "p", Offset: len(txt), Err: ErrNoPolicy}
		}
		if len(r.RUA) == 0 {
			return r, policyErr
		}
		// RFC 7489 section 6.6.3 step 6, RFC 9989 section 4.10.1: act as
		// if "v=DMARC1; p=none" was published; the report destinations
		// stay, so the owner learns.
		if policyErr.Err == ErrNoPolicy {
			policyErr.Err = ErrMissingPolicy // there is a valid rua
		}
		r.Discarded = append(r.Discarded, policyErr)
		r.Fallback = true
		r.Policy = None
		r.Present = r.Present&^(TagSP|TagNP) | TagP
		r.pLate = false
	}
	if !r.Present.Has(TagSP) {
		r.SubdomainPolicy = r.Policy
	}
	if !r.Present.Has(TagNP) {
		r.NPolicy = r.SubdomainPolicy
	}
	return r, nil
}

// discard records that tag t had an invalid value and keeps the default.
func (r *Record) discard(t tagvalue.Tag, err error) {
	r.Discarded = append(r.Discarded, &SyntaxError{Tag: t.Name, Offset: t.Offset, Value: t.Value, Err: err})
}

// MustParse is like Parse (RFC 9989) but panics on error. It is meant for
// tests and hard-coded records.
func MustParse(txt string) *Record {
	r, err := Parse(txt)
	if err != nil {
		panic(err)
	}
	return r
}

// tagScanner reads the tags of a record like tagvalue.Scanner, but skips a
// malformed tag instead of stopping: next then sets bad, and the scan goes
// on after the tag's ';' (tagvalue.Scanner.Resume). It stops at a
// malformed tag once MaxTags well-formed tags have been read, and after
// MaxTags malformed tags.
type tagScanner struct {
	sc    tagvalue.Scanner
	bad   *SyntaxError // the malformed tag next met; the caller clears it
	ntags int          // well-formed tags read
	nbad  int          // malformed tags met
	done  bool
}

// next reads the next tag, well-formed (sc.Tag) or not (bad set), and
// reports false at the end of the text.
func (ts *tagScanner) next() bool {
	if ts.sc.Next() {
		ts.ntags++
		return true
	}
	return ts.malformed()
}

// malformed is next after the Scanner stopped.
func (ts *tagScanner) malformed() bool {
	se, ok := ts.sc.Err().(*tagvalue.SyntaxError)
	if !ok || ts.done {
		return false // the end of the text
	}
	ts.bad = &SyntaxError{Tag: se.Tag, Offset: se.Offset, Err: fmt.Errorf("%w: %w", ErrMalformedTag, se.Err)}
	ts.nbad++
	ts.done = ts.nbad >= tagvalue.MaxTags || ts.ntags >= tagvalue.MaxTags || !ts.sc.Resume()
	return true
}

func parsePolicy(s string) (Policy, bool) {
	switch {
	case strings.EqualFold(s, "none"):
		return None, true
	case strings.EqualFold(s, "quarantine"):
		return Quarantine, true
	case strings.EqualFold(s, "reject"):
		return Reject, true
	}
	return "", false
}

func parseMode(s string) (AlignmentMode, bool) {
	switch {
	case strings.EqualFold(s, "r"):
		return Relaxed, true
	case strings.EqualFold(s, "s"):
		return Strict, true
	}
	return "", false
}

// parseUint parses 1*DIGIT with a maximum.
func parseUint(s string, max uint64) (uint64, bool) {
	if s == "" || len(s) > 20 {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
		if n > max {
			return 0, false
		}
	}
	return n, true
}

func isWSP(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func trimWSP(s string) string {
	for len(s) > 0 && isWSP(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isWSP(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

// parseFO7489 parses the RFC 7489 fo: "0" / "1" / "d" / "s" *(*WSP ":"
// *WSP ...), any option any number of times.
func parseFO7489(s string) (FailureOptions, bool) {
	var fo FailureOptions
	for n := 0; ; n++ {
		if n >= 8 {
			return 0, false
		}
		part, rest, more := strings.Cut(s, ":")
		switch trimWSP(part) {
		case "0":
			fo |= FailureAll
		case "1":
			fo |= FailureAny
		case "d", "D":
			fo |= FailureDKIM
		case "s", "S":
			fo |= FailureSPF
		default:
			return 0, false
		}
		if !more {
			return fo, true
		}
		s = rest
	}
}

// parseFO9989 parses the RFC 9989 fo (section 4.8, dmarc-fo): options
// separated by ":" without white space, "0" and "1" mutually exclusive,
// each option at most once.
func parseFO9989(s string) (FailureOptions, bool) {
	var fo FailureOptions
	for {
		part, rest, more := strings.Cut(s, ":")
		var o FailureOptions
		switch part {
		case "0":
			o = FailureAll
		case "1":
			o = FailureAny
		case "d", "D":
			o = FailureDKIM
		case "s", "S":
			o = FailureSPF
		default:
			return 0, false
		}
		if fo&o != 0 || o&(FailureAll|FailureAny) != 0 && fo&(FailureAll|FailureAny) != 0 {
			return 0, false
		}
		fo |= o
		if !more {
			return fo, true
		}
		s = rest
	}
}

// parseRF parses rf = Keyword *(WSP ":" WSP Keyword), Keyword being an
// RFC 5321 Ldh-str, and returns it lower case without whitespace.
func parseRF(s string) (string, bool) {
	canonical, afrf := true, false
	for n, rest := 0, s; ; n++ {
		if n >= 8 {
			return "", false
		}
		part, r, more := strings.Cut(rest, ":")
		if k := trimWSP(part); len(k) != len(part) {
			canonical = false
			part = k
		}
		if part == "" || part[len(part)-1] == '-' {
			return "", false
		}
		afrf = afrf || strings.EqualFold(part, "afrf")
		for i := 0; i < len(part); i++ {
			c := part[i]
			switch {
			case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-':
			case c >= 'A' && c <= 'Z':
				canonical = false
			default:
				return "", false
			}
		}
		if !more {
			break
		}
		rest = r
	}
	// RFC 7489 section 6.3: values must be in the IANA registry, where
	// only afrf is; a receiver "MAY ignore the entire rf tag" otherwise. We
	// keep a list naming afrf as published and discard one that does not.
	if !afrf {
		return "", false
	}
	if canonical {
		return s, true
	}
	parts := strings.Split(s, ":")
	for i, p := range parts {
		parts[i] = strings.ToLower(trimWSP(p))
	}
	return strings.Join(parts, ":"), true
}

// parseURIs parses a comma-separated list of DMARC URIs, keeping the valid
// ones and recording the others in *discarded. It takes the URIs' storage
// from *pool, which it allocates, when too small, with room for a later
// list in the rest of the record (after): one allocation for rua and ruf.
func parseURIs(t tagvalue.Tag, discarded *[]*SyntaxError, pool *[]URI, after string) []URI {
	n := min(strings.Count(t.Value, ",")+1, MaxURIs)
	if cap(*pool)-len(*pool) < n {
		extra := 0
		if after != "" {
			extra = min(strings.Count(after, ",")+1, MaxURIs)
		}
		*pool = make([]URI, 0, n+extra)
	}
	start := len(*pool)
	us := (*pool)[start : start : start+n] // at most n URIs: no reallocation
	for s := t.Value; len(us) < MaxURIs; {
		part, rest, more := strings.Cut(s, ",")
		u, err := parseURI(trimWSP(part))
		if err != nil {
			*discarded = append(*discarded, &SyntaxError{Tag: t.Name, Offset: t.Offset, Value: trimWSP(part), Err: err})
		} else {
			us = append(us, u)
		}
		if !more {
			break
		}
		s = rest
	}
	*pool = (*pool)[:start+len(us)]
	return us[:len(us):len(us)]
}

// ParseURI parses one DMARC report URI with its optional size limit
// (RFC 7489 section 6.4: URI ["!" 1*DIGIT [ "k" / "m" / "g" / "t" ]]).
// The URI must have a scheme and no whitespace, "!" or ","; Parse does not
// restrict the scheme (only mailto is defined for reports). The error is a
// *SyntaxError with the text as Value, matching ErrBadValue.
func ParseURI(s string) (URI, error) {
	u, err := parseURI(s)
	if err != nil {
		return u, &SyntaxError{Value: s, Err: err}
	}
	return u, nil
}

func parseURI(s string) (URI, error) {
	var u URI
	addr := s
	if i := strings.LastIndexByte(s, '!'); i >= 0 {
		addr = s[:i]
		size := s[i+1:]
		if size == "" {
			return u, fmt.Errorf("%w: empty size limit", ErrBadValue)
		}
		if c := size[len(size)-1] | 0x20; c == 'k' || c == 'm' || c == 'g' || c == 't' {
			u.Unit = c
			size = size[:len(size)-1]
		}
		n, ok := parseUint(size, 1<<63)
		mult := unitMultiplier(u.Unit)
		if !ok || n > (1<<64-1)/mult {
			return u, fmt.Errorf("%w: bad size limit", ErrBadValue)
		}
		u.MaxSize = n * mult
		u.HasMaxSize = true
	}
	// scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" (RFC 3986)
	colon := strings.IndexByte(addr, ':')
	if colon <= 0 || colon == len(addr)-1 {
		return u, fmt.Errorf("%w: URI without scheme", ErrBadValue)
	}
	for i := 0; i < len(addr); i++ {
		c := addr[i]
		if i < colon {
			alpha := c|0x20 >= 'a' && c|0x20 <= 'z'
			if !alpha && (i == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
				return u, fmt.Errorf("%w: bad URI scheme", ErrBadValue)
			}
			continue
		}
		if c <= ' ' || c >= 0x7f || c == '!' || c == ',' || c == ';' {
			return u, fmt.Errorf("%w: bad character in URI", ErrBadValue)
		}
	}
	// RFC 6068: a mailto URI names its recipient with an addr-spec
	// (local-part "@" domain) before any "?" header fields; without one no
	// report can be sent.
	if len(addr) > 7 && strings.EqualFold(addr[:7], "mailto:") {
		to, _, _ := strings.Cut(addr[7:], "?")
		if at := strings.LastIndexByte(to, '@'); at <= 0 || at == len(to)-1 {
			return u, fmt.Errorf("%w: mailto URI without an address (local-part@domain)", ErrBadValue)
		}
	}
	u.Address = addr
	return u, nil
}
