package spf

import (
	"net/netip"
	"strconv"
	"strings"

	"github.com/domainauth/domainauth/internal/enumtext"
)

// Qualifier is the prefix of a mechanism: what the result is when the
// mechanism matches (RFC 7208 section 4.6.2). The zero value is
// QualifierPass, the default when a mechanism has no prefix.
type Qualifier uint8

// The four qualifiers.
const (
	QualifierPass     Qualifier = iota // "+", the default: a match gives pass
	QualifierFail                      // "-": a match gives fail
	QualifierSoftFail                  // "~": a match gives softfail
	QualifierNeutral                   // "?": a match gives neutral
)

// Result returns the result a mechanism with this qualifier produces when it
// matches.
func (q Qualifier) Result() Result {
	switch q {
	case QualifierFail:
		return Fail
	case QualifierSoftFail:
		return SoftFail
	case QualifierNeutral:
		return Neutral
	}
	return Pass
}

var qualifierNames = [...]string{
	QualifierPass:     "+",
	QualifierFail:     "-",
	QualifierSoftFail: "~",
	QualifierNeutral:  "?",
}

// String returns the prefix character: "+", "-", "~" or "?"; "+" for a
// value that is not a Qualifier.
func (q Qualifier) String() string { return enumtext.StringOr(q, qualifierNames[:], "+") }

// Kind says which mechanism or modifier a Term is.
type Kind uint8

// Mechanisms (RFC 7208 section 5) and modifiers (section 6). The zero Kind
// is not valid.
const (
	KindAll      Kind = iota + 1 // all
	KindInclude                  // include:<domain-spec>
	KindA                        // a[:<domain-spec>][<dual-cidr-length>]
	KindMX                       // mx[:<domain-spec>][<dual-cidr-length>]
	KindPTR                      // ptr[:<domain-spec>] (use discouraged)
	KindIP4                      // ip4:<ip4-network>[/<len>]
	KindIP6                      // ip6:<ip6-network>[/<len>]
	KindExists                   // exists:<domain-spec>
	KindRedirect                 // redirect=<domain-spec>
	KindExp                      // exp=<domain-spec>
	KindModifier                 // any other name=value modifier, kept and ignored
)

var kindNames = [...]string{
	KindAll:      "all",
	KindInclude:  "include",
	KindA:        "a",
	KindMX:       "mx",
	KindPTR:      "ptr",
	KindIP4:      "ip4",
	KindIP6:      "ip6",
	KindExists:   "exists",
	KindRedirect: "redirect",
	KindExp:      "exp",
	KindModifier: "modifier",
}

// String returns the name of the mechanism or modifier as written in a
// record ("include", "redirect", ...); KindModifier gives "modifier".
func (k Kind) String() string { return enumtext.String(k, kindNames[:], "Kind") }

// IsMechanism reports whether k is a mechanism (as opposed to a modifier).
func (k Kind) IsMechanism() bool { return k >= KindAll && k <= KindExists }

// NeedsLookup reports whether a term of this kind counts against the
// limit of 10 DNS-querying terms (RFC 7208 section 4.6.4): include, a, mx,
// ptr, exists and redirect.
func (k Kind) NeedsLookup() bool {
	switch k {
	case KindInclude, KindA, KindMX, KindPTR, KindExists, KindRedirect:
		return true
	}
	return false
}

// Term is one mechanism or modifier of a record. Only the fields that belong
// to Kind are meaningful; the others are zero.
//
//	-ip4:192.0.2.0/24     Kind KindIP4, Qualifier QualifierFail, Prefix 192.0.2.0/24
//	mx:%{d}/24//64        Kind KindMX, Domain "%{d}", V4Len 24, HasV4Len, V6Len 64, HasV6Len
//	redirect=_spf.x.org   Kind KindRedirect, Domain "_spf.x.org"
//	moo=cow               Kind KindModifier, Name "moo", Value "cow"
type Term struct {
	Kind Kind // which mechanism or modifier this is; it says which other fields apply

	// Qualifier of a mechanism. An explicit "+" is not remembered: it is
	// the default and String leaves it out.
	Qualifier Qualifier

	// Domain is the domain-spec of include, a, mx, ptr, exists, redirect and
	// exp, exactly as written, macros unexpanded. Empty for a, mx and ptr
	// written without one (they then use the current domain).
	Domain string

	// Prefix is the network of ip4 and ip6. An absent CIDR length is stored
	// as the full length (/32 or /128), which String leaves out.
	Prefix netip.Prefix

	// V4Len and V6Len are the CIDR lengths of a and mx, used only when
	// HasV4Len or HasV6Len is set; absent lengths mean /32 and /128.
	V4Len, V6Len       int
	HasV4Len, HasV6Len bool // whether a "/n" (IPv4) or "//n" (IPv6) length was written

	// Name and Value of an unknown modifier (KindModifier). Name keeps the
	// case it was written in; Value is an unexpanded macro-string.
	Name, Value string
}

