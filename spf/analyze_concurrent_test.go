package spf_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/miekg/dns"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/spf"
)

// jitter answers from a FakeResolver after a random pause, so that
// concurrent lookups finish in a different order on every run.
type jitter struct {
	f *domainauth.FakeResolver

	mu          sync.Mutex
	rnd         *rand.Rand
	inFlight    int
	maxInFlight int
}

func newJitter(f *domainauth.FakeResolver, seed uint64) *jitter {
	return &jitter{f: f, rnd: rand.New(rand.NewPCG(seed, seed))}
}

// pause sleeps up to 100µs and counts the lookups in flight meanwhile.
func (j *jitter) pause(ctx context.Context) func() {
	j.mu.Lock()
	d := time.Duration(j.rnd.IntN(100)) * time.Microsecond
	j.inFlight++
	j.maxInFlight = max(j.maxInFlight, j.inFlight)
	j.mu.Unlock()
	t := time.NewTimer(d)
	select {
	case <-t.C:
	case <-ctx.Done():
		t.Stop()
	}
	return func() {
		j.mu.Lock()
		j.inFlight--
		j.mu.Unlock()
	}
}

func (j *jitter) LookupTXT(ctx context.Context, name string) ([]string, error) {
	defer j.pause(ctx)()
	return j.f.LookupTXT(ctx, name)
}

func (j *jitter) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	defer j.pause(ctx)()
	return j.f.LookupMX(ctx, name)
}

func (j *jitter) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	defer j.pause(ctx)()
	return j.f.LookupNetIP(ctx, network, host)
}

func (j *jitter) LookupAddr(ctx context.Context, addr string) ([]string, error) {
	defer j.pause(ctx)()
	return j.f.LookupAddr(ctx, addr)
}

func (j *jitter) Query(ctx context.Context, name string, qtype uint16) (*dns.Msg, error) {
	defer j.pause(ctx)()
	return j.f.Query(ctx, name, qtype)
}

// richZone is a tree of 15 records that has every kind of finding in
// several places: duplicates, a loop, void and failing a/mx/exists
// targets, a TXT failure, macros, ptr, records after all, an MX over the
// name limit, records of the obsolete SPF type, strings over 255 bytes.
func richZone(t *testing.T) *domainauth.FakeResolver {
	t.Helper()
	f := zone(t, `
@        TXT "v=spf1 include:a.example.com include:b.example.com mx a:gone1.example.com include:c.example.com exists:%{i}.x.example.com ptr -all include:late.example.com"
@        SPF "v=spf1 -all"
@        MX  10 mail
mail     A   192.0.2.1
a        TXT "v=spf1 include:shared.example.com a:host.example.com mx:bigmx.example.com ~all"
b        TXT "v=spf1 include:shared.example.com include:loop1.example.com exists:gone2.example.com ?all"
c        TXT "v=spf1 include:nothing.example.com include:broken.example.com a:failing.example.com redirect=r.example.com"
c        SPF "v=spf1 -all"
r        TXT "v=spf1 include:%{d}.example.com a mx -all"
r        A   192.0.2.9
shared   TXT "v=spf1 ip4:192.0.2.0/24 include:deep1.example.com -all"
deep2    TXT "v=spf1 a:gone3.example.com +all"
loop1    TXT "v=spf1 include:loop2.example.com -all"
loop2    TXT "v=spf1 include:b.example.com -all"
late     TXT "v=spf1 -all"
late     TXT "v=spf1 ~all"
nothing  TXT "not spf"
host     A   192.0.2.2
`+many(11, "bigmx MX %d m%d")+`
`)
	// deep1's record is one character-string of 309 bytes.
	long := "v=spf1 include:deep2.example.com " + strings.Repeat("ip4:198.51.100.1 ", 16) + "-all"
	f.AddRR(&dns.TXT{Hdr: dns.RR_Header{Name: "deep1.example.com.", Rrtype: dns.TypeTXT, Class: dns.ClassINET}, Txt: []string{long}})
	f.Fail("broken.example.com", 0, domainauth.FailServFail)
	f.Fail("failing.example.com", 0, domainauth.FailTimeout)
	return f
}

