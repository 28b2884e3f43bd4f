package verify

import (
	"context"
	"net"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"
)

// flaky answers every TXT lookup with a temporary failure, or with "does
// not exist" when notFound is set, and counts the lookups.
type flaky struct {
	calls    atomic.Int32
	notFound bool
}

func (f *flaky) LookupTXT(_ context.Context, name string) ([]string, error) {
	f.calls.Add(1)
	return nil, &net.DNSError{Err: "server misbehaving", Name: name, IsTemporary: !f.notFound, IsNotFound: f.notFound}
}

func (f *flaky) LookupMX(context.Context, string) ([]*net.MX, error) { return nil, nil }
func (f *flaky) LookupNetIP(context.Context, string, string) ([]netip.Addr, error) {
	return nil, nil
}
func (f *flaky) LookupAddr(context.Context, string) ([]string, error) { return nil, nil }
func (f *flaky) LookupCNAME(context.Context, string) (string, error)  { return "", nil }

// TestFailureTTL: a temporary failure is reused by the Set that met it for
// the failure TTL, then asked again; another Set asks again at once. An
// answer ("does not exist" included) is kept for the whole run.
func TestFailureTTL(t *testing.T) {
	clock := time.Unix(1e9, 0)
	ttl := 5 * time.Second
	newTestRun := func(f *flaky) *run {
		rn := newRun(f, time.Second, true, ttl)
		rn.now = func() time.Time { return clock }
		return rn
	}
	ctx := t.Context()

	f := &flaky{}
	rn := newTestRun(f)
	a, b := rn.client(), rn.client()
	ask := func(c *client, wantCalls int32, what string) {
		t.Helper()
		if _, err := c.txt(ctx, "_spf.provider.net"); err == nil {
			t.Fatalf("%s: no error", what)
		}
		if got := f.calls.Load(); got != wantCalls {
			t.Errorf("%s: %d lookups in all; want %d", what, got, wantCalls)
		}
	}
	ask(a, 1, "first lookup")
	clock = clock.Add(ttl - time.Millisecond)
	ask(a, 1, "same Set within the TTL")
	ask(b, 2, "another Set")
	ask(b, 2, "that Set again within its TTL")
	clock = clock.Add(ttl)
	ask(a, 3, "same Set after the TTL")

	f = &flaky{}
	rn = newTestRun(f)
	rn.failTTL = 0 // FailureTTL negative: never reused
	a = rn.client()
	ask(a, 1, "first lookup, no TTL")
	ask(a, 2, "again, no TTL")

	f = &flaky{notFound: true}
	rn = newTestRun(f)
	a, b = rn.client(), rn.client()
	ask(a, 1, "not found")
	clock = clock.Add(time.Hour)
	ask(b, 1, "not found, another Set, an hour later")
	if h := rn.hits.Load(); h != 1 {
		t.Errorf("cache hits %d; want 1", h)
	}
}

func TestVerifierDefaults(t *testing.T) {
	var v Verifier
	if v.timeout() != DefaultTimeout || v.failureTTL() != DefaultFailureTTL {
		t.Errorf("zero Verifier: timeout %v, failure TTL %v; want the defaults", v.timeout(), v.failureTTL())
	}
	v = Verifier{Timeout: -1, FailureTTL: -1}
	if v.timeout() != 0 || v.failureTTL() != 0 {
		t.Errorf("negative: timeout %v, failure TTL %v; want none", v.timeout(), v.failureTTL())
	}
	v = Verifier{Timeout: time.Second, FailureTTL: time.Minute}
	if v.timeout() != time.Second || v.failureTTL() != time.Minute {
		t.Errorf("set: timeout %v, failure TTL %v", v.timeout(), v.failureTTL())
	}
}

// stall blocks its first TXT lookup until the caller's context ends, and
// answers the others at once.
type stall struct {
	flaky
	started chan struct{}
}

func (s *stall) LookupTXT(ctx context.Context, name string) ([]string, error) {
	if s.calls.Add(1) == 1 {
		close(s.started)
		<-ctx.Done()
		return nil, &net.DNSError{Err: ctx.Err().Error(), Name: name, IsTemporary: true, IsTimeout: true}
	}
	return []string{"v=spf1 -all"}, nil
}

// TestCacheLeaderGaveUp: a lookup whose caller gave up is not an answer.
// The Set that was waiting for it asks again and gets the answer, and the
// run counts that as a lookup, not a cache hit.
func TestCacheLeaderGaveUp(t *testing.T) {
	s := &stall{started: make(chan struct{})}
	rn := newRun(s, -1, true, time.Minute)
	a, b := rn.client(), rn.client()
	actx, cancel := context.WithCancel(t.Context())
	aerr := make(chan error, 1)
	go func() {
		_, err := a.txt(actx, "_spf.provider.net")
		aerr <- err
	}()
	<-s.started
	type answer struct {
		txts []string
		err  error
	}
	bans := make(chan answer, 1)
	go func() {
		txts, err := b.txt(t.Context(), "_spf.provider.net")
		bans <- answer{txts, err}
	}()
	for rn.hits.Load() == 0 { // b is waiting for a's lookup
		time.Sleep(time.Millisecond)
	}
	cancel()
	if err := <-aerr; err == nil {
		t.Error("the cancelled lookup gave no error")
	}
	got := <-bans
	if got.err != nil || len(got.txts) != 1 {
		t.Fatalf("the waiting Set got %v, %v; want the answer of its own lookup", got.txts, got.err)
	}
	if l, h := rn.lookups.Load(), rn.hits.Load(); l != 2 || h != 0 {
		t.Errorf("%d lookups, %d hits; want 2 and 0", l, h)
	}
}