// v4Len returns the effective IPv4 CIDR length of an a or mx term.
func (t *Term) v4Len() int {
	if t.HasV4Len {
		return t.V4Len
	}
	return 32
}

// v6Len returns the effective IPv6 CIDR length of an a or mx term.
func (t *Term) v6Len() int {
	if t.HasV6Len {
		return t.V6Len
	}
	return 128
}

// String returns the term as it appears in a record, in canonical form:
// lower-case names, no "+" qualifier, no CIDR length equal to the full
// address length on ip4 and ip6.
func (t *Term) String() string {
	return string(t.appendTo(make([]byte, 0, 16+len(t.Domain)+len(t.Name)+len(t.Value))))
}

func (t *Term) appendTo(b []byte) []byte {
	if t.Kind.IsMechanism() && t.Qualifier != QualifierPass {
		b = append(b, t.Qualifier.String()...)
	}
	switch t.Kind {
	case KindAll:
		b = append(b, "all"...)
	case KindInclude, KindExists:
		b = append(b, t.Kind.String()...)
		b = append(b, ':')
		b = append(b, t.Domain...)
	case KindA, KindMX, KindPTR:
		b = append(b, t.Kind.String()...)
		if t.Domain != "" {
			b = append(b, ':')
			b = append(b, t.Domain...)
		}
		if t.HasV4Len {
			b = append(b, '/')
			b = strconv.AppendInt(b, int64(t.V4Len), 10)
		}
		if t.HasV6Len {
			b = append(b, "//"...)
			b = strconv.AppendInt(b, int64(t.V6Len), 10)
		}
	case KindIP4, KindIP6:
		b = append(b, t.Kind.String()...)
		b = append(b, ':')
		b = t.Prefix.Addr().AppendTo(b)
		if t.Prefix.Bits() != t.Prefix.Addr().BitLen() {
			b = append(b, '/')
			b = strconv.AppendInt(b, int64(t.Prefix.Bits()), 10)
		}
	case KindRedirect, KindExp:
		b = append(b, t.Kind.String()...)
		b = append(b, '=')
		b = append(b, t.Domain...)
	case KindModifier:
		b = append(b, t.Name...)
		b = append(b, '=')
		b = append(b, t.Value...)
	}
	return b
}

// Record is a parsed SPF record (RFC 7208 section 4.5 and 12): the version
// "v=spf1" followed by its terms in the order they were written.
//
//	v=spf1 ip4:192.0.2.0/24 include:_spf.example.net -all
//
// The Terms slice is the record: edit it directly or use the helpers
// AddInclude, RemoveInclude and SetAll. Modifiers stay in Terms at the
// position they were written; Redirect and Exp find them.
type Record struct {
	Terms []Term // the terms after "v=spf1", in record order; empty for a bare "v=spf1"
}

// String returns the record in canonical form: "v=spf1", then each term
// (see Term.String) separated by one space. For a record that Parse
// returned, or one built of terms that Parse would accept, Parse(r.String())
// gives back a record equal to r; String does not check terms built by hand
// (a space or line break in a domain spec would split the term).
func (r *Record) String() string {
	n := len("v=spf1")
	for i := range r.Terms {
		n += 1 + len(r.Terms[i].Domain) + len(r.Terms[i].Name) + len(r.Terms[i].Value) + 12
	}
	b := make([]byte, 0, n)
	b = append(b, "v=spf1"...)
	for i := range r.Terms {
		b = append(b, ' ')
		b = r.Terms[i].appendTo(b)
	}
	return string(b)
}

// Clone returns a deep copy of r, so that the copy can be edited without
// changing r.
func (r *Record) Clone() *Record {
	c := &Record{}
	if r.Terms != nil {
		c.Terms = append([]Term(nil), r.Terms...)
	}
	return c
}

