package tracking_test

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/tracking"
)

// baseZone puts the tracking host, its parents and the provider on
// 127.0.0.1, where the test world's servers listen.
const baseZone = `
$ORIGIN example.com.
@           A     127.0.0.1
mail        A     127.0.0.1
link        CNAME e.provider.test.
a.link      CNAME e.provider.test.
link.mail   CNAME e.provider.test.
e.provider.test.  A  127.0.0.1
`

func (w *world) checker(t *testing.T, ca *testCA, zone string) (*tracking.Checker, *domainauth.FakeResolver) {
	t.Helper()
	res := domainauth.MustFakeResolver(zone)
	return &tracking.Checker{
		Resolver:  res,
		Guard:     tracking.AllowLoopback,
		Roots:     ca.pool,
		Now:       clock,
		HTTPPort:  port(t, w.http),
		HTTPSPort: port(t, w.https),
	}, res
}

func codes(r *tracking.Report) []string {
	var c []string
	for _, f := range r.Findings {
		c = append(c, string(f.Code))
		// Every finding of every test is checked against the catalogue:
		// a tracking code, at its usual severity or milder (HTTPS problems
		// are warnings while http links still work), about the host.
		if e, ok := finding.Lookup(f.Code); !ok || !slices.Contains(e.Producers, "tracking") || !f.Severity.Valid() || f.Severity > e.Severity || f.Subject != r.Host {
			panic(fmt.Sprintf("finding %+v is not a tracking finding of the catalogue about %s", f, r.Host))
		}
	}
	return c
}

