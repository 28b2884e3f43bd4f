package spf

import (
	"context"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/internal/dnserr"
	"github.com/domainauth/domainauth/internal/dnsname"
)

// AnalyzeSequential is the oracle of TestAnalyzeSameAsSequential: the walk
// as Analyze did it before its lookups ran concurrently, one lookup at a
// time, depth first, with no time budget. For trees within the walk's
// limits (at most 100 records and 100 a, mx and exists targets) the
// concurrent Analyze must return exactly what it returns.
var AnalyzeSequential = analyzeSequential

// AnalyzerDefaults returns the Resolver, Timeout and Concurrency that the
// zero fields of z stand for.
func AnalyzerDefaults(z *Analyzer) (Resolver, time.Duration, int) {
	return z.resolver(), z.timeout(), z.concurrency()
}

func analyzeSequential(ctx context.Context, r Resolver, domain string) (*Analysis, error) {
	d, err := dnsname.Normalize(domain)
	if err != nil {
		return nil, fmt.Errorf("spf: analyze: %w", err)
	}
	a := &seqAnalyzer{r: r, a: &Analysis{Domain: d}, seen: map[string]int{}}
	a.q, _ = r.(querier)
	a.a.Root = a.visit(ctx, d, 0, nil)
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("spf: analyze %s: %w", d, err)
	}
	if a.a.Lookups > DefaultMaxLookups {
		a.add(finding.Error, finding.CodeSPFLookupLimit, d, fmt.Sprintf("%d DNS-querying terms in the tree, over the limit of %d: evaluations that reach the 11th give permerror (RFC 7208 section 4.6.4)", a.a.Lookups, DefaultMaxLookups))
	}
	if a.a.VoidLookups > DefaultMaxVoidLookups {
		a.add(finding.Error, finding.CodeSPFVoidLookupLimit, d, fmt.Sprintf("%d lookups find nothing, over the limit of %d: evaluations that reach the 3rd give permerror (RFC 7208 section 4.6.4)", a.a.VoidLookups, DefaultMaxVoidLookups))
	}
	return a.a, nil
}

type seqAnalyzer struct {
	r     Resolver
	q     querier
	a     *Analysis
	seen  map[string]int // domain -> times reached
	nodes int
	// checks counts the a, mx and exists targets looked up so far.
	checks int
}

func (a *seqAnalyzer) add(sev finding.Severity, code finding.Code, domain, msg string) {
	a.a.Findings = append(a.a.Findings, finding.Finding{Code: code, Severity: sev, Subject: domain, Message: msg})
}

// visit analyses the record of d, reached via kind from the domains in
// path.
func (a *seqAnalyzer) visit(ctx context.Context, d string, via Kind, path []string) *Node {
	n := &Node{Domain: d, Via: via}
	for _, p := range path {
		if p == d {
			a.add(finding.Error, finding.CodeSPFIncludeLoop, d, fmt.Sprintf("%s is reached again through %s: evaluation loops until the lookup limit gives permerror", d, strings.Join(append(path, d), " -> ")))
			return n
		}
	}
	if a.seen[d]++; a.seen[d] == 2 {
		a.add(finding.Warning, finding.CodeSPFDuplicateInclude, d, fmt.Sprintf("%s is included more than once; each copy costs its lookups again", d))
	}
	if len(path) >= analyzeMaxDepth || a.nodes >= analyzeMaxNodes || ctx.Err() != nil {
		return n
	}
	a.nodes++
	txts, err := a.r.LookupTXT(ctx, d)
	if err != nil && !dnserr.IsNotFound(err) {
		a.add(finding.Error, finding.CodeSPFTempError, d, fmt.Sprintf("TXT lookup failed: %v; evaluation gives temperror", err))
		a.a.Errors = append(a.a.Errors, err)
		return n
	}
	var spfs []string
	for _, t := range txts {
		if IsRecord(t) {
			spfs = append(spfs, t)
		}
	}
	a.raw(ctx, d)
	switch {
	case len(spfs) == 0:
		msg := "no SPF record: evaluation gives none"
		if via != 0 {
			msg = fmt.Sprintf("no SPF record at this %s target: evaluation gives permerror", via)
			a.a.VoidLookups++
		}
		a.add(finding.Error, finding.CodeSPFNoRecord, d, msg)
		return n
	case len(spfs) > 1:
		a.add(finding.Error, finding.CodeSPFMultiple, d, fmt.Sprintf("%d TXT records start with v=spf1; evaluation gives permerror (RFC 7208 section 4.5)", len(spfs)))
		return n
	}
	n.Text = spfs[0]
	if len(n.Text) > 450 {
		a.add(finding.Warning, finding.CodeSPFRecordTooLong, d, fmt.Sprintf("the record is %d bytes; keep it under 450 so that the DNS answer fits in 512 bytes of UDP (RFC 7208 section 3.4)", len(n.Text)))
	}
	rec, err := Parse(n.Text)
	if err != nil {
		a.add(finding.Error, finding.CodeSPFSyntax, d, err.Error()+"; evaluation gives permerror")
		return n
	}
	n.Record = rec
	a.terms(ctx, n, append(path, d))
	return n
}