// TestAnalyzeSameAsSequential: looking up the tree concurrently changes
// nothing in the Analysis: the nodes, the counts and every finding in the
// same order as the depth-first walk that looks up one name at a time,
// however the answers interleave.
func TestAnalyzeSameAsSequential(t *testing.T) {
	zones := map[string]func(t *testing.T) *domainauth.FakeResolver{
		"rich": richZone,
		"bomb 3x3": func(t *testing.T) *domainauth.FakeResolver {
			return domainauth.MustFakeResolver(bombZone(3, 3))
		},
		"many terms": func(t *testing.T) *domainauth.FakeResolver {
			var ts []string
			for i := range 30 {
				ts = append(ts, fmt.Sprintf("a:h%d.many.test", i), "mx:many.test", fmt.Sprintf("exists:h%d.many.test", i))
			}
			return domainauth.MustFakeResolver("many.test. 300 TXT " + txtStrings(ts) + "\nh3.many.test. 300 A 192.0.2.3\nmany.test. 300 MX 10 h3.many.test.")
		},
	}
	root := map[string]string{"rich": "example.com", "bomb 3x3": "root.bomb.test", "many terms": "many.test"}
	for name, mk := range zones {
		t.Run(name, func(t *testing.T) {
			f := mk(t)
			want, err := spf.AnalyzeSequential(t.Context(), f, root[name])
			if err != nil {
				t.Fatal(err)
			}
			if len(want.Findings) == 0 {
				t.Fatal("the oracle found nothing: the zone is wrong")
			}
			for _, c := range []int{1, 3, 32} {
				for run := range 4 {
					j := newJitter(f, uint64(run))
					z := spf.Analyzer{Resolver: j, Concurrency: c}
					got, err := z.Analyze(t.Context(), root[name])
					if err != nil {
						t.Fatal(err)
					}
					if d := cmp.Diff(want, got, cmpopts.EquateComparable(netip.Prefix{})); d != "" {
						t.Fatalf("concurrency %d, run %d: the analysis differs from the sequential walk's (-want +got):\n%s", c, run, d)
					}
					if j.maxInFlight > c {
						t.Errorf("concurrency %d: %d lookups in flight at once", c, j.maxInFlight)
					}
				}
			}
		})
	}
}

// TestAnalyzeDeterministicOverLimits: past the walk's limits (here 156
// records and 450 targets, of which it looks up 100 each) which records and
// targets are looked up is decided in breadth-first order, not by which
// answer comes first: every concurrency gives the same analysis.
func TestAnalyzeDeterministicOverLimits(t *testing.T) {
	var ts []string
	for i := range 150 {
		ts = append(ts, fmt.Sprintf("a:h%d.many.test", i), fmt.Sprintf("exists:h%d.many.test", i), "mx:many.test")
	}
	for name, tc := range map[string]struct{ zone, root string }{
		"bomb 5x3": {bombZone(5, 3), "root.bomb.test"},
		"targets":  {"many.test. 300 TXT " + txtStrings(ts) + "\nh7.many.test. 300 A 192.0.2.7\n", "many.test"},
	} {
		t.Run(name, func(t *testing.T) {
			f := domainauth.MustFakeResolver(tc.zone)
			want, err := (&spf.Analyzer{Resolver: f, Concurrency: 1}).Analyze(t.Context(), tc.root)
			if err != nil {
				t.Fatal(err)
			}
			for run := range 4 {
				got, err := (&spf.Analyzer{Resolver: newJitter(f, uint64(run)), Concurrency: 16}).Analyze(t.Context(), tc.root)
				if err != nil {
					t.Fatal(err)
				}
				if d := cmp.Diff(want, got, cmpopts.EquateComparable(netip.Prefix{})); d != "" {
					t.Fatalf("run %d: the analysis depends on the concurrency (-1 +16):\n%s", run, d)
				}
			}
		})
	}
}