// TestCheckHTTPAndHTTPS runs Check against loopback servers whose
// certificates and HSTS headers each case sets.
func TestCheckHTTPAndHTTPS(t *testing.T) {
	ca := newCA(t, "Test Root CA")
	other := newCA(t, "Untrusted CA")
	good := ca.valid(t, "link.example.com")
	parentCert := ca.valid(t, "example.com")
	mailCert := ca.valid(t, "mail.example.com")
	wildcard := ca.valid(t, "*.example.com")
	wrongName := ca.valid(t, "www.example.com", "example.com")
	expired := ca.leaf(t, testNow.AddDate(-1, 0, 0), testNow.AddDate(0, 0, -3), "link.example.com")
	notYet := ca.leaf(t, testNow.AddDate(0, 0, 2), testNow.AddDate(1, 0, 0), "link.example.com")
	expiring := ca.leaf(t, testNow.AddDate(0, -2, 0), testNow.Add(5*24*time.Hour+time.Hour), "link.example.com")
	selfSigned := (*testCA)(nil).valid(t, "link.example.com")
	untrusted := other.valid(t, "link.example.com")
	untrustedParent := other.valid(t, "example.com")

	type want struct {
		http, https   tracking.Status
		codes         []string
		httpsRequired bool
		daysLeft      int // checked when non-zero
	}
	tests := []struct {
		name  string
		host  string
		sites map[string]*site
		want  want
	}{
		{
			name: "all good, no HSTS anywhere",
			host: "link.example.com",
			sites: map[string]*site{
				"link.example.com": {cert: &good},
				"example.com":      {cert: &parentCert},
			},
			want: want{http: tracking.StatusGreen, https: tracking.StatusGreen, daysLeft: 61},
		},
		{
			name: "HSTS with includeSubDomains on the registrable domain",
			host: "link.example.com",
			sites: map[string]*site{
				"link.example.com": {cert: &good},
				"example.com":      {cert: &parentCert, hsts: "max-age=31536000; includeSubDomains"},
			},
			want: want{http: tracking.StatusRed, https: tracking.StatusGreen, codes: []string{"hsts-on-domain"}, httpsRequired: true},
		},
		{
			name: "HSTS with includeSubDomains on an intermediate parent",
			host: "link.mail.example.com",
			sites: map[string]*site{
				"link.mail.example.com": {cert: &wildcard},
				"mail.example.com":      {cert: &mailCert, hsts: "max-age=600; includeSubDomains; preload"},
				"example.com":           {cert: &parentCert},
			},
			// *.example.com does not cover link.mail.example.com: a wildcard
			// matches one label only.
			want: want{http: tracking.StatusRed, https: tracking.StatusRed, codes: []string{"hsts-on-domain", "https-not-covered"}, httpsRequired: true},
		},
		{
			name: "HSTS on the parent without includeSubDomains does not reach the host",
			host: "link.example.com",
			sites: map[string]*site{
				"link.example.com": {cert: &good},
				"example.com":      {cert: &parentCert, hsts: "max-age=31536000"},
			},
			want: want{http: tracking.StatusGreen, https: tracking.StatusGreen},
		},
		{
			name: "HSTS on the host itself, even without includeSubDomains",
			host: "link.example.com",
			sites: map[string]*site{
				"link.example.com": {cert: &good, hsts: "max-age=86400"},
				"example.com":      {cert: &parentCert},
			},
			want: want{http: tracking.StatusRed, https: tracking.StatusGreen, codes: []string{"hsts-on-domain"}, httpsRequired: true},
		},
		{
			name: "max-age=0 withdraws the policy",
			host: "link.example.com",
			sites: map[string]*site{
				"link.example.com": {cert: &good},
				"example.com":      {cert: &parentCert, hsts: "max-age=0; includeSubDomains"},
			},
			want: want{http: tracking.StatusGreen, https: tracking.StatusGreen},
		},
		{
			name: "an invalid HSTS header is ignored",
			host: "link.example.com",
			sites: map[string]*site{
				"link.example.com": {cert: &good},
				"example.com":      {cert: &parentCert, hsts: "max-age=10; max-age=20; includeSubDomains"},
			},
			want: want{http: tracking.StatusGreen, https: tracking.StatusGreen},
		},
		{
			name: "HSTS sent with an untrusted certificate is ignored, as browsers do",
			host: "link.example.com",
			sites: map[string]*site{
				"link.example.com": {cert: &good},
				"example.com":      {cert: &untrustedParent, hsts: "max-age=31536000; includeSubDomains"},
			},
			want: want{http: tracking.StatusGreen, https: tracking.StatusGreen},
		},
		{
			name: "wildcard certificate covers the host",
			host: "link.example.com",
			sites: map[string]*site{
				"link.example.com": {cert: &wildcard},
			},
			want: want{http: tracking.StatusGreen, https: tracking.StatusGreen},
		},
		{
			name: "wildcard does not cover two labels down",
			host: "a.link.example.com",
			sites: map[string]*site{
				"a.link.example.com": {cert: &wildcard},
			},
			want: want{http: tracking.StatusGreen, https: tracking.StatusRed, codes: []string{"https-not-covered"}},
		},
		{
			name: "certificate for other names",
			host: "link.example.com",
			sites: map[string]*site{
				"link.example.com": {cert: &wrongName},
			},
			want: want{http: tracking.StatusGreen, https: tracking.StatusRed, codes: []string{"https-not-covered"}},
		},
		{
			name: "expired certificate",
			host: "link.example.com",
			sites: map[string]*site{
				"link.example.com": {cert: &expired},
			},
			want: want{http: tracking.StatusGreen, https: tracking.StatusRed, codes: []string{"https-expired"}, daysLeft: -3},
		},
		{
			name: "certificate not valid yet",
			host: "link.example.com",
			sites: map[string]*site{
				"link.example.com": {cert: &notYet},
			},
			want: want{http: tracking.StatusGreen, https: tracking.StatusRed, codes: []string{"https-expired"}},
		},
		{
			name: "certificate expiring in 5 days",
			host: "link.example.com",
			sites: map[string]*site{
				"link.example.com": {cert: &expiring},
			},
			want: want{http: tracking.StatusGreen, https: tracking.StatusGreen, codes: []string{"https-expiring"}, daysLeft: 5},
		},
		{
			name: "self-signed certificate",
			host: "link.example.com",
			sites: map[string]*site{
				"link.example.com": {cert: &selfSigned},
			},
			want: want{http: tracking.StatusGreen, https: tracking.StatusRed, codes: []string{"https-untrusted"}},
		},
		{
			name: "certificate from an unknown authority",
			host: "link.example.com",
			sites: map[string]*site{
				"link.example.com": {cert: &untrusted},
			},
			want: want{http: tracking.StatusGreen, https: tracking.StatusRed, codes: []string{"https-untrusted"}},
		},
		{
			name: "no certificate for the SNI name",
			host: "link.example.com",
			sites: map[string]*site{
				"link.example.com": {},
			},
			want: want{http: tracking.StatusGreen, https: tracking.StatusRed, codes: []string{"https-handshake"}},
		},
		{
			name: "HSTS and no certificate: HTTPS problems become errors",
			host: "link.example.com",
			sites: map[string]*site{
				"link.example.com": {cert: &expired},
				"example.com":      {cert: &parentCert, hsts: "max-age=31536000; includeSubDomains"},
			},
			want: want{http: tracking.StatusRed, https: tracking.StatusRed, codes: []string{"hsts-on-domain", "https-expired"}, httpsRequired: true},
		},
		{
			name: "server error on http://",
			host: "link.example.com",
			sites: map[string]*site{
				"link.example.com": {cert: &good, httpCode: 502},
			},
			want: want{http: tracking.StatusRed, https: tracking.StatusGreen, codes: []string{"http-error"}},
		},
		{
			// 500 is the first server error (RFC 9110 section 15.6).
			name: "status 500 on http://",
			host: "link.example.com",
			sites: map[string]*site{
				"link.example.com": {cert: &good, httpCode: 500},
			},
			want: want{http: tracking.StatusRed, https: tracking.StatusGreen, codes: []string{"http-error"}},
		},
		{
			// 499 is still a client error: the server answered.
			name: "status 499 on http://",
			host: "link.example.com",
			sites: map[string]*site{
				"link.example.com": {cert: &good, httpCode: 499},
			},
			want: want{http: tracking.StatusGreen, https: tracking.StatusGreen},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, tc.sites)
			c, _ := w.checker(t, ca, baseZone)
			r, err := c.Check(context.Background(), tc.host, "e.provider.test")
			if err != nil {
				t.Fatal(err)
			}
			if r.CNAME.Status != tracking.CNAMEOK {
				t.Errorf("CNAME = %v, want ok", r.CNAME.Status)
			}
			if r.HTTP.Status != tc.want.http {
				t.Errorf("HTTP = %v (err %v), want %v", r.HTTP.Status, r.HTTP.Err, tc.want.http)
			}
			if r.HTTPS.Status != tc.want.https {
				t.Errorf("HTTPS = %v (%s), want %v", r.HTTPS.Status, r.HTTPS.Reason, tc.want.https)
			}
			if got := codes(r); !slices.Equal(got, tc.want.codes) {
				t.Errorf("findings = %q, want %q\n%+v", got, tc.want.codes, r.Findings)
			}
			if r.HTTPSRequired != tc.want.httpsRequired {
				t.Errorf("HTTPSRequired = %v, want %v", r.HTTPSRequired, tc.want.httpsRequired)
			}
			if tc.want.daysLeft != 0 && r.HTTPS.DaysLeft != tc.want.daysLeft {
				t.Errorf("DaysLeft = %d, want %d", r.HTTPS.DaysLeft, tc.want.daysLeft)
			}
			for _, f := range r.Findings {
				if f.Message == "" || f.Fix == "" || f.Severity == 0 {
					t.Errorf("finding %s incomplete: %+v", f.Code, f)
				}
			}
			// The HTTPS check sends SNI for the host.
			if !w.sawPrefix("tls " + tc.host) {
				t.Errorf("no TLS handshake with SNI %s; saw %q", tc.host, w.requests())
			}
		})
	}
}

