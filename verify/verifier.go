package verify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/internal/dnsname"
	"github.com/domainauth/domainauth/internal/knob"
	"github.com/domainauth/domainauth/records"
)

// Defaults for the zero fields of a Verifier.
const (
	// DefaultPendingWindow is how long after a domain was added missing
	// records make it Pending rather than Failed: 72 hours, ample for
	// DNS changes to propagate.
	DefaultPendingWindow = 72 * time.Hour
	// DefaultLookupTimeout bounds each DNS lookup.
	DefaultLookupTimeout = 5 * time.Second
	// DefaultTimeout bounds the verification of one Set, all its lookups
	// included (the SPF include tree can hold 200 of them). It leaves a
	// walk of that tree the 20 seconds RFC 7208 section 4.6.4 asks to allow
	// an SPF evaluation, and the other records their lookups beside it.
	DefaultTimeout = 30 * time.Second
	// DefaultFailureTTL is how long a temporary DNS failure (a timeout,
	// SERVFAIL) is reused within the verification of the Set that met it.
	// The next Set asks again whatever the TTL.
	DefaultFailureTTL = 5 * time.Second
	// DefaultConcurrency is how many domains VerifyAll checks at once, and
	// how many records of one domain Verify looks up at once.
	DefaultConcurrency = 8
	// MaxRecords is the most records a Set may hold; larger Sets are
	// refused with ErrInvalidSet.
	MaxRecords = 64
	// maxAnswers bounds the records of one answer verify looks at.
	maxAnswers = 32
)

// ErrInvalidSet is returned (wrapped) for a Set verify cannot check at all:
// no domain, or more than MaxRecords records.
var ErrInvalidSet = errors.New("verify: invalid record set")

// ErrTimeBudget is wrapped in RecordResult.Err of a record that could not
// be checked within Verifier.Timeout (or whose SPF include tree could not
// be walked within it). Such a record is in Error and its Set Undetermined.
var ErrTimeBudget = errors.New("verify: time budget exhausted")

// Verifier checks record sets against DNS. The zero value is ready to use:
// it asks [net.DefaultResolver], reads the system clock, and applies the
// defaults above. A Verifier is safe for concurrent use and holds no state
// between calls; do not change its fields while a call is running.
type Verifier struct {
	// Resolver answers the lookups; nil means net.DefaultResolver. When it
	// also implements [github.com/domainauth/domainauth.Querier]
	// (domainauth's StubResolver and FakeResolver do), verify uses the raw query for extra diagnostics (spf-type-99,
	// the first hop of a CNAME chain, cname-conflict).
	Resolver Resolver
	// Clock returns the current time; nil means time.Now. The pending
	// window is measured with it.
	Clock func() time.Time
	// PendingWindow is how long after Set.AddedAt a domain with missing
	// records is Pending rather than Failed. Zero means
	// DefaultPendingWindow; a negative value disables the window, so such
	// a domain is Unverified (as it is when Set.AddedAt is zero).
	PendingWindow time.Duration
	// LookupTimeout bounds each DNS lookup (a caller's deadline on ctx
	// still applies). Zero means DefaultLookupTimeout; negative means no
	// per-lookup bound.
	LookupTimeout time.Duration
	// Timeout bounds the verification of one Set, every lookup included
	// (in VerifyAll, each Set's from when a worker starts it; a caller's
	// deadline on ctx still applies). A record whose check it cuts short is
	// in Error, with a dns-temporary finding naming it and RecordResult.Err
	// wrapping ErrTimeBudget, and the Set is Undetermined; Verify itself
	// returns the report, not an error. Zero means DefaultTimeout; negative
	// means no budget, so that only ctx and LookupTimeout bound a Set (an
	// SPF include tree of names that never answer can then hold a Verify
	// for dozens of lookup timeouts).
	Timeout time.Duration
	// Concurrency bounds the domains VerifyAll checks at once, the records
	// Verify looks up at once, and the lookups in flight for the walk of
	// one SPF include tree, for the DMARC tree walk of one record and for
	// the authorizations of its report destinations. Zero or negative
	// means DefaultConcurrency.
	Concurrency int
	// FailureTTL is how long a temporary DNS failure is reused by the
	// verification of the Set that met it; lookups of other Sets always ask
	// again (lookups already waiting for the failed one share its failure).
	// Zero means DefaultFailureTTL; negative means never reused.
	FailureTTL time.Duration
	// DisableCache turns off the per-run cache of DNS answers (every
	// question is then asked each time it comes up). For measurements;
	// leave it off.
	DisableCache bool
	// DMARCMode is the DMARC specification the DMARC check follows, as
	// receivers of that generation would: [dmarc.RFC9989] (the zero value:
	// the DNS tree walk, np, psd and t) or [dmarc.RFC7489] (the
	// organizational domain of the public suffix list, pct). The package
	// doc of dmarc lists the differences. Report.DMARCMode says which was
	// used.
	// The check uses a dmarc.Checker with this Mode and the Verifier's
	// own (caching) resolver.
	DMARCMode dmarc.Mode
}

