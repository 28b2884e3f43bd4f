package verify_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"flag"
	"fmt"
	"math"
	"net"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/records"
	"github.com/domainauth/domainauth/spf"
	"github.com/domainauth/domainauth/verify"
)

// The latency benchmark runs VerifyAll when the network, not the CPU, is
// the limit: every answer of the loopback server below comes back after a
// fixed delay, as from a recursive resolver that has nothing cached. The
// defaults are small, so that `go test -bench .` stays quick; the issue's
// numbers are
//
//	go test ./verify -run '^$' -bench VerifyAllLatency -benchtime 1x \
//	    -verify.latency.domains 10000 -verify.latency.delay 20ms
var (
	latencyDomains     = flag.Int("verify.latency.domains", 200, "domains per VerifyAll run in BenchmarkVerifyAllLatency")
	latencyDelay       = flag.Duration("verify.latency.delay", 20*time.Millisecond, "delay of every answer of the latency server")
	latencyConcurrency = flag.Int("verify.latency.concurrency", 16, "Verifier.Concurrency in BenchmarkVerifyAllLatency")
	latencyRUA         = flag.Int("verify.latency.rua", 1, "external DMARC report destinations (rua) of each generated account, 1 to 8")
)

// latencyAccountKey is the DKIM key of every generated account: Ed25519,
// so that every answer fits a UDP datagram and the queries counted are
// the questions verify asks, not TCP retries.
var latencyAccountKey = func() string {
	pub := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)).Public().(ed25519.PublicKey)
	return "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)
}()

// latencySets generates the record sets of n accounts of the Mailgun-style
// provider, each on its own organization: the sending domain
// news.acct<i>.com in the zone acct<i>.com, a tracking host, and a DMARC
// record sending aggregate reports to rua destinations outside the
// account's organization (reports.example.net, reports2.example.net, ...),
// so that verify looks up their authorization. The sending domain
// is a subdomain, as it often is, so that the RFC 9989 tree walk has two
// names of its own to ask (_dmarc.news.acct<i>.com, _dmarc.acct<i>.com)
// besides the shared _dmarc.com.
func latencySets(tb testing.TB, n, rua int) []records.Set {
	sets := make([]records.Set, n)
	reports := []string{"mailto:dmarc@reports.example.net"}
	for j := 2; j <= rua; j++ {
		reports = append(reports, fmt.Sprintf("mailto:dmarc@reports%d.example.net", j))
	}
	for i := range sets {
		s, err := records.Generate(records.MailgunStyle(), records.Account{
			Domain:       fmt.Sprintf("news.acct%d.com", i),
			Zone:         fmt.Sprintf("acct%d.com", i),
			ID:           strconv.Itoa(i),
			Region:       "us",
			From:         fmt.Sprintf("hello@news.acct%d.com", i),
			DKIMKey:      latencyAccountKey,
			DMARCReports: reports,
			TrackingHost: "email",
			AddedAt:      now.Add(-time.Hour),
		})
		if err != nil {
			tb.Fatal(err)
		}
		sets[i] = *s
	}
	return sets
}

// latencyShared is what the provider publishes: the SPF include, which
// makes no lookups of its own.
const latencyShared = `mailgun.org. TXT "v=spf1 ip4:198.51.100.0/24 ip4:203.0.113.0/24 ~all"
`

// latencyServer is an authoritative loopback server (UDP and TCP on one
// port of 127.0.0.1) whose every answer is sent after delay. Each query is
// handled on its own goroutine (miekg/dns serves UDP that way), so the
// delay is latency, not a queue. It answers exact names only (no
// wildcards, no CNAME chasing: the zone needs neither); NXDOMAIN and
// NODATA are told apart.
type latencyServer struct {
	delay   time.Duration
	rrs     map[dns.Question][]dns.RR
	names   map[string]bool // owners and their ancestors
	addr    string
	running []*dns.Server
	queries atomic.Int64

	mu     sync.Mutex
	counts map[dns.Question]int // nil: not counted
}

func newLatencyServer(tb testing.TB, delay time.Duration, count bool, zone string) *latencyServer {
	s := &latencyServer{delay: delay, rrs: map[dns.Question][]dns.RR{}, names: map[string]bool{}}
	if count {
		s.counts = map[dns.Question]int{}
	}
	zp := dns.NewZoneParser(strings.NewReader(zone), ".", "zone")
	zp.SetDefaultTTL(3600)
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		h := rr.Header()
		h.Name = strings.ToLower(h.Name)
		k := dns.Question{Name: h.Name, Qtype: h.Rrtype, Qclass: dns.ClassINET}
		s.rrs[k] = append(s.rrs[k], rr)
		for name := h.Name; ; {
			s.names[name] = true
			i, end := dns.NextLabel(name, 0)
			if end {
				break
			}
			name = name[i:]
		}
	}
	if err := zp.Err(); err != nil {
		tb.Fatal(err)
	}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", pc.LocalAddr().String())
	if err != nil {
		pc.Close()
		tb.Fatal(err)
	}
	s.addr = pc.LocalAddr().String()
	for _, srv := range []*dns.Server{{PacketConn: pc, Handler: s}, {Listener: ln, Handler: s}} {
		started := make(chan struct{})
		srv.NotifyStartedFunc = func() { close(started) }
		go srv.ActivateAndServe()
		<-started
		s.running = append(s.running, srv)
	}
	tb.Cleanup(func() {
		for _, srv := range s.running {
			srv.Shutdown()
		}
	})
	return s
}