func TestCheckHSTSSeverityAndSource(t *testing.T) {
	ca := newCA(t, "Test Root CA")
	good := ca.valid(t, "link.example.com")
	parent := ca.valid(t, "example.com")
	w := newWorld(t, map[string]*site{
		"link.example.com": {cert: &good},
		"example.com":      {cert: &parent, hsts: `max-age="31536000"; includeSubDomains`},
	})
	c, _ := w.checker(t, ca, baseZone)
	r, err := c.Check(context.Background(), "link.example.com", "e.provider.test")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.HTTP.HSTS) != 1 {
		t.Fatalf("HSTS sources = %+v, want one", r.HTTP.HSTS)
	}
	s := r.HTTP.HSTS[0]
	want := tracking.HSTS{MaxAge: 365 * 24 * time.Hour, IncludeSubDomains: true}
	if s.Host != "example.com" || !s.Applies || s.Policy != want {
		t.Errorf("source = %+v", s)
	}
	if f := r.Findings[0]; f.Code != finding.CodeHSTSOnDomain || f.Severity != finding.Error || f.Subject != "link.example.com" {
		t.Errorf("finding = %+v, want hsts-on-domain, error, about link.example.com", f)
	}
	// The parent was asked over HTTPS, never over plain HTTP.
	if w.sawPrefix("http example.com") {
		t.Errorf("plain http request to the parent: %q", w.requests())
	}
}

