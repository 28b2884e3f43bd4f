package dmarc

import (
	"context"
	"fmt"
	"net"
	"strings"

	"github.com/miekg/dns"

	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/internal/dnserr"
	"github.com/domainauth/domainauth/internal/dnsname"
	"github.com/domainauth/domainauth/internal/enumtext"
)

// Resolver is the DNS interface dmarc needs; *net.Resolver and the
// resolvers of the root domainauth package satisfy it. A name that does
// not exist (NXDOMAIN or NODATA) must be reported as a *net.DNSError with
// IsNotFound set; any other error counts as a temporary failure. A
// Resolver that also has the Query method of domainauth.Querier lets
// Lookup apply np (see LookupResult.NPUndetermined).
type Resolver interface {
	LookupTXT(ctx context.Context, name string) ([]string, error)
}

// querier is the optional raw DNS query that a Resolver may also offer:
// domainauth.Querier, which the real and fake resolvers of the root
// package implement. The response code is data: NXDOMAIN is
// dns.RcodeNameError; the error is only for transport failures. Lookup
// uses it to tell a non-existent From domain (NXDOMAIN, RFC 8020), to
// which np applies, from one that exists without the queried type
// (NODATA), to which it does not. Without it np is never applied: sp (or
// p) is used and the result carries finding.CodeDMARCNPUndetermined.
type querier interface {
	Query(ctx context.Context, name string, qtype uint16) (*dns.Msg, error)
}

// Discovery says how Lookup found the policy record.
type Discovery int

// Discovery methods.
const (
	DiscoveryNone      Discovery = iota // no usable record
	DiscoveryAuthor                     // at _dmarc.<From domain> itself
	DiscoveryOrgDomain                  // RFC 7489 section 6.6.3: at the organizational domain from the public suffix list
	DiscoveryTreeWalk                   // RFC 9989 section 4.10.1: at the organizational domain found by the DNS tree walk
	DiscoveryPSD                        // RFC 9989 section 4.10.1: at the public suffix domain (psd=y) found by the DNS tree walk
)

var discoveryNames = [...]string{
	DiscoveryNone:      "none",
	DiscoveryAuthor:    "author-domain",
	DiscoveryOrgDomain: "organizational-domain",
	DiscoveryTreeWalk:  "tree-walk",
	DiscoveryPSD:       "public-suffix-domain",
}

// String returns the name of the value, as printed in reports; "none"
// for a value that is not a Discovery.
func (d Discovery) String() string { return enumtext.StringOr(d, discoveryNames[:], "none") }

// Rand is a source of randomness for pct sampling; *math/rand/v2.Rand
// satisfies it. IntN returns a uniform integer in [0, n).
type Rand interface {
	IntN(n int) int
}

// LookupResult is the outcome of policy discovery for one From domain.
type LookupResult struct {
	// Mode is the specification the discovery followed.
	Mode Mode
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
	// suffix list in RFC 7489 mode, from the DNS tree walk in RFC 9989
	// mode (RFC 9989 section 4.10.2).
	OrgDomain string
	// NonExistent is true when Domain answered NXDOMAIN, so that np applies
	// (checked only when the record has np and was found above Domain, and
	// only when the resolver also has the Query method of
	// domainauth.Querier).
	NonExistent bool
	// NPUndetermined says why np could not be applied although it might
	// have: the record has np and was found above Domain, but whether
	// Domain exists could not be told (a resolver without Query, such as
	// *net.Resolver, answers NXDOMAIN and NODATA alike). sp, or p, was
	// applied instead. "" when np was applied or did not matter.
	NPUndetermined string
	// Queries lists the names queried, in order.
	Queries []string
	// Findings lists what a person may want to know: several records
	// (dmarc-multiple), the record's own Findings, np not decidable
	// (dmarc-np-undetermined, with "np" as Subject).
	Findings []finding.Finding
}

// MaxTreeWalk is the most _dmarc queries of one RFC 9989 tree walk.
const MaxTreeWalk = 8

// AppliedPolicy returns the policy the record found sets for Domain and
// the tag it comes from (RFC 7489 section 6.6.3 step 5, RFC 9989 section
// 4.10.1): p when the record is Domain's own, else np for a domain that
// does not exist when the record has np (RFC 9989 only), else sp when it
// has sp, else p. It is the policy as published: under t=y (RFC 9989),
// Evaluate applies the next weaker one. When np could have applied but
// existence was unknown, the tag is sp or p and NPUndetermined says why.
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

