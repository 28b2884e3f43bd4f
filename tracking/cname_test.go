package tracking_test

import (
	"context"
	"net"
	"net/netip"
	"slices"
	"testing"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/tracking"
)

// plainResolver hides the raw Query of the fake, like net.DefaultResolver.
type plainResolver struct{ r *domainauth.FakeResolver }

func (p plainResolver) LookupCNAME(ctx context.Context, host string) (string, error) {
	return p.r.LookupCNAME(ctx, host)
}

func (p plainResolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	return p.r.LookupNetIP(ctx, network, host)
}

var (
	_ tracking.Resolver = (*net.Resolver)(nil)
	_ tracking.Resolver = (*domainauth.FakeResolver)(nil)
)

func TestCheckCNAME(t *testing.T) {
	tests := []struct {
		name     string
		zone     string
		expected []string
		plain    bool // resolver without raw queries
		fail     string
		status   tracking.CNAMEStatus
		target   string
		chain    []string
		code     string // the CNAME finding, "" for none
	}{
		{
			name:     "points at the expected target",
			zone:     "link.example.com. CNAME e.provider.test.",
			expected: []string{"e.provider.test"},
			status:   tracking.CNAMEOK, target: "e.provider.test", chain: []string{"e.provider.test"},
		},
		{
			name:     "expected target written with case and trailing dot",
			zone:     "link.example.com. CNAME e.provider.test.",
			expected: []string{"E.Provider.TEST."},
			status:   tracking.CNAMEOK, target: "e.provider.test", chain: []string{"e.provider.test"},
		},
		{
			name:     "regional target: the second of several",
			zone:     "link.example.com. CNAME e-eu.provider.test.",
			expected: []string{"e.provider.test", "e-eu.provider.test"},
			status:   tracking.CNAMEOK, target: "e-eu.provider.test", chain: []string{"e-eu.provider.test"},
		},
		{
			name: "provider target is itself an alias of a CDN",
			zone: `link.example.com. CNAME e.provider.test.
e.provider.test. CNAME edge.cdn.test.
edge.cdn.test. A 192.0.2.10`,
			expected: []string{"e.provider.test"},
			status:   tracking.CNAMEOK, target: "e.provider.test", chain: []string{"e.provider.test", "edge.cdn.test"},
		},
		{
			name: "same chain seen without raw queries: compared by where the chains end",
			zone: `link.example.com. CNAME e.provider.test.
e.provider.test. CNAME edge.cdn.test.
edge.cdn.test. A 192.0.2.10`,
			expected: []string{"e.provider.test"},
			plain:    true,
			status:   tracking.CNAMEOK, target: "edge.cdn.test",
		},
		{
			name:     "typo in the target",
			zone:     "link.example.com. CNAME e.provider.tset.",
			expected: []string{"e.provider.test"},
			status:   tracking.CNAMEWrongTarget, target: "e.provider.tset", chain: []string{"e.provider.tset"},
			code: "cname-target",
		},
		{
			name:     "wrong region",
			zone:     "link.example.com. CNAME e-eu.provider.test.",
			expected: []string{"e.provider.test"},
			status:   tracking.CNAMEWrongTarget, target: "e-eu.provider.test", chain: []string{"e-eu.provider.test"},
			code: "cname-target",
		},
		{
			name:     "wrong target without raw queries",
			zone:     "link.example.com. CNAME other.example.net.\nother.example.net. A 192.0.2.1\ne.provider.test. A 192.0.2.2",
			expected: []string{"e.provider.test"},
			plain:    true,
			status:   tracking.CNAMEWrongTarget, target: "other.example.net",
			code: "cname-target",
		},
		{
			name:     "no record at all (NXDOMAIN)",
			zone:     "example.com. A 192.0.2.1",
			expected: []string{"e.provider.test"},
			status:   tracking.CNAMEMissing,
			code:     "cname-missing",
		},
		{
			name:     "only a TXT record at the name (NODATA for addresses)",
			zone:     `link.example.com. TXT "hello"`,
			expected: []string{"e.provider.test"},
			status:   tracking.CNAMEMissing,
			code:     "cname-missing",
		},
		{
			name:     "proxied: addresses and no CNAME",
			zone:     "link.example.com. A 104.16.0.1\nlink.example.com. AAAA 2606:4700::1",
			expected: []string{"e.provider.test"},
			status:   tracking.CNAMEProxied,
			code:     "cname-proxied",
		},
		{
			name:     "proxied, seen without raw queries",
			zone:     "link.example.com. A 104.16.0.1",
			expected: []string{"e.provider.test"},
			plain:    true,
			status:   tracking.CNAMEProxied,
			code:     "cname-proxied",
		},
		{
			name:     "SERVFAIL is not missing",
			zone:     "link.example.com. CNAME e.provider.test.",
			expected: []string{"e.provider.test"},
			fail:     "link.example.com",
			status:   tracking.CNAMEUnknown,
			code:     "dns-temporary",
		},
		{
			name:   "no expected target: any CNAME will do",
			zone:   "link.example.com. CNAME anything.example.net.",
			status: tracking.CNAMEOK, target: "anything.example.net", chain: []string{"anything.example.net"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fake := domainauth.MustFakeResolver(tc.zone)
			if tc.fail != "" {
				fake.Fail(tc.fail, 0, domainauth.FailServFail)
			}
			var res tracking.Resolver = fake
			if tc.plain {
				res = plainResolver{fake}
			}
			// denyAll: the addresses in these zones are never connected to.
			c := &tracking.Checker{Resolver: res, Guard: denyAll, Now: clock}
			r, err := c.Check(context.Background(), "link.example.com", tc.expected...)
			if err != nil {
				t.Fatal(err)
			}
			got := r.CNAME
			if got.Status != tc.status || got.Target != tc.target || !slices.Equal(got.Chain, tc.chain) {
				t.Errorf("CNAME = %v %q %q, want %v %q %q", got.Status, got.Target, got.Chain, tc.status, tc.target, tc.chain)
			}
			if tc.status == tracking.CNAMEProxied && len(got.Addrs) == 0 {
				t.Error("proxied without addresses")
			}
			if tc.status == tracking.CNAMEUnknown && got.Err == nil {
				t.Error("unknown without error")
			}
			var first string
			if len(r.Findings) > 0 {
				first = string(r.Findings[0].Code)
			}
			cnameCodes := map[string]bool{"cname-missing": true, "cname-target": true, "cname-proxied": true, "dns-temporary": true}
			if !cnameCodes[first] {
				first = ""
			}
			if first != tc.code {
				t.Errorf("first finding = %q, want %q (%+v)", first, tc.code, r.Findings)
			}
		})
	}
}