func TestCheckPreloadedTLD(t *testing.T) {
	ca := newCA(t, "Test Root CA")
	cert := ca.valid(t, "link.example.dev")
	w := newWorld(t, map[string]*site{"link.example.dev": {cert: &cert}})
	c, _ := w.checker(t, ca, `
link.example.dev.  CNAME  e.provider.test.
e.provider.test.   A      127.0.0.1
`)
	r, err := c.Check(context.Background(), "Link.Example.DEV.", "e.provider.test")
	if err != nil {
		t.Fatal(err)
	}
	if r.Host != "link.example.dev" {
		t.Errorf("Host = %q", r.Host)
	}
	if r.HTTP.Status != tracking.StatusRed || !r.HTTP.Preloaded || r.HTTP.TLD != "dev" || !r.HTTPSRequired {
		t.Errorf("HTTP = %+v, required %v", r.HTTP, r.HTTPSRequired)
	}
	if r.HTTPS.Status != tracking.StatusGreen {
		t.Errorf("HTTPS = %v: %s", r.HTTPS.Status, r.HTTPS.Reason)
	}
	if got := codes(r); !slices.Equal(got, []string{"hsts-preloaded-tld"}) {
		t.Errorf("findings = %q", got)
	}
	// Nothing under a preloaded TLD can change the HTTP verdict, so no
	// http:// request and no HSTS probe is made.
	for _, s := range w.requests() {
		if s != "tls link.example.dev" {
			t.Errorf("unexpected request %q", s)
		}
	}
}

func TestCheckRedirects(t *testing.T) {
	ca := newCA(t, "Test Root CA")
	good := ca.valid(t, "link.example.com")
	tests := []struct {
		name     string
		location string
		wantCode int
		wantLoc  string
		wantSeen string
	}{
		{"same host is followed", "/landing", 200, "", "http link.example.com /landing"},
		{"another host is not followed", "http://evil.example.net/", 302, "http://evil.example.net/", ""},
		{"https on the same host is not followed", "https://link.example.com/", 302, "https://link.example.com/", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, map[string]*site{
				"link.example.com": {cert: &good, httpCode: 302, location: tc.location},
			})
			// The redirect target answers 200 on other paths.
			c, res := w.checker(t, ca, baseZone+"evil.example.net. A 127.0.0.1\n")
			r, err := c.Check(context.Background(), "link.example.com", "e.provider.test")
			if err != nil {
				t.Fatal(err)
			}
			if r.HTTP.StatusCode != tc.wantCode || r.HTTP.Location != tc.wantLoc {
				t.Errorf("HTTP = %d %q, want %d %q", r.HTTP.StatusCode, r.HTTP.Location, tc.wantCode, tc.wantLoc)
			}
			if r.HTTP.Status != tracking.StatusGreen {
				t.Errorf("HTTP status %v", r.HTTP.Status)
			}
			if tc.wantSeen != "" && !w.sawPrefix(tc.wantSeen) {
				t.Errorf("redirect not followed: %q", w.requests())
			}
			for _, l := range res.Lookups() {
				if l.Name == "evil.example.net" {
					t.Errorf("looked up the off-host redirect target: %v", res.Lookups())
				}
			}
		})
	}
}

// TestCheckRedirectLimit: on a host that redirects without end, the
// http:// check follows DefaultMaxRedirects (5) redirects on the same
// host and reports the sixth as the answer, unfollowed.
func TestCheckRedirectLimit(t *testing.T) {
	ca := newCA(t, "Test Root CA")
	good := ca.valid(t, "link.example.com")
	w := newWorld(t, map[string]*site{"link.example.com": {cert: &good, chain: true}})
	c, _ := w.checker(t, ca, baseZone)
	r, err := c.Check(context.Background(), "link.example.com", "e.provider.test")
	if err != nil {
		t.Fatal(err)
	}
	if r.HTTP.StatusCode != 302 || r.HTTP.Location != "/6" {
		t.Errorf("HTTP = %d %q, want 302 \"/6\" (five redirects followed)", r.HTTP.StatusCode, r.HTTP.Location)
	}
	n := 0
	for _, s := range w.requests() {
		if strings.HasPrefix(s, "http link.example.com ") {
			n++
		}
	}
	if n != 6 {
		t.Errorf("%d http requests, want 6 (the first and five redirects): %q", n, w.requests())
	}
}

