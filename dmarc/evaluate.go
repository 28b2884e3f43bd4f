package dmarc

import (
	"context"
	"math/rand/v2"
	"strconv"

	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/internal/dnsname"
)

// Aligned reports whether authDomain, a domain that SPF or DKIM
// authenticated, is aligned with fromDomain, the RFC5322.From domain
// (RFC 7489 section 3.1): Strict needs the same name; Relaxed the same
// organizational domain, from the public suffix list. Names are compared
// without case and trailing dot; an empty name never aligns.
func Aligned(mode AlignmentMode, fromDomain, authDomain string) bool {
	a := aligner{from: dnsname.Canonical(fromDomain), org: dnsname.OrgDomain}
	return a.aligned(mode, dnsname.Canonical(authDomain))
}

// aligner decides the alignment of the authenticated domains of one
// message with its From domain, finding the organizational domain of the
// From domain at most once.
type aligner struct {
	from    string
	fromOrg string // org(from), once known
	haveOrg bool
	// org finds the organizational domain of a name; org(n) is n or one
	// of its parent domains (true of the public suffix list and of the
	// tree walk), so a name that is neither fromOrg nor below it cannot
	// have fromOrg as its organizational domain, and org need not be
	// asked.
	org func(string) string
}

func (a *aligner) aligned(mode AlignmentMode, auth string) bool {
	if a.from == "" || auth == "" {
		return false
	}
	if a.from == auth {
		return true
	}
	if mode == Strict {
		return false
	}
	if !a.haveOrg {
		a.fromOrg, a.haveOrg = a.org(a.from), true
	}
	if !dnsname.IsSubdomain(auth, a.fromOrg) {
		return false
	}
	return a.org(auth) == a.fromOrg
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
	Domain string     // the domain SPF checked; "" never aligns
	Result AuthResult // the SPF result for Domain; only AuthPass can align
}

// DKIMResult is the result of one DKIM signature.
type DKIMResult struct {
	Domain   string     // the d= tag
	Selector string     // the s= tag
	Result   AuthResult // the verification result of this signature; only AuthPass can align
}

// Input is what Evaluate needs to know about one message.
type Input struct {
	// FromDomain is the domain of the single RFC5322.From address. What to
	// do with several From addresses or none is the receiver's choice (RFC
	// 7489 section 6.6.1); Evaluate needs one domain.
	FromDomain string
	SPF        SPFResult    // the SPF result; the zero value (no domain) never aligns
	DKIM       []DKIMResult // one entry per DKIM signature checked; nil when none
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
	Mode         Mode      // the specification the result follows
	Status       Status    // the DMARC result; Err says why for temperror and permerror
	FromDomain   string    // the From domain, normalized (lower case, A-labels); "" when Verify found it invalid
	PolicyDomain string    // where the record was found
	Discovery    Discovery // how it was found
	Record       *Record   // the policy record; nil when none was found or it could not be used
	// Policy is the policy the Domain Owner asks for this From domain: p,
	// sp for subdomains, np for non-existent subdomains, one step weaker
	// under t=y. Empty when there is no policy.
	Policy Policy
	// PolicyTag is "p", "sp" or "np": the tag Policy comes from.
	PolicyTag string
	// NPUndetermined says why np could not be applied (see
	// LookupResult.NPUndetermined); "" when np was applied or did not
	// matter.
	NPUndetermined string
	// Disposition is what the receiver should do with this message: None
	// unless Status is fail; then Policy if pct sampling selected the
	// message, and otherwise the next weaker policy (RFC 7489 section 6.6.4).
	Disposition Policy
	// Sampled is false only when pct sampling left the message out of the
	// policy; it is true in every other case, including when no policy
	// applies.
	Sampled bool
	// SPFAligned and DKIMAligned say which passing identifiers aligned.
	SPFAligned  bool
	DKIMAligned bool // true when some DKIM result was pass for an aligned d= domain
	// AlignedBy names the identifier that made DMARC pass (DKIM preferred),
	// with its domain and, for DKIM, its selector.
	AlignedBy       Identifier
	AlignedDomain   string // the aligned, passing domain in canonical form; "" when AlignedBy is IdentifierNone
	AlignedSelector string // the s= of the aligned DKIM signature; "" unless AlignedBy is IdentifierDKIM
	// Reason explains the result in a sentence.
	Reason string
	// Err is the cause of temperror and permerror.
	Err error
}

