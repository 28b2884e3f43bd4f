package domainauth_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/domainauth/domainauth"
)

// TestLookupNetIPFailureRanking: LookupNetIP "ip" asks for A and AAAA.
// When neither gives an address, a temporary failure outranks "not
// found" (that the name has no address is not known), and of two
// temporary failures the first (the A query's) is the one returned.
func TestLookupNetIPFailureRanking(t *testing.T) {
	const zone = "$ORIGIN example.com.\n$TTL 300\nhost TXT \"x\"\n"
	tests := []struct {
		name      string
		a, aaaa   domainauth.Failure
		timeout   bool // the error is a timeout
		temporary bool
		notFound  bool
	}{
		{"A timeout, AAAA SERVFAIL", domainauth.FailTimeout, domainauth.FailServFail, true, true, false},
		{"A SERVFAIL, AAAA timeout", domainauth.FailServFail, domainauth.FailTimeout, false, true, false},
		{"A timeout, AAAA no record", domainauth.FailTimeout, 0, true, true, false},
		{"A no record, AAAA timeout", 0, domainauth.FailTimeout, true, true, false},
		{"A no record, AAAA REFUSED", 0, domainauth.FailRefused, false, true, false},
		{"neither has a record", 0, 0, false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := domainauth.NewFakeResolver(zone)
			if err != nil {
				t.Fatal(err)
			}
			f.Fail("host.example.com", dns.TypeA, tt.a)
			f.Fail("host.example.com", dns.TypeAAAA, tt.aaaa)
			addrs, err := f.LookupNetIP(context.Background(), "ip", "host.example.com")
			if err == nil || len(addrs) > 0 {
				t.Fatalf("got %v, %v; want an error", addrs, err)
			}
			if domainauth.IsTimeout(err) != tt.timeout || domainauth.IsTemporary(err) != tt.temporary || domainauth.IsNotFound(err) != tt.notFound {
				t.Errorf("error %v: timeout %v, temporary %v, not found %v; want %v, %v, %v", err,
					domainauth.IsTimeout(err), domainauth.IsTemporary(err), domainauth.IsNotFound(err), tt.timeout, tt.temporary, tt.notFound)
			}
		})
	}
}

// TestServerResolverSingleAttempt: the client that Server.Resolver
// returns is for loopback, where nothing is lost: a query that gets no
// answer (an injected timeout) is not sent again, so a test that injects
// timeouts waits one timeout per query, and the server sees one query.
func TestServerResolverSingleAttempt(t *testing.T) {
	f, err := domainauth.NewFakeResolver("$ORIGIN example.com.\n$TTL 300\n@ TXT \"v=spf1 -all\"\n")
	if err != nil {
		t.Fatal(err)
	}
	f.Fail("example.com", domainauth.AllTypes, domainauth.FailTimeout)
	srv, err := f.Serve()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	r := srv.Resolver()
	if r.Timeout <= 0 || r.Timeout > time.Second {
		t.Errorf("timeout %v, want a short one (at most a second) for loopback", r.Timeout)
	}
	_, err = r.LookupTXT(context.Background(), "example.com")
	if !domainauth.IsTimeout(err) {
		t.Fatalf("error %v, want a timeout", err)
	}
	if n := srv.Queries(); n != 1 {
		t.Errorf("the server got %d queries for one timed-out lookup, want 1", n)
	}
}

// TestStubResolverAdvertisesUDPSize: the query carries an EDNS0 OPT
// record (RFC 6891) advertising UDPSize, or DefaultUDPSize when UDPSize is
// zero.
func TestStubResolverAdvertisesUDPSize(t *testing.T) {
	for _, tt := range []struct{ set, want uint16 }{
		{0, domainauth.DefaultUDPSize},
		{1232, 1232},
		{512, 512},
		{65535, 65535},
	} {
		var mu sync.Mutex
		var got []uint16
		addr := hostileServer(t, func(q *dns.Msg, raw []byte) [][]byte {
			mu.Lock()
			defer mu.Unlock()
			if opt := q.IsEdns0(); opt != nil {
				got = append(got, opt.UDPSize())
			} else {
				got = append(got, 0)
			}
			return [][]byte{pack(answer(q))}
		}, nil)
		r := &domainauth.StubResolver{Servers: []string{addr}, Timeout: 2 * time.Second, Attempts: 1, UDPSize: tt.set}
		if _, err := r.LookupTXT(context.Background(), "example.com"); err != nil {
			t.Fatalf("UDPSize %d: %v", tt.set, err)
		}
		mu.Lock()
		if len(got) != 1 || got[0] != tt.want {
			t.Errorf("UDPSize %d: the queries advertised %v, want [%d]", tt.set, got, tt.want)
		}
		mu.Unlock()
	}
}
