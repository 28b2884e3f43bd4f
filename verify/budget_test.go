package verify_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/internal/dnsname"
	"github.com/domainauth/domainauth/verify"
)

// spfResult returns the SPF record's result of rep.
func spfResult(t *testing.T, rep *verify.Report) verify.RecordResult {
	t.Helper()
	for _, rr := range rep.Records {
		if rr.Purpose == "spf" {
			return rr
		}
	}
	t.Fatal("no SPF record in the report")
	return verify.RecordResult{}
}

// findingText joins the messages of the findings with code c.
func findingText(fs []finding.Finding, c finding.Code) string {
	var b strings.Builder
	for _, f := range fs {
		if f.Code == c {
			b.WriteString(f.Message + "\n")
		}
	}
	return b.String()
}

// TestVerifyBudgetSPFTree: the customer's SPF record names servers that
// never answer, and nothing but the time budget ends their lookups (no
// per-lookup timeout). Verify returns by its budget, long before the
// caller's deadline, with the SPF record in Error, the domain
// Undetermined, and a finding naming what could not be checked.
func TestVerifyBudgetSPFTree(t *testing.T) {
	r := fakeZone(t, okMX, okDKIM, okDMARC, okLink,
		"cio123 TXT \"v=spf1 include:_spf.provider.net include:i1.hang.test a:a1.hang.test ~all\"\n")
	r.Fail("i1.hang.test", 0, domainauth.FailHang)
	r.Fail("a1.hang.test", 0, domainauth.FailHang)
	v := verifier(r)
	v.LookupTimeout = -1
	// Generous, so that a loaded machine still reaches the SPF tree's walk
	// well within it.
	v.Timeout = 2 * time.Second
	// Only a safety net: without a budget Verify would wait for it.
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	rep, err := v.Verify(ctx, accountSet())
	if err != nil {
		t.Fatalf("Verify: %v; want a report by the budget", err)
	}
	s := spfResult(t, rep)
	if rep.Status != verify.Undetermined || s.Status != verify.Error {
		t.Fatalf("status %v, SPF %v (%s); want undetermined and error", rep.Status, s.Status, s.Error)
	}
	if !errors.Is(s.Err, verify.ErrTimeBudget) {
		t.Errorf("SPF Err %v; want it to wrap ErrTimeBudget", s.Err)
	}
	msg := findingText(s.Findings, finding.CodeDNSTemporary)
	for _, name := range []string{"i1.hang.test", "a:a1.hang.test"} {
		if !strings.Contains(msg, name) {
			t.Errorf("the dns-temporary finding does not name %s:\n%s", name, msg)
		}
	}
	for _, rr := range rep.Records {
		if rr.Purpose != "spf" && rr.Status == verify.Error {
			t.Errorf("%s %s in error: the budget went to the SPF tree only", rr.Purpose, rr.FQDN)
		}
	}
}

// TestVerifyBudgetHostileTree is the attack of the issue: one record with
// 99 includes and 100 a terms at names that never answer. Verify returns
// by its budget. The record is over the lookup limit whatever those names
// hold (199 DNS-querying terms), so it is a Mismatch, and a finding says
// which lookups were not made.
func TestVerifyBudgetHostileTree(t *testing.T) {
	terms := []string{"include:_spf.provider.net"}
	for i := range 98 {
		terms = append(terms, fmt.Sprintf("include:i%d.hang.test", i))
	}
	for i := range 100 {
		terms = append(terms, fmt.Sprintf("a:a%d.hang.test", i))
	}
	var strs []string
	for _, term := range terms {
		strs = append(strs, `"`+term+` "`)
	}
	r := fakeZone(t, okMX, okDKIM, okDMARC, okLink, "cio123 TXT \"v=spf1 \" "+strings.Join(strs, " ")+" \"~all\"\n")
	for i := range 100 {
		r.Fail(fmt.Sprintf("i%d.hang.test", i), 0, domainauth.FailHang)
		r.Fail(fmt.Sprintf("a%d.hang.test", i), 0, domainauth.FailHang)
	}
	v := verifier(r)
	v.LookupTimeout = -1
	v.Timeout = 2 * time.Second
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	rep, err := v.Verify(ctx, accountSet())
	if err != nil {
		t.Fatalf("Verify: %v; want a report by the budget", err)
	}
	s := spfResult(t, rep)
	if s.Status != verify.Mismatch || !rep.HasCode(finding.CodeSPFLookupLimit) {
		t.Errorf("SPF %v %v; want mismatch with spf-lookup-limit", s.Status, codes(s.Findings))
	}
	if msg := findingText(s.Findings, finding.CodeDNSTemporary); !strings.Contains(msg, "hang.test") || !strings.Contains(msg, "more") {
		t.Errorf("want a dns-temporary finding naming the lookups not made; got:\n%s", msg)
	}
}

