package spf

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/domainauth/domainauth/internal/dnserr"
)

// Resolver is the DNS interface check_host and Analyze need. *net.Resolver
// satisfies it, and so do the resolvers of the domainauth root package.
//
// A name or record that does not exist must be reported as a *net.DNSError
// with IsNotFound set (NXDOMAIN and NODATA alike); every other error is a
// temporary failure and gives TempError.
type Resolver interface {
	LookupTXT(ctx context.Context, name string) ([]string, error)
	LookupMX(ctx context.Context, name string) ([]*net.MX, error)
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
	LookupAddr(ctx context.Context, addr string) ([]string, error)
}

// Default limits of RFC 7208 section 4.6.4.
const (
	DefaultMaxLookups     = 10 // DNS-querying mechanisms and redirects per evaluation
	DefaultMaxVoidLookups = 2  // lookups that find nothing, per evaluation
	DefaultMaxNames       = 10 // MX names per mx mechanism, PTR names per ptr mechanism or %{p}
)

// Default bounds on the identities and texts a macro expands.
const (
	// DefaultMaxLocalPart is the longest sender local-part a macro may
	// expand, the limit of RFC 5321 section 4.5.3.1.1 (64 octets).
	DefaultMaxLocalPart = 64

	// DefaultMaxExplanation is the length Outcome.Explanation is cut to.
	// The explanation goes into an SMTP reply, whose lines are at most 512
	// octets with the reply code and CRLF (RFC 5321 section 4.5.3.1.5):
	// 400 leaves room for "550 5.7.23 " and a receiver's own words.
	DefaultMaxExplanation = 400

	// MaxDomainLength is the longest domain (HELO name, or the domain of
	// the sender) a macro may expand: 255 octets, RFC 5321 section
	// 4.5.3.1.2. A longer name cannot exist in the DNS (RFC 1035 section
	// 2.3.4), so it is not configurable.
	MaxDomainLength = 255
)

// Checker evaluates check_host (RFC 7208 section 4). The zero value is
// ready to use: it resolves with net.DefaultResolver and applies the limits
// of the RFC. A Checker is not modified by CheckHost and may be used by
// several goroutines at once.
type Checker struct {
	// Resolver answers the DNS queries; nil means net.DefaultResolver.
	Resolver Resolver

	// HELO is the name the client gave in HELO or EHLO, used for the %{h}
	// macro and by CheckHELO and CheckMailFrom. Empty gives "unknown".
	HELO string

	// Receiver is the receiving host's domain, for the %{r} macro in
	// explanations. Empty gives "unknown".
	Receiver string

	// MaxLookups limits the DNS-querying terms (include, a, mx, ptr, exists,
	// redirect) of one evaluation; more gives PermError. Zero or less means
	// DefaultMaxLookups, the RFC's value: raise it only knowingly.
	MaxLookups int

	// MaxVoidLookups limits the lookups that answer NXDOMAIN or no records;
	// more gives PermError. Zero or less means DefaultMaxVoidLookups.
	MaxVoidLookups int

	// MaxNames limits the MX names an mx mechanism may look up (more gives
	// PermError) and the PTR names a ptr mechanism or %{p} considers (the
	// rest are ignored). Zero or less means DefaultMaxNames.
	MaxNames int

	// MaxLocalPart bounds the sender local-part the %{l} and %{s} macros
	// may expand; a macro that needs a longer one gives PermError with
	// ErrIdentityTooLong. Zero or less means DefaultMaxLocalPart (RFC 5321's
	// 64 octets); raise it to accept, say, long SRS or VERP addresses in
	// records that use these macros.
	MaxLocalPart int

	// MaxExplanation bounds Outcome.Explanation, in bytes: a longer
	// explanation is cut, and its macros are not expanded past the cut.
	// Zero or less means DefaultMaxExplanation.
	MaxExplanation int

	// Now returns the time for the %{t} macro; nil means time.Now.
	Now func() time.Time

	// Trace, when set, receives one line per step of the evaluation: terms
	// evaluated, lookups made, results. The text is for people, not
	// programs; it is not stable and may hold sender addresses.
	Trace func(line string)
}