func TestCheckHTTPUnreachable(t *testing.T) {
	ca := newCA(t, "Test Root CA")
	good := ca.valid(t, "link.example.com")
	w := newWorld(t, map[string]*site{"link.example.com": {cert: &good}})
	c, _ := w.checker(t, ca, baseZone)
	// A port nobody listens on: take one from a closed listener.
	closed := newWorld(t, nil)
	c.HTTPPort = port(t, closed.http)
	closed.http.Close()
	r, err := c.Check(context.Background(), "link.example.com", "e.provider.test")
	if err != nil {
		t.Fatal(err)
	}
	if r.HTTP.Status != tracking.StatusRed || r.HTTP.Err == nil {
		t.Errorf("HTTP = %+v", r.HTTP)
	}
	if got := codes(r); !slices.Equal(got, []string{"http-unreachable"}) {
		t.Errorf("findings = %q", got)
	}
}

// TestCheckRefusesPrivateAddress shows the default guard at work: the
// tracking host resolves to private addresses, and the Check reports
// address-forbidden without connecting. No packet is sent: the guard
// runs on the resolved address before the dialer is called, and the
// error says which address was refused.
func TestCheckRefusesPrivateAddress(t *testing.T) {
	for _, addr := range []string{"10.0.0.1", "192.168.1.20", "169.254.169.254", "100.64.1.1", "fd00::1"} {
		t.Run(addr, func(t *testing.T) {
			typ := "A"
			if netip.MustParseAddr(addr).Is6() {
				typ = "AAAA"
			}
			res := domainauth.MustFakeResolver("link.example.com. " + typ + " " + addr + "\n")
			var mu sync.Mutex
			var asked []netip.Addr
			// The zero Checker's guard (PublicOnly) refuses the address.
			zero := &tracking.Checker{Resolver: res}
			zr, err := zero.Check(context.Background(), "link.example.com")
			if err != nil {
				t.Fatal(err)
			}
			if !errors.Is(zr.HTTPS.Err, tracking.ErrForbiddenAddress) {
				t.Fatalf("zero Checker: HTTPS error %v, want ErrForbiddenAddress", zr.HTTPS.Err)
			}
			// The same guard, wrapped to see what it is asked.
			c := &tracking.Checker{Resolver: res, Now: clock}
			c.Guard = func(a netip.Addr) error {
				mu.Lock()
				asked = append(asked, a)
				mu.Unlock()
				return tracking.PublicOnly(a)
			}
			defer func() {
				if len(asked) == 0 {
					t.Error("guard never asked")
				}
				for _, a := range asked {
					if a != netip.MustParseAddr(addr) {
						t.Errorf("guard asked about %v", a)
					}
				}
			}()
			r, err := c.Check(context.Background(), "link.example.com", "e.provider.test")
			if err != nil {
				t.Fatal(err)
			}
			if r.CNAME.Status != tracking.CNAMEProxied {
				t.Errorf("CNAME = %v, want proxied", r.CNAME.Status)
			}
			var ae *tracking.AddressError
			if !errors.As(r.HTTPS.Err, &ae) || ae.Addr != netip.MustParseAddr(addr) || !errors.Is(r.HTTPS.Err, tracking.ErrForbiddenAddress) {
				t.Errorf("HTTPS error = %v, want AddressError for %s", r.HTTPS.Err, addr)
			}
			if !errors.As(r.HTTP.Err, &ae) {
				t.Errorf("HTTP error = %v, want AddressError", r.HTTP.Err)
			}
			if got := codes(r); !slices.Equal(got, []string{"cname-proxied", "address-forbidden"}) {
				t.Errorf("findings = %q", got)
			}
		})
	}
}

