package dkim_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/dkim"
)

const edName = "ed._domainkey.example.com"

// ttlFixture returns a FakeResolver holding the Ed25519 test key at
// edName with the given TTL, a message signed with it, the key record's
// text, and a clock the caller moves.
func ttlFixture(t *testing.T, ttl uint32) (*domainauth.FakeResolver, string, string, *time.Time) {
	t.Helper()
	f, msgs := cacheFixture(t)
	_, ek := testKeys(t)
	rec, _ := dkim.NewKey(ek.Public())
	rr := txtRR(edName, rec.String())
	rr.Hdr.Ttl = ttl
	f.AddRR(rr)
	msgs["ed"] = signWith(t, dkim.SignOptions{Domain: "example.com", Selector: "ed", Key: ek})
	now := time.Unix(1700000000, 0)
	return f, msgs["ed"], rec.String(), &now
}

// lookupsAt verifies msg at each offset from start and checks the lookups
// made in all after each.
type ttlStep struct {
	after   time.Duration
	lookups int
}

func checkSteps(t *testing.T, f *domainauth.FakeResolver, v *dkim.Verifier, msg string, now *time.Time, want dkim.Status, steps []ttlStep) {
	t.Helper()
	start := *now
	for _, s := range steps {
		*now = start.Add(s.after)
		r := verifyOne(t, v, msg)
		if r.Status != want {
			t.Fatalf("at +%v: %v, %v; want %v", s.after, r.Status, r.Err, want)
		}
		if got := f.LookupCount(); got != s.lookups {
			t.Errorf("at +%v: %d lookups in all; want %d", s.after, got, s.lookups)
		}
	}
}

// expirySteps are the steps of a key kept for d: looked up again at d
// and 2d, not a nanosecond before.
func expirySteps(d time.Duration) []ttlStep {
	return []ttlStep{
		{0, 1}, {d - time.Nanosecond, 1}, {d, 2}, {2*d - time.Nanosecond, 2}, {2 * d, 3},
	}
}

// TestKeyCacheDNSTTL: with a resolver that has Query, a key is kept for
// the TTL of its record, raised to MinTTL and cut to MaxTTL (default one
// hour); KeyCache.TTL does not apply; a TTL of 0 is not kept.
func TestKeyCacheDNSTTL(t *testing.T) {
	for _, tt := range []struct {
		name string
		ttl  uint32
		c    *dkim.KeyCache
		kept time.Duration // 0: not kept
	}{
		{"record TTL", 120, &dkim.KeyCache{TTL: time.Second}, 120 * time.Second},
		{"longer than KeyCache.TTL", 300, &dkim.KeyCache{TTL: 10 * time.Second}, 300 * time.Second},
		{"cut to DefaultKeyCacheMaxTTL", 86400, &dkim.KeyCache{}, dkim.DefaultKeyCacheMaxTTL},
		{"cut to MaxTTL", 3600, &dkim.KeyCache{MaxTTL: 5 * time.Minute}, 5 * time.Minute},
		{"raised to MinTTL", 5, &dkim.KeyCache{MinTTL: 30 * time.Second}, 30 * time.Second},
		{"MinTTL above MaxTTL", 5, &dkim.KeyCache{MinTTL: time.Hour, MaxTTL: time.Minute}, time.Minute},
		{"TTL 0 not kept", 0, &dkim.KeyCache{}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, msg, _, now := ttlFixture(t, tt.ttl)
			c := tt.c
			c.Now = func() time.Time { return *now }
			v := dkim.Verifier{Resolver: f, KeyCache: c}
			if tt.kept == 0 {
				checkSteps(t, f, &v, msg, now, dkim.Pass, []ttlStep{{0, 1}, {0, 2}, {time.Second, 3}})
				if n := c.Len(); n != 0 {
					t.Errorf("Len() = %d; want 0", n)
				}
				return
			}
			checkSteps(t, f, &v, msg, now, dkim.Pass, expirySteps(tt.kept))
		})
	}
}

// TestKeyCacheCNAMETTL: a key reached through a CNAME is kept for the
// smallest TTL of the chain.
func TestKeyCacheCNAMETTL(t *testing.T) {
	f, msg, txt, now := ttlFixture(t, 600)
	f.Remove(edName+".", 0)
	f.AddRR(&dns.CNAME{Hdr: dns.RR_Header{Name: edName + ".", Rrtype: dns.TypeCNAME, Class: dns.ClassINET, Ttl: 90}, Target: "keys.example.org."})
	rr := txtRR("keys.example.org", txt)
	rr.Hdr.Ttl = 600
	f.AddRR(rr)
	v := dkim.Verifier{Resolver: f, KeyCache: &dkim.KeyCache{Now: func() time.Time { return *now }}}
	checkSteps(t, f, &v, msg, now, dkim.Pass, expirySteps(90*time.Second))
}