// Outcome is what CheckHost found. Result is always set; Err explains a
// TempError or PermError and is nil otherwise.
type Outcome struct {
	// Result of check_host.
	Result Result

	// Term is the mechanism that decided the result, in the record of
	// TermDomain: the domain checked, or the target of a redirect. For a
	// match inside an included record it is the include mechanism. Nil when
	// no mechanism matched (neutral by default, none, or an error before).
	Term       *Term
	TermDomain string // the domain whose record gave the result; set even when Term is nil

	// Explanation is the expanded exp= text of the record that gave Fail
	// (RFC 7208 section 6.2), or empty when it has none or it could not be
	// fetched. Untrusted text from the domain owner, cut to
	// Checker.MaxExplanation bytes (default 400) so that it fits an SMTP
	// reply line.
	Explanation string

	// Lookups counts the DNS-querying terms evaluated and VoidLookups the
	// lookups that found nothing.
	Lookups, VoidLookups int

	// Err is the cause of TempError or PermError. It matches one of the
	// package's sentinels with errors.Is (ErrDNS, ErrLookupLimit,
	// ErrSyntax, ...) and wraps the resolver's error when there is one.
	Err error
}

// CheckMailFrom checks the MAIL FROM identity (RFC 7208 section 2.4): the
// domain of mailFrom, or, for the null reverse-path (empty mailFrom), the
// HELO identity with local-part "postmaster".
func (c *Checker) CheckMailFrom(ctx context.Context, ip netip.Addr, mailFrom string) Outcome {
	if mailFrom == "" {
		return c.CheckHELO(ctx, ip)
	}
	domain := mailFrom
	if i := strings.LastIndexByte(mailFrom, '@'); i >= 0 {
		domain = mailFrom[i+1:]
	}
	return c.CheckHost(ctx, ip, domain, mailFrom)
}

// CheckHELO checks the HELO identity (RFC 7208 section 2.3): c.HELO, with
// sender "postmaster@" + c.HELO.
func (c *Checker) CheckHELO(ctx context.Context, ip netip.Addr) Outcome {
	return c.CheckHost(ctx, ip, c.HELO, "postmaster@"+c.HELO)
}

// CheckHost evaluates check_host(ip, domain, sender) as RFC 7208 sections
// 4 to 6 define it. ip is the SMTP client's address (an IPv4-mapped IPv6
// address counts as IPv4); domain is the domain whose policy is checked;
// sender is the MAIL FROM address, or "postmaster@" + the HELO name for a
// HELO check. A sender without local-part gets "postmaster".
//
// DNS failures other than "not found" give TempError; broken records and
// exceeded limits give PermError. ctx bounds the whole evaluation: when it
// ends, the result is TempError with ctx's error wrapped in Err.
func (c *Checker) CheckHost(ctx context.Context, ip netip.Addr, domain, sender string) Outcome {
	e := evaluation{
		c:          c,
		res:        c.Resolver,
		ip:         ip.Unmap(),
		sender:     sender,
		maxLookups: positive(c.MaxLookups, DefaultMaxLookups),
		maxVoids:   positive(c.MaxVoidLookups, DefaultMaxVoidLookups),
		maxNames:   positive(c.MaxNames, DefaultMaxNames),
		maxLocal:   positive(c.MaxLocalPart, DefaultMaxLocalPart),
		maxExpl:    positive(c.MaxExplanation, DefaultMaxExplanation),
		trace:      c.Trace,
	}
	if e.res == nil {
		e.res = net.DefaultResolver
	}
	e.local, e.senderDomain = sender, domain
	if i := strings.LastIndexByte(sender, '@'); i >= 0 {
		e.local, e.senderDomain = sender[:i], sender[i+1:]
	} else if sender != "" {
		e.local, e.senderDomain = "", sender
	}
	if e.local == "" {
		e.local = "postmaster"
		e.sender = "postmaster@" + e.senderDomain
	}
	var o Outcome
	o.Result, o.Term, o.TermDomain, o.Explanation, o.Err = e.check(ctx, domain, false)
	o.Lookups, o.VoidLookups = e.lookups, e.voids
	if e.trace != nil {
		e.tracef("result %v for %s: %v", o.Result, domain, o.Err)
	}
	return o
}