// TestAnalyzeRichFindings pins what the rich tree holds, in the order of a
// depth-first walk in record order (the oracle comparison above guards the
// order; this guards the oracle).
func TestAnalyzeRichFindings(t *testing.T) {
	a, err := spf.Analyze(t.Context(), richZone(t), "example.com")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range a.Findings {
		got = append(got, string(f.Code)+" "+f.Subject)
	}
	want := []string{
		"spf-type-99 example.com",
		"spf-string-too-long deep1.example.com", // example.com -> a -> shared -> deep1
		"spf-plus-all deep2.example.com",
		"spf-mx-limit a.example.com",               // bigmx has 11 MX names
		"spf-duplicate-include shared.example.com", // example.com -> b -> shared again
		"spf-duplicate-include deep1.example.com",
		"spf-string-too-long deep1.example.com",
		"spf-duplicate-include deep2.example.com",
		"spf-plus-all deep2.example.com",
		"spf-include-loop b.example.com", // b -> loop1 -> loop2 -> b
		"spf-neutral-all b.example.com",
		"spf-type-99 c.example.com",
		"spf-no-record nothing.example.com", // TXT, but not SPF
		"spf-temperror broken.example.com",  // SERVFAIL
		"spf-temperror c.example.com",       // a:failing times out
		"spf-macro-target r.example.com",    // c's redirect=r, include:%{d}...
		"spf-macro-target example.com",      // exists:%{i}...
		"spf-ptr example.com",
		"spf-terms-after-all example.com", // include:late after -all
		"spf-multiple late.example.com",
		"spf-lookup-limit example.com",
		"spf-void-lookup-limit example.com",
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings\n got %q\nwant %q", got, want)
	}
	// Lookups: 8 at the root, 3 in a, 1+1+1 twice for shared, deep1 and
	// deep2, 3 in b, 1 each in loop1 and loop2, 4 in c, 3 in r. Void:
	// gone3 twice, gone2, gone1, nothing (an include without a record), and
	// r's mx (r has addresses but no MX).
	if a.Lookups != 29 || a.VoidLookups != 6 {
		t.Errorf("lookups %d, void %d; want 29 and 6", a.Lookups, a.VoidLookups)
	}
}

// hangZone is a record of 1 working include, 98 includes and 100 a terms
// at names that never answer: 100 records and 100 targets, the most the
// walk looks up.
func hangZone(t *testing.T) (*domainauth.FakeResolver, []string) {
	t.Helper()
	var ts, hanging []string
	ts = append(ts, "include:ok.test")
	for i := range 98 {
		ts = append(ts, fmt.Sprintf("include:i%d.hang.test", i))
		hanging = append(hanging, fmt.Sprintf("i%d.hang.test", i))
	}
	for i := range 100 {
		ts = append(ts, fmt.Sprintf("a:a%d.hang.test", i))
		hanging = append(hanging, fmt.Sprintf("a%d.hang.test", i))
	}
	f := domainauth.MustFakeResolver("customer.test. 300 TXT " + txtStrings(ts) + "\nok.test. 300 TXT \"v=spf1 ip4:192.0.2.0/24 -all\"\n")
	for _, h := range hanging {
		f.Fail(h, 0, domainauth.FailHang)
	}
	return f, hanging
}