// Evaluate applies the policy that Lookup found (lr) to one message, in
// the mode of lr (lr.Mode; c.Mode only when lr is nil): t=y weakens the
// policy in RFC 9989 mode, pct samples in RFC 7489 mode (with c.Rand,
// unless c.IgnorePercent).
// Evaluate does no DNS: it finds organizational domains for relaxed
// alignment with the public suffix list, which in RFC 9989 mode is only an
// approximation of the tree walk; Verify walks the tree. A nil lr or one
// without a Record gives StatusNone.
//
// The message passes when a DKIM signature with result pass or the SPF
// result pass is for a domain aligned with the From domain (adkim, aspf).
// Otherwise it is temperror if an aligned DKIM or SPF check failed
// temporarily, and fail otherwise.
func (c *Checker) Evaluate(lr *LookupResult, in Input) Result {
	e := c.eval()
	if lr != nil {
		e.mode = lr.Mode
	}
	return evaluate(lr, in, &e)
}

// evalOpts is what evaluate needs besides its input: the Checker's fields,
// and what Verify already knows. orgDomain finds the organizational domain
// of a name for relaxed alignment (nil: the public suffix list); fromOrg,
// when set, is the organizational domain of the From domain as orgDomain
// finds it. orgDomain must return the name or one of its parents (see
// aligner).
type evalOpts struct {
	mode      Mode
	rand      Rand
	ignorePct bool
	orgDomain func(string) string
	fromOrg   string
}

// eval returns the evalOpts of c's fields.
func (c *Checker) eval() evalOpts {
	return evalOpts{mode: c.Mode, rand: c.Rand, ignorePct: c.IgnorePercent}
}

// baseResult is where every Result starts: no policy applied yet, so no
// disposition and nothing sampled out.
func baseResult(from string) Result {
	return Result{Status: StatusNone, FromDomain: from, Disposition: None, Sampled: true}
}