// withSOA adds an SOA record to the authority section of the negative
// answers of a FakeResolver, as a recursive server does (RFC 2308).
type withSOA struct {
	*domainauth.FakeResolver
	ttl, minttl uint32
}

func (w withSOA) Query(ctx context.Context, name string, qtype uint16) (*dns.Msg, error) {
	m, err := w.FakeResolver.Query(ctx, name, qtype)
	if err == nil && (m.Rcode == dns.RcodeNameError || m.Rcode == dns.RcodeSuccess && len(m.Answer) == 0) {
		m.Ns = append(m.Ns, &dns.SOA{Hdr: dns.RR_Header{Name: "example.com.", Rrtype: dns.TypeSOA, Class: dns.ClassINET, Ttl: w.ttl},
			Ns: "ns.example.com.", Mbox: "hostmaster.example.com.", Minttl: w.minttl})
	}
	return m, err
}

// TestKeyCacheNegative: with a resolver that has Query, a missing key
// (NXDOMAIN or NODATA) is remembered for the SOA's negative TTL (the
// smaller of its TTL and MINIMUM) cut to NegativeTTL, or for NegativeTTL
// (default DefaultKeyCacheNegativeTTL) without an SOA; the Result is the
// same PermError as when looked up.
func TestKeyCacheNegative(t *testing.T) {
	for _, tt := range []struct {
		name   string
		soa    *withSOA
		nodata bool
		c      *dkim.KeyCache
		kept   time.Duration
	}{
		{"no SOA", nil, false, &dkim.KeyCache{}, dkim.DefaultKeyCacheNegativeTTL},
		{"no SOA, NODATA", nil, true, &dkim.KeyCache{}, dkim.DefaultKeyCacheNegativeTTL},
		{"no SOA, NegativeTTL", nil, false, &dkim.KeyCache{NegativeTTL: 5 * time.Second}, 5 * time.Second},
		{"SOA MINIMUM", &withSOA{ttl: 3600, minttl: 10}, false, &dkim.KeyCache{}, 10 * time.Second},
		{"SOA TTL", &withSOA{ttl: 20, minttl: 3600}, true, &dkim.KeyCache{}, 20 * time.Second},
		{"SOA cut to NegativeTTL", &withSOA{ttl: 3600, minttl: 3600}, false, &dkim.KeyCache{}, dkim.DefaultKeyCacheNegativeTTL},
		{"SOA raised to MinTTL", &withSOA{ttl: 1, minttl: 1}, false, &dkim.KeyCache{MinTTL: 15 * time.Second}, 15 * time.Second},
		{"MinTTL above NegativeTTL", &withSOA{ttl: 1, minttl: 1}, false, &dkim.KeyCache{MinTTL: time.Minute, NegativeTTL: 20 * time.Second}, 20 * time.Second},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, msg, txt, now := ttlFixture(t, 300)
			f.Remove(edName+".", 0)
			if tt.nodata {
				f.AddRR(&dns.A{Hdr: dns.RR_Header{Name: edName + ".", Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 300}, A: []byte{192, 0, 2, 1}})
			}
			c := tt.c
			c.Now = func() time.Time { return *now }
			var r dkim.TXTResolver = f
			if tt.soa != nil {
				s := *tt.soa
				s.FakeResolver = f
				r = s
			}
			v := dkim.Verifier{Resolver: r, KeyCache: c}
			first := verifyOne(t, &v, msg)
			if first.Status != dkim.PermError || !errors.Is(first.Err, dkim.ErrNoKey) || !domainauth.IsNotFound(first.Err) {
				t.Fatalf("%v, %v; want PermError, ErrNoKey, not found", first.Status, first.Err)
			}
			// Published now, but the cache remembers it missing until kept runs out.
			rr := txtRR(edName, txt)
			f.AddRR(rr)
			*now = now.Add(tt.kept - time.Nanosecond)
			again := verifyOne(t, &v, msg)
			if again.Status != dkim.PermError || again.Err.Error() != first.Err.Error() || f.LookupCount() != 1 {
				t.Errorf("before expiry: %v, %v, %d lookups; want the first answer, 1 lookup", again.Status, again.Err, f.LookupCount())
			}
			*now = now.Add(time.Nanosecond)
			if r := verifyOne(t, &v, msg); r.Status != dkim.Pass || f.LookupCount() != 2 {
				t.Errorf("at expiry: %v, %v, %d lookups; want pass, 2 lookups", r.Status, r.Err, f.LookupCount())
			}
		})
	}
}