// Lookup finds the DMARC policy for the RFC5322.From domain fromDomain,
// following c.Mode (RFC 9989 by default) and asking c.Resolver.
//
// RFC 9989 (section 4.10.1): query _dmarc.<fromDomain>; if it holds no
// DMARC record, or several (which are discarded), walk up the tree (at
// most MaxTreeWalk queries in all, stopping at a record with psd=y or
// psd=n), determine the organizational domain from the walk (section
// 4.10.2: psd=n, one label below psd=y, else the record with the fewest
// labels) and use its record, else the record of the public suffix domain
// (psd=y) above it.
//
// RFC 7489 (section 6.6.3): query _dmarc.<fromDomain>; TXT records not
// starting with v=DMARC1 are ignored; if none is left, query
// _dmarc.<organizational domain> (public suffix list); several records at
// either name end discovery with no policy.
//
// The result is never nil. The cases:
//   - policy found: Record set, nil error;
//   - no policy (no record, or several DMARC records where discovery
//     ends): Record nil, nil error, several records adding
//     finding.CodeDMARCMultiple;
//   - a DMARC record that cannot be used: Record nil, PolicyDomain and TXT
//     set, and a *RecordError (errors.Is(err, ErrInvalidRecord), errors.As
//     to *SyntaxError); DMARC evaluation reports permerror;
//   - a DNS failure other than "not found" (timeout, SERVFAIL, cancelled
//     context): an error wrapping a *net.DNSError, for which IsTemporary
//     is true; evaluation reports temperror, never "no policy";
//   - an invalid fromDomain: the *dnsname.Error from normalizing it.
func (c *Checker) Lookup(ctx context.Context, fromDomain string) (*LookupResult, error) {
	return lookup(ctx, c.resolver(), fromDomain, c.Mode, nil)
}

// lookup is Checker.Lookup. cache, when not nil, keeps the answers of the
// RFC 9989 tree walk for the walks Verify makes next.
func lookup(ctx context.Context, r Resolver, fromDomain string, mode Mode, cache map[string]answer) (*LookupResult, error) {
	res := &LookupResult{Mode: mode}
	d, err := dnsname.Normalize(fromDomain)
	if err != nil {
		return res, fmt.Errorf("dmarc: From domain %q: %w", fromDomain, err)
	}
	res.Domain = d
	w := &walker{r: r, res: res, mode: mode}
	if mode == RFC9989 {
		w.cache = cache
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
	mode  Mode
	cache map[string]answer
}

type answer struct {
	n      int     // the number of TXT records that start with v=DMARC1
	record string  // the first of them
	rec    *Record // record parsed, when n == 1 (see parse: set on some errors too)
	perr   error   // the error parsing record
	err    error   // temporary failure
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
		a.err = lookupError(name, err)
	} else {
		txts, err := w.r.LookupTXT(ctx, name)
		if err != nil && !dnserr.IsNotFound(err) {
			a.err = lookupError(name, err)
		}
		for _, t := range txts {
			if IsRecord(t) {
				if a.n == 0 {
					a.record = t
				}
				a.n++
			}
		}
		if a.err == nil && a.n == 1 {
			a.rec, a.perr = parse(a.record, w.mode)
		}
	}
	if w.cache != nil {
		w.cache[domain] = a
	}
	return a
}

// multiple notes several DMARC records at _dmarc.<domain>.
func (w *walker) multiple(domain string, n int, what string) {
	w.res.Findings = append(w.res.Findings, finding.Finding{Code: finding.CodeDMARCMultiple, Severity: finding.Error,
		Message: fmt.Sprintf("%d DMARC records at _dmarc.%s: %s", n, domain, what)})
}

// use makes the single record of a the policy found at domain.
func (w *walker) use(domain string, a answer, how Discovery) error {
	w.res.PolicyDomain, w.res.TXT = domain, a.record
	if a.perr != nil {
		return &RecordError{Name: "_dmarc." + domain, TXT: a.record, Err: a.perr}
	}
	w.res.Record, w.res.Discovery = a.rec, how
	return nil
}

// try looks for the policy at domain (RFC 7489 section 6.6.3); done
// reports that discovery ends there (a record, several records or an
// invalid one).
func (w *walker) try(ctx context.Context, domain, name string, how Discovery) (done bool, err error) {
	a := w.query(ctx, domain, name)
	switch {
	case a.err != nil:
		return true, a.err
	case a.n == 0:
		return false, nil
	case a.n > 1:
		w.res.PolicyDomain = domain
		w.multiple(domain, a.n, "RFC 7489 receivers apply no policy")
		return true, nil
	}
	return true, w.use(domain, a, how)
}