func positive(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

// evaluation is the state of one CheckHost call.
type evaluation struct {
	c                    *Checker
	res                  Resolver
	ip                   netip.Addr
	sender, local        string
	senderDomain         string
	lookups, voids       int
	maxLookups, maxVoids int
	maxNames             int
	maxLocal, maxExpl    int    // identity and explanation bounds
	validated            string // %{p}, once computed
	validatedDone        bool
	parts                [][2]int // scratch for macro transformers
	trace                func(string)
}

func (e *evaluation) tracef(format string, args ...any) {
	if e.trace != nil {
		e.trace(fmt.Sprintf(format, args...))
	}
}

// check is check_host for one domain. nested is set inside include, where a
// fail is only "no match" and needs no explanation.
func (e *evaluation) check(ctx context.Context, domain string, nested bool) (Result, *Term, string, string, error) {
	d, ok := validDomain(domain)
	if !ok {
		// RFC 7208 section 4.3: a malformed or single-label domain gives none.
		return None, nil, domain, "", nil
	}
	rec, res, err := e.record(ctx, d)
	if rec == nil {
		return res, nil, d, "", err
	}
	for i := range rec.Terms {
		t := &rec.Terms[i]
		if !t.Kind.IsMechanism() {
			continue
		}
		if err := ctx.Err(); err != nil {
			return TempError, t, d, "", fmt.Errorf("%w: %w", ErrDNS, err)
		}
		match, res, err := e.mechanism(ctx, d, t)
		if err != nil {
			if e.trace != nil {
				e.tracef("%s: %s: %v", d, t, err)
			}
			return res, t, d, "", err
		}
		if match {
			r := t.Qualifier.Result()
			if e.trace != nil {
				e.tracef("%s: %s matched: %v", d, t, r)
			}
			expl := ""
			if r == Fail && !nested {
				expl = e.explain(ctx, rec, d)
			}
			return r, t, d, expl, nil
		}
	}
	if spec, ok := rec.Redirect(); ok {
		// RFC 7208 section 6.1: only reached when no mechanism matched
		// (any all mechanism would have).
		if err := e.count(); err != nil {
			return PermError, nil, d, "", err
		}
		target, _, err := e.expandName(ctx, spec, d)
		if err != nil {
			return PermError, nil, d, "", err
		}
		if e.trace != nil {
			e.tracef("%s: redirect to %s", d, target)
		}
		r, t, td, expl, err := e.check(ctx, target, nested)
		if r == None {
			return PermError, nil, d, "", fmt.Errorf("%w: %q", ErrRedirectNone, target)
		}
		return r, t, td, expl, err
	}
	return Neutral, nil, d, "", nil
}

// record fetches and selects the SPF record of d (RFC 7208 sections 4.4,
// 4.5). A nil record comes with the result to return.
func (e *evaluation) record(ctx context.Context, d string) (*Record, Result, error) {
	txts, err := e.res.LookupTXT(ctx, d)
	if err != nil {
		if dnserr.IsNotFound(err) {
			return nil, None, nil
		}
		return nil, TempError, fmt.Errorf("%w: TXT %s: %w", ErrDNS, d, err)
	}
	found, n := "", 0
	for _, t := range txts {
		if IsRecord(t) {
			found = t
			n++
		}
	}
	switch {
	case n == 0:
		return nil, None, nil
	case n > 1:
		return nil, PermError, fmt.Errorf("%w at %s", ErrMultipleRecords, d)
	}
	if e.trace != nil {
		e.tracef("%s: record %q", d, found)
	}
	rec, err := Parse(found)
	if err != nil {
		return nil, PermError, fmt.Errorf("spf record at %s: %w", d, err)
	}
	return rec, None, nil
}

// IsRecord reports whether a TXT value is an SPF record, the test
// check_host applies to the TXT records of a domain before parsing any (RFC
// 7208 section 4.5): "v=spf1", in any case, then a space or the end. Other
// TXT records are ignored; two that pass the test are a permerror.
func IsRecord(s string) bool {
	return len(s) >= 6 && strings.EqualFold(s[:6], "v=spf1") && (len(s) == 6 || s[6] == ' ')
}

// validDomain checks the domain check_host is called with (RFC 7208
// section 4.3): at most 253 characters, labels of 1 to 63, at least two
// labels, not an address literal. It returns the name without a trailing dot.
func validDomain(d string) (string, bool) {
	d = strings.TrimSuffix(d, ".")
	if d == "" || len(d) > 253 || d[0] == '[' { // '[': an address literal, as in "postmaster@[192.0.2.1]"
		return d, false
	}
	labels, start := 0, 0
	for i := 0; i <= len(d); i++ {
		if i < len(d) && d[i] != '.' {
			continue
		}
		if n := i - start; n == 0 || n > 63 {
			return d, false
		}
		labels++
		start = i + 1
	}
	return d, labels >= 2
}

// count charges one DNS-querying term against the limit.
func (e *evaluation) count() error {
	e.lookups++
	if e.lookups > e.maxLookups {
		return fmt.Errorf("%w: %d", ErrLookupLimit, e.maxLookups)
	}
	return nil
}

// void charges one lookup that found nothing against the void limit.
func (e *evaluation) void() error {
	e.voids++
	if e.voids > e.maxVoids {
		return fmt.Errorf("%w: %d", ErrVoidLookupLimit, e.maxVoids)
	}
	return nil
}

// network returns the LookupNetIP network matching the client's family.
func (e *evaluation) network() string {
	if e.ip.Is4() {
		return "ip4"
	}
	return "ip6"
}

// target expands the domain-spec of t, or returns d when there is none, and
// prepares it for a query (RFC 7208 section 7.3 truncation). ok is false
// when the expanded name cannot be a domain name; such a term matches
// nothing.
func (e *evaluation) target(ctx context.Context, t *Term, d string) (name string, ok bool, err error) {
	if t.Domain == "" {
		return d, true, nil
	}
	return e.expandName(ctx, t.Domain, d)
}

// mayBeAddr reports whether name could be an IP address literal: an IPv6
// address holds a colon, an IPv4 address only digits and dots. Ordinary
// names skip netip.ParseAddr, whose error allocates.
func mayBeAddr(name string) bool {
	if strings.IndexByte(name, ':') >= 0 {
		return true
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c != '.' && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// dnsErr wraps a resolver error for a TempError.
func dnsErr(qtype, name string, err error) error {
	return fmt.Errorf("%w: %s %s: %w", ErrDNS, qtype, name, err)
}

// mechanism evaluates one mechanism. On error, res is TempError or
// PermError.
func (e *evaluation) mechanism(ctx context.Context, d string, t *Term) (match bool, res Result, err error) {
	if t.Kind.NeedsLookup() {
		if err := e.count(); err != nil {
			return false, PermError, err
		}
	}
	switch t.Kind {
	case KindAll:
		return true, None, nil
	case KindIP4, KindIP6:
		return e.ip.Is4() == (t.Kind == KindIP4) && t.Prefix.Contains(e.ip), None, nil
	case KindInclude:
		name, _, err := e.expandName(ctx, t.Domain, d)
		if err != nil {
			return false, PermError, err
		}
		r, _, _, _, err := e.check(ctx, name, true)
		switch r {
		case Pass:
			return true, None, nil
		case Fail, SoftFail, Neutral:
			return false, None, nil
		case TempError:
			return false, TempError, err
		case None:
			return false, PermError, fmt.Errorf("%w: %q", ErrIncludeNone, name)
		}
		return false, PermError, err
	case KindA:
		name, ok, err := e.target(ctx, t, d)
		if err != nil {
			return false, PermError, err
		}
		if !ok {
			return false, None, nil
		}
		addrs, err := e.res.LookupNetIP(ctx, e.network(), name)
		if err != nil {
			if dnserr.IsNotFound(err) {
				if err := e.void(); err != nil {
					return false, PermError, err
				}
				return false, None, nil
			}
			return false, TempError, dnsErr("A/AAAA", name, err)
		}
		return e.matchAddrs(addrs, t), None, nil
	case KindMX:
		name, ok, err := e.target(ctx, t, d)
		if err != nil {
			return false, PermError, err
		}
		if !ok {
			return false, None, nil
		}
		mxs, err := e.res.LookupMX(ctx, name)
		if err != nil {
			if dnserr.IsNotFound(err) {
				if err := e.void(); err != nil {
					return false, PermError, err
				}
				return false, None, nil
			}
			return false, TempError, dnsErr("MX", name, err)
		}
		if len(mxs) > e.maxNames {
			return false, PermError, fmt.Errorf("%w: %d names at %s", ErrMXLimit, len(mxs), name)
		}
		for _, mx := range mxs {
			host := strings.TrimSuffix(mx.Host, ".")
			if host == "" {
				continue // null MX (RFC 7505)
			}
			addrs, err := e.res.LookupNetIP(ctx, e.network(), host)
			if err != nil {
				if dnserr.IsNotFound(err) {
					continue
				}
				return false, TempError, dnsErr("A/AAAA", host, err)
			}
			if e.matchAddrs(addrs, t) {
				return true, None, nil
			}
		}
		return false, None, nil
	case KindPTR:
		name, ok, err := e.target(ctx, t, d)
		if err != nil {
			return false, PermError, err
		}
		if !ok {
			return false, None, nil
		}
		_, match, err := e.validate(ctx, name, false)
		if err != nil {
			return false, PermError, err
		}
		return match, None, nil
	case KindExists:
		name, ok, err := e.expandName(ctx, t.Domain, d)
		if err != nil {
			return false, PermError, err
		}
		if !ok {
			return false, None, nil
		}
		// RFC 7208 section 5.7: always an A query, whatever the client's family.
		addrs, err := e.res.LookupNetIP(ctx, "ip4", name)
		if err != nil {
			if dnserr.IsNotFound(err) {
				if err := e.void(); err != nil {
					return false, PermError, err
				}
				return false, None, nil
			}
			return false, TempError, dnsErr("A", name, err)
		}
		return len(addrs) > 0, None, nil
	}
	return false, PermError, fmt.Errorf("%w: %v", ErrUnknownMechanism, t.Kind)
}

// matchAddrs reports whether the client is in one of addrs, widened to the
// CIDR lengths of t.
func (e *evaluation) matchAddrs(addrs []netip.Addr, t *Term) bool {
	bits := t.v6Len()
	if e.ip.Is4() {
		bits = t.v4Len()
	}
	for _, a := range addrs {
		a = a.Unmap()
		if a.Is4() != e.ip.Is4() {
			continue
		}
		if p, err := a.Prefix(bits); err == nil && p.Contains(e.ip) {
			return true
		}
	}
	return false
}

// validate finds the client's validated domain names (RFC 7208 section
// 5.5): the PTR names of the client address whose A or AAAA records lead
// back to it, at most maxNames of them. It reports whether one of them is
// target or a subdomain of it, looking up only such names unless anyName is
// set (the %{p} macro, which settles for any validated name and returns it).
// A failed PTR lookup is no match, not an error; for the ptr mechanism
// (anyName unset) a PTR lookup that finds nothing counts as void.
func (e *evaluation) validate(ctx context.Context, target string, anyName bool) (name string, match bool, err error) {
	names, lerr := e.res.LookupAddr(ctx, e.ip.String())
	if lerr != nil {
		if dnserr.IsNotFound(lerr) && !anyName {
			if err := e.void(); err != nil {
				return "", false, err
			}
		}
		return "", false, nil
	}
	if len(names) > e.maxNames {
		names = names[:e.maxNames]
	}
	for _, n := range names {
		if ctx.Err() != nil {
			break
		}
		n = strings.TrimSuffix(n, ".")
		sub := isSubdomain(n, target)
		if !sub && (!anyName || name != "") {
			continue
		}
		addrs, err := e.res.LookupNetIP(ctx, e.network(), n)
		if err != nil || !containsAddr(addrs, e.ip) {
			continue
		}
		if sub {
			return n, true, nil
		}
		name = n
	}
	return name, false, nil
}

func containsAddr(addrs []netip.Addr, ip netip.Addr) bool {
	for _, a := range addrs {
		if a.Unmap() == ip {
			return true
		}
	}
	return false
}

// isSubdomain reports whether name equals parent or ends in "." + parent,
// ignoring case.
func isSubdomain(name, parent string) bool {
	parent = strings.TrimSuffix(parent, ".")
	if len(name) < len(parent) || !strings.EqualFold(name[len(name)-len(parent):], parent) {
		return false
	}
	return len(name) == len(parent) || name[len(name)-len(parent)-1] == '.'
}

// explain computes the explanation of a fail from the record's exp
// modifier (RFC 7208 section 6.2). Any problem gives no explanation.
func (e *evaluation) explain(ctx context.Context, rec *Record, d string) string {
	spec, ok := rec.Exp()
	if !ok {
		return ""
	}
	name, ok, err := e.expandName(ctx, spec, d)
	if err != nil || !ok {
		return ""
	}
	txts, err := e.res.LookupTXT(ctx, name)
	if err != nil || len(txts) != 1 {
		return ""
	}
	if _, _, err := scanMacro(txts[0], true, true); err != nil {
		return ""
	}
	text, err := e.expandText(ctx, txts[0], d)
	if err != nil {
		return ""
	}
	return text
}
