package dmarc

import (
	"context"
	"fmt"
	"strings"

	"github.com/miekg/dns"

	"github.com/domainauth/domainauth/internal/dnserr"
	"github.com/domainauth/domainauth/internal/dnsname"
)

// Resolver is the DNS interface dmarc needs; *net.Resolver and the
// resolvers of the root domainauth package satisfy it. A name that does
// not exist (NXDOMAIN or NODATA) must be reported as a *net.DNSError with
// IsNotFound set; any other error counts as a temporary failure.
type Resolver interface {
	LookupTXT(ctx context.Context, name string) ([]string, error)
}

// Querier is an optional raw DNS query that a Resolver may also offer
// (the real and fake resolvers of the root package do). The response code
// is data: NXDOMAIN is dns.RcodeNameError; the error is only for transport
// failures. Lookup uses it to tell a non-existent From domain (NXDOMAIN,
// RFC 8020), to which np applies, from one that exists without the queried
// type (NODATA), to which it does not. Without it np is never applied: sp
// (or p) is used and the result carries FindingExistenceUnknown.
type Querier interface {
	Query(ctx context.Context, name string, qtype uint16) (*dns.Msg, error)
}

// Discovery says how Lookup found the policy record.
type Discovery int

// Discovery methods.
const (
	DiscoveryNone      Discovery = iota // no usable record
	DiscoveryAuthor                     // at _dmarc.<From domain> itself
	DiscoveryOrgDomain                  // RFC 7489 section 6.6.3: at the organizational domain from the public suffix list
	DiscoveryTreeWalk                   // RFC 9989 DNS tree walk: at a parent of the From domain
)

// String returns the name of the value, as printed in reports.
func (d Discovery) String() string {
	switch d {
	case DiscoveryAuthor:
		return "author-domain"
	case DiscoveryOrgDomain:
		return "organizational-domain"
	case DiscoveryTreeWalk:
		return "tree-walk"
	}
	return "none"
}

// Rand is a source of randomness for pct sampling; *math/rand/v2.Rand
// satisfies it. IntN returns a uniform integer in [0, n).
type Rand interface {
	IntN(n int) int
}

// Option changes how Lookup, Evaluate and Verify work.
type Option func(*options)

type options struct {
	treeWalk  bool
	rand      Rand
	ignorePct bool
	orgDomain func(string) string

	// Set by Verify for evaluate: the organizational domain of the From
	// domain, already known from Lookup, and whether orgDomain returns a
	// name or one of its parents (see aligner).
	fromOrg     string
	orgIsParent bool
}

func collect(opts []Option) options {
	if len(opts) == 0 {
		return options{} // o below escapes to the options' functions
	}
	o := new(options)
	for _, f := range opts {
		if f != nil {
			f(o)
		}
	}
	return *o
}

// WithTreeWalk makes Lookup and Verify discover policies and organizational
// domains with the RFC 9989 DNS tree walk instead of the RFC 7489 public
// suffix list: at most 8 queries from the From domain up to its top-level
// domain, psd=y and psd=n deciding where the organizational domain is.
func WithTreeWalk() Option { return func(o *options) { o.treeWalk = true } }

// WithRand sets the randomness for pct sampling in Evaluate and Verify.
// Without it they use the top-level functions of math/rand/v2.
func WithRand(r Rand) Option { return func(o *options) { o.rand = r } }

// WithoutPercent makes Evaluate and Verify ignore pct, as RFC 9989
// receivers do: a failing message always gets the policy (after t=y).
func WithoutPercent() Option { return func(o *options) { o.ignorePct = true } }

// WithOrgDomain makes Evaluate use f to find the organizational domain of a
// name for relaxed alignment, instead of the public suffix list. Verify sets
// it itself under WithTreeWalk.
func WithOrgDomain(f func(name string) string) Option {
	return func(o *options) { o.orgDomain = f }
}

// LookupResult is the outcome of policy discovery for one From domain.
type LookupResult struct {
	// Domain is the From domain, normalized (A-labels, lower case).
	Domain string
	// Record is the policy; nil when there is none (no record, several
	// records, or an invalid record, which Lookup reports as an error).
	Record *Record
	// TXT is the text of the record found, also when it is invalid.
	TXT string
	// PolicyDomain is the domain whose _dmarc record was found; "" when
	// none was.
	PolicyDomain string
	// Discovery says how the record was found.
	Discovery Discovery
	// OrgDomain is the organizational domain of Domain: from the public
	// suffix list, or from the DNS tree walk under WithTreeWalk.
	OrgDomain string
	// NonExistent is true when Domain answered NXDOMAIN, so that np applies
	// (checked only when the record has np and was found above Domain, and
	// only when the resolver is a Querier).
	NonExistent bool
	// Queries lists the names queried, in order.
	Queries []string
	// Findings lists what a person may want to know: several records, the
	// record's own Findings, np not decidable.
	Findings []Finding
}

// MaxTreeWalk is the most _dmarc queries of one RFC 9989 tree walk.
const MaxTreeWalk = 8