func TestCheckInvalidInput(t *testing.T) {
	c := &tracking.Checker{Resolver: domainauth.MustFakeResolver(""), Guard: denyAll}
	for _, tc := range []struct{ host, target string }{
		{"", "e.provider.test"},
		{"com", "e.provider.test"},
		{"bad..name.example.com", "e.provider.test"},
		{"link.example.com", "bad..target"},
	} {
		if r, err := c.Check(context.Background(), tc.host, tc.target); err == nil {
			t.Errorf("Check(%q, %q) = %+v, want error", tc.host, tc.target, r)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Check(ctx, "link.example.com", "e.provider.test"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
}

// denyAll is a guard for tests that must not connect anywhere.
func denyAll(netip.Addr) error { return errors.New("test: no connections") }

// An IP address is not a tracking host: it can carry no CNAME, and
// checking it would connect to whatever address a customer typed. Check
// refuses it, in every spelling, before any lookup.
func TestCheckRefusesIPAddress(t *testing.T) {
	res := domainauth.MustFakeResolver("")
	c := &tracking.Checker{Resolver: res, Guard: denyAll}
	for _, host := range []string{
		"192.0.2.1", "192.0.2.1.", "8.8.8.8", "127.0.0.1",
		"2001:db8::1", "[2001:db8::1]", "::ffff:192.0.2.1", "fe80::1%eth0",
		// Forms inet_aton and URL parsers read as addresses (the last
		// label is a number): 127.1, 0x7f.0.0.1, 10.0x1.
		"127.1", "0x7f.0.0.1", "10.0x1", "1.2.3.08",
	} {
		r, err := c.Check(context.Background(), host, "e.provider.test")
		if !errors.Is(err, tracking.ErrHostIsAddress) {
			t.Errorf("Check(%q) = %+v, %v; want ErrHostIsAddress", host, r, err)
			continue
		}
		if !strings.Contains(err.Error(), "IP address") {
			t.Errorf("Check(%q): error %q does not say what is wrong", host, err)
		}
	}
	if l := res.Lookups(); len(l) != 0 {
		t.Errorf("lookups for an address: %v", l)
	}
	// Names with digits stay names.
	for _, host := range []string{"1.example.com", "link.123.example", "x1.example.c0m"} {
		if _, err := c.Check(context.Background(), host, "e.provider.test"); errors.Is(err, tracking.ErrHostIsAddress) {
			t.Errorf("Check(%q) = %v", host, err)
		}
	}
}

// The expiry warning says how long is left without understating it: a
// certificate with 72 hours left (less a fraction of a second, as
// certificate times are whole seconds and clocks are not) expires "in 3
// days", not "in 2 days"; under two days it says hours, under two hours
// minutes.
func TestCheckExpiryText(t *testing.T) {
	ca := newCA(t, "Test Root CA")
	tests := []struct {
		left time.Duration // from the certificate's NotAfter back to the clock
		want string
	}{
		{72*time.Hour - 500*time.Millisecond, "in 3 days."},
		{72*time.Hour - time.Minute, "in 3 days."},
		{72 * time.Hour, "in 3 days."},
		{13*24*time.Hour + 23*time.Hour, "in 14 days."},
		{48 * time.Hour, "in 2 days."},
		{48*time.Hour - time.Second, "in 48 hours."},
		{47 * time.Hour, "in 47 hours."},
		{2 * time.Hour, "in 2 hours."},
		{90 * time.Minute, "in 90 minutes."},
		{30 * time.Second, "in less than a minute."},
	}
	for _, tc := range tests {
		notAfter := testNow.Add(24 * time.Hour)
		cert := ca.leaf(t, testNow.AddDate(0, -2, 0), notAfter, "link.example.com")
		w := newWorld(t, map[string]*site{"link.example.com": {cert: &cert}})
		c, _ := w.checker(t, ca, baseZone)
		now := notAfter.Add(-tc.left)
		c.Now = func() time.Time { return now }
		r, err := c.Check(context.Background(), "link.example.com", "e.provider.test")
		if err != nil {
			t.Fatal(err)
		}
		var msg string
		for _, f := range r.Findings {
			if f.Code == "https-expiring" {
				msg = f.Message
			}
		}
		if !strings.HasSuffix(msg, tc.want) {
			t.Errorf("%v left: message %q, want it to end %q", tc.left, msg, tc.want)
		}
	}
}