// TestKeyCacheQueryAnswers: through Query the KeyCache reads the records
// as LookupTXT does (escaped bytes, several character-strings joined) and
// maps the response codes alike: SERVFAIL and a timeout are TempError and
// not kept.
func TestKeyCacheQueryAnswers(t *testing.T) {
	f, msg, txt, now := ttlFixture(t, 300)
	f.Remove(edName+".", 0)
	// "\;" in miekg/dns's presentation is a plain ';' on the wire; split
	// into two character-strings.
	esc := strings.Replace(strings.ReplaceAll(txt, ";", `\;`), `\;`, `\059`, 1)
	cut := strings.Index(esc, "k=")
	f.AddRR(&dns.TXT{Hdr: dns.RR_Header{Name: edName + ".", Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 300}, Txt: []string{esc[:cut], esc[cut:]}})
	got, err := f.LookupTXT(context.Background(), edName)
	if err != nil || len(got) != 1 || got[0] != txt {
		t.Fatalf("LookupTXT = %q, %v; want %q", got, err, txt)
	}
	c := &dkim.KeyCache{Now: func() time.Time { return *now }}
	v := dkim.Verifier{Resolver: f, KeyCache: c}
	if r := verifyOne(t, &v, msg); r.Status != dkim.Pass {
		t.Fatalf("escaped record: %v, %v", r.Status, r.Err)
	}
	for _, fail := range []domainauth.Failure{domainauth.FailServFail, domainauth.FailRefused, domainauth.FailTimeout} {
		*now = now.Add(time.Hour)
		f.Fail(edName+".", 0, fail)
		n := f.LookupCount()
		for range 2 {
			if r := verifyOne(t, &v, msg); r.Status != dkim.TempError || !errors.Is(r.Err, dkim.ErrKeyUnavailable) || !domainauth.IsTemporary(r.Err) {
				t.Fatalf("failure %v: %v, %v; want TempError", fail, r.Status, r.Err)
			}
		}
		if got := f.LookupCount() - n; got != 2 {
			t.Errorf("failure %v: %d lookups for 2 messages; want 2 (not kept)", fail, got)
		}
		f.Fail(edName+".", 0, 0)
	}
}

// TestKeyCacheCNAMEChain: a CNAME chain of 16 hops is followed, as
// recursive servers do; a longer one is a temporary failure, not kept.
func TestKeyCacheCNAMEChain(t *testing.T) {
	f, msg, _, now := ttlFixture(t, 300)
	v := dkim.Verifier{Resolver: chainQuerier{f, 16}, KeyCache: &dkim.KeyCache{Now: func() time.Time { return *now }}}
	if r := verifyOne(t, &v, msg); r.Status != dkim.Pass {
		t.Fatalf("16 hops: %v, %v; want Pass", r.Status, r.Err)
	}
	v = dkim.Verifier{Resolver: chainQuerier{f, 17}, KeyCache: &dkim.KeyCache{Now: func() time.Time { return *now }}}
	r := verifyOne(t, &v, msg)
	if r.Status != dkim.TempError || !errors.Is(r.Err, dkim.ErrKeyUnavailable) || v.KeyCache.Len() != 0 {
		t.Fatalf("17 hops: %v, %v, Len %d; want TempError, not kept", r.Status, r.Err, v.KeyCache.Len())
	}
}

// TestKeyCacheCNAMELoop: a CNAME loop in the answer (the key's name to
// another and back) is a temporary failure that names the loop, and is
// not kept.
func TestKeyCacheCNAMELoop(t *testing.T) {
	f, msg, _, now := ttlFixture(t, 300)
	v := dkim.Verifier{Resolver: loopQuerier{f}, KeyCache: &dkim.KeyCache{Now: func() time.Time { return *now }}}
	r := verifyOne(t, &v, msg)
	if r.Status != dkim.TempError || !errors.Is(r.Err, dkim.ErrKeyUnavailable) || !strings.Contains(r.Err.Error(), "loops") || v.KeyCache.Len() != 0 {
		t.Fatalf("loop: %v, %v, Len %d; want TempError naming the loop, not kept", r.Status, r.Err, v.KeyCache.Len())
	}
}

// loopQuerier answers every TXT query with the key's records behind a
// CNAME loop: the name to loop.example.org and back.
type loopQuerier struct{ *domainauth.FakeResolver }

func (l loopQuerier) Query(ctx context.Context, name string, qtype uint16) (*dns.Msg, error) {
	m, err := l.FakeResolver.Query(ctx, name, qtype)
	if err != nil {
		return m, err
	}
	m.Answer = append(m.Answer,
		&dns.CNAME{Hdr: dns.RR_Header{Name: dns.Fqdn(name), Rrtype: dns.TypeCNAME, Class: dns.ClassINET, Ttl: 300}, Target: "loop.example.org."},
		&dns.CNAME{Hdr: dns.RR_Header{Name: "loop.example.org.", Rrtype: dns.TypeCNAME, Class: dns.ClassINET, Ttl: 300}, Target: dns.Fqdn(name)})
	return m, nil
}

