package dmarc

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/domainauth/domainauth/internal/dnsname"
)

// Aligned reports whether authDomain, a domain that SPF or DKIM
// authenticated, is aligned with fromDomain, the RFC5322.From domain
// (RFC 7489 section 3.1): Strict needs the same name; Relaxed the same
// organizational domain, from the public suffix list. Names are compared
// without case and trailing dot; an empty name never aligns.
func Aligned(mode AlignmentMode, fromDomain, authDomain string) bool {
	return aligned(mode, dnsname.Canonical(fromDomain), dnsname.Canonical(authDomain), dnsname.OrgDomain)
}

func aligned(mode AlignmentMode, from, auth string, org func(string) string) bool {
	if from == "" || auth == "" {
		return false
	}
	if from == auth {
		return true
	}
	if mode == Strict {
		return false
	}
	return org(from) == org(auth)
}

// AuthResult is an SPF or DKIM result as Evaluate needs it, spelled as in
// Authentication-Results (RFC 8601).
type AuthResult string

// Authentication results. Only AuthPass can align; AuthTempError can make
// the DMARC result temperror.
const (
	AuthNone      AuthResult = "none"
	AuthPass      AuthResult = "pass"
	AuthFail      AuthResult = "fail"
	AuthSoftFail  AuthResult = "softfail"
	AuthNeutral   AuthResult = "neutral"
	AuthPolicy    AuthResult = "policy"
	AuthTempError AuthResult = "temperror"
	AuthPermError AuthResult = "permerror"
)

// SPFResult is the SPF result for the domain SPF checked: the
// RFC5321.MailFrom domain, or the HELO domain when MAIL FROM was empty.
type SPFResult struct {
	Domain string
	Result AuthResult
}

// DKIMResult is the result of one DKIM signature.
type DKIMResult struct {
	Domain   string // the d= tag
	Selector string // the s= tag
	Result   AuthResult
}

// Input is what Evaluate needs to know about one message.
type Input struct {
	// FromDomain is the domain of the single RFC5322.From address. What to
	// do with several From addresses or none is the receiver's choice (RFC
	// 7489 section 6.6.1); Evaluate needs one domain.
	FromDomain string
	SPF        SPFResult
	DKIM       []DKIMResult
}

// Status is the DMARC result of a message (RFC 7489 section 11.2).
type Status string

// DMARC results.
const (
	StatusNone      Status = "none"      // no policy published (or several records)
	StatusPass      Status = "pass"      // an aligned identifier passed
	StatusFail      Status = "fail"      // no aligned identifier passed
	StatusTempError Status = "temperror" // a temporary DNS failure; try later
	StatusPermError Status = "permerror" // the policy record cannot be used
)

// Identifier names the mechanism that produced the aligned pass.
type Identifier string

// Identifiers.
const (
	IdentifierNone Identifier = ""
	IdentifierDKIM Identifier = "dkim"
	IdentifierSPF  Identifier = "spf"
)

// Result is the DMARC verdict for one message and what to do with it.
type Result struct {
	Status       Status
	FromDomain   string
	PolicyDomain string    // where the record was found
	Discovery    Discovery // how it was found
	Record       *Record   // the policy record; nil for StatusNone and errors
	// Policy is the policy the Domain Owner asks for this From domain: p,
	// sp for subdomains, np for non-existent subdomains, one step weaker
	// under t=y. Empty when there is no policy.
	Policy Policy
	// PolicyTag is "p", "sp" or "np": the tag Policy comes from.
	PolicyTag string
	// Disposition is what the receiver should do with this message: None
	// unless Status is fail; then Policy if pct sampling selected the
	// message, and otherwise the next weaker policy (RFC 7489 section 6.6.4).
	Disposition Policy
	// Sampled is false when pct sampling left the message out.
	Sampled bool
	// SPFAligned and DKIMAligned say which passing identifiers aligned.
	SPFAligned  bool
	DKIMAligned bool
	// AlignedBy names the identifier that made DMARC pass (DKIM preferred),
	// with its domain and, for DKIM, its selector.
	AlignedBy       Identifier
	AlignedDomain   string
	AlignedSelector string
	// Reason explains the result in a sentence.
	Reason string
	// Err is the cause of temperror and permerror.
	Err error
}

