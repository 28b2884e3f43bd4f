package dmarc_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/dmarc"
)

// Resource limits: hostile or broken DNS must not make policy discovery
// do unbounded work or wait forever.

// deepDomain has 120 labels (241 octets, under the 253 of RFC 1035).
var deepDomain = strings.Repeat("a.", 118) + "deep.test"

// TestLimitTreeWalkDeepName: however many labels the From domain has,
// the RFC 9989 tree walk makes at most 8 _dmarc queries (section 4.10:
// the domain, then at most its last 7 labels down to one), shared between
// policy discovery and the organizational domain, plus the one existence
// query np needs.
func TestLimitTreeWalkDeepName(t *testing.T) {
	f := domainauth.MustFakeResolver(`
_dmarc.test.  300 TXT "v=DMARC1; p=reject; np=reject; psd=y"
`)
	res, err := dmarc.Lookup(context.Background(), f, deepDomain)
	if err != nil {
		t.Fatal(err)
	}
	if res.Record == nil || res.PolicyDomain != "test" {
		t.Fatalf("policy at %q (%v); want the one at _dmarc.test", res.PolicyDomain, res.Record)
	}
	if res.OrgDomain != "deep.test" {
		t.Errorf("OrgDomain = %q; want deep.test (one label below the psd=y domain)", res.OrgDomain)
	}
	var txt int
	for _, l := range f.Lookups() {
		if strings.HasPrefix(l.Name, "_dmarc.") {
			txt++
		}
	}
	if txt > dmarc.MaxTreeWalk {
		t.Errorf("%d _dmarc queries; at most %d allowed:\n%v", txt, dmarc.MaxTreeWalk, f.Lookups())
	}
	if n := f.LookupCount(); n > dmarc.MaxTreeWalk+1 {
		t.Errorf("%d queries; at most %d allowed:\n%v", n, dmarc.MaxTreeWalk+1, f.Lookups())
	}
}

// TestLimitDeepNameRFC7489: without the tree walk, discovery makes at most
// two queries (RFC 7489 section 6.6.3: the From domain, then the
// organizational domain), whatever the depth.
func TestLimitDeepNameRFC7489(t *testing.T) {
	f := domainauth.MustFakeResolver(`
_dmarc.deep.test.  300 TXT "v=DMARC1; p=reject"
`)
	res, err := (&dmarc.Checker{Resolver: f, Mode: dmarc.RFC7489}).Lookup(context.Background(), deepDomain)
	if err != nil {
		t.Fatal(err)
	}
	if res.PolicyDomain != "deep.test" {
		t.Errorf("PolicyDomain = %q; want deep.test", res.PolicyDomain)
	}
	if n := f.LookupCount(); n > 2 {
		t.Errorf("%d queries; at most 2 allowed:\n%v", n, f.Lookups())
	}
}

// TestLimitHangingResolver: a resolver that never answers is bounded by the
// context. Lookup returns a temporary error (never "no policy") that
// IsTemporary reports, matching the context's error.
func TestLimitHangingResolver(t *testing.T) {
	tests := []struct {
		name, hang string
		mode       dmarc.Mode
		found      bool // the policy is found before the hanging query
	}{
		{"author domain", "_dmarc.mail.example.com", dmarc.RFC9989, false},
		{"organizational domain", "_dmarc.example.com", dmarc.RFC9989, false},
		// The walk finds the policy at example.com, then hangs looking
		// for the organizational domain above it.
		{"tree walk", "_dmarc.com", dmarc.RFC9989, true},
		{"organizational domain, RFC 7489", "_dmarc.example.com", dmarc.RFC7489, false},
		{"existence check for np", "mail.example.com", dmarc.RFC9989, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := domainauth.MustFakeResolver(`
_dmarc.example.com.  300 TXT "v=DMARC1; p=reject; np=reject"
`)
			f.Fail(tt.hang, 0, domainauth.FailHang)
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			res, err := (&dmarc.Checker{Resolver: f, Mode: tt.mode}).Lookup(ctx, "mail.example.com")
			if err == nil {
				t.Fatalf("Lookup = %+v, nil error; want a temporary error", res)
			}
			var de *net.DNSError
			if !errors.As(err, &de) || !dmarc.IsTemporary(err) {
				t.Errorf("error %v; want a temporary error wrapping a *net.DNSError", err)
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("error %v; want it to match context.DeadlineExceeded", err)
			}
			if res.Record != nil && !tt.found {
				t.Errorf("a policy (%v) was reported although discovery did not finish", res.Record)
			}
		})
	}
	t.Run("AuthorizeExternal", func(t *testing.T) {
		f := domainauth.MustFakeResolver("")
		f.Fail("example.com._report._dmarc.reports.test", 0, domainauth.FailHang)
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		defer cancel()
		u, err := dmarc.ParseURI("mailto:dmarc@reports.test")
		if err != nil {
			t.Fatal(err)
		}
		ok, err := dmarc.AuthorizeExternal(ctx, f, "example.com", u)
		if ok || !dmarc.IsTemporary(err) || !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("AuthorizeExternal = %v, %v; want false and a temporary error matching context.DeadlineExceeded", ok, err)
		}
	})
}