// find returns the index of the first term of kind k, or -1.
func (r *Record) find(k Kind) int {
	for i := range r.Terms {
		if r.Terms[i].Kind == k {
			return i
		}
	}
	return -1
}

// Lookups counts the record's own terms that count against the limit of 10
// DNS-querying terms (RFC 7208 section 4.6.4). The terms of included and
// redirected-to records are not seen here; Analyze counts the whole tree.
func (r *Record) Lookups() int {
	n := 0
	for i := range r.Terms {
		if r.Terms[i].Kind.NeedsLookup() {
			n++
		}
	}
	return n
}

// Redirect returns the domain-spec of the redirect modifier, and whether
// the record has one.
func (r *Record) Redirect() (string, bool) {
	if i := r.find(KindRedirect); i >= 0 {
		return r.Terms[i].Domain, true
	}
	return "", false
}

// Exp returns the domain-spec of the exp modifier, and whether the record
// has one.
func (r *Record) Exp() (string, bool) {
	if i := r.find(KindExp); i >= 0 {
		return r.Terms[i].Domain, true
	}
	return "", false
}

// All returns the first all mechanism of the record, or nil.
func (r *Record) All() *Term {
	if i := r.find(KindAll); i >= 0 {
		return &r.Terms[i]
	}
	return nil
}

// sameDomain compares two domain-specs as domain names: case-insensitive,
// ignoring one trailing dot. Macros are compared literally.
func sameDomain(a, b string) bool {
	a = strings.TrimSuffix(a, ".")
	b = strings.TrimSuffix(b, ".")
	return strings.EqualFold(a, b)
}

// HasInclude reports whether the record has an include mechanism (with any
// qualifier) for domain. Names are compared case-insensitively, ignoring a
// trailing dot.
func (r *Record) HasInclude(domain string) bool {
	for i := range r.Terms {
		if r.Terms[i].Kind == KindInclude && sameDomain(r.Terms[i].Domain, domain) {
			return true
		}
	}
	return false
}

// AddInclude adds the mechanism include:domain unless the record already
// includes domain, and reports whether it changed the record. The new term
// goes before the first all mechanism, or else before the redirect modifier,
// or else after the last mechanism, so that it is evaluated before the
// record's final verdict. domain is not validated; Parse the result of
// String if it comes from untrusted input.
func (r *Record) AddInclude(domain string) bool {
	if r.HasInclude(domain) {
		return false
	}
	at := r.find(KindAll)
	if at < 0 {
		at = r.find(KindRedirect)
	}
	if at < 0 {
		at = r.afterLastMechanism()
	}
	r.Terms = append(r.Terms, Term{})
	copy(r.Terms[at+1:], r.Terms[at:])
	r.Terms[at] = Term{Kind: KindInclude, Domain: domain}
	return true
}

// afterLastMechanism returns the index just after the last mechanism.
func (r *Record) afterLastMechanism() int {
	for i := len(r.Terms) - 1; i >= 0; i-- {
		if r.Terms[i].Kind.IsMechanism() {
			return i + 1
		}
	}
	return 0
}

// RemoveInclude removes every include mechanism for domain (compared as in
// HasInclude) and reports whether it removed any.
func (r *Record) RemoveInclude(domain string) bool {
	out := r.Terms[:0]
	for _, t := range r.Terms {
		if t.Kind == KindInclude && sameDomain(t.Domain, domain) {
			continue
		}
		out = append(out, t)
	}
	changed := len(out) != len(r.Terms)
	clear(r.Terms[len(out):])
	r.Terms = out
	return changed
}

// SetAll sets the qualifier of the record's last all mechanism, or appends
// an all mechanism with qualifier q after the last mechanism when the record
// has none. Note that an all mechanism makes a redirect modifier ineffective
// (RFC 7208 section 6.1): SetAll does not remove the redirect.
func (r *Record) SetAll(q Qualifier) {
	for i := len(r.Terms) - 1; i >= 0; i-- {
		if r.Terms[i].Kind == KindAll {
			r.Terms[i].Qualifier = q
			return
		}
	}
	at := r.afterLastMechanism()
	r.Terms = append(r.Terms, Term{})
	copy(r.Terms[at+1:], r.Terms[at:])
	r.Terms[at] = Term{Kind: KindAll, Qualifier: q}
}