// AppliedPolicy returns the policy the record found sets for Domain and
// the tag it comes from (RFC 7489 section 6.6.3 step 5, RFC 9989): p when
// the record is Domain's own, else np for a domain that does not exist
// when the record has np, else sp when it has sp, else p. It is the
// policy as published: under t=y, Verify applies the next weaker one.
// Both are zero when no record was found.
func (lr *LookupResult) AppliedPolicy() (p Policy, tag string) {
	rec := lr.Record
	switch {
	case rec == nil:
		return "", ""
	case lr.PolicyDomain == lr.Domain:
		return rec.Policy, "p"
	case lr.NonExistent && rec.Present.Has(TagNP):
		return rec.NPolicy, "np"
	case rec.Present.Has(TagSP):
		return rec.SubdomainPolicy, "sp"
	}
	return rec.Policy, "p"
}

// Lookup finds the DMARC policy for the RFC5322.From domain fromDomain.
//
// By default it follows RFC 7489 section 6.6.3: query _dmarc.<fromDomain>;
// TXT records not starting with v=DMARC1 are ignored; if none is left,
// query _dmarc.<organizational domain> (public suffix list). Under
// WithTreeWalk it follows the RFC 9989 DNS tree walk instead.
//
// The result is never nil. The cases:
//   - policy found: Record set, nil error;
//   - no policy (no record, or several DMARC records at one name, which
//     RFC 7489 and RFC 9989 say to treat as none): Record nil, nil error,
//     several records adding FindingMultipleRecords;
//   - a DMARC record that cannot be used: Record nil, PolicyDomain and TXT
//     set, and a *RecordError (errors.Is(err, ErrInvalidRecord), errors.As
//     to *ParseError); DMARC evaluation reports permerror;
//   - a DNS failure other than "not found" (timeout, SERVFAIL, cancelled
//     context): a *DNSError, errors.Is(err, ErrTemporary) and IsTemporary
//     true; evaluation reports temperror, never "no policy";
//   - an invalid fromDomain: the *dnsname.Error from normalizing it.
func Lookup(ctx context.Context, r Resolver, fromDomain string, opts ...Option) (*LookupResult, error) {
	o := collect(opts)
	return lookup(ctx, r, fromDomain, &o)
}

// lookup is Lookup with the options collected.
func lookup(ctx context.Context, r Resolver, fromDomain string, o *options) (*LookupResult, error) {
	res := &LookupResult{}
	d, err := dnsname.Normalize(fromDomain)
	if err != nil {
		return res, fmt.Errorf("dmarc: From domain %q: %w", fromDomain, err)
	}
	res.Domain = d
	w := &walker{r: r, res: res}
	if o.treeWalk {
		w.cache = make(map[string]answer) // the organizational domain walk asks again
		err = w.treeWalk(ctx, d)
	} else {
		res.Queries = make([]string, 0, 2)
		res.OrgDomain = dnsname.OrgDomain(d)
		// Both query names in one allocation.
		names := "_dmarc." + d
		if res.OrgDomain != d {
			names += "_dmarc." + res.OrgDomain
		}
		var done bool
		done, err = w.try(ctx, d, names[:len("_dmarc.")+len(d)], DiscoveryAuthor)
		if err == nil && !done && res.OrgDomain != d {
			_, err = w.try(ctx, res.OrgDomain, names[len("_dmarc.")+len(d):], DiscoveryOrgDomain)
		}
	}
	if err != nil {
		return res, err
	}
	if res.Record != nil {
		res.Findings = append(res.Findings, res.Record.Findings()...)
		if res.Record.Present.Has(TagNP) && res.PolicyDomain != d {
			if err := w.checkExists(ctx, d); err != nil {
				return res, err
			}
		}
	}
	return res, nil
}

// walker runs the queries of one discovery and, when cache is not nil,
// remembers their answers.
type walker struct {
	r     Resolver
	res   *LookupResult
	cache map[string]answer
}

type answer struct {
	n      int    // the number of TXT records that start with v=DMARC1
	record string // the first of them
	err    error  // temporary failure
}

// query returns the DMARC records at _dmarc.<domain>. name is that query
// name, or "" to have query build it.
func (w *walker) query(ctx context.Context, domain, name string) answer {
	if a, ok := w.cache[domain]; ok {
		return a
	}
	if name == "" {
		name = "_dmarc." + domain
	}
	w.res.Queries = append(w.res.Queries, name)
	var a answer
	if err := ctx.Err(); err != nil {
		a.err = &DNSError{Name: name, Err: err}
	} else {
		txts, err := w.r.LookupTXT(ctx, name)
		if err != nil && !dnserr.IsNotFound(err) {
			a.err = &DNSError{Name: name, Err: err}
		}
		for _, t := range txts {
			if IsRecord(t) {
				if a.n == 0 {
					a.record = t
				}
				a.n++
			}
		}
	}
	if w.cache != nil {
		w.cache[domain] = a
	}
	return a
}