// chainQuerier answers every TXT query with a CNAME chain of hops
// CNAMEs that ends in the key.
type chainQuerier struct {
	*domainauth.FakeResolver
	hops int
}

func (l chainQuerier) Query(ctx context.Context, name string, qtype uint16) (*dns.Msg, error) {
	m, err := l.FakeResolver.Query(ctx, name, qtype)
	if err != nil {
		return m, err
	}
	var chain []dns.RR
	cur := dns.Fqdn(name)
	for i := range l.hops {
		next := "c" + string(rune('a'+i)) + ".example.org."
		chain = append(chain, &dns.CNAME{Hdr: dns.RR_Header{Name: cur, Rrtype: dns.TypeCNAME, Class: dns.ClassINET, Ttl: 300}, Target: next})
		cur = next
	}
	for _, rr := range m.Answer {
		rr = dns.Copy(rr)
		rr.Header().Name = cur
		chain = append(chain, rr)
	}
	// A record owned by a name off the chain, which must be ignored: a
	// revoked key, which would fail the signature if it were taken.
	stray := &dns.TXT{Hdr: dns.RR_Header{Name: "stray.example.org.", Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 300}, Txt: []string{"v=DKIM1; k=ed25519; p="}}
	m.Answer = append([]dns.RR{stray}, chain...)
	return m, nil
}

// TestKeyCacheOddRecords: a Querier is the caller's, and its answer may
// hold what no message from the wire does: a record whose header says TXT
// but is not a *dns.TXT (an RFC 3597 record, as a hand-built answer may
// carry), or a nil record. Neither is a TXT record to read, and neither
// may panic the verification: the key is not found, as before dnschain.
func TestKeyCacheOddRecords(t *testing.T) {
	for _, tt := range []struct {
		name string
		odd  func(owner string) dns.RR
	}{
		{"RFC 3597 record of type TXT", func(owner string) dns.RR {
			return &dns.RFC3597{Hdr: dns.RR_Header{Name: owner, Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 300}, Rdata: "0161"}
		}},
		{"nil record", func(string) dns.RR { return nil }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, msg, _, now := ttlFixture(t, 300)
			v := dkim.Verifier{Resolver: oddQuerier{f, tt.odd}, KeyCache: &dkim.KeyCache{Now: func() time.Time { return *now }}}
			r := verifyNoPanic(t, &v, msg)
			if r.Status != dkim.PermError || !errors.Is(r.Err, dkim.ErrNoKey) {
				t.Errorf("%v, %v; want PermError: no key", r.Status, r.Err)
			}
		})
	}
}

// TestKeyCacheNilAnswer: a Querier that returns neither an answer nor an
// error is a temporary failure, not a panic, and nothing is kept.
func TestKeyCacheNilAnswer(t *testing.T) {
	f, msg, _, now := ttlFixture(t, 300)
	v := dkim.Verifier{Resolver: nilQuerier{f}, KeyCache: &dkim.KeyCache{Now: func() time.Time { return *now }}}
	r := verifyNoPanic(t, &v, msg)
	if r.Status != dkim.TempError || !errors.Is(r.Err, dkim.ErrKeyUnavailable) || v.KeyCache.Len() != 0 {
		t.Errorf("%v, %v, Len %d; want TempError, not kept", r.Status, r.Err, v.KeyCache.Len())
	}
}

// verifyNoPanic is verifyOne, failing the test if Verify panics.
func verifyNoPanic(t *testing.T, v *dkim.Verifier, msg string) (r dkim.Result) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("Verify panicked: %v", p)
		}
	}()
	return verifyOne(t, v, msg)
}

// nilQuerier returns a nil message and no error for every query.
type nilQuerier struct{ *domainauth.FakeResolver }

func (nilQuerier) Query(context.Context, string, uint16) (*dns.Msg, error) { return nil, nil }

// oddQuerier answers every query with odd's record at the name asked for
// in place of the zone's answer.
type oddQuerier struct {
	*domainauth.FakeResolver
	odd func(owner string) dns.RR
}

func (o oddQuerier) Query(ctx context.Context, name string, qtype uint16) (*dns.Msg, error) {
	m, err := o.FakeResolver.Query(ctx, name, qtype)
	if err != nil {
		return m, err
	}
	m.Answer = []dns.RR{o.odd(dns.Fqdn(name))}
	return m, nil
}
