package spf_test

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/spf"
)

// Resource limits: hostile SPF data must not make an evaluation or an
// analysis do unbounded work. The bounds asserted here come from RFC 7208
// section 4.6.4, not from what the implementation happens to do:
//
//   - at most 10 DNS-querying terms (include, a, mx, ptr, exists, redirect)
//     per check_host evaluation, the 11th gives permerror;
//   - besides the queries of those terms, an evaluation makes the TXT query
//     of the checked domain itself, and a and mx terms make address lookups.
//
// So an evaluation through include terms alone makes at most
// 1 (the domain's TXT) + 10 (one TXT per include) queries. One more is
// tolerated below, for an implementation that fetches the record of the
// 11th include before counting it; anything beyond means the limit did not
// stop the walk.

// includeOnlyBudget is the largest number of DNS queries an evaluation
// through include and redirect terms alone may make: the checked domain's
// TXT record, one TXT per counted term, and one spare for the term that
// exceeds the limit.
const includeOnlyBudget = 1 + spf.DefaultMaxLookups + 1

// bombClient matches nothing in the bombs, so every evaluation walks as far
// as the limits let it.
var bombClient = netip.MustParseAddr("192.0.2.200")

// bombZone returns a zone where every record of the tree under root
// includes fanout more records, depth levels deep: fanout^depth records in
// all, far more than the 10 lookups an evaluation may make.
func bombZone(fanout, depth int) string {
	var b strings.Builder
	b.WriteString("$ORIGIN bomb.test.\n$TTL 300\n")
	var level func(name string, d int)
	level = func(name string, d int) {
		if d == depth {
			fmt.Fprintf(&b, "%s TXT \"v=spf1 ip4:198.51.100.1 -all\"\n", name)
			return
		}
		var terms []string
		for i := range fanout {
			terms = append(terms, fmt.Sprintf("include:n%d.%s.bomb.test", i, name))
		}
		fmt.Fprintf(&b, "%s TXT %s\n", name, txtStrings(terms))
		for i := range fanout {
			level(fmt.Sprintf("n%d.%s", i, name), d+1)
		}
	}
	level("root", 0)
	return b.String()
}

// txtStrings returns the zone-file text of an SPF record with the given
// terms and "-all", one character-string per term so that none exceeds 255
// bytes (the resolver joins them).
func txtStrings(terms []string) string {
	var b strings.Builder
	b.WriteString(`"v=spf1"`)
	for _, t := range terms {
		fmt.Fprintf(&b, ` " %s"`, t)
	}
	b.WriteString(` " -all"`)
	return b.String()
}

func TestLimitIncludeBomb(t *testing.T) {
	// 10 includes per record, 3 levels: 1,111 records.
	f := domainauth.MustFakeResolver(bombZone(10, 3))
	c := spf.Checker{Resolver: f}
	out := c.CheckHost(context.Background(), bombClient, "root.bomb.test", "user@root.bomb.test")
	if out.Result != spf.PermError || !errors.Is(out.Err, spf.ErrLookupLimit) {
		t.Fatalf("CheckHost = %v, %v; want permerror with ErrLookupLimit", out.Result, out.Err)
	}
	if out.Lookups > spf.DefaultMaxLookups+1 {
		t.Errorf("Outcome.Lookups = %d; the evaluation must stop at the 11th DNS-querying term", out.Lookups)
	}
	t.Logf("%d DNS queries, %d terms counted", f.LookupCount(), out.Lookups)
	if n := f.LookupCount(); n > includeOnlyBudget {
		t.Errorf("%d DNS queries; RFC 7208 section 4.6.4 allows at most %d for include terms:\n%v", n, includeOnlyBudget, f.Lookups())
	}
	for _, l := range f.Lookups() {
		if l.Type != dns.TypeTXT {
			t.Errorf("query %v: an include-only bomb needs TXT queries only", l)
		}
	}
}

// TestLimitWildcardBomb uses a wildcard record whose includes name ever
// longer subdomains through the %{d} macro: an infinite tree with no name
// repeated, which only the lookup limit can stop.
func TestLimitWildcardBomb(t *testing.T) {
	f := domainauth.MustFakeResolver(`
*.wild.test.  300 TXT "v=spf1 include:a.%{d} include:b.%{d} include:c.%{d} -all"
wild.test.    300 TXT "v=spf1 include:x.wild.test -all"
`)
	c := spf.Checker{Resolver: f}
	out := c.CheckHost(context.Background(), bombClient, "wild.test", "user@wild.test")
	if out.Result != spf.PermError || !errors.Is(out.Err, spf.ErrLookupLimit) {
		t.Fatalf("CheckHost = %v, %v; want permerror with ErrLookupLimit", out.Result, out.Err)
	}
	if n := f.LookupCount(); n > includeOnlyBudget {
		t.Errorf("%d DNS queries; at most %d allowed:\n%v", n, includeOnlyBudget, f.Lookups())
	}
}

