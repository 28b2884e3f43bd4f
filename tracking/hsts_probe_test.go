package tracking_test

import (
	"context"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/tracking"
)

// An HSTS probe that could not complete is not "no HSTS": the parent (or
// the host) may well send a policy that browsers see. The HTTP verdict is
// then unknown, with a finding that names the name, never green.
func TestCheckHSTSProbeIncomplete(t *testing.T) {
	ca := newCA(t, "Test Root CA")
	host := ca.valid(t, "link.example.com")
	parent := ca.valid(t, "example.com")
	const policy = "max-age=31536000; includeSubDomains"
	tests := []struct {
		name  string
		sites map[string]*site
		who   string // the name whose probe could not complete
	}{
		{"parent slower than the request timeout", map[string]*site{
			"link.example.com": {cert: &host},
			"example.com":      {cert: &parent, hsts: policy, stall: true},
		}, "example.com"},
		{"parent header block over the limit", map[string]*site{
			"link.example.com": {cert: &host},
			"example.com":      {cert: &parent, hsts: policy, filler: tracking.DefaultMaxHeaderBytes + 16<<10},
		}, "example.com"},
		{"host slower than the request timeout", map[string]*site{
			"link.example.com": {cert: &host, hsts: "max-age=31536000", stall: true},
			"example.com":      {cert: &parent},
		}, "link.example.com"},
		{"host header block over the limit", map[string]*site{
			"link.example.com": {cert: &host, hsts: "max-age=31536000", filler: tracking.DefaultMaxHeaderBytes + 16<<10},
			"example.com":      {cert: &parent},
		}, "link.example.com"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, tc.sites)
			c, _ := w.checker(t, ca, baseZone)
			// Long enough for every loopback probe on a loaded machine;
			// the stalled server answers only after it.
			c.RequestTimeout = 2 * time.Second
			r, err := c.Check(context.Background(), "link.example.com", "e.provider.test")
			if err != nil {
				t.Fatal(err)
			}
			if r.HTTP.Status != tracking.StatusUnknown {
				t.Errorf("HTTP status = %v, want unknown; HSTS %+v", r.HTTP.Status, r.HTTP.HSTS)
			}
			if len(r.HTTP.HSTSUnknown) != 1 || r.HTTP.HSTSUnknown[0].Host != tc.who || r.HTTP.HSTSUnknown[0].Err == nil {
				t.Errorf("HSTSUnknown = %+v, want %s with its error", r.HTTP.HSTSUnknown, tc.who)
			}
			if r.HTTPSRequired {
				t.Error("HTTPSRequired set without a policy seen")
			}
			if got := codes(r); !slices.Equal(got, []string{"hsts-unknown"}) {
				t.Errorf("findings = %q, want [hsts-unknown]", got)
			}
			for _, f := range r.Findings {
				if f.Severity != finding.Warning || f.Fix == "" || !strings.Contains(f.Message, "whether "+tc.who+" sends HSTS") {
					t.Errorf("finding %+v", f)
				}
				// A parent's policy matters only with includeSubDomains.
				if parent := tc.who != "link.example.com"; strings.Contains(f.Message, "includeSubDomains") != parent {
					t.Errorf("finding for %s: %q", tc.who, f.Message)
				}
			}
		})
	}
}

// A Strict-Transport-Security header inside a large header block (here
// 100 KiB, under the 256 KiB default, and far over MaxBodyBytes) is read
// and turns http:// links red.
func TestCheckHSTSInLargeHeaderBlock(t *testing.T) {
	ca := newCA(t, "Test Root CA")
	host := ca.valid(t, "link.example.com")
	parent := ca.valid(t, "example.com")
	w := newWorld(t, map[string]*site{
		"link.example.com": {cert: &host},
		"example.com":      {cert: &parent, hsts: "max-age=31536000; includeSubDomains", filler: 100 << 10},
	})
	c, _ := w.checker(t, ca, baseZone)
	c.MaxBodyBytes = 1 << 10
	r, err := c.Check(context.Background(), "link.example.com", "e.provider.test")
	if err != nil {
		t.Fatal(err)
	}
	if r.HTTP.Status != tracking.StatusRed || !r.HTTPSRequired {
		t.Errorf("HTTP = %v, required %v; want red, required", r.HTTP.Status, r.HTTPSRequired)
	}
	if got := codes(r); !slices.Equal(got, []string{"hsts-on-domain"}) {
		t.Errorf("findings = %q, want [hsts-on-domain]", got)
	}
}

