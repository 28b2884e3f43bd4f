package domainauth_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth"
	"github.com/google/go-cmp/cmp"
	"github.com/miekg/dns"
)

// long250 is a 250-character string; two of them make a TXT record that
// must be split into several character-strings on the wire.
var long250 = strings.Repeat("a", 250)

func situationZone() string {
	var b strings.Builder
	b.WriteString(`
$ORIGIN example.com.
$TTL 300
@            TXT   "v=spf1 include:_spf.provider.net ~all"
multi        TXT   "v=spf1 " "ip4:192.0.2.1 " "-all"
long         TXT   "` + long250 + `" "` + long250 + `"
two          TXT   "first"
quoted       TXT   "say \"hi\" \\ \065" "\059"
two          TXT   "second"
www          A     192.0.2.10
www          AAAA  2001:db8::10
cio1         MX    20 mxb.provider.net.
cio1         MX    10 mxa.provider.net.
alias        CNAME step.example.com.
step         CNAME final.example.net.
loop1        CNAME loop2.example.com.
loop2        CNAME loop1.example.com.
dangling     CNAME nowhere.example.org.
sel._domainkey.cio1 TXT "v=DKIM1; p=AAAA"
*.wild       TXT   "wildcard"
exists.wild  A     192.0.2.20
slow         TXT   "never seen"
broken       TXT   "never seen"
`)
	b.WriteString("$ORIGIN example.net.\nfinal TXT \"at the end of the chain\"\nfinal A 192.0.2.30\n")
	// Enough data that the answer does not fit in 4096 bytes of UDP.
	for i := range 30 {
		fmt.Fprintf(&b, "big.example.com. TXT \"%03d %s\"\n", i, long250[:240])
	}
	b.WriteString("10.2.0.192.in-addr.arpa. PTR www.example.com.\n")
	b.WriteString("0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa. PTR www.example.com.\n")
	return b.String()
}

// errKind classifies an error by the Resolver contract.
func errKind(err error) string {
	switch {
	case err == nil:
		return ""
	case domainauth.IsNotFound(err):
		return "notfound"
	case domainauth.IsTimeout(err):
		return "timeout"
	default:
		return "temporary"
	}
}

type situation struct {
	name string
	call func(ctx context.Context, r domainauth.Resolver) (any, error)
	want any
	err  string // "", "notfound", "temporary", "timeout"
}

func txt(name string) func(context.Context, domainauth.Resolver) (any, error) {
	return func(ctx context.Context, r domainauth.Resolver) (any, error) { return r.LookupTXT(ctx, name) }
}

