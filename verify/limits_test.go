package verify_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/verify"
)

// TestLimitBatchWithTimeouts: a batch where one domain in five times out
// finishes well within its deadline: the timing-out domains are
// Undetermined (DNS trouble is not "missing"), the others Verified, every
// domain is reported once, and VerifyAll returns before ctx ends.
func TestLimitBatchWithTimeouts(t *testing.T) {
	n := 10000
	if testing.Short() {
		n = 1000
	}
	r := domainauth.MustFakeResolver(shopZone(n))
	failing := func(i int) bool { return i%5 == 0 } // 20%
	for i := range n {
		if failing(i) {
			// Every query about the shop's return path times out.
			r.Fail(fmt.Sprintf("cio.shop%d.example.com", i), 0, domainauth.FailTimeout)
		}
	}
	v := verifier(r)
	v.Concurrency = 16
	// FailTimeout answers at once, so this bound only matters for the
	// healthy lookups: generous, so that a loaded machine cannot make one
	// of them time out.
	v.LookupTimeout = 10 * time.Second

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	status := make([]verify.Status, n)
	reported := make([]int, n)
	stats, err := v.VerifyAll(ctx, shopSets(n), func(i int, rep *verify.Report, err error) {
		reported[i]++
		if err != nil {
			t.Errorf("set %d: %v", i, err)
			return
		}
		status[i] = rep.Status
	})
	if err != nil {
		t.Fatalf("VerifyAll: %v", err)
	}
	if ctx.Err() != nil {
		t.Fatalf("VerifyAll returned after its deadline: %v", ctx.Err())
	}
	counts := map[verify.Status]int{}
	for i := range n {
		if reported[i] != 1 {
			t.Errorf("set %d reported %d times", i, reported[i])
		}
		counts[status[i]]++
		want := verify.Verified
		if failing(i) {
			want = verify.Undetermined
		}
		if status[i] != want && counts[status[i]] < 5 {
			t.Errorf("shop%d: %v; want %v", i, status[i], want)
		}
	}
	if counts[verify.Undetermined] != n/5 || counts[verify.Verified] != n-n/5 {
		t.Errorf("statuses %v; want %d undetermined and %d verified", counts, n/5, n-n/5)
	}
	if stats.Domains != n {
		t.Errorf("Stats.Domains = %d; want %d", stats.Domains, n)
	}
	t.Logf("%+v, %d queries", stats, r.LookupCount())
}

// TestLimitBatchWithHangs: domains whose server never answers are bounded
// by the per-lookup timeout, not by the batch's deadline: they end
// Undetermined and the batch finishes before ctx ends.
func TestLimitBatchWithHangs(t *testing.T) {
	const n = 200
	r := domainauth.MustFakeResolver(shopZone(n))
	hanging := func(i int) bool { return i%5 == 0 }
	for i := range n {
		if hanging(i) {
			r.Fail(fmt.Sprintf("cio.shop%d.example.com", i), 0, domainauth.FailHang)
		}
	}
	v := verifier(r)
	v.Concurrency = 16
	v.LookupTimeout = 250 * time.Millisecond // ends the hangs; healthy lookups take microseconds, even on a loaded machine
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	counts := map[verify.Status]int{}
	_, err := v.VerifyAll(ctx, shopSets(n), func(i int, rep *verify.Report, err error) {
		if err != nil {
			t.Errorf("set %d: %v", i, err)
			return
		}
		counts[rep.Status]++
		if want := hanging(i); want != (rep.Status == verify.Undetermined) {
			t.Errorf("shop%d: %v (hanging %v)", i, rep.Status, want)
		}
	})
	if err != nil || ctx.Err() != nil {
		t.Fatalf("VerifyAll: %v, ctx %v", err, ctx.Err())
	}
	if counts[verify.Undetermined] != n/5 || counts[verify.Verified] != n-n/5 {
		t.Errorf("statuses %v; want %d undetermined and %d verified", counts, n/5, n-n/5)
	}
}

// TestLimitBatchDeadline: when the batch's own deadline comes first (every
// domain hangs and there is no per-lookup timeout), VerifyAll stops at the
// deadline and says so, instead of running on.
func TestLimitBatchDeadline(t *testing.T) {
	const n = 100
	r := domainauth.MustFakeResolver(shopZone(n))
	for i := range n {
		r.Fail(fmt.Sprintf("cio.shop%d.example.com", i), 0, domainauth.FailHang)
	}
	v := verifier(r)
	v.LookupTimeout = -1 // none: only ctx bounds the lookups
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	reported := 0
	_, err := v.VerifyAll(ctx, shopSets(n), func(int, *verify.Report, error) { reported++ })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("VerifyAll error = %v; want context.DeadlineExceeded", err)
	}
	if reported != 0 {
		t.Errorf("%d reports of domains whose lookups never finished", reported)
	}
}
