package spf

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"

	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/internal/dnserr"
	"github.com/domainauth/domainauth/internal/dnsname"
	"github.com/domainauth/domainauth/internal/knob"
)

// querier is the optional raw DNS query,
// [github.com/domainauth/domainauth.Querier], that Analyze uses when the
// resolver offers it, to see what the Resolver methods hide: records of the
// obsolete SPF type (99) and how a TXT record is split into
// character-strings. The resolvers of the domainauth root package
// implement it.
type querier interface {
	Query(ctx context.Context, name string, qtype uint16) (*dns.Msg, error)
}

// Node is one record of the include/redirect tree.
type Node struct {
	Domain   string  // the domain whose record this is
	Via      Kind    // KindInclude or KindRedirect; zero for the root
	Text     string  // the SPF record as published, "" when there is none
	Record   *Record // the parsed record; nil when missing or invalid
	Lookups  int     // DNS-querying terms in this record alone
	Children []*Node // included and redirected-to records, in record order
}

// Analysis is the static view of a domain's SPF policy: what every
// evaluation would have to fetch, whatever the client address.
type Analysis struct {
	Domain string // the domain analysed, normalised (A-labels, lower case)
	Root   *Node  // the record of Domain, with the tree below it; never nil

	// Lookups is the total of DNS-querying terms (include, a, mx, ptr,
	// exists, redirect) in the whole tree, as if every term were
	// evaluated; over 10 some evaluations end in permerror.
	Lookups int

	// VoidLookups counts the targets of a, mx and exists terms (without
	// macros) and of includes that do not exist; over 2 some evaluations
	// end in permerror. Only the first 100 a, mx and exists targets of the
	// tree (in breadth-first order) are looked up, so past that, and when
	// the Timeout ran out, it is a lower bound.
	VoidLookups int

	// Errors are the lookup failures behind the spf-temperror findings,
	// in the same order, so that errors.Is and errors.As reach the
	// resolver's error (a *net.DNSError, a context error); nil when none.
	Errors []error

	// Findings are the problems found in the whole tree, in the order a
	// depth-first walk of the tree in record order meets them (the same
	// whatever order concurrent lookups answer in); nil when there are
	// none. Each Subject is the domain whose record the finding is about.
	// The codes are spf-no-record, spf-multiple, spf-syntax,
	// spf-temperror, spf-lookup-limit, spf-void-lookup-limit,
	// spf-mx-limit, spf-include-loop, spf-duplicate-include, spf-ptr,
	// spf-terms-after-all, spf-plus-all, spf-neutral-all,
	// spf-redirect-ignored, spf-macro-target, spf-string-too-long,
	// spf-record-too-long, spf-type-99 and spf-not-checked
	// (finding.CodeSPF*; their meaning and fix are in docs/FINDINGS.md).
	Findings []finding.Finding
}

// Has reports whether the analysis has a finding with the given code.
func (a *Analysis) Has(code finding.Code) bool {
	for _, f := range a.Findings {
		if f.Code == code {
			return true
		}
	}
	return false
}

// Limits of the walk, so that a hostile tree cannot make Analyze work
// forever: it stops descending past maxDepth and after maxNodes records,
// and looks up the targets of at most maxChecks a, mx and exists terms in
// all (one record may hold thousands of them; an evaluation stops after 10).
// Records and terms count in breadth-first order (the root, then every
// record it names, in term order, and so on), so that which ones are
// fetched does not depend on the order in which concurrent lookups answer.
const (
	analyzeMaxDepth  = 20
	analyzeMaxNodes  = 100
	analyzeMaxChecks = 100
)

// Defaults for the zero fields of an Analyzer.
const (
	// DefaultAnalyzeTimeout bounds one Analyze: the 20 seconds that RFC
	// 7208 section 4.6.4 asks an evaluation of check_host to be allowed at
	// least. A tree whose names never answer costs this much, not the
	// per-lookup timeout times the hundreds of lookups of the walk.
	DefaultAnalyzeTimeout = 20 * time.Second
	// DefaultAnalyzeConcurrency is how many lookups one Analyze has in
	// flight at once.
	DefaultAnalyzeConcurrency = 8
)