// TestAnalyzeBudget: a record whose 198 targets never answer costs the
// Analyzer's Timeout, not 198 times the resolver's own timeout: Analyze
// returns the analysis, with a not-checked finding (severity error)
// naming each record and target it could not look up.
func TestAnalyzeBudget(t *testing.T) {
	f, hanging := hangZone(t)
	// The caller's deadline is only a safety net: Analyze must return long
	// before it, by its own budget.
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	z := spf.Analyzer{Resolver: f, Timeout: 200 * time.Millisecond}
	a, err := z.Analyze(ctx, "customer.test")
	if err != nil {
		t.Fatalf("Analyze: %v; want the analysis with not-checked findings", err)
	}
	if ctx.Err() != nil {
		t.Fatal("Analyze returned after the caller's deadline")
	}
	named := map[string]bool{}
	for _, fd := range a.Findings {
		if fd.Code != "spf-not-checked" {
			continue
		}
		if fd.Severity != finding.Error || !strings.Contains(fd.Message, "200ms") {
			t.Errorf("finding %v: want severity error and the budget in the message", fd)
		}
		for _, h := range hanging {
			if fd.Subject == h || strings.Contains(fd.Message, " "+h+" ") {
				named[h] = true
			}
		}
	}
	for _, h := range hanging {
		if !named[h] {
			t.Errorf("no not-checked finding names %s", h)
		}
	}
	if a.Root.Record == nil || a.Lookups != 199 || !a.Has("spf-lookup-limit") {
		t.Errorf("root %+v, lookups %d; want the customer's record analysed, 199 lookups, lookup-limit", a.Root, a.Lookups)
	}
}

// TestAnalyzeBudgetRoot: when the record itself does not answer in time,
// the analysis says so rather than reporting an empty tree as clean.
func TestAnalyzeBudgetRoot(t *testing.T) {
	f := domainauth.MustFakeResolver(`hang.test. 300 TXT "v=spf1 -all"`)
	f.Fail("hang.test", 0, domainauth.FailHang)
	z := spf.Analyzer{Resolver: f, Timeout: 50 * time.Millisecond}
	a, err := z.Analyze(t.Context(), "hang.test")
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Findings) != 1 || a.Findings[0].Code != "spf-not-checked" || a.Findings[0].Subject != "hang.test" {
		t.Errorf("findings %v; want one not-checked for hang.test", a.Findings)
	}
}

// TestAnalyzeNoBudget: a negative Timeout leaves only ctx to bound the
// walk, and Analyze then returns ctx's error as before.
func TestAnalyzeNoBudget(t *testing.T) {
	f := domainauth.MustFakeResolver(`hang.test. 300 TXT "v=spf1 -all"`)
	f.Fail("hang.test", 0, domainauth.FailHang)
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	z := spf.Analyzer{Resolver: f, Timeout: -1}
	if _, err := z.Analyze(ctx, "hang.test"); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Analyze: %v; want context.DeadlineExceeded", err)
	}
}

func TestAnalyzerDefaults(t *testing.T) {
	for _, tc := range []struct {
		z       spf.Analyzer
		timeout time.Duration
		conc    int
	}{
		{spf.Analyzer{}, spf.DefaultAnalyzeTimeout, spf.DefaultAnalyzeConcurrency},
		{spf.Analyzer{Timeout: -1, Concurrency: -1}, 0, spf.DefaultAnalyzeConcurrency},
		{spf.Analyzer{Timeout: time.Second, Concurrency: 1}, time.Second, 1},
	} {
		if _, to, c := spf.AnalyzerDefaults(&tc.z); to != tc.timeout || c != tc.conc {
			t.Errorf("%+v: timeout %v concurrency %d; want %v %d", tc.z, to, c, tc.timeout, tc.conc)
		}
	}
	if r, _, _ := spf.AnalyzerDefaults(&spf.Analyzer{}); r != net.DefaultResolver {
		t.Errorf("zero Analyzer: resolver %v; want net.DefaultResolver", r)
	}
	f := domainauth.MustFakeResolver("")
	if r, _, _ := spf.AnalyzerDefaults(&spf.Analyzer{Resolver: f}); r != f {
		t.Errorf("Analyzer with a Resolver: resolver %v; want that one", r)
	}
	if spf.DefaultAnalyzeTimeout < 20*time.Second {
		t.Errorf("DefaultAnalyzeTimeout %v: RFC 7208 section 4.6.4 allows an evaluation at least 20 seconds", spf.DefaultAnalyzeTimeout)
	}
}