// MaxHeaderBytes is the Checker's to set: below the parent's header block,
// the parent's policy cannot be read and the verdict is unknown.
func TestCheckMaxHeaderBytes(t *testing.T) {
	ca := newCA(t, "Test Root CA")
	host := ca.valid(t, "link.example.com")
	parent := ca.valid(t, "example.com")
	w := newWorld(t, map[string]*site{
		"link.example.com": {cert: &host},
		"example.com":      {cert: &parent, hsts: "max-age=31536000; includeSubDomains", filler: 16 << 10},
	})
	c, _ := w.checker(t, ca, baseZone)
	c.MaxHeaderBytes = 8 << 10
	r, err := c.Check(context.Background(), "link.example.com", "e.provider.test")
	if err != nil {
		t.Fatal(err)
	}
	if r.HTTP.Status != tracking.StatusUnknown || len(r.HTTP.HSTSUnknown) != 1 || r.HTTP.HSTSUnknown[0].Host != "example.com" {
		t.Errorf("HTTP = %v, unknown %+v", r.HTTP.Status, r.HTTP.HSTSUnknown)
	}
	c.MaxHeaderBytes = 1 // not even a status line fits
	if r, err = c.Check(context.Background(), "link.example.com", "e.provider.test"); err != nil || r.HTTP.Status != tracking.StatusUnknown {
		t.Errorf("MaxHeaderBytes 1: HTTP = %v, %v", r.HTTP.Status, err)
	}
	c.MaxHeaderBytes = 0 // the default reads it
	if r, err = c.Check(context.Background(), "link.example.com", "e.provider.test"); err != nil || r.HTTP.Status != tracking.StatusRed {
		t.Errorf("default MaxHeaderBytes: HTTP = %v, %v", r.HTTP.Status, err)
	}
}

// Which probe failures are answers ("no HSTS here") and which leave the
// question open, for the parent example.com of an otherwise green host.
func TestCheckHSTSProbeOutcomes(t *testing.T) {
	ca := newCA(t, "Test Root CA")
	host := ca.valid(t, "link.example.com")
	other := newCA(t, "Untrusted CA").valid(t, "example.com")
	tests := []struct {
		name   string
		parent *site  // what example.com serves over HTTPS
		zone   string // example.com's records
		fail   domainauth.Failure
		guard  tracking.Guard
		want   tracking.Status
	}{
		// Answers: browsers cannot get HSTS from example.com either.
		{"no such name", nil, "", 0, nil, tracking.StatusGreen},
		{"no certificate for the name", &site{}, "example.com. A 127.0.0.1\n", 0, nil, tracking.StatusGreen},
		// RFC 6797 section 8.1: a policy sent with certificate errors is ignored.
		{"untrusted certificate", &site{cert: &other, hsts: "max-age=600; includeSubDomains"}, "example.com. A 127.0.0.1\n", 0, nil, tracking.StatusGreen},
		// Open questions.
		{"DNS server failure", nil, "example.com. A 127.0.0.1\n", domainauth.FailServFail, nil, tracking.StatusUnknown},
		{"DNS timeout", nil, "example.com. A 127.0.0.1\n", domainauth.FailTimeout, nil, tracking.StatusUnknown},
		{"address refused by the guard", nil, "example.com. A 127.0.0.2\n", 0, func(a netip.Addr) error {
			if a == netip.MustParseAddr("127.0.0.2") {
				return tracking.ErrForbiddenAddress
			}
			return tracking.AllowLoopback(a)
		}, tracking.StatusUnknown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sites := map[string]*site{"link.example.com": {cert: &host}}
			if tc.parent != nil {
				sites["example.com"] = tc.parent
			}
			w := newWorld(t, sites)
			c, res := w.checker(t, ca, `
link.example.com.  CNAME  e.provider.test.
e.provider.test.   A      127.0.0.1
`+tc.zone)
			if tc.fail != 0 {
				res.Fail("example.com", 0, tc.fail)
			}
			if tc.guard != nil {
				c.Guard = tc.guard
			}
			r, err := c.Check(context.Background(), "link.example.com", "e.provider.test")
			if err != nil {
				t.Fatal(err)
			}
			if r.HTTP.Status != tc.want {
				t.Errorf("HTTP = %v, want %v; unknown %+v", r.HTTP.Status, tc.want, r.HTTP.HSTSUnknown)
			}
			wantCodes := []string(nil)
			if tc.want == tracking.StatusUnknown {
				wantCodes = []string{"hsts-unknown"}
			}
			if got := codes(r); !slices.Equal(got, wantCodes) {
				t.Errorf("findings = %q, want %q", got, wantCodes)
			}
		})
	}
}

// A temporary DNS failure for the host itself leaves http:// links
// unknown, not red, and is said once (dns-temporary), not again for each
// probe that failed because of it.
func TestCheckHostDNSTemporary(t *testing.T) {
	ca := newCA(t, "Test Root CA")
	w := newWorld(t, nil)
	c, res := w.checker(t, ca, baseZone)
	res.Fail("link.example.com", 0, domainauth.FailServFail)
	r, err := c.Check(context.Background(), "link.example.com", "e.provider.test")
	if err != nil {
		t.Fatal(err)
	}
	if r.HTTP.Status != tracking.StatusUnknown || !r.HTTP.Incomplete {
		t.Errorf("HTTP = %v (incomplete %v), want unknown", r.HTTP.Status, r.HTTP.Incomplete)
	}
	if got := codes(r); !slices.Equal(got, []string{"dns-temporary", "https-unreachable"}) {
		t.Errorf("findings = %q", got)
	}
}