// Analyzer runs Analyze with a time budget and a bound on concurrent
// lookups. The zero value is ready to use: it asks net.DefaultResolver and
// applies the defaults above. An Analyzer is safe for concurrent use; do not
// change its fields while a call is running.
type Analyzer struct {
	// Resolver answers the lookups; nil means net.DefaultResolver. When it
	// also implements [github.com/domainauth/domainauth.Querier] (the root
	// package's resolvers do), Analyze uses the raw query for what the
	// Resolver methods hide (string-too-long, spf-type-99).
	Resolver Resolver

	// Timeout is the budget of one Analyze, all lookups included (a
	// caller's deadline on ctx still applies). What was not looked up when
	// it runs out is reported as an spf-not-checked finding, and Analyze
	// returns what it found. Zero means DefaultAnalyzeTimeout; negative
	// means no budget, so that only ctx and the resolver's own timeouts
	// bound the walk.
	Timeout time.Duration

	// Concurrency bounds the lookups in flight at once. The records of the
	// tree and the targets of its a, mx and exists terms are independent of
	// each other for a static analysis (unlike an evaluation, which stops
	// at the first match), so they are looked up side by side; the
	// Analysis is the same whatever the order in which the answers come
	// back. Zero or negative means DefaultAnalyzeConcurrency; 1 looks up
	// one name at a time.
	Concurrency int
}

// errBudget is the cause of the walk's context when the Analyzer's
// Timeout runs out.
var errBudget = errors.New("spf: analysis time budget exhausted")

func (z *Analyzer) timeout() time.Duration {
	return knob.Or(z.Timeout, DefaultAnalyzeTimeout)
}

func (z *Analyzer) resolver() Resolver {
	if z.Resolver == nil {
		return net.DefaultResolver
	}
	return z.Resolver
}

func (z *Analyzer) concurrency() int {
	if z.Concurrency <= 0 {
		return DefaultAnalyzeConcurrency
	}
	return z.Concurrency
}

// Analyze fetches the SPF record of domain and every record it includes or
// redirects to, and reports the tree, the lookup counts and the findings
// (see Analysis.Findings for the codes). It is Analyzer.Analyze with the zero
// Analyzer's limits: see there.
func Analyze(ctx context.Context, r Resolver, domain string) (*Analysis, error) {
	z := Analyzer{Resolver: r}
	return z.Analyze(ctx, domain)
}