var situations = []situation{
	{name: "TXT present", call: txt("example.com"), want: []string{"v=spf1 include:_spf.provider.net ~all"}},
	{name: "TXT trailing dot and case", call: txt("EXAMPLE.com."), want: []string{"v=spf1 include:_spf.provider.net ~all"}},
	{name: "TXT strings of one record joined", call: txt("multi.example.com"), want: []string{"v=spf1 ip4:192.0.2.1 -all"}},
	{name: "TXT over 255 bytes split in strings", call: txt("long.example.com"), want: []string{long250 + long250}},
	{name: "TXT escapes give the bytes on the wire", call: txt("quoted.example.com"), want: []string{`say "hi" \ A;`}},
	{name: "two TXT records", call: txt("two.example.com"), want: []string{"first", "second"}},
	{name: "NXDOMAIN", call: txt("nope.example.com"), err: "notfound"},
	{name: "NODATA", call: txt("www.example.com"), err: "notfound"},
	{name: "empty non-terminal is NODATA", call: txt("_domainkey.cio1.example.com"), err: "notfound"},
	{name: "SERVFAIL", call: txt("broken.example.com"), err: "temporary"},
	{name: "timeout", call: txt("slow.example.com"), err: "timeout"},
	{name: "CNAME chain followed for TXT", call: txt("alias.example.com"), want: []string{"at the end of the chain"}},
	{name: "CNAME loop", call: txt("loop1.example.com"), err: "temporary"},
	{name: "wildcard", call: txt("anything.wild.example.com"), want: []string{"wildcard"}},
	{name: "wildcard does not cover an existing name", call: txt("exists.wild.example.com"), err: "notfound"},
	{name: "malformed name", call: txt("bad..example.com"), err: "notfound"},
	{name: "large answer needs TCP", call: func(ctx context.Context, r domainauth.Resolver) (any, error) {
		v, err := r.LookupTXT(ctx, "big.example.com")
		return len(v), err
	}, want: 30},
	{name: "MX sorted, hosts fully qualified", call: func(ctx context.Context, r domainauth.Resolver) (any, error) {
		mx, err := r.LookupMX(ctx, "cio1.example.com")
		var out []string
		for _, m := range mx {
			out = append(out, fmt.Sprintf("%d %s", m.Pref, m.Host))
		}
		return out, err
	}, want: []string{"10 mxa.provider.net.", "20 mxb.provider.net."}},
	{name: "MX NODATA", call: func(ctx context.Context, r domainauth.Resolver) (any, error) {
		_, err := r.LookupMX(ctx, "example.com")
		return nil, err
	}, err: "notfound"},
	{name: "IPv4 and IPv6", call: func(ctx context.Context, r domainauth.Resolver) (any, error) {
		return r.LookupNetIP(ctx, "ip", "www.example.com")
	}, want: []netip.Addr{netip.MustParseAddr("192.0.2.10"), netip.MustParseAddr("2001:db8::10")}},
	{name: "IPv6 only", call: func(ctx context.Context, r domainauth.Resolver) (any, error) {
		return r.LookupNetIP(ctx, "ip6", "www.example.com")
	}, want: []netip.Addr{netip.MustParseAddr("2001:db8::10")}},
	{name: "address through CNAME", call: func(ctx context.Context, r domainauth.Resolver) (any, error) {
		return r.LookupNetIP(ctx, "ip4", "alias.example.com")
	}, want: []netip.Addr{netip.MustParseAddr("192.0.2.30")}},
	{name: "no address", call: func(ctx context.Context, r domainauth.Resolver) (any, error) {
		return r.LookupNetIP(ctx, "ip", "two.example.com")
	}, err: "notfound"},
	{name: "PTR IPv4", call: func(ctx context.Context, r domainauth.Resolver) (any, error) {
		return r.LookupAddr(ctx, "192.0.2.10")
	}, want: []string{"www.example.com."}},
	{name: "PTR IPv6", call: func(ctx context.Context, r domainauth.Resolver) (any, error) {
		return r.LookupAddr(ctx, "2001:db8::10")
	}, want: []string{"www.example.com."}},
	{name: "CNAME chain end", call: func(ctx context.Context, r domainauth.Resolver) (any, error) {
		return r.LookupCNAME(ctx, "alias.example.com")
	}, want: "final.example.net."},
	{name: "dangling CNAME still reported", call: func(ctx context.Context, r domainauth.Resolver) (any, error) {
		return r.LookupCNAME(ctx, "dangling.example.com")
	}, want: "nowhere.example.org."},
	{name: "addresses without CNAME give the name (proxied)", call: func(ctx context.Context, r domainauth.Resolver) (any, error) {
		return r.LookupCNAME(ctx, "www.example.com")
	}, want: "www.example.com."},
	{name: "CNAME of a missing name", call: func(ctx context.Context, r domainauth.Resolver) (any, error) {
		return r.LookupCNAME(ctx, "nope.example.com")
	}, err: "notfound"},
	{name: "CNAME of a name without addresses", call: func(ctx context.Context, r domainauth.Resolver) (any, error) {
		return r.LookupCNAME(ctx, "two.example.com")
	}, err: "notfound"},
	{name: "CNAME of a failing name", call: func(ctx context.Context, r domainauth.Resolver) (any, error) {
		return r.LookupCNAME(ctx, "broken.example.com")
	}, err: "temporary"},
}

func newSituationFake(t *testing.T) *domainauth.FakeResolver {
	t.Helper()
	f, err := domainauth.NewFakeResolver(situationZone())
	if err != nil {
		t.Fatal(err)
	}
	f.Fail("slow.example.com", dns.TypeTXT, domainauth.FailTimeout)
	f.Fail("broken.example.com", 0, domainauth.FailServFail)
	return f
}