// barrier holds each TXT lookup of a name under wide.test until n of them
// are in flight at once: it answers only if they run side by side.
type barrier struct {
	*domainauth.FakeResolver
	n       int
	mu      sync.Mutex
	waiting int
	release chan struct{}
}

func (b *barrier) LookupTXT(ctx context.Context, name string) ([]string, error) {
	if strings.HasSuffix(name, ".wide.test") {
		b.mu.Lock()
		if b.waiting++; b.waiting == b.n {
			close(b.release)
		}
		b.mu.Unlock()
		select {
		case <-b.release:
		case <-ctx.Done():
			return nil, &net.DNSError{Err: ctx.Err().Error(), Name: name, IsTimeout: true, IsTemporary: true}
		}
	}
	return b.FakeResolver.LookupTXT(ctx, name)
}

// TestAnalyzeConcurrent: the records a record includes are looked up side
// by side. With one lookup at a time, the first include would wait for the
// others forever (here: until the budget ends it).
func TestAnalyzeConcurrent(t *testing.T) {
	const n = 4
	var ts []string
	zone := ""
	for i := range n {
		ts = append(ts, fmt.Sprintf("include:w%d.wide.test", i))
		zone += fmt.Sprintf("w%d.wide.test. 300 TXT \"v=spf1 ip4:192.0.2.%d -all\"\n", i, i)
	}
	f := domainauth.MustFakeResolver("wide.test. 300 TXT " + txtStrings(ts) + "\n" + zone)
	b := &barrier{FakeResolver: f, n: n, release: make(chan struct{})}
	z := spf.Analyzer{Resolver: b, Concurrency: n, Timeout: 10 * time.Second}
	a, err := z.Analyze(t.Context(), "wide.test")
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Findings) != 0 || len(a.Root.Children) != n {
		t.Fatalf("findings %v, %d children; want a clean tree of %d includes", a.Findings, len(a.Root.Children), n)
	}
	for _, c := range a.Root.Children {
		if c.Record == nil {
			t.Errorf("include %s not analysed", c.Domain)
		}
	}
}

// plain hides the raw query of a FakeResolver, as verify's view does.
type plain struct{ f *domainauth.FakeResolver }

func (p plain) LookupTXT(ctx context.Context, name string) ([]string, error) {
	return p.f.LookupTXT(ctx, name)
}

func (p plain) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	return p.f.LookupMX(ctx, name)
}

func (p plain) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	return p.f.LookupNetIP(ctx, network, host)
}

func (p plain) LookupAddr(ctx context.Context, addr string) ([]string, error) {
	return p.f.LookupAddr(ctx, addr)
}

// TestAnalyzePlainResolver: without the raw query, the one target of the
// last record of the tree is still looked up.
func TestAnalyzePlainResolver(t *testing.T) {
	for _, tc := range []struct {
		zone  string
		code  finding.Code
		voids int
	}{
		{"@ TXT \"v=spf1 mx -all\"\n" + many(11, "@ MX %d mx%d"), "spf-mx-limit", 0},
		{"@ TXT \"v=spf1 include:a.example.com -all\"\na TXT \"v=spf1 exists:gone.example.com -all\"", "", 1},
	} {
		a, err := spf.Analyze(t.Context(), plain{zone(t, tc.zone)}, "example.com")
		if err != nil {
			t.Fatal(err)
		}
		if (tc.code != "" && !a.Has(tc.code)) || a.VoidLookups != tc.voids {
			t.Errorf("%q: findings %v, %d void; want %q and %d void", tc.zone, a.Findings, a.VoidLookups, tc.code, tc.voids)
		}
	}
}