func (s *latencyServer) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	s.queries.Add(1)
	time.Sleep(s.delay)
	m := new(dns.Msg)
	m.SetReply(req)
	m.Authoritative, m.RecursionAvailable = true, true
	if len(req.Question) != 1 {
		m.Rcode = dns.RcodeFormatError
		w.WriteMsg(m)
		return
	}
	q := req.Question[0]
	k := dns.Question{Name: strings.ToLower(q.Name), Qtype: q.Qtype, Qclass: dns.ClassINET}
	if s.counts != nil {
		s.mu.Lock()
		s.counts[k]++
		s.mu.Unlock()
	}
	rrs := s.rrs[k]
	if !s.names[k.Name] {
		m.Rcode = dns.RcodeNameError
	}
	for _, rr := range rrs {
		rr = dns.Copy(rr) // packing writes the header: keep the zone's own
		rr.Header().Name = q.Name
		m.Answer = append(m.Answer, rr)
	}
	size := dns.MinMsgSize
	if opt := req.IsEdns0(); opt != nil {
		size = int(opt.UDPSize())
		m.SetEdns0(opt.UDPSize(), false)
	}
	if _, tcp := w.RemoteAddr().(*net.TCPAddr); tcp {
		size = dns.MaxMsgSize
	}
	m.Truncate(size)
	w.WriteMsg(m)
}

// resolver is the real client, with a timeout that leaves the delay ample
// room.
func (s *latencyServer) resolver() *domainauth.StubResolver {
	return &domainauth.StubResolver{Servers: []string{s.addr}, Timeout: max(time.Second, 10*s.delay), Attempts: 2}
}

// latencyZone is the zone text of sets (as records.Set.ZoneFile prints it,
// the form customers publish), the shared names, and the report
// destination's authorization of each Set's policy domain.
func latencyZone(sets []records.Set) string {
	var b strings.Builder
	b.WriteString(latencyShared)
	for i := range sets {
		b.WriteString(sets[i].ZoneFile())
		fmt.Fprintf(&b, "%s._report._dmarc.reports.example.net. TXT \"v=DMARC1\"\n", sets[i].Domain)
		for j := 2; j <= 8; j++ {
			fmt.Fprintf(&b, "%s._report._dmarc.reports%d.example.net. TXT \"v=DMARC1\"\n", sets[i].Domain, j)
		}
	}
	return b.String()
}

// minimum is what one VerifyAll run of a list of Sets, all of whose
// records are published correctly, cannot do with less: the distinct
// questions (name and type) it must ask, and the longest chain of
// lookups of one Set each of which needs the answer of the one before.
type minimum struct {
	questions map[dns.Question]bool
	chain     int
}

