package domainauth_test

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/domainauth/domainauth"
)

// Resource limits of the real client: a server that never answers costs at
// most Attempts rounds over the server list, and the context bounds every
// lookup whatever Timeout and Attempts say.

// blackHole is a UDP "server" on 127.0.0.1 that reads queries and never
// answers; count reports how many it received.
func blackHole(t *testing.T) (addr string, count func() int64) {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 65535)
		for {
			if _, _, err := pc.ReadFrom(buf); err != nil {
				return
			}
			n.Add(1)
		}
	}()
	t.Cleanup(func() {
		pc.Close()
		<-done
	})
	return pc.LocalAddr().String(), n.Load
}

// lookup is one call of a Resolver or Querier method, with the number of
// question types it asks (LookupNetIP "ip": A and AAAA).
type lookup struct {
	name  string
	types int
	run   func(context.Context, *domainauth.StubResolver) error
}

var allLookups = []lookup{
	{"LookupTXT", 1, func(ctx context.Context, r *domainauth.StubResolver) error {
		_, err := r.LookupTXT(ctx, "example.com")
		return err
	}},
	{"LookupMX", 1, func(ctx context.Context, r *domainauth.StubResolver) error {
		_, err := r.LookupMX(ctx, "example.com")
		return err
	}},
	{"LookupNetIP", 2, func(ctx context.Context, r *domainauth.StubResolver) error {
		_, err := r.LookupNetIP(ctx, "ip", "example.com")
		return err
	}},
	{"LookupAddr", 1, func(ctx context.Context, r *domainauth.StubResolver) error {
		_, err := r.LookupAddr(ctx, "192.0.2.1")
		return err
	}},
	{"LookupCNAME", 1, func(ctx context.Context, r *domainauth.StubResolver) error {
		_, err := r.LookupCNAME(ctx, "www.example.com")
		return err
	}},
	{"Query", 1, func(ctx context.Context, r *domainauth.StubResolver) error {
		_, err := r.Query(ctx, "example.com", dns.TypeTXT)
		return err
	}},
}

// TestLimitBlackHoleServers: with servers that never answer and no context
// deadline, each lookup ends with a temporary timeout error after asking
// each server at most Attempts times per question type.
func TestLimitBlackHoleServers(t *testing.T) {
	const servers, attempts = 3, 2
	var addrs []string
	var counts []func() int64
	for range servers {
		a, c := blackHole(t)
		addrs, counts = append(addrs, a), append(counts, c)
	}
	total := func() (n int64) {
		for _, c := range counts {
			n += c()
		}
		return n
	}
	r := &domainauth.StubResolver{Servers: addrs, Timeout: 20 * time.Millisecond, Attempts: attempts}
	prev, want := int64(0), int64(0)
	for _, l := range allLookups {
		err := l.run(context.Background(), r)
		if !domainauth.IsTemporary(err) || !domainauth.IsTimeout(err) || domainauth.IsNotFound(err) {
			t.Errorf("%s: error %v; want a temporary timeout", l.name, err)
		}
		max := int64(l.types * servers * attempts)
		want += max
		// A packet of this lookup still in flight may be counted with
		// the next one; the total below bounds them all exactly.
		now := total()
		if now-prev > max+servers {
			t.Errorf("%s: %d queries sent; at most %d allowed (%d types x %d servers x %d attempts)", l.name, now-prev, max, l.types, servers, attempts)
		}
		prev = now
	}
	if n := total(); n > want {
		t.Errorf("%d queries in all; at most %d allowed", n, want)
	}
}

// TestLimitContextBoundsRealClient: a long per-query Timeout and many
// Attempts do not outlast the context: every method returns a temporary
// error matching context.DeadlineExceeded.
func TestLimitContextBoundsRealClient(t *testing.T) {
	addr, _ := blackHole(t)
	r := &domainauth.StubResolver{Servers: []string{addr}, Timeout: time.Minute, Attempts: 100}
	for _, l := range allLookups {
		t.Run(l.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
			defer cancel()
			if err := l.run(ctx, r); !domainauth.IsTemporary(err) || !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("error %v; want a temporary error matching context.DeadlineExceeded", err)
			}
		})
	}
}

// TestLimitTruncatedThenTCPHang: a server that truncates every UDP answer
// and then accepts TCP connections without ever answering is bounded by
// the context too (the TCP retry shares the query's deadline).
func TestLimitTruncatedThenTCPHang(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	pc, err := net.ListenPacket("udp", ln.Addr().String())
	if err != nil {
		ln.Close()
		t.Skipf("cannot bind UDP on the TCP port: %v", err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Add(2)
	go func() { // UDP: answer every query with TC set and nothing else
		defer wg.Done()
		buf := make([]byte, 65535)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			q := new(dns.Msg)
			if q.Unpack(buf[:n]) != nil {
				continue
			}
			m := new(dns.Msg)
			m.SetReply(q)
			m.Truncated = true
			if b, err := m.Pack(); err == nil {
				pc.WriteTo(b, from)
			}
		}
	}()
	go func() { // TCP: accept and say nothing
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		pc.Close()
		ln.Close()
		wg.Wait()
		for _, c := range conns {
			c.Close()
		}
	})

	r := &domainauth.StubResolver{Servers: []string{ln.Addr().String()}, Timeout: time.Minute, Attempts: 10}
	// Long enough for the truncated UDP answer to arrive on a loaded
	// machine; the TCP server never answers, so the lookup lasts this long.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err = r.LookupTXT(ctx, "example.com")
	if !domainauth.IsTemporary(err) || !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v; want a temporary error matching context.DeadlineExceeded", err)
	}
	mu.Lock()
	n := len(conns)
	mu.Unlock()
	if n == 0 {
		t.Errorf("no TCP connection: the truncated answer was not retried over TCP")
	}
}

// TestLimitFakeCNAMELoop: a CNAME loop in the fake answers SERVFAIL, as a
// recursive server would, instead of following it forever; served over
// the loopback, the real client stops as well.
func TestLimitFakeCNAMELoop(t *testing.T) {
	fake := domainauth.MustFakeResolver(`
a.loop.test. 300 CNAME b.loop.test.
b.loop.test. 300 CNAME a.loop.test.
`)
	srv, err := fake.Serve()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for _, r := range []domainauth.Resolver{fake, srv.Resolver()} {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err := r.LookupTXT(ctx, "a.loop.test")
		cancel()
		if !domainauth.IsTemporary(err) || errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%T: error %v; want a temporary failure (SERVFAIL), not the context's deadline", r, err)
		}
	}
}