func TestCNAMEFindingText(t *testing.T) {
	c := &tracking.Checker{
		Resolver: domainauth.MustFakeResolver("link.example.co.uk. CNAME e-eu.provider.test."),
		Guard:    denyAll,
	}
	r, err := c.Check(context.Background(), "link.example.co.uk", "e.provider.test", "e-us.provider.test")
	if err != nil {
		t.Fatal(err)
	}
	f := r.Findings[0]
	wantMsg := "The CNAME at link.example.co.uk points to e-eu.provider.test, not to one of e.provider.test, e-us.provider.test."
	wantFix := `Change the value of the CNAME record "link" to one of e.provider.test, e-us.provider.test (the target for your account's region).`
	if f.Code != "cname-target" || f.Severity != finding.Error || f.Message != wantMsg || f.Fix != wantFix {
		t.Errorf("finding = %+v", f)
	}
}

// A name with no record gets one finding, not also "cannot connect" ones.
func TestCheckMissingNameOneFinding(t *testing.T) {
	c := &tracking.Checker{Resolver: domainauth.MustFakeResolver("example.com. A 192.0.2.1"), Guard: denyAll}
	r, err := c.Check(context.Background(), "link.example.com", "e.provider.test")
	if err != nil {
		t.Fatal(err)
	}
	if got := codes(r); !slices.Equal(got, []string{"cname-missing"}) {
		t.Errorf("findings = %q", got)
	}
	if r.HTTP.Status != tracking.StatusRed || r.HTTPS.Status != tracking.StatusRed {
		t.Errorf("statuses %v %v, want red", r.HTTP.Status, r.HTTPS.Status)
	}
	if f := r.Findings[0]; f.Fix != `Add a CNAME record: host "link" (link.example.com), value e.provider.test. It can take up to a few hours to be visible.` {
		t.Errorf("fix = %q", f.Fix)
	}
}