func (v *Verifier) now() time.Time {
	if v.Clock != nil {
		return v.Clock()
	}
	return time.Now()
}

func (v *Verifier) window() time.Duration {
	if v.PendingWindow == 0 {
		return DefaultPendingWindow
	}
	return v.PendingWindow
}

func (v *Verifier) lookupTimeout() time.Duration {
	return knob.Or(v.LookupTimeout, DefaultLookupTimeout)
}

func (v *Verifier) timeout() time.Duration {
	return knob.Or(v.Timeout, DefaultTimeout)
}

func (v *Verifier) failureTTL() time.Duration {
	return knob.Or(v.FailureTTL, DefaultFailureTTL)
}

func (v *Verifier) concurrency() int {
	if v.Concurrency <= 0 {
		return DefaultConcurrency
	}
	return v.Concurrency
}

func (v *Verifier) newRun() *run {
	var r Resolver = v.Resolver
	if r == nil {
		r = net.DefaultResolver
	}
	return newRun(r, v.lookupTimeout(), !v.DisableCache, v.failureTTL())
}

// Report is the result of verifying one Set. See the package
// documentation for the JSON form.
type Report struct {
	// Domain is the sending domain (Set.Domain).
	Domain string `json:"domain"`
	// Status is the overall verdict, Reason says why in one sentence.
	Status Status `json:"status"`
	Reason string `json:"reason"` // one sentence, naming the required records at fault if any
	// CheckedAt is the Verifier's clock when the check started.
	CheckedAt time.Time `json:"checked_at"`
	// WindowEnds is when the pending window closes (Set.AddedAt plus the
	// window); zero when no window applies.
	WindowEnds time.Time `json:"window_ends,omitzero"`
	// Records holds one result per record of the Set, in Set order.
	Records []RecordResult `json:"records"`
	// Findings holds the findings about the domain as a whole (such as
	// from-templated); those about a record are in its RecordResult.
	Findings []finding.Finding `json:"findings,omitempty"`
	// DMARCMode is the DMARC specification the DMARC check followed
	// (Verifier.DMARCMode).
	DMARCMode dmarc.Mode `json:"dmarc_mode"`
}

// AllFindings returns the domain findings followed by every record's
// findings, in Set order.
func (r *Report) AllFindings() []finding.Finding {
	out := append([]finding.Finding(nil), r.Findings...)
	for _, rr := range r.Records {
		out = append(out, rr.Findings...)
	}
	return out
}

// HasCode reports whether any finding of the report has code c.
func (r *Report) HasCode(c finding.Code) bool {
	for _, f := range r.AllFindings() {
		if f.Code == c {
			return true
		}
	}
	return false
}

// RecordResult is the verdict on one record of the Set.
type RecordResult struct {
	Purpose records.Purpose `json:"purpose"` // the Set record's Purpose
	Type    records.Type    `json:"type"`    // the record type expected, from the Set
	// FQDN is where the record was expected; Name is its host-field form
	// relative to the zone.
	FQDN     string       `json:"fqdn"`
	Name     string       `json:"name"`     // the Set record's Name, or FQDN relative to the zone when that is empty
	Required bool         `json:"required"` // the Set record's Required: only required records decide Report.Status
	Status   RecordStatus `json:"status"`   // Found, Missing, Mismatch or Error
	// Expected is what was asked for, Found what DNS holds at FQDN, both
	// in zone-file presentation ("10 mxa.example.net" for MX, the TXT text
	// joined into one string, CNAME targets without the trailing dot).
	Expected []string `json:"expected"`
	// Found is nil if nothing was found; it may also hold "CNAME <target>"
	// or a proxy's addresses. For DMARC it lists, in the order looked at,
	// the TXT records at the _dmarc names of policy discovery (the From
	// domain and the tree walk or organizational domain, up to the name
	// whose policy applies) that are DMARC records or were meant as one
	// (quoted, with "\;", leading spaces, no semicolons).
	Found []string `json:"found"`
	// Findings explain a Missing, Mismatch or Error status, and give
	// advice on Found records.
	Findings []finding.Finding `json:"findings,omitempty"`
	// Error is the lookup failure behind an Error status (Err's text).
	Error string `json:"error,omitempty"`
	// Err is the lookup failure behind an Error status, for errors.Is/As.
	Err error `json:"-"`
}