// TestLimitLoops: records that include or redirect to themselves, or to
// each other, are stopped by the lookup limit (RFC 7208 section 4.6.4 is
// how the RFC bounds loops) and end in permerror.
func TestLimitLoops(t *testing.T) {
	tests := []struct {
		name, zone string
	}{
		{"include self", `loop.test. 300 TXT "v=spf1 include:loop.test -all"`},
		{"redirect self", `loop.test. 300 TXT "v=spf1 redirect=loop.test"`},
		{"include pair", `
loop.test.   300 TXT "v=spf1 include:other.test -all"
other.test.  300 TXT "v=spf1 include:loop.test -all"`},
		{"redirect pair", `
loop.test.   300 TXT "v=spf1 redirect=other.test"
other.test.  300 TXT "v=spf1 redirect=loop.test"`},
		{"include then redirect back", `
loop.test.   300 TXT "v=spf1 include:other.test -all"
other.test.  300 TXT "v=spf1 redirect=loop.test"`},
		{"case and trailing dot", `
loop.test.   300 TXT "v=spf1 include:LOOP.test. -all"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := domainauth.MustFakeResolver(tt.zone)
			c := spf.Checker{Resolver: f}
			out := c.CheckHost(context.Background(), bombClient, "loop.test", "user@loop.test")
			if out.Result != spf.PermError || !errors.Is(out.Err, spf.ErrLookupLimit) {
				t.Fatalf("CheckHost = %v, %v; want permerror with ErrLookupLimit", out.Result, out.Err)
			}
			if n := f.LookupCount(); n > includeOnlyBudget {
				t.Errorf("%d DNS queries; at most %d allowed", n, includeOnlyBudget)
			}
		})
	}
}

// TestLimitAddressBomb: a and mx terms cost address lookups on top of their
// own query. With every mx target holding MaxNames (10) hosts, the bound is
// 1 TXT for the domain, then per counted term at most 1 query (a: A for an
// IPv4 client; include: TXT) or 1 + 10 (mx: the MX query, then one A query
// per host), for 10 terms; plus one spare.
func TestLimitAddressBomb(t *testing.T) {
	var z strings.Builder
	z.WriteString("$ORIGIN addr.test.\n$TTL 300\n")
	var terms []string
	for i := range 30 {
		terms = append(terms, fmt.Sprintf("mx:m%d.addr.test", i))
		for h := range spf.DefaultMaxNames {
			fmt.Fprintf(&z, "m%d MX %d h%d-%d\nh%d-%d A 198.51.100.%d\n", i, h, i, h, i, h, h+1)
		}
	}
	fmt.Fprintf(&z, "@ TXT %s\n", txtStrings(terms))
	f := domainauth.MustFakeResolver(z.String())
	c := spf.Checker{Resolver: f}
	out := c.CheckHost(context.Background(), bombClient, "addr.test", "user@addr.test")
	if out.Result != spf.PermError || !errors.Is(out.Err, spf.ErrLookupLimit) {
		t.Fatalf("CheckHost = %v, %v; want permerror with ErrLookupLimit", out.Result, out.Err)
	}
	const budget = 1 + spf.DefaultMaxLookups*(1+spf.DefaultMaxNames) + 1
	t.Logf("%d DNS queries (budget %d)", f.LookupCount(), budget)
	if n := f.LookupCount(); n > budget {
		t.Errorf("%d DNS queries; at most %d allowed", n, budget)
	}
	var mx int
	for _, l := range f.Lookups() {
		if l.Type == dns.TypeMX {
			mx++
		}
	}
	if mx > spf.DefaultMaxLookups {
		t.Errorf("%d MX queries; the lookup limit allows %d mx terms", mx, spf.DefaultMaxLookups)
	}
}

// TestLimitMXNames: an mx target with more than 10 MX names gives permerror
// (RFC 7208 section 4.6.4) without looking up the addresses of all of them.
func TestLimitMXNames(t *testing.T) {
	var z strings.Builder
	z.WriteString("$ORIGIN mx.test.\n$TTL 300\n@ TXT \"v=spf1 mx -all\"\n")
	for h := range 1000 {
		fmt.Fprintf(&z, "@ MX %d h%d\nh%d A 198.51.100.1\n", h, h, h)
	}
	f := domainauth.MustFakeResolver(z.String())
	c := spf.Checker{Resolver: f}
	out := c.CheckHost(context.Background(), bombClient, "mx.test", "user@mx.test")
	if out.Result != spf.PermError || !errors.Is(out.Err, spf.ErrMXLimit) {
		t.Fatalf("CheckHost = %v, %v; want permerror with ErrMXLimit", out.Result, out.Err)
	}
	// TXT, MX, and at most MaxNames address lookups.
	if n, max := f.LookupCount(), 2+spf.DefaultMaxNames; n > max {
		t.Errorf("%d DNS queries for an mx term over the name limit; at most %d allowed", n, max)
	}
}

// TestLimitAnalyzeBomb: Analyze walks the whole tree by design, but a tree
// of 1,111 records must not make it fetch them all. It reports the lookup
// limit and stays within its own walk limits: at most 100 records, each
// costing one TXT lookup plus the two raw queries of the Querier the fake
// offers (TXT strings, SPF type 99).
func TestLimitAnalyzeBomb(t *testing.T) {
	f := domainauth.MustFakeResolver(bombZone(10, 3))
	a, err := spf.Analyze(context.Background(), f, "root.bomb.test")
	if err != nil {
		t.Fatal(err)
	}
	if !a.Has("spf-lookup-limit") {
		t.Errorf("no lookup-limit finding; findings: %v", a.Findings)
	}
	if a.Lookups <= spf.DefaultMaxLookups {
		t.Errorf("Analysis.Lookups = %d; the bomb has far more than %d", a.Lookups, spf.DefaultMaxLookups)
	}
	const maxRecords = 100
	t.Logf("Analyze: %d DNS queries, %d lookups in the tree", f.LookupCount(), a.Lookups)
	if n := f.LookupCount(); n > 3*maxRecords {
		t.Errorf("Analyze made %d DNS queries; a bound of %d records (3 queries each) was expected", n, maxRecords)
	}
	// The tree Analyze returns is bounded too.
	nodes := 0
	var walk func(n *spf.Node)
	walk = func(n *spf.Node) {
		if n == nil {
			return
		}
		if n.Text != "" {
			nodes++
		}
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(a.Root)
	if nodes > maxRecords {
		t.Errorf("the analysis holds %d fetched records; want at most %d", nodes, maxRecords)
	}
}

// TestLimitAnalyzeLoops: loops are reported, not followed forever.
func TestLimitAnalyzeLoops(t *testing.T) {
	f := domainauth.MustFakeResolver(`
loop.test.   300 TXT "v=spf1 include:other.test redirect=loop.test"
other.test.  300 TXT "v=spf1 include:loop.test -all"`)
	a, err := spf.Analyze(context.Background(), f, "loop.test")
	if err != nil {
		t.Fatal(err)
	}
	if !a.Has("spf-include-loop") {
		t.Errorf("no include-loop finding; findings: %v", a.Findings)
	}
	if n := f.LookupCount(); n > 3*4 {
		t.Errorf("Analyze made %d DNS queries on a two-record loop", n)
	}
}

// TestLimitHangingResolver: a resolver that never answers is bounded by the
// context. CheckHost gives temperror with the context's error inside;
// Analyze returns the context's error.
func TestLimitHangingResolver(t *testing.T) {
	f := domainauth.MustFakeResolver(`
hang.test.      300 TXT "v=spf1 include:slow.test -all"
slow.test.      300 TXT "v=spf1 -all"`)
	f.Fail("slow.test", 0, domainauth.FailHang)

	t.Run("CheckHost", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		c := spf.Checker{Resolver: f}
		out := c.CheckHost(ctx, bombClient, "hang.test", "user@hang.test")
		if out.Result != spf.TempError {
			t.Fatalf("CheckHost = %v, %v; want temperror", out.Result, out.Err)
		}
		if !errors.Is(out.Err, context.DeadlineExceeded) {
			t.Errorf("Err = %v; want it to match context.DeadlineExceeded", out.Err)
		}
	})
	t.Run("CheckHost root", func(t *testing.T) {
		f.Fail("hang.test", 0, domainauth.FailHang)
		defer f.Fail("hang.test", 0, 0)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		c := spf.Checker{Resolver: f}
		out := c.CheckHost(ctx, bombClient, "hang.test", "user@hang.test")
		if out.Result != spf.TempError || !errors.Is(out.Err, context.DeadlineExceeded) {
			t.Fatalf("CheckHost = %v, %v; want temperror matching context.DeadlineExceeded", out.Result, out.Err)
		}
	})
	t.Run("Analyze", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		_, err := spf.Analyze(ctx, f, "hang.test")
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Analyze error = %v; want context.DeadlineExceeded", err)
		}
	})
}

// TestLimitAnalyzeManyTerms: one record with hundreds of a, mx and exists
// terms (which an evaluation stops after 10) must not make Analyze look up
// every one of their targets. Analyze checks at most 100 targets in a tree;
// with one record that is 3 queries for the record (TXT and the two raw
// queries) and at most 2 per target (A and AAAA for a).
func TestLimitAnalyzeManyTerms(t *testing.T) {
	var terms []string
	for i := range 600 {
		terms = append(terms, fmt.Sprintf("a:h%d.many.test", i), fmt.Sprintf("mx:h%d.many.test", i), fmt.Sprintf("exists:h%d.many.test", i))
	}
	f := domainauth.MustFakeResolver("many.test. 300 TXT " + txtStrings(terms))
	a, err := spf.Analyze(context.Background(), f, "many.test")
	if err != nil {
		t.Fatal(err)
	}
	if !a.Has("spf-lookup-limit") || !a.Has("spf-void-lookup-limit") {
		t.Errorf("want lookup-limit and void-lookup-limit findings; got %v", a.Findings)
	}
	t.Logf("Analyze: %d DNS queries, %d lookups, %d void", f.LookupCount(), a.Lookups, a.VoidLookups)
	if n, max := f.LookupCount(), 3+2*100; n > max {
		t.Errorf("Analyze made %d DNS queries for one record; want at most %d", n, max)
	}
}