// try looks for the policy at domain; done reports that discovery ends
// there (a record, several records or an invalid one).
func (w *walker) try(ctx context.Context, domain, name string, how Discovery) (done bool, err error) {
	a := w.query(ctx, domain, name)
	switch {
	case a.err != nil:
		return true, a.err
	case a.n == 0:
		return false, nil
	case a.n > 1:
		w.res.PolicyDomain = domain
		w.res.Findings = append(w.res.Findings, Finding{Code: FindingMultipleRecords,
			Message: fmt.Sprintf("%d DMARC records at _dmarc.%s: receivers apply no policy", a.n, domain)})
		return true, nil
	}
	w.res.PolicyDomain, w.res.TXT = domain, a.record
	rec, err := Parse(a.record)
	if err != nil {
		return true, &RecordError{Name: "_dmarc." + domain, TXT: a.record, Err: err}
	}
	w.res.Record, w.res.Discovery = rec, how
	return true, nil
}

// walkNames returns the names the RFC 9989 tree walk queries for domain:
// the domain itself, then, if it has more than 8 labels, its last 7
// labels, then one label fewer each time down to the top-level domain.
func walkNames(domain string) []string {
	names := make([]string, 0, MaxTreeWalk)
	names = append(names, domain)
	labels := dnsname.CountLabels(domain)
	n := labels - 1
	if n > MaxTreeWalk-1 {
		n = MaxTreeWalk - 1
	}
	for ; n >= 1; n-- {
		names = append(names, lastLabels(domain, n))
	}
	return names
}

// lastLabels returns the last n labels of domain.
func lastLabels(domain string, n int) string {
	i := len(domain)
	for ; n > 0 && i > 0; n-- {
		j := strings.LastIndexByte(domain[:i], '.')
		i = j
		if j < 0 {
			return domain
		}
	}
	if i <= 0 {
		return domain
	}
	return domain[i+1:]
}

// treeWalk discovers the policy (RFC 9989 section 4.10.1) and the
// organizational domain of domain.
func (w *walker) treeWalk(ctx context.Context, domain string) error {
	for i, name := range walkNames(domain) {
		how := DiscoveryTreeWalk
		if i == 0 {
			how = DiscoveryAuthor
		}
		done, err := w.try(ctx, name, "", how)
		if err != nil {
			return err
		}
		if done {
			break
		}
	}
	org, err := w.orgDomain(ctx, domain)
	w.res.OrgDomain = org
	return err
}

// orgDomain finds the organizational domain of domain with the RFC 9989
// tree walk (section 4.10.2): the first record with psd=n names it; a
// record with psd=y above domain puts it one label below; otherwise it is
// the domain with the fewest labels that has a record, or domain itself.
func (w *walker) orgDomain(ctx context.Context, domain string) (string, error) {
	org := domain
	for _, name := range walkNames(domain) {
		a := w.query(ctx, name, "")
		if a.err != nil {
			return domain, a.err
		}
		if a.n != 1 {
			continue
		}
		rec, err := Parse(a.record)
		if err != nil {
			continue
		}
		switch {
		case rec.PSD == PSDNo:
			return name, nil
		case rec.PSD == PSDYes && name != domain:
			return lastLabels(domain, dnsname.CountLabels(name)+1), nil
		}
		org = name
	}
	return org, nil
}

// checkExists sets NonExistent when domain answers NXDOMAIN.
func (w *walker) checkExists(ctx context.Context, domain string) error {
	q, ok := w.r.(Querier)
	if !ok {
		w.res.Findings = append(w.res.Findings, Finding{Code: FindingExistenceUnknown, Tag: "np",
			Message: "the resolver cannot tell NXDOMAIN from NODATA; np not applied"})
		return nil
	}
	if err := ctx.Err(); err != nil {
		return &DNSError{Name: domain, Err: err}
	}
	w.res.Queries = append(w.res.Queries, domain)
	m, err := q.Query(ctx, domain, dns.TypeA)
	if err != nil {
		return &DNSError{Name: domain, Err: err}
	}
	switch m.Rcode {
	case dns.RcodeNameError:
		w.res.NonExistent = true
	case dns.RcodeSuccess:
	default:
		return &DNSError{Name: domain, Err: fmt.Errorf("response code %s", dnserr.RcodeName(m.Rcode))}
	}
	return nil
}

// IsRecord reports whether the TXT record txt is a DMARC record, the test
// receivers apply to the records at a _dmarc name before parsing any (RFC
// 7489 section 6.6.3 step 3): it starts with the v=DMARC1 tag ("v",
// optional white space, "=", optional white space, "DMARC1", then
// optional white space and ";" or the end: "v=DMARC1 p=none" is not one).
// Other TXT records at the name are ignored.
func IsRecord(txt string) bool {
	s := trimLeftWSP(txt)
	if len(s) == 0 || s[0]|0x20 != 'v' {
		return false
	}
	s = trimLeftWSP(s[1:])
	if len(s) == 0 || s[0] != '=' {
		return false
	}
	s = trimLeftWSP(s[1:])
	if !strings.HasPrefix(s, "DMARC1") {
		return false
	}
	s = trimLeftWSP(s[len("DMARC1"):])
	return s == "" || s[0] == ';'
}

func trimLeftWSP(s string) string {
	for len(s) > 0 && isWSP(s[0]) {
		s = s[1:]
	}
	return s
}