// Evaluate applies the policy that Lookup found (lr) to one message.
// Evaluate does no DNS: under the RFC 9989 tree walk, pass WithOrgDomain
// or use Verify. A nil lr or one without a Record gives StatusNone.
//
// The message passes when a DKIM signature with result pass or the SPF
// result pass is for a domain aligned with the From domain (adkim, aspf).
// Otherwise it is temperror if an aligned DKIM or SPF check failed
// temporarily, and fail otherwise. Options: WithRand, WithoutPercent,
// WithOrgDomain.
func Evaluate(lr *LookupResult, in Input, opts ...Option) Result {
	o := collect(opts)
	var from string
	if lr != nil {
		from = lr.Domain // normalized by Lookup (A-labels)
	}
	if from == "" {
		from = dnsname.Canonical(in.FromDomain)
	}
	res := Result{Status: StatusNone, FromDomain: from, Disposition: None, Sampled: true}
	if lr == nil || lr.Record == nil {
		res.Reason = "no DMARC policy published"
		if lr != nil {
			res.PolicyDomain = lr.PolicyDomain
			for _, f := range lr.Findings {
				if f.Code == FindingMultipleRecords {
					res.Reason = f.Message
				}
			}
		}
		return res
	}
	rec := lr.Record
	res.Record, res.PolicyDomain, res.Discovery = rec, lr.PolicyDomain, lr.Discovery
	org := o.orgDomain
	if org == nil {
		org = dnsname.OrgDomain
	}

	temp := false
	for _, d := range in.DKIM {
		dom := dnsname.Canonical(d.Domain)
		if !aligned(rec.ADKIM, from, dom, org) {
			continue
		}
		switch d.Result {
		case AuthPass:
			if !res.DKIMAligned {
				res.DKIMAligned = true
				res.AlignedBy, res.AlignedDomain, res.AlignedSelector = IdentifierDKIM, dom, d.Selector
			}
		case AuthTempError:
			temp = true
		}
	}
	if dom := dnsname.Canonical(in.SPF.Domain); aligned(rec.ASPF, from, dom, org) {
		switch in.SPF.Result {
		case AuthPass:
			res.SPFAligned = true
			if res.AlignedBy == IdentifierNone {
				res.AlignedBy, res.AlignedDomain = IdentifierSPF, dom
			}
		case AuthTempError:
			temp = true
		}
	}

	// The applicable policy (RFC 7489 section 6.6.3 step 5, RFC 9989 np).
	switch {
	case lr.PolicyDomain == from:
		res.Policy, res.PolicyTag = rec.Policy, "p"
	case lr.NonExistent && rec.Present.Has(TagNP):
		res.Policy, res.PolicyTag = rec.NPolicy, "np"
	case rec.Present.Has(TagSP):
		res.Policy, res.PolicyTag = rec.SubdomainPolicy, "sp"
	default:
		res.Policy, res.PolicyTag = rec.Policy, "p"
	}
	if rec.Testing {
		res.Policy = res.Policy.weaker()
	}

	switch {
	case res.DKIMAligned || res.SPFAligned:
		res.Status = StatusPass
		res.Reason = fmt.Sprintf("%s passed for %s, aligned with %s", res.AlignedBy, res.AlignedDomain, from)
		return res
	case temp:
		res.Status = StatusTempError
		res.Reason = "no aligned pass, and an aligned SPF or DKIM check failed temporarily"
		return res
	}
	res.Status = StatusFail
	res.Disposition = res.Policy
	if rec.Present.Has(TagPct) && !o.ignorePct && rec.Percent < 100 {
		n := 0
		if o.rand != nil {
			n = o.rand.IntN(100)
		} else {
			n = rand.IntN(100)
		}
		res.Sampled = n < rec.Percent
		if !res.Sampled {
			res.Disposition = res.Policy.weaker()
		}
	}
	res.Reason = fmt.Sprintf("no aligned SPF or DKIM pass for %s; policy %s=%s", from, res.PolicyTag, res.Policy)
	if rec.Testing {
		res.Reason += " (t=y: one step weaker)"
	}
	if !res.Sampled {
		res.Reason += fmt.Sprintf(", message outside pct=%d: %s", rec.Percent, res.Disposition)
	}
	return res
}

// Verify looks up the policy for in.FromDomain and evaluates the message
// against it: Lookup then Evaluate, with the DNS failures turned into
// results. A temporary DNS failure gives StatusTempError and an unusable
// record StatusPermError, with Err set; an invalid From domain gives
// StatusPermError too. Under WithTreeWalk, Verify also finds the
// organizational domains of the authenticated domains by tree walk.
func Verify(ctx context.Context, r Resolver, in Input, opts ...Option) Result {
	lr, err := Lookup(ctx, r, in.FromDomain, opts...)
	if err != nil {
		res := Result{Status: StatusPermError, FromDomain: lr.Domain, PolicyDomain: lr.PolicyDomain, Disposition: None, Err: err}
		if IsTemporary(err) {
			res.Status = StatusTempError
		}
		res.Reason = err.Error()
		return res
	}
	var tempErr error
	if o := collect(opts); o.treeWalk && lr.Record != nil {
		orgs := map[string]string{lr.Domain: lr.OrgDomain}
		names := []string{in.SPF.Domain}
		for _, d := range in.DKIM {
			names = append(names, d.Domain)
		}
		w := &walker{r: r, res: &LookupResult{}}
		for _, n := range names {
			d, err := dnsname.Normalize(n)
			if err != nil {
				continue
			}
			if _, ok := orgs[d]; ok {
				continue
			}
			od, err := w.orgDomain(ctx, d)
			if err != nil {
				// The alignment of this identifier is unknown: it cannot
				// pass, and a fail becomes temperror below.
				tempErr = err
				orgs[d] = "\x00unknown:" + d
				continue
			}
			orgs[d] = od
		}
		opts = append(opts[:len(opts):len(opts)], WithOrgDomain(func(n string) string {
			if o, ok := orgs[n]; ok {
				return o
			}
			return n
		}))
	}
	res := Evaluate(lr, in, opts...)
	if res.Status == StatusFail && tempErr != nil {
		res.Status, res.Disposition, res.Err = StatusTempError, None, tempErr
		res.Reason = "no aligned pass, and the organizational domain of an identifier could not be determined: " + tempErr.Error()
	}
	return res
}