// TestSituations runs the same DNS situations through the fake resolver and
// through the real client against the same data served on loopback, and
// requires identical results.
func TestSituations(t *testing.T) {
	fake := newSituationFake(t)
	srv, err := fake.Serve()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	// The real client waits its Timeout for the server that never
	// answers, so that situation gets a short one; the others a long one,
	// so that a loaded machine cannot turn a slow answer into a timeout.
	quick, patient := srv.Resolver(), srv.Resolver()
	quick.Timeout, patient.Timeout = 300*time.Millisecond, 5*time.Second
	for _, s := range situations {
		real := patient
		if s.err == "timeout" {
			real = quick
		}
		impls := []struct {
			name string
			r    domainauth.Resolver
		}{{"fake", fake}, {"real", real}}
		for _, impl := range impls {
			t.Run(impl.name+"/"+s.name, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
				defer cancel()
				got, err := s.call(ctx, impl.r)
				if k := errKind(err); k != s.err {
					t.Fatalf("error %v (kind %q), want kind %q", err, k, s.err)
				}
				if s.err != "" {
					var de *net.DNSError
					if !errors.As(err, &de) {
						t.Fatalf("error %T is not a *net.DNSError", err)
					}
					return
				}
				if diff := cmp.Diff(s.want, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
					t.Errorf("result (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestQueryRawAnswers checks what only the raw query shows: NXDOMAIN versus
// NODATA, the split of TXT strings, the CNAME in the answer, and rcodes as
// data.
func TestQueryRawAnswers(t *testing.T) {
	fake := newSituationFake(t)
	srv, err := fake.Serve()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	real := srv.Resolver()
	for _, q := range []struct {
		name string
		r    domainauth.Querier
	}{{"fake", fake}, {"real", real}} {
		t.Run(q.name, func(t *testing.T) {
			ctx := context.Background()
			m, err := q.r.Query(ctx, "nope.example.com", dns.TypeTXT)
			if err != nil || m.Rcode != dns.RcodeNameError {
				t.Errorf("NXDOMAIN: rcode %v err %v", m, err)
			}
			m, err = q.r.Query(ctx, "www.example.com", dns.TypeTXT)
			if err != nil || m.Rcode != dns.RcodeSuccess || len(m.Answer) != 0 {
				t.Errorf("NODATA: %v err %v", m, err)
			}
			m, err = q.r.Query(ctx, "long.example.com", dns.TypeTXT)
			if err != nil || len(m.Answer) != 1 || len(m.Answer[0].(*dns.TXT).Txt) != 2 {
				t.Errorf("split TXT: %v err %v", m, err)
			}
			m, err = q.r.Query(ctx, "alias.example.com", dns.TypeTXT)
			if err != nil || len(m.Answer) != 3 || m.Answer[0].Header().Rrtype != dns.TypeCNAME {
				t.Errorf("CNAME chain: %v err %v", m, err)
			}
			m, err = q.r.Query(ctx, "broken.example.com", dns.TypeTXT)
			if err != nil || m.Rcode != dns.RcodeServerFailure {
				t.Errorf("SERVFAIL is data: %v err %v", m, err)
			}
		})
	}
}

func TestHangIsBoundedByContext(t *testing.T) {
	fake := domainauth.MustFakeResolver("example.com. TXT \"x\"")
	fake.Fail("example.com", 0, domainauth.FailHang)
	srv, err := fake.Serve()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	real := srv.Resolver()
	real.Timeout = 10 * time.Second // the context, not the per-query timeout, must end it
	for _, r := range []domainauth.Resolver{fake, real} {
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		_, err := r.LookupTXT(ctx, "example.com")
		cancel()
		if !domainauth.IsTemporary(err) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%T: got %v, want a temporary error wrapping context.DeadlineExceeded", r, err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := fake.LookupTXT(ctx, "example.com"); !errors.Is(err, context.Canceled) || domainauth.IsNotFound(err) {
		t.Errorf("cancelled context: %v", err)
	}
}

func TestFakeLogAndFailureReset(t *testing.T) {
	fake := domainauth.MustFakeResolver("$ORIGIN example.com.\n@ TXT \"x\"\n@ A 192.0.2.1\n")
	ctx := context.Background()
	fake.Fail("example.com", dns.TypeTXT, domainauth.FailServFail)
	if _, err := fake.LookupTXT(ctx, "example.com"); !domainauth.IsTemporary(err) {
		t.Fatalf("injected SERVFAIL: %v", err)
	}
	fake.Fail("example.com", dns.TypeTXT, 0)
	if _, err := fake.LookupTXT(ctx, "example.com"); err != nil {
		t.Fatalf("after removing the failure: %v", err)
	}
	if _, err := fake.LookupNetIP(ctx, "ip", "Example.COM."); err != nil {
		t.Fatal(err)
	}
	want := []domainauth.Lookup{
		{Name: "example.com", Type: dns.TypeTXT},
		{Name: "example.com", Type: dns.TypeTXT},
		{Name: "example.com", Type: dns.TypeA},
		{Name: "example.com", Type: dns.TypeAAAA},
	}
	if diff := cmp.Diff(want, fake.Lookups()); diff != "" {
		t.Errorf("lookup log (-want +got):\n%s", diff)
	}
	if fake.LookupCount() != 4 {
		t.Errorf("LookupCount = %d", fake.LookupCount())
	}
	fake.ResetLookups()
	if fake.LookupCount() != 0 {
		t.Errorf("after reset: %d", fake.LookupCount())
	}
}

func TestFakeZoneErrors(t *testing.T) {
	for _, zone := range []string{
		"example.com. TXT \"unterminated",
		"example.com. MX notanumber host.",
		"$INCLUDE /etc/passwd",
	} {
		if _, err := domainauth.NewFakeResolver(zone); err == nil {
			t.Errorf("zone %q: no error", zone)
		}
	}
}

func TestFakeConcurrentUse(t *testing.T) {
	fake := domainauth.MustFakeResolver("example.com. TXT \"x\"")
	done := make(chan struct{})
	for range 8 {
		go func() {
			defer func() { done <- struct{}{} }()
			for range 200 {
				fake.LookupTXT(context.Background(), "example.com")
				fake.AddZone("other.example.com. TXT \"y\"")
				fake.Lookups()
			}
		}()
	}
	for range 8 {
		<-done
	}
	if got := fake.LookupCount(); got != 1600 {
		t.Errorf("LookupCount = %d, want 1600", got)
	}
}

func TestNetResolverSatisfiesContract(t *testing.T) {
	var _ domainauth.Resolver = net.DefaultResolver
	if domainauth.IsNotFound(&net.DNSError{IsTimeout: true}) || !domainauth.IsTemporary(&net.DNSError{IsTimeout: true}) {
		t.Error("a timeout must be temporary, not not-found")
	}
	if !domainauth.IsNotFound(fmt.Errorf("wrapped: %w", &net.DNSError{IsNotFound: true})) {
		t.Error("IsNotFound must see through wrapping")
	}
}

// TestStubResolverFailover: a server that does not listen and one that
// answers SERVFAIL are passed over for one that answers.
func TestStubResolverFailover(t *testing.T) {
	bad := domainauth.MustFakeResolver(`example.com. TXT "from the bad server"`)
	bad.Fail("example.com", 0, domainauth.FailServFail)
	good := domainauth.MustFakeResolver(`example.com. TXT "from the good server"`)
	badSrv, err := bad.Serve()
	if err != nil {
		t.Fatal(err)
	}
	defer badSrv.Close()
	goodSrv, err := good.Serve()
	if err != nil {
		t.Fatal(err)
	}
	defer goodSrv.Close()
	// A port with nothing behind it: take one and release it.
	l, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := l.LocalAddr().String()
	l.Close()

	r := &domainauth.StubResolver{Servers: []string{dead, badSrv.Addr(), goodSrv.Addr()}, Timeout: time.Second}
	txt, err := r.LookupTXT(context.Background(), "example.com")
	if err != nil || len(txt) != 1 || txt[0] != "from the good server" {
		t.Fatalf("got %q, %v", txt, err)
	}
	if badSrv.Queries() != 1 {
		t.Errorf("the SERVFAIL server saw %d queries, want 1", badSrv.Queries())
	}

	// When every server fails, SERVFAIL is what is reported: temporary.
	r = &domainauth.StubResolver{Servers: []string{badSrv.Addr()}, Timeout: time.Second, Attempts: 2}
	if _, err := r.LookupTXT(context.Background(), "example.com"); !domainauth.IsTemporary(err) {
		t.Errorf("all servers failing: %v, want a temporary error", err)
	}
	if badSrv.Queries() != 3 {
		t.Errorf("Attempts=2 should ask the server twice more, it saw %d queries in all", badSrv.Queries())
	}
}

func TestFakeRemove(t *testing.T) {
	fake := domainauth.MustFakeResolver(`
$ORIGIN example.com.
a.b   TXT "x"
a.b   A   192.0.2.1
`)
	ctx := context.Background()
	fake.Remove("a.b.example.com", dns.TypeTXT)
	if _, err := fake.LookupTXT(ctx, "a.b.example.com"); !domainauth.IsNotFound(err) {
		t.Errorf("removed TXT: %v, want not found", err)
	}
	if _, err := fake.LookupNetIP(ctx, "ip4", "a.b.example.com"); err != nil {
		t.Errorf("the A record must stay: %v", err)
	}
	// Removing the last type a name holds removes the name: NXDOMAIN.
	fake.Remove("a.b.example.com", dns.TypeA)
	if m, err := fake.Query(ctx, "a.b.example.com", dns.TypeA); err != nil || m.Rcode != dns.RcodeNameError {
		t.Errorf("after removing its last type: %v %v, want NXDOMAIN", m, err)
	}
	fake.Remove("a.b.example.com", 0)
	// With nothing left below it, b.example.com no longer exists: NXDOMAIN.
	m, err := fake.Query(ctx, "b.example.com", dns.TypeTXT)
	if err != nil || m.Rcode != dns.RcodeNameError {
		t.Errorf("after removing every record: %v %v, want NXDOMAIN", m, err)
	}
}

// TestFakeCNAMELoopRaw: the raw query for a CNAME loop is SERVFAIL with an
// empty answer, as a recursive server gives up on it.
func TestFakeCNAMELoopRaw(t *testing.T) {
	fake := newSituationFake(t)
	m, err := fake.Query(context.Background(), "loop1.example.com", dns.TypeTXT)
	if err != nil || m.Rcode != dns.RcodeServerFailure || len(m.Answer) != 0 {
		t.Errorf("got %v, %v; want SERVFAIL with no answer", m, err)
	}
}

func TestMustFakeResolverPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("MustFakeResolver accepted a zone that does not parse")
		}
	}()
	domainauth.MustFakeResolver(`example.com. TXT "unterminated`)
}

// TestServerClose: a closed server answers no more.
func TestServerClose(t *testing.T) {
	srv, err := domainauth.MustFakeResolver(`example.com. TXT "x"`).Serve()
	if err != nil {
		t.Fatal(err)
	}
	r := srv.Resolver()
	if _, err := r.LookupTXT(context.Background(), "example.com"); err != nil {
		t.Fatalf("before Close: %v", err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	r.Timeout = 100 * time.Millisecond
	if txt, err := r.LookupTXT(context.Background(), "example.com"); err == nil || domainauth.IsNotFound(err) {
		t.Errorf("after Close: %q, %v; want a temporary error", txt, err)
	}
}

// TestServerRefusesOtherOpcodes: the loopback server answers a query that
// is not a standard QUERY with FORMERR, as the real client never sends one.
func TestServerRefusesOtherOpcodes(t *testing.T) {
	srv, err := domainauth.MustFakeResolver(`example.com. TXT "x"`).Serve()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	q := new(dns.Msg)
	q.SetNotify("example.com.")
	c := &dns.Client{Timeout: 5 * time.Second}
	m, _, err := c.Exchange(q, srv.Addr())
	if err != nil || m.Rcode != dns.RcodeFormatError {
		t.Errorf("NOTIFY: %v, %v; want FORMERR", m, err)
	}
}

// TestFakeDefaultTTL: a record without a TTL gets one hour, like $TTL 3600.
func TestFakeDefaultTTL(t *testing.T) {
	fake := domainauth.MustFakeResolver(`example.com. TXT "x"`)
	m, err := fake.Query(context.Background(), "example.com", dns.TypeTXT)
	if err != nil || len(m.Answer) != 1 || m.Answer[0].Header().Ttl != 3600 {
		t.Errorf("got %v, %v; want one record with TTL 3600", m, err)
	}
}