// TestVerifyBudgetRecord: a record whose name never answers is in Error
// when the budget ends, with a finding that names it and the budget.
func TestVerifyBudgetRecord(t *testing.T) {
	r := fakeZone(t, okMX, okSPF, okDKIM, okDMARC, okLink)
	r.Fail("krs._domainkey.cio123.example.com", 0, domainauth.FailHang)
	v := verifier(r)
	v.LookupTimeout = -1
	v.Timeout = 100 * time.Millisecond
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	rep, err := v.Verify(ctx, accountSet())
	if err != nil {
		t.Fatalf("Verify: %v; want a report by the budget", err)
	}
	if rep.Status != verify.Undetermined {
		t.Errorf("status %v; want undetermined", rep.Status)
	}
	for _, rr := range rep.Records {
		switch {
		case rr.Purpose == "dkim":
			msg := findingText(rr.Findings, finding.CodeDNSTemporary)
			if rr.Status != verify.Error || !errors.Is(rr.Err, verify.ErrTimeBudget) ||
				!strings.Contains(msg, "krs._domainkey.cio123.example.com TXT within the time budget of 100ms") {
				t.Errorf("DKIM %v, err %v, finding %q; want error within the budget", rr.Status, rr.Err, msg)
			}
		case rr.Status == verify.Error:
			t.Errorf("%s in error: %v", rr.Purpose, rr.Err)
		}
	}
}

// TestVerifyCallerDeadline: the caller's deadline still wins over the
// budget: Verify then returns ctx's error, as before.
func TestVerifyCallerDeadline(t *testing.T) {
	r := fakeZone(t, okMX, okSPF, okDKIM, okDMARC, okLink)
	r.Fail("krs._domainkey.cio123.example.com", 0, domainauth.FailHang)
	v := verifier(r)
	v.LookupTimeout = -1
	v.Timeout = time.Hour
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if _, err := v.Verify(ctx, accountSet()); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Verify: %v; want context.DeadlineExceeded", err)
	}
}

// failOnce fails the first TXT lookup of one name with SERVFAIL's error,
// then answers from the zone.
type failOnce struct {
	*domainauth.FakeResolver
	name  string
	calls atomic.Int32
}

func (f *failOnce) LookupTXT(ctx context.Context, name string) ([]string, error) {
	if dnsname.Canonical(name) == f.name && f.calls.Add(1) == 1 {
		return nil, &net.DNSError{Err: "server misbehaving", Name: name, Server: "127.0.0.1:53", IsTemporary: true}
	}
	return f.FakeResolver.LookupTXT(ctx, name)
}

// TestVerifyAllTemporaryFailureNotCached: the provider's include, which
// every domain shares, fails once and then answers. Only the domain whose
// lookup met the failure (and those waiting for that same lookup, at most
// one per worker) is Undetermined: the others ask again.
func TestVerifyAllTemporaryFailureNotCached(t *testing.T) {
	const n = 300
	for _, conc := range []int{1, 8} {
		t.Run(fmt.Sprint("concurrency ", conc), func(t *testing.T) {
			r := &failOnce{FakeResolver: domainauth.MustFakeResolver(shopZone(n)), name: "_spf.provider.net"}
			v := verifier(r)
			v.Concurrency = conc
			var undetermined []int
			verified := 0
			if _, err := v.VerifyAll(t.Context(), shopSets(n), func(i int, rep *verify.Report, err error) {
				switch {
				case err != nil:
					t.Errorf("set %d: %v", i, err)
				case rep.Status == verify.Undetermined:
					undetermined = append(undetermined, i)
				case rep.Status == verify.Verified:
					verified++
				default:
					t.Errorf("set %d: %v (%s)", i, rep.Status, rep.Reason)
				}
			}); err != nil {
				t.Fatal(err)
			}
			if len(undetermined) < 1 || len(undetermined) > conc || verified != n-len(undetermined) {
				t.Errorf("%d undetermined (%v...), %d verified; want 1 to %d undetermined, the rest verified", len(undetermined), undetermined[:min(len(undetermined), 10)], verified, conc)
			}
			if conc == 1 && (len(undetermined) != 1 || undetermined[0] != 0) {
				t.Errorf("undetermined %v...; want only shop0, whose lookup failed", undetermined[:min(len(undetermined), 10)])
			}
		})
	}
}