// walkNames returns the names the RFC 9989 tree walk queries for domain:
// the domain itself, then, if it has more than 8 labels, its last 7
// labels, then one label fewer each time down to the top-level domain.
func walkNames(domain string) []string {
	return dnsname.TreeWalk(domain, MaxTreeWalk)
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

// walkEntry is one name of an RFC 9989 tree walk and its answer.
type walkEntry struct {
	name string
	a    answer
}

// walk runs the RFC 9989 DNS tree walk (section 4.10) from domain: the
// names of walkNames, stopping after one that holds a single DMARC record
// with psd=y or psd=n (steps 2 and 6). Several records at one name count
// as none (they are discarded).
func (w *walker) walk(ctx context.Context, domain string) ([]walkEntry, error) {
	names := walkNames(domain)
	entries := make([]walkEntry, 0, len(names))
	for _, name := range names {
		a := w.query(ctx, name, "")
		if a.err != nil {
			return entries, a.err
		}
		entries = append(entries, walkEntry{name, a})
		if a.rec != nil && (a.rec.PSD == PSDYes || a.rec.PSD == PSDNo) {
			break
		}
	}
	return entries, nil
}

// orgFromWalk selects the organizational domain of domain from the
// entries of its tree walk (RFC 9989 section 4.10.2), longest name first:
// a record with psd=n names it; a record with psd=y above domain puts it
// one label below; otherwise it is the name with the fewest labels that
// has a record, and domain itself when no name has one.
func orgFromWalk(domain string, entries []walkEntry) string {
	org := domain
	for i, e := range entries {
		if e.a.n != 1 || e.a.rec == nil {
			continue
		}
		switch {
		case e.a.rec.PSD == PSDNo:
			return e.name
		case e.a.rec.PSD == PSDYes && i > 0:
			return lastLabels(domain, dnsname.CountLabels(e.name)+1)
		}
		org = e.name
	}
	return org
}

// treeWalk discovers the policy (RFC 9989 section 4.10.1) and the
// organizational domain of domain: the Author Domain's own record, else
// that of its organizational domain, else that of its public suffix
// domain (a record with psd=y above it).
func (w *walker) treeWalk(ctx context.Context, domain string) error {
	entries, err := w.walk(ctx, domain)
	if err != nil {
		return err
	}
	org := orgFromWalk(domain, entries)
	w.res.OrgDomain = org
	for i, e := range entries {
		switch {
		case e.a.n > 1:
			w.multiple(e.name, e.a.n, "RFC 9989 receivers discard them and walk on")
		case e.a.n == 1 && i == 0:
			return w.use(e.name, e.a, DiscoveryAuthor)
		case e.a.n == 1 && e.name == org:
			return w.use(e.name, e.a, DiscoveryTreeWalk)
		}
	}
	// The organizational domain has no record: the public suffix
	// domain's, found last by a walk that stopped at psd=y. (It is above
	// domain: a record at domain itself was used in the loop.)
	if last := entries[len(entries)-1]; last.a.rec != nil && last.a.rec.PSD == PSDYes {
		return w.use(last.name, last.a, DiscoveryPSD)
	}
	return nil
}

// orgDomain finds the organizational domain of domain with the RFC 9989
// tree walk (section 4.10.2).
func (w *walker) orgDomain(ctx context.Context, domain string) (string, error) {
	entries, err := w.walk(ctx, domain)
	if err != nil {
		return domain, err
	}
	return orgFromWalk(domain, entries), nil
}

// checkExists sets NonExistent when domain answers NXDOMAIN.
func (w *walker) checkExists(ctx context.Context, domain string) error {
	q, ok := w.r.(querier)
	if !ok {
		w.res.NPUndetermined = "the resolver cannot tell NXDOMAIN from NODATA (it has no Query method, as *net.Resolver has none), so whether " +
			domain + " exists is unknown; np not applied"
		w.res.Findings = append(w.res.Findings, finding.Finding{Code: finding.CodeDMARCNPUndetermined, Severity: finding.Info, Subject: "np", Message: w.res.NPUndetermined})
		return nil
	}
	if err := ctx.Err(); err != nil {
		return lookupError(domain, err)
	}
	w.res.Queries = append(w.res.Queries, domain)
	m, err := q.Query(ctx, domain, dns.TypeA)
	if err != nil {
		return lookupError(domain, err)
	}
	switch m.Rcode {
	case dns.RcodeNameError:
		w.res.NonExistent = true
	case dns.RcodeSuccess:
	default:
		return lookupError(domain, &net.DNSError{Err: "server answered " + dnserr.RcodeName(m.Rcode), Name: domain, IsTemporary: true})
	}
	return nil
}

// IsRecord reports whether the TXT record txt is a DMARC record, the test
// receivers apply to the records at a _dmarc name before parsing any (RFC
// 7489 section 6.6.3 step 3, RFC 9989 section 4.10 step 2): it starts with
// the v=DMARC1 tag ("v" first, optional white space, "=", optional white
// space, "DMARC1", then optional white space and ";" or the end:
// " v=DMARC1" and "v=DMARC1 p=none" are not records). Other TXT records at
// the name are ignored. The test is the same in both modes.
func IsRecord(txt string) bool {
	s := txt
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