// minimumFor derives the minimum from the Sets alone, record by record,
// as verify must look (with a resolver that has the raw query, as the
// StubResolver has):
//
//   - MX, CNAME, and TXT of DKIM or no known purpose: the one question at
//     the record's name. Chain 1.
//   - SPF: TXT at the name, then TXT at every include of the expected
//     record (the provider's records here make no lookups of their own).
//     An include is the same name for every Set, asked once per run, so in
//     the steady state the chain is 1; the first Set's is 2.
//   - DMARC (RFC 9989, verify's default): the tree walk asks TXT at _dmarc.
//     of the From domain and of each of its parents (the walk stops early
//     only at a record with psd=y or psd=n, which the generated records do
//     not have). Every name of the walk is known from the From domain, so
//     the walk needs no answer before it asks: one step of the chain.
//     Then, for each rua destination outside the policy domain's
//     organization, TXT at <policy domain>._report._dmarc.<destination>,
//     which only the record found can name: a second step. The
//     destinations are independent of each other: still one step.
//
// The chain of a Set is the longest of its records', since verify checks
// the records of a Set at once (up to Verifier.Concurrency of them).
func minimumFor(sets []records.Set) minimum {
	m := minimum{questions: map[dns.Question]bool{}}
	ask := func(name string, t uint16) {
		m.questions[dns.Question{Name: dns.Fqdn(strings.ToLower(name)), Qtype: t, Qclass: dns.ClassINET}] = true
	}
	for _, set := range sets {
		from := set.Domain
		if _, d, ok := strings.Cut(set.FromAddress, "@"); ok {
			from = d
		}
		for _, r := range set.Records {
			chain := 1
			switch {
			case r.Type == records.TypeMX:
				ask(r.FQDN, dns.TypeMX)
			case r.Type == records.TypeCNAME:
				ask(r.FQDN, dns.TypeCNAME)
			case r.Purpose == records.PurposeSPF:
				ask(r.FQDN, dns.TypeTXT)
				rec, err := spf.Parse(r.Values[0])
				if err != nil {
					panic(err)
				}
				for _, t := range rec.Terms {
					if t.Kind == spf.KindInclude {
						ask(t.Domain, dns.TypeTXT)
					}
				}
			case r.Purpose == records.PurposeDMARC:
				for _, name := range treeWalkNames(from) {
					ask("_dmarc."+name, dns.TypeTXT)
				}
				rec, err := dmarc.Parse(r.Values[0])
				if err != nil {
					panic(err)
				}
				policy := strings.TrimPrefix(r.FQDN, "_dmarc.")
				for _, u := range rec.RUA {
					dest, err := dmarc.ReportDomain(u)
					if err == nil && domainauthOrg(dest) != domainauthOrg(policy) {
						ask(policy+"._report._dmarc."+dest, dns.TypeTXT)
						chain = 2
					}
				}
			default:
				ask(r.FQDN, dns.TypeTXT)
			}
			m.chain = max(m.chain, chain)
		}
	}
	return m
}

// treeWalkNames are the names of the RFC 9989 tree walk from domain: the
// domain, then (if it has more than 8 labels) its last 7, then one label
// fewer each time down to the top-level domain.
func treeWalkNames(domain string) []string {
	domain = strings.TrimSuffix(strings.ToLower(domain), ".")
	labels := strings.Split(domain, ".")
	names := []string{domain}
	for n := min(len(labels)-1, dmarc.MaxTreeWalk-1); n >= 1; n-- {
		names = append(names, strings.Join(labels[len(labels)-n:], "."))
	}
	return names
}

// domainauthOrg is the organizational domain of the generated names: the
// last two labels (every name here is under .com, .net or .org).
func domainauthOrg(name string) string {
	labels := strings.Split(strings.TrimSuffix(name, "."), ".")
	if len(labels) <= 2 {
		return name
	}
	return strings.Join(labels[len(labels)-2:], ".")
}