// Verify checks every record of set against DNS and returns the report.
// Lookups for one Set share a cache, so a name asked twice (an include, a
// parent's _dmarc) is looked up once.
//
// Verify returns an error only when set cannot be checked at all
// (ErrInvalidSet) or ctx ended before the check finished; DNS failures and
// lookups that v.Timeout cut short are part of the report (records with
// status Error, overall Undetermined).
func (v *Verifier) Verify(ctx context.Context, set records.Set) (*Report, error) {
	return v.verify(ctx, v.newRun().client(), &set)
}

func (v *Verifier) verify(ctx context.Context, c *client, set *records.Set) (*Report, error) {
	if set.Domain == "" {
		return nil, fmt.Errorf("%w: no domain", ErrInvalidSet)
	}
	if len(set.Records) > MaxRecords {
		return nil, fmt.Errorf("%w: %s: %d records, at most %d", ErrInvalidSet, set.Domain, len(set.Records), MaxRecords)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rep := &Report{
		Domain:    set.Domain,
		CheckedAt: v.now(),
		Records:   make([]RecordResult, len(set.Records)),
	}
	if !set.AddedAt.IsZero() && v.window() > 0 {
		rep.WindowEnds = set.AddedAt.Add(v.window())
	}
	templated := records.IsTemplated(set.FromAddress)
	if templated {
		rep.Findings = append(rep.Findings, finding.Finding{
			Code:     finding.CodeFromTemplated,
			Severity: finding.Warning,
			Message:  fmt.Sprintf("the From address %q is a template, so the domain mail is sent from cannot be known", set.FromAddress),
			Fix:      "Set a literal From address (name@" + set.Domain + ") for this sender, or verify each domain the template can produce.",
		})
	}

	budget := v.timeout()
	bctx := ctx
	if budget > 0 {
		var cancel context.CancelFunc
		bctx, cancel = context.WithTimeoutCause(ctx, budget, ErrTimeBudget)
		defer cancel()
	}
	env := &env{c: c, set: set, fromDomain: fromDomain(set), dmarcMode: v.DMARCMode,
		ctx: bctx, budget: budget, concurrency: v.concurrency()}
	rep.DMARCMode = env.dmarcMode
	sem := make(chan struct{}, v.concurrency())
	var wg sync.WaitGroup
	for i := range set.Records {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
			case <-bctx.Done():
				rep.Records[i] = newResult(set, &set.Records[i])
				k := &check{env: env, rec: &set.Records[i], res: &rep.Records[i]}
				k.temporary(bctx.Err())
				return
			}
			defer func() { <-sem }()
			rep.Records[i] = env.checkRecord(bctx, &set.Records[i])
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rep.Status, rep.Reason = v.status(rep, set, templated)
	return rep, nil
}

// status applies the precedence documented on Status.
func (v *Verifier) status(rep *Report, set *records.Set, templated bool) (Status, string) {
	if templated {
		return Undetermined, fmt.Sprintf("the From address %q is a template; the sending domain cannot be determined", set.FromAddress)
	}
	var failed, notFound []string
	required := 0
	for _, r := range rep.Records {
		if !r.Required {
			continue
		}
		required++
		switch r.Status {
		case Error:
			failed = append(failed, string(r.Type)+" "+r.FQDN)
		case Missing, Mismatch:
			notFound = append(notFound, string(r.Type)+" "+r.FQDN)
		}
	}
	if len(failed) > 0 {
		return Undetermined, fmt.Sprintf("DNS lookups failed temporarily for %s; try again later", strings.Join(failed, ", "))
	}
	if len(notFound) == 0 {
		return Verified, fmt.Sprintf("all %d required records found", required)
	}
	what := fmt.Sprintf("%d of %d required records missing or wrong (%s)", len(notFound), required, strings.Join(notFound, ", "))
	if rep.WindowEnds.IsZero() {
		return Unverified, what
	}
	if rep.CheckedAt.Before(rep.WindowEnds) {
		return Pending, what + "; still within the check window, which ends " + rep.WindowEnds.UTC().Format("2006-01-02 15:04 MST")
	}
	return Failed, what + "; the check window ended " + rep.WindowEnds.UTC().Format("2006-01-02 15:04 MST")
}

// fromDomain is the domain of the From address, or the Set's domain when
// there is no usable address or its domain is a template. A template only
// in the local part ("{{ user }}@news.example.com") leaves the domain
// known, even when the address does not parse.
func fromDomain(set *records.Set) string {
	if a := set.FromAddress; a != "" && !records.IsTemplated(a) {
		if d, err := dmarc.FromDomain([]string{a}); err == nil {
			return d
		}
		if at := strings.LastIndexByte(a, '@'); at >= 0 {
			if d, err := dnsname.Normalize(strings.TrimSuffix(strings.TrimSpace(a[at+1:]), ">")); err == nil {
				return d
			}
		}
	}
	return dnsname.Canonical(set.Domain)
}