// Analyze fetches the SPF record of domain and every record it includes or
// redirects to, and reports the tree, the lookup counts and the findings
// (see Analysis.Findings for the codes), in the order a walk of the tree
// in record order meets them whatever the Concurrency.
//
// DNS failures become spf-temperror findings, and what the Timeout left
// unlooked-up becomes spf-not-checked findings; the error is only for an
// invalid domain or a ctx that ended before the Timeout ran out. Terms
// whose targets hold macros cannot be followed statically and give an
// spf-macro-target finding.
func (z *Analyzer) Analyze(ctx context.Context, domain string) (*Analysis, error) {
	d, err := dnsname.Normalize(domain)
	if err != nil {
		return nil, fmt.Errorf("spf: analyze: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("spf: analyze %s: %w", d, err)
	}
	r := z.resolver()
	a := &analyzer{r: r, a: &Analysis{Domain: d}, seen: map[string]int{}, budget: z.timeout(), conc: z.concurrency()}
	a.q, _ = r.(querier)
	if a.budget > 0 {
		var cancel context.CancelFunc
		a.ctx, cancel = context.WithTimeoutCause(ctx, a.budget, errBudget)
		defer cancel()
	} else {
		a.ctx = ctx
	}
	root := &walkNode{node: Node{Domain: d}}
	a.fetch(root)
	if err := ctx.Err(); err != nil && !errors.Is(context.Cause(a.ctx), errBudget) {
		// ctx ended before the budget: the caller gave up. (When the
		// budget ran out first, what the walk found is the answer.)
		return nil, fmt.Errorf("spf: analyze %s: %w", d, err)
	}
	a.a.Root = a.visit(root, nil)
	if a.a.Lookups > DefaultMaxLookups {
		a.add(finding.Error, finding.CodeSPFLookupLimit, d, fmt.Sprintf("%d DNS-querying terms in the tree, over the limit of %d: evaluations that reach the 11th give permerror (RFC 7208 section 4.6.4)", a.a.Lookups, DefaultMaxLookups))
	}
	if a.a.VoidLookups > DefaultMaxVoidLookups {
		a.add(finding.Error, finding.CodeSPFVoidLookupLimit, d, fmt.Sprintf("%d lookups find nothing, over the limit of %d: evaluations that reach the 3rd give permerror (RFC 7208 section 4.6.4)", a.a.VoidLookups, DefaultMaxVoidLookups))
	}
	return a.a, nil
}

// The walk has two phases. fetch does every lookup, concurrently and
// level by level, and keeps the answers in walkNodes; it decides which
// records and targets to look up by the limits above, in breadth-first
// order, without looking at the order in which answers arrive. visit then
// walks the fetched tree depth-first in record order, without I/O, and
// derives the Nodes, counts and findings from the answers alone, so the
// Analysis does not depend on timing.

// fetchState says whether a record or target was looked up.
type fetchState uint8

const (
	notFetched  fetchState = iota // past a limit, or a loop: not looked up, by design
	fetched                       // looked up; the answer is kept
	outOfBudget                   // to be looked up, but the Timeout ran out first
)

// walkNode is one record of the tree during the walk.
type walkNode struct {
	node   Node
	parent *walkNode
	depth  int // records above this one
	state  fetchState

	txts []string // the TXT lookup's answer
	err  error    // the TXT lookup's error
	spfs int      // how many of txts are SPF records
	text string   // the first of them
	rec  *Record  // text parsed, when it is the only one
	perr error    // text's syntax error

	// rawTXT and rawSPF are the findings of the two raw queries.
	rawTXT, rawSPF []finding.Finding

	// kids are the records the terms name, in term order.
	kids []*walkNode
	// checks holds, by term index, the lookups of a, mx and exists
	// targets; nil when the record has none.
	checks []targetCheck
}

// targetCheck is the lookup of the target of one a, mx or exists term.
type targetCheck struct {
	state  fetchState
	kind   Kind
	target string
	mxs    int // MX names found, for mx
	err    error
}

// A task is one lookup of the walk: the TXT record of node, one of its two
// raw queries, or the target of its term number term.
type task struct {
	node *walkNode
	term int // >= 0, or one of the values below
}

const (
	taskTXT    = -1
	taskRawTXT = -2
	taskRawSPF = -3
)

type analyzer struct {
	r      Resolver
	q      querier
	a      *Analysis
	ctx    context.Context // the walk's: ctx bounded by the budget
	budget time.Duration   // the Analyzer's Timeout; 0 for none
	conc   int             // the Analyzer's Concurrency

	// Phase one: records and targets chosen for a lookup so far.
	nodes, checks int

	// Phase two.
	seen map[string]int // domain -> times reached
}

func (a *analyzer) add(sev finding.Severity, code finding.Code, domain, msg string) {
	a.a.Findings = append(a.a.Findings, finding.Finding{Code: code, Severity: sev, Subject: domain, Message: msg})
}

// outOfTime reports whether a lookup that failed with err failed because
// the budget ran out: nobody may read its failure as the name's.
func (a *analyzer) outOfTime(err error) bool {
	return err != nil && !dnserr.IsNotFound(err) && a.ctx.Err() != nil
}

// fetch looks up the tree below root, one level at a time: the records of
// a level are fetched side by side, then their terms give the next level.
// The a, mx and exists targets and the raw queries of a level do not shape
// the tree, so they are looked up along with the next level's records
// (after them: the tree's shape comes first).
func (a *analyzer) fetch(root *walkNode) {
	level := []*walkNode{root}
	var batch, later []task
	for len(level) > 0 || len(later) > 0 {
		batch = batch[:0]
		for _, x := range level {
			if x.loops() || x.depth >= analyzeMaxDepth || a.nodes >= analyzeMaxNodes {
				continue
			}
			a.nodes++
			batch = append(batch, task{x, taskTXT})
		}
		batch = append(batch, later...)
		later = later[:0]
		a.runAll(batch)
		var next []*walkNode
		for _, x := range level {
			if x.state != fetched || (x.err != nil && !dnserr.IsNotFound(x.err)) {
				continue
			}
			if a.q != nil {
				later = append(later, task{x, taskRawTXT}, task{x, taskRawSPF})
			}
			for _, t := range x.txts {
				if IsRecord(t) {
					if x.spfs++; x.spfs == 1 {
						x.text = t
					}
				}
			}
			if x.spfs != 1 {
				continue
			}
			x.rec, x.perr = Parse(x.text)
			if x.perr != nil {
				continue
			}
			first := len(next)
			for i := range x.rec.Terms {
				t := &x.rec.Terms[i]
				if target, ok := follows(x.rec, t); ok {
					next = append(next, &walkNode{node: Node{Domain: target, Via: t.Kind}, parent: x, depth: x.depth + 1})
				} else if target, ok := checkTarget(x.node.Domain, t); ok && a.checks < analyzeMaxChecks {
					a.checks++
					if x.checks == nil {
						x.checks = make([]targetCheck, len(x.rec.Terms))
					}
					x.checks[i] = targetCheck{kind: t.Kind, target: target}
					later = append(later, task{x, i})
				}
			}
			x.kids = next[first:len(next):len(next)]
		}
		level = next
	}
}

// runAll runs the tasks with at most a.conc of them at once, the calling
// goroutine taking its share, and returns when all are done.
func (a *analyzer) runAll(tasks []task) {
	switch len(tasks) {
	case 0:
		return
	case 1:
		a.do(tasks[0])
		return
	}
	var next atomic.Int64
	work := func() {
		for {
			i := int(next.Add(1)) - 1
			if i >= len(tasks) {
				return
			}
			a.do(tasks[i])
		}
	}
	var wg sync.WaitGroup
	for range min(a.conc, len(tasks)) - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
}

// do runs one task, or marks it out of budget when the walk's time is up.
func (a *analyzer) do(t task) {
	x, ctx := t.node, a.ctx
	switch t.term {
	case taskTXT:
		if ctx.Err() != nil {
			x.state = outOfBudget
			return
		}
		x.txts, x.err = a.r.LookupTXT(ctx, x.node.Domain)
		x.state = fetched
		if a.outOfTime(x.err) {
			x.state = outOfBudget
		}
	case taskRawTXT:
		if ctx.Err() == nil {
			x.rawTXT = a.rawTXT(ctx, x.node.Domain)
		}
	case taskRawSPF:
		if ctx.Err() == nil {
			x.rawSPF = a.rawSPF(ctx, x.node.Domain)
		}
	default:
		c := &x.checks[t.term]
		if ctx.Err() != nil {
			c.state = outOfBudget
			return
		}
		switch c.kind {
		case KindMX:
			var mxs []*net.MX
			mxs, c.err = a.r.LookupMX(ctx, c.target)
			c.mxs = len(mxs)
		case KindA:
			_, c.err = a.r.LookupNetIP(ctx, "ip", c.target)
		case KindExists:
			_, c.err = a.r.LookupNetIP(ctx, "ip4", c.target)
		}
		c.state = fetched
		if a.outOfTime(c.err) {
			c.state = outOfBudget
		}
	}
}

// loops reports whether x's domain is one of the records above it.
func (x *walkNode) loops() bool {
	for p := x.parent; p != nil; p = p.parent {
		if p.node.Domain == x.node.Domain {
			return true
		}
	}
	return false
}

// follows returns the domain of the record that t (a term of rec) names,
// if the walk follows it: include and redirect without macros, but not a
// redirect that rec's all mechanism makes ignored.
func follows(rec *Record, t *Term) (string, bool) {
	switch {
	case t.Kind != KindInclude && t.Kind != KindRedirect,
		t.Kind == KindRedirect && rec.All() != nil,
		strings.IndexByte(t.Domain, '%') >= 0:
		return "", false
	}
	return strings.ToLower(strings.TrimSuffix(t.Domain, ".")), true
}

// checkTarget returns the name that an a, mx or exists term t of the
// record at d looks up, when it has no macros.
func checkTarget(d string, t *Term) (string, bool) {
	if t.Kind != KindA && t.Kind != KindMX && t.Kind != KindExists {
		return "", false
	}
	target := t.Domain
	if target == "" {
		target = d
	}
	if strings.IndexByte(target, '%') >= 0 {
		return "", false
	}
	return strings.TrimSuffix(target, "."), true
}

// rawTXT asks the raw query, when there is one, for the character-strings
// of d's TXT records, which LookupTXT joins. Its failures are ignored:
// what it finds is advice.
func (a *analyzer) rawTXT(ctx context.Context, d string) []finding.Finding {
	m, err := a.q.Query(ctx, d, dns.TypeTXT)
	if err != nil {
		return nil
	}
	var out []finding.Finding
	for _, rr := range m.Answer {
		txt, ok := rr.(*dns.TXT)
		if !ok || len(txt.Txt) == 0 || !IsRecord(strings.Join(txt.Txt, "")) {
			continue
		}
		for _, s := range txt.Txt {
			if len(s) > 255 {
				out = append(out, finding.Finding{Code: finding.CodeSPFStringTooLong, Severity: finding.Error, Subject: d,
					Message: fmt.Sprintf("a character-string of %d bytes: DNS allows 255; split the record into several strings of one TXT record", len(s))})
			}
		}
	}
	return out
}

// rawSPF asks the raw query for records of the obsolete SPF type at d.
func (a *analyzer) rawSPF(ctx context.Context, d string) []finding.Finding {
	m, err := a.q.Query(ctx, d, dns.TypeSPF)
	if err != nil || m.Rcode != dns.RcodeSuccess {
		return nil
	}
	for _, rr := range m.Answer {
		if rr.Header().Rrtype == dns.TypeSPF {
			return []finding.Finding{{Code: finding.CodeSPFType99, Severity: finding.Warning, Subject: d,
				Message: "a record of the obsolete SPF type (99) is published; RFC 7208 section 3.1 removed it and nothing reads it: publish TXT only"}}
		}
	}
	return nil
}

// notChecked reports what the budget left unlooked-up.
func (a *analyzer) notChecked(domain, what string) {
	a.add(finding.Error, finding.CodeSPFNotChecked, domain, fmt.Sprintf("%s did not finish within the analysis time budget of %v: what it would find is unknown, and evaluation may give temperror", what, a.budget))
}

// visit derives the Node of x, reached from the domains in path, and the
// findings about it from what fetch found.
func (a *analyzer) visit(x *walkNode, path []string) *Node {
	n := &x.node
	d, via := n.Domain, n.Via
	for _, p := range path {
		if p == d {
			a.add(finding.Error, finding.CodeSPFIncludeLoop, d, fmt.Sprintf("%s is reached again through %s: evaluation loops until the lookup limit gives permerror", d, strings.Join(append(path, d), " -> ")))
			return n
		}
	}
	if a.seen[d]++; a.seen[d] == 2 {
		a.add(finding.Warning, finding.CodeSPFDuplicateInclude, d, fmt.Sprintf("%s is included more than once; each copy costs its lookups again", d))
	}
	switch x.state {
	case notFetched:
		return n
	case outOfBudget:
		a.notChecked(d, "the TXT lookup of the SPF record at "+d)
		return n
	}
	if x.err != nil && !dnserr.IsNotFound(x.err) {
		a.add(finding.Error, finding.CodeSPFTempError, d, fmt.Sprintf("TXT lookup failed: %v; evaluation gives temperror", x.err))
		a.a.Errors = append(a.a.Errors, x.err)
		return n
	}
	a.a.Findings = append(a.a.Findings, x.rawTXT...)
	a.a.Findings = append(a.a.Findings, x.rawSPF...)
	switch {
	case x.spfs == 0:
		msg := "no SPF record: evaluation gives none"
		if via != 0 {
			msg = fmt.Sprintf("no SPF record at this %s target: evaluation gives permerror", via)
			a.a.VoidLookups++
		}
		a.add(finding.Error, finding.CodeSPFNoRecord, d, msg)
		return n
	case x.spfs > 1:
		a.add(finding.Error, finding.CodeSPFMultiple, d, fmt.Sprintf("%d TXT records start with v=spf1; evaluation gives permerror (RFC 7208 section 4.5)", x.spfs))
		return n
	}
	n.Text = x.text
	if len(n.Text) > 450 {
		a.add(finding.Warning, finding.CodeSPFRecordTooLong, d, fmt.Sprintf("the record is %d bytes; keep it under 450 so that the DNS answer fits in 512 bytes of UDP (RFC 7208 section 3.4)", len(n.Text)))
	}
	if x.perr != nil {
		a.add(finding.Error, finding.CodeSPFSyntax, d, x.perr.Error()+"; evaluation gives permerror")
		return n
	}
	n.Record = x.rec
	a.terms(x, append(path, d))
	return n
}

// terms walks the terms of x's record.
func (a *analyzer) terms(x *walkNode, path []string) {
	n := &x.node
	d, rec := n.Domain, n.Record
	allAt, after, kid := -1, false, 0
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
			if _, ok := follows(rec, t); !ok {
				a.add(finding.Info, finding.CodeSPFMacroTarget, d, fmt.Sprintf("%q depends on the message; its target cannot be followed statically", t.String()))
				continue
			}
			n.Children = append(n.Children, a.visit(x.kids[kid], path))
			kid++
		case KindA, KindMX, KindExists:
			a.voidCheck(x, i, t)
		}
	}
}