// raw uses the raw query, when there is one, for what LookupTXT hides.
func (a *seqAnalyzer) raw(ctx context.Context, d string) {
	if a.q == nil {
		return
	}
	if m, err := a.q.Query(ctx, d, dns.TypeTXT); err == nil {
		for _, rr := range m.Answer {
			txt, ok := rr.(*dns.TXT)
			if !ok || len(txt.Txt) == 0 || !IsRecord(strings.Join(txt.Txt, "")) {
				continue
			}
			for _, s := range txt.Txt {
				if len(s) > 255 {
					a.add(finding.Error, finding.CodeSPFStringTooLong, d, fmt.Sprintf("a character-string of %d bytes: DNS allows 255; split the record into several strings of one TXT record", len(s)))
				}
			}
		}
	}
	if m, err := a.q.Query(ctx, d, dns.TypeSPF); err == nil && m.Rcode == dns.RcodeSuccess {
		for _, rr := range m.Answer {
			if rr.Header().Rrtype == dns.TypeSPF {
				a.add(finding.Warning, finding.CodeSPFType99, d, "a record of the obsolete SPF type (99) is published; RFC 7208 section 3.1 removed it and nothing reads it: publish TXT only")
				break
			}
		}
	}
}

// terms walks the terms of n's record.
func (a *seqAnalyzer) terms(ctx context.Context, n *Node, path []string) {
	d, rec := n.Domain, n.Record
	allAt, after := -1, false
	for i := range rec.Terms {
		t := &rec.Terms[i]
		if allAt >= 0 && !after && (t.Kind.IsMechanism() || t.Kind == KindRedirect) {
			a.add(finding.Warning, finding.CodeSPFTermsAfterAll, d, fmt.Sprintf("%q comes after %q and is never evaluated", t.String(), rec.Terms[allAt].String()))
			after = true
		}
		if t.Kind == KindRedirect && rec.All() != nil {
			a.add(finding.Warning, finding.CodeSPFRedirectIgnored, d, "the record has an all mechanism, so its redirect is ignored (RFC 7208 section 6.1)")
			continue
		}
		if t.Kind.NeedsLookup() {
			n.Lookups++
			a.a.Lookups++
		}
		switch t.Kind {
		case KindAll:
			if allAt < 0 {
				allAt = i
			}
			switch t.Qualifier {
			case QualifierPass:
				a.add(finding.Error, finding.CodeSPFPlusAll, d, "\"+all\" authorizes every host on the internet to send as this domain")
			case QualifierNeutral:
				a.add(finding.Warning, finding.CodeSPFNeutralAll, d, "\"?all\" asserts nothing about unlisted hosts; use ~all or -all")
			}
		case KindPTR:
			a.add(finding.Warning, finding.CodeSPFPtr, d, "the ptr mechanism is slow and unreliable; RFC 7208 section 5.5 says not to use it")
		case KindInclude, KindRedirect:
			if strings.IndexByte(t.Domain, '%') >= 0 {
				a.add(finding.Info, finding.CodeSPFMacroTarget, d, fmt.Sprintf("%q depends on the message; its target cannot be followed statically", t.String()))
				continue
			}
			target := strings.ToLower(strings.TrimSuffix(t.Domain, "."))
			n.Children = append(n.Children, a.visit(ctx, target, t.Kind, path))
		case KindA, KindMX, KindExists:
			a.voidCheck(ctx, n, t)
		}
	}
}

// voidCheck looks up the target of an a, mx or exists term without macros
// to count void lookups, and the MX names of mx.
func (a *seqAnalyzer) voidCheck(ctx context.Context, n *Node, t *Term) {
	target := t.Domain
	if target == "" {
		target = n.Domain
	}
	if strings.IndexByte(target, '%') >= 0 {
		a.add(finding.Info, finding.CodeSPFMacroTarget, n.Domain, fmt.Sprintf("%q depends on the message; its target cannot be checked statically", t.String()))
		return
	}
	if a.checks >= analyzeMaxChecks || ctx.Err() != nil {
		return
	}
	a.checks++
	target = strings.TrimSuffix(target, ".")
	var err error
	switch t.Kind {
	case KindMX:
		var mxs []*net.MX
		mxs, err = a.r.LookupMX(ctx, target)
		if err == nil && len(mxs) > DefaultMaxNames {
			a.add(finding.Error, finding.CodeSPFMXLimit, n.Domain, fmt.Sprintf("%q: %s has %d MX names, over the limit of %d: evaluation gives permerror (RFC 7208 section 4.6.4)", t.String(), target, len(mxs), DefaultMaxNames))
		}
	case KindA:
		_, err = a.r.LookupNetIP(ctx, "ip", target)
	case KindExists:
		_, err = a.r.LookupNetIP(ctx, "ip4", target)
	}
	switch {
	case err == nil:
	case dnserr.IsNotFound(err):
		a.a.VoidLookups++
	default:
		a.add(finding.Error, finding.CodeSPFTempError, n.Domain, fmt.Sprintf("%q: lookup failed: %v; evaluation may give temperror", t.String(), err))
		a.a.Errors = append(a.a.Errors, err)
	}
}