// TestVerifyAllMinimumQueries holds VerifyAll to the minimum: every
// question the record sets need asked exactly once in the run (no
// duplicates for the same name and type, none beyond the minimum derived
// from the Sets), through the real client and a real server.
func TestVerifyAllMinimumQueries(t *testing.T) {
	const n = 24
	sets := latencySets(t, n, 2)
	want := minimumFor(sets)
	if len(want.questions) != 8*n+2 || want.chain != 2 {
		// 8 names per Set (MX, SPF and DKIM at the return path, the
		// tracking CNAME, _dmarc of the From domain and its parent, the
		// authorizations of two report destinations), mailgun.org and
		// _dmarc.com once.
		t.Fatalf("minimum: %d questions, chain %d; want %d, 2", len(want.questions), want.chain, 8*n+2)
	}
	srv := newLatencyServer(t, time.Millisecond, true, latencyZone(sets))
	v := &verify.Verifier{Resolver: srv.resolver(), Clock: func() time.Time { return now }, Concurrency: 8}
	stats, err := v.VerifyAll(t.Context(), sets, func(i int, rep *verify.Report, err error) {
		if err != nil {
			t.Errorf("set %d: %v", i, err)
			return
		}
		if rep.Status != verify.Verified {
			t.Errorf("set %d: %v: %s", i, rep.Status, rep.Reason)
		}
		for _, rr := range rep.Records {
			if rr.Status != verify.Found || len(rr.Findings) > 0 && rr.Purpose != records.PurposeDMARC {
				t.Errorf("set %d: %s %v %v", i, rr.FQDN, rr.Status, codes(rr.Findings))
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Domains != n {
		t.Errorf("%d domains reported, want %d", stats.Domains, n)
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	for q, c := range srv.counts {
		switch {
		case !want.questions[q]:
			t.Errorf("asked %s %s (%d times), which the record sets do not need", q.Name, dns.TypeToString[q.Qtype], c)
		case c > 1:
			t.Errorf("asked %s %s %d times, want once", q.Name, dns.TypeToString[q.Qtype], c)
		}
	}
	for q := range want.questions {
		if srv.counts[q] == 0 {
			t.Errorf("never asked %s %s", q.Name, dns.TypeToString[q.Qtype])
		}
	}
	if got := srv.queries.Load(); got != int64(len(want.questions)) {
		t.Errorf("%d queries, want %d", got, len(want.questions))
	}
}

// heapSampler records, every 10 ms while it runs, the largest heap seen:
// in objects, live or not yet swept (what the process holds), and live
// as of the last GC (what the run keeps).
type heapSampler struct {
	stop       chan struct{}
	done       chan struct{}
	peak, live uint64
}

func heapNow() (objects, live uint64) {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64(), s[1].Value.Uint64()
}

func startHeapSampler() *heapSampler {
	h := &heapSampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(h.done)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			h.sample()
			select {
			case <-h.stop:
				return
			case <-t.C:
			}
		}
	}()
	return h
}

func (h *heapSampler) sample() {
	o, l := heapNow()
	h.peak, h.live = max(h.peak, o), max(h.live, l)
}

func (h *heapSampler) Stop() (peak, live uint64) {
	close(h.stop)
	<-h.done
	h.sample()
	return h.peak, h.live
}

// BenchmarkVerifyAllLatency verifies -verify.latency.domains generated
// Sets against the delaying server through the real client, with
// Verifier.Concurrency -verify.latency.concurrency, and reports
//
//   - wall/bound: the time of a run over the least time the concurrency
//     and the chain of dependent lookups allow. A Set cannot finish in
//     less than chain × delay (minimumFor derives the chain: 2 here, the
//     DMARC tree walk and then the report authorization), and VerifyAll
//     works on at most Concurrency Sets at once, so N Sets take at least
//     ceil(N / Concurrency) × chain × delay. The bound ignores the CPU
//     time, which is what the ratio shows once the network is not the
//     limit any more.
//   - queries/domain and min-queries/domain: what the server received,
//     and the distinct questions minimumFor derives, per Set.
//   - live-heap-MB: the most heap found live by a GC during the run, less
//     the live heap before it (the zone data of the server and the Sets):
//     what the run keeps, the cache above all. peak-heap-MB is the
//     largest heap in objects, garbage not yet collected included, less
//     the same base: with GOGC=100 it follows the base and the
//     allocation rate more than what the run keeps. With ReportAllocs,
//     what the run allocates.
//   - undetermined/domain: Sets whose lookups timed out, which a loaded
//     machine can cause (the loopback server's goroutines not run in
//     time); any other verdict than Verified fails the benchmark.
func BenchmarkVerifyAllLatency(b *testing.B) {
	n, delay, conc := *latencyDomains, *latencyDelay, *latencyConcurrency
	sets := latencySets(b, n, *latencyRUA)
	want := minimumFor(sets)
	srv := newLatencyServer(b, delay, false, latencyZone(sets))
	v := &verify.Verifier{Resolver: srv.resolver(), Clock: func() time.Time { return now }, Concurrency: conc}
	bound := time.Duration(math.Ceil(float64(n)/float64(conc))) * time.Duration(want.chain) * delay
	b.ReportAllocs()
	var wall time.Duration
	var peak, live uint64
	runs, undetermined := 0, 0
	q0 := srv.queries.Load()
	for b.Loop() {
		runtime.GC()
		base, baseLive := heapNow()
		h := startHeapSampler()
		verified, und, logged := 0, 0, 0
		start := time.Now()
		if _, err := v.VerifyAll(b.Context(), sets, func(i int, r *verify.Report, err error) {
			switch {
			case err == nil && r.Status == verify.Verified:
				verified++
				return
			case err == nil && r.Status == verify.Undetermined:
				und++
			}
			if logged < 5 {
				logged++
				if err != nil {
					b.Logf("set %d: %v", i, err)
				} else {
					b.Logf("set %d: %v: %s", i, r.Status, r.Reason)
				}
			}
		}); err != nil {
			b.Fatal(err)
		}
		wall += time.Since(start)
		p, l := h.Stop()
		peak, live = max(peak, p-min(p, base)), max(live, l-min(l, baseLive))
		if verified+und != n {
			b.Fatalf("%d of %d verified, %d undetermined", verified, n, und)
		}
		undetermined += und
		runs++
	}
	b.ReportMetric(wall.Seconds()/float64(runs), "wall-s")
	b.ReportMetric(bound.Seconds(), "bound-s")
	b.ReportMetric(float64(wall)/float64(runs)/float64(bound), "wall/bound")
	b.ReportMetric(float64(srv.queries.Load()-q0)/float64(runs*n), "queries/domain")
	b.ReportMetric(float64(len(want.questions))/float64(n), "min-queries/domain")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(live)/(1<<20), "live-heap-MB")
	b.ReportMetric(float64(undetermined)/float64(runs*n), "undetermined/domain")
}