func evaluate(lr *LookupResult, in Input, o *evalOpts) Result {
	var from string
	if lr != nil {
		from = lr.Domain // normalized by Lookup (A-labels)
	}
	if from == "" {
		from = dnsname.Canonical(in.FromDomain)
	}
	res := baseResult(from)
	res.Mode = o.mode
	if lr == nil || lr.Record == nil {
		res.Reason = "no DMARC policy published"
		if lr != nil {
			res.PolicyDomain = lr.PolicyDomain
			for _, f := range lr.Findings {
				if f.Code == finding.CodeDMARCMultiple {
					res.Reason = f.Message
				}
			}
		}
		return res
	}
	rec := lr.Record
	res.Record, res.PolicyDomain, res.Discovery = rec, lr.PolicyDomain, lr.Discovery
	al := aligner{from: from, fromOrg: o.fromOrg, haveOrg: o.fromOrg != "", org: o.orgDomain}
	if al.org == nil {
		al.org = dnsname.OrgDomain
	}

	temp := false
	for _, d := range in.DKIM {
		dom := dnsname.Canonical(d.Domain)
		if !al.aligned(rec.ADKIM, dom) {
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
	if dom := dnsname.Canonical(in.SPF.Domain); al.aligned(rec.ASPF, dom) {
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

	res.Policy, res.PolicyTag = lr.AppliedPolicy()
	res.NPUndetermined = lr.NPUndetermined
	testing := rec.Testing && o.mode == RFC9989 // t is unknown to RFC 7489
	if testing {
		res.Policy = res.Policy.weaker()
	}

	switch {
	case res.DKIMAligned || res.SPFAligned:
		res.Status = StatusPass
		res.Reason = string(res.AlignedBy) + " passed for " + res.AlignedDomain + ", aligned with " + from
		return res
	case temp:
		res.Status = StatusTempError
		res.Reason = "no aligned pass, and an aligned SPF or DKIM check failed temporarily"
		return res
	}
	res.Status = StatusFail
	res.Disposition = res.Policy
	// pct is unknown to RFC 9989.
	if o.mode == RFC7489 && rec.Present.Has(TagPct) && !o.ignorePct && rec.Percent < 100 {
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
	testNote, sampleNote := "", ""
	if testing {
		testNote = " (t=y: one step weaker)"
	}
	if res.NPUndetermined != "" {
		testNote += " (np not applied: existence of " + from + " unknown)"
	}
	if !res.Sampled {
		sampleNote = ", message outside pct=" + strconv.Itoa(rec.Percent) + ": " + string(res.Disposition)
	}
	res.Reason = "no aligned SPF or DKIM pass for " + from + "; policy " + res.PolicyTag + "=" + string(res.Policy) + testNote + sampleNote
	return res
}

// Verify looks up the policy for in.FromDomain and evaluates the message
// against it: Lookup then Evaluate, with the DNS failures turned into
// results. A temporary DNS failure gives StatusTempError and an unusable
// record StatusPermError, with Err set; an invalid From domain gives
// StatusPermError too. In RFC 9989 mode, Verify also finds the
// organizational domains of the authenticated domains by tree walk.
func (c *Checker) Verify(ctx context.Context, in Input) Result {
	r := c.resolver()
	o := c.eval()
	var walkCache map[string]answer
	if o.mode == RFC9989 {
		walkCache = make(map[string]answer)
	}
	lr, err := lookup(ctx, r, in.FromDomain, o.mode, walkCache)
	if err != nil {
		res := baseResult(lr.Domain)
		res.Mode = o.mode
		res.Status, res.PolicyDomain, res.Err = StatusPermError, lr.PolicyDomain, err
		if IsTemporary(err) {
			res.Status = StatusTempError
		}
		res.Reason = err.Error()
		return res
	}
	var tempErr error
	if o.mode == RFC7489 {
		// Lookup found the organizational domain with the public suffix list.
		o.fromOrg = lr.OrgDomain
	}
	if o.mode == RFC9989 && lr.Record != nil {
		orgs := map[string]string{lr.Domain: lr.OrgDomain}
		// RFC 9989 section 4.10.2: a walk for each identifier that can
		// matter (a pass, or a temporary failure that can make the result
		// temperror) under relaxed alignment; strict alignment compares
		// names.
		matters := func(r AuthResult) bool { return r == AuthPass || r == AuthTempError }
		var names []string
		if lr.Record.ASPF == Relaxed && matters(in.SPF.Result) {
			names = append(names, in.SPF.Domain)
		}
		if lr.Record.ADKIM == Relaxed {
			for _, d := range in.DKIM {
				if matters(d.Result) {
					names = append(names, d.Domain)
				}
			}
		}
		w := &walker{r: r, res: &LookupResult{}, mode: RFC9989, cache: walkCache}
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
		o.orgDomain = func(n string) string {
			if o, ok := orgs[n]; ok {
				return o
			}
			return n
		}
		// Every value is the name or one of its parents (walkNames).
		o.fromOrg = lr.OrgDomain
	}
	res := evaluate(lr, in, &o)
	if res.Status == StatusFail && tempErr != nil {
		res.Status, res.Disposition, res.Err = StatusTempError, None, tempErr
		res.Reason = "no aligned pass, and the organizational domain of an identifier could not be determined: " + tempErr.Error()
	}
	return res
}