// voidCheck counts the void lookup of an a, mx or exists term and reports
// its failures, from what fetch found.
func (a *analyzer) voidCheck(x *walkNode, i int, t *Term) {
	d := x.node.Domain
	target, ok := checkTarget(d, t)
	if !ok {
		a.add(finding.Info, finding.CodeSPFMacroTarget, d, fmt.Sprintf("%q depends on the message; its target cannot be checked statically", t.String()))
		return
	}
	var c targetCheck // notFetched
	if x.checks != nil {
		c = x.checks[i]
	}
	switch {
	case c.state == notFetched:
		return
	case c.state == outOfBudget:
		a.notChecked(d, fmt.Sprintf("%q: the lookup of %s", t.String(), target))
		return
	}
	if c.err == nil && c.mxs > DefaultMaxNames {
		a.add(finding.Error, finding.CodeSPFMXLimit, d, fmt.Sprintf("%q: %s has %d MX names, over the limit of %d: evaluation gives permerror (RFC 7208 section 4.6.4)", t.String(), target, c.mxs, DefaultMaxNames))
	}
	switch {
	case c.err == nil:
	case dnserr.IsNotFound(c.err):
		a.a.VoidLookups++
	default:
		a.add(finding.Error, finding.CodeSPFTempError, d, fmt.Sprintf("%q: lookup failed: %v; evaluation may give temperror", t.String(), c.err))
		a.a.Errors = append(a.a.Errors, c.err)
	}
}
