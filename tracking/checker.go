package tracking

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/internal/dnsname"
	"github.com/domainauth/domainauth/internal/enumtext"
	"github.com/domainauth/domainauth/internal/knob"
)

// Resolver is the DNS a Checker needs: a subset of *net.Resolver's methods,
// so net.DefaultResolver works, as do the real and fake resolvers of the
// domainauth package.
//
// LookupCNAME must behave like *net.Resolver's: it returns the end of the
// CNAME chain, or the name itself (and no error) when the name has
// addresses but no CNAME. The Checker relies on this to recognise a proxied
// record.
type Resolver interface {
	LookupCNAME(ctx context.Context, host string) (string, error)
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Defaults for the zero fields of a Checker.
const (
	DefaultDialTimeout    = 5 * time.Second
	DefaultTLSTimeout     = 5 * time.Second
	DefaultRequestTimeout = 10 * time.Second
	DefaultMaxBodyBytes   = 64 << 10
	DefaultMaxHeaderBytes = 256 << 10
	DefaultMaxRedirects   = 5
	DefaultExpiryWarning  = 14 * 24 * time.Hour
)

// Checker checks link-tracking hosts. The zero value is ready to use: it
// resolves with net.DefaultResolver, trusts the system roots, and refuses
// to connect to anything but public addresses. A Checker is safe for
// concurrent use as long as its fields are not changed.
type Checker struct {
	// Resolver looks up the CNAME and the addresses to connect to.
	// Default net.DefaultResolver. Every connection goes to an address
	// this resolver returned (or none).
	Resolver Resolver

	// Guard approves each address before a connection is opened, and
	// again at connect time. Default PublicOnly. Use AllowLoopback in
	// tests that run httptest servers.
	Guard Guard

	// DialTimeout bounds each TCP connect (default DefaultDialTimeout),
	// TLSTimeout each TLS handshake (default DefaultTLSTimeout), and
	// RequestTimeout each HTTP GET as a whole (default
	// DefaultRequestTimeout): address lookup, connect, handshake, the
	// same-host redirects followed and reading the size-limited body, and
	// so also the wait for the response headers.
	DialTimeout    time.Duration
	TLSTimeout     time.Duration // 0 or less means DefaultTLSTimeout
	RequestTimeout time.Duration // 0 or less means DefaultRequestTimeout

	// MaxBodyBytes bounds how much of a response body is read. Default
	// DefaultMaxBodyBytes.
	MaxBodyBytes int64

	// MaxHeaderBytes bounds the response header block read (status line
	// and header fields). Default DefaultMaxHeaderBytes (256 KiB, what
	// Chromium accepts), well above what sites send with their cookies
	// and policies: a larger block ends the request, and a probe that
	// ends so makes the HTTP verdict unknown, not green.
	MaxHeaderBytes int64

	// MaxRedirects bounds the redirects followed by the http:// check,
	// which only follows redirects to http:// on the same host. Default
	// DefaultMaxRedirects; negative means none.
	MaxRedirects int

	// ExpiryWarning: a certificate that expires sooner than this gives an
	// https-expiring warning. Default DefaultExpiryWarning.
	ExpiryWarning time.Duration

	// Roots are the trusted certificate authorities. Default: the
	// system's roots.
	Roots *x509.CertPool

	// Now is the clock for certificate validity. Default time.Now.
	Now func() time.Time

	// HTTPPort and HTTPSPort replace ports 80 and 443 when connecting,
	// for tests against httptest servers. Zero keeps the standard ports.
	HTTPPort  int
	HTTPSPort int // dialled instead of 443, for the HTTPS and HSTS probes; 0 keeps 443

	// UserAgent is sent with HTTP requests. Default
	// "domainauth-tracking-check/1".
	UserAgent string
}

func (c *Checker) resolver() Resolver {
	if c.Resolver == nil {
		return net.DefaultResolver
	}
	return c.Resolver
}

func (c *Checker) guard() Guard {
	if c.Guard == nil {
		return PublicOnly
	}
	return c.Guard
}

func orDuration(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

func (c *Checker) now() time.Time {
	if c.Now == nil {
		return time.Now()
	}
	return c.Now()
}

func (c *Checker) maxBody() int64 {
	if c.MaxBodyBytes <= 0 {
		return DefaultMaxBodyBytes
	}
	return c.MaxBodyBytes
}

func (c *Checker) maxHeader() int64 {
	if c.MaxHeaderBytes <= 0 {
		return DefaultMaxHeaderBytes
	}
	return c.MaxHeaderBytes
}

func (c *Checker) maxRedirects() int {
	return knob.Or(c.MaxRedirects, DefaultMaxRedirects)
}

func (c *Checker) userAgent() string {
	if c.UserAgent == "" {
		return "domainauth-tracking-check/1"
	}
	return c.UserAgent
}

// newDialer is the one place outbound connections come from.
func (c *Checker) newDialer() *dialer {
	return &dialer{
		resolver:  c.resolver(),
		guard:     c.guard(),
		timeout:   orDuration(c.DialTimeout, DefaultDialTimeout),
		httpPort:  c.HTTPPort,
		httpsPort: c.HTTPSPort,
	}
}

// Status is the colour a customer sees for one kind of tracked link.
type Status int

// Statuses of the HTTP and HTTPS link checks.
const (
	// StatusUnknown: not checked, or the answer could not be had.
	StatusUnknown Status = iota
	// StatusGreen: links of this kind work.
	StatusGreen
	// StatusRed: links of this kind fail; Findings say why.
	StatusRed
)

var statusNames = [...]string{StatusUnknown: "unknown", StatusGreen: "green", StatusRed: "red"}

// String returns "unknown", "green" or "red"; "unknown" for a value that
// is not a Status.
func (s Status) String() string { return enumtext.StringOr(s, statusNames[:], "unknown") }

// Report is the result of one Check. Problems are Findings; the three
// results hold what was observed.
type Report struct {
	// Host is the checked host, normalised; Expected the normalised
	// expected CNAME targets.
	Host     string
	Expected []string // nil when none was given: any CNAME then counts as correct

	CNAME CNAMEResult // what DNS says about Host
	HTTP  HTTPResult  // whether http:// links to Host work, HSTS included
	HTTPS HTTPSResult // whether https:// links to Host work: the TLS handshake and certificate

	// HTTPSRequired is true when browsers will not follow http:// links
	// to Host (HSTS on the host or a parent, or a preloaded TLD), so the
	// provider must generate https:// links and HTTPS must be green.
	HTTPSRequired bool

	// Findings lists the problems in a fixed order: CNAME, HTTP, HTTPS.
	Findings []finding.Finding
}

// Has reports whether the report holds a finding with the given code.
func (r *Report) Has(code finding.Code) bool {
	for _, f := range r.Findings {
		if f.Code == code {
			return true
		}
	}
	return false
}

// Check checks the link-tracking host: its CNAME against the expected
// targets (one or several, such as a provider's regional tracking hosts),
// whether http:// links to it work (HSTS turns them red), and whether
// https:// links work (certificate for the host, valid chain, not
// expired).
//
// The returned error is only for input that cannot be checked (an invalid
// host or target name, or a host that is an IP address: [ErrHostIsAddress])
// or a cancelled context; everything found about the
// host, DNS failures included, is in the Report. Every connection goes
// through the Checker's guarded dialer; the HTTP, HTTPS and HSTS probes run
// concurrently. With no expected target, any CNAME counts as correct.
func (c *Checker) Check(ctx context.Context, host string, expected ...string) (*Report, error) {
	if isAddressHost(host) {
		return nil, fmt.Errorf("tracking: host %q: %w: a tracking host is a name under the customer's domain, such as link.example.com, with a CNAME to the provider", host, ErrHostIsAddress)
	}
	h, err := dnsname.Normalize(host)
	if err != nil {
		return nil, fmt.Errorf("tracking: host: %w", err)
	}
	if dnsname.CountLabels(h) < 2 {
		return nil, fmt.Errorf("tracking: host %q: a tracking host must be below a domain", host)
	}
	if len(expected) > maxExpected {
		return nil, fmt.Errorf("tracking: %d expected targets, at most %d", len(expected), maxExpected)
	}
	r := &Report{Host: h}
	for _, e := range expected {
		n, err := dnsname.Normalize(e)
		if err != nil {
			return nil, fmt.Errorf("tracking: expected target: %w", err)
		}
		r.Expected = append(r.Expected, n)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	r.CNAME = c.checkCNAME(ctx, h, r.Expected)

	d := c.newDialer()
	tld, preloaded := PreloadedTLD(h)
	var wg sync.WaitGroup
	var httpRes httpProbe
	var hsts []hstsProbe
	wg.Go(func() { r.HTTPS = c.checkHTTPS(ctx, d, h) })
	if !preloaded {
		// A preloaded TLD makes http:// links fail whatever the host or
		// its parents send, so the probes would change nothing.
		names := hstsNames(h)
		hsts = make([]hstsProbe, len(names))
		for i, n := range names {
			wg.Go(func() { hsts[i] = c.probeHSTS(ctx, d, n, h) })
		}
		wg.Go(func() { httpRes = c.probeHTTP(ctx, d, h) })
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	r.HTTP = buildHTTPResult(tld, preloaded, httpRes, hsts)
	r.HTTPSRequired = r.HTTP.Preloaded || len(r.HTTP.applying()) > 0
	r.Findings = c.findings(r)
	return r, nil
}

// ErrHostIsAddress is returned (wrapped) by Check for a host that is an IP
// address, or reads as one.
var ErrHostIsAddress = errors.New("the tracking host is an IP address, not a host name")

// isAddressHost reports whether host is an IP address: any form
// netip.ParseAddr accepts (with brackets, a zone or a trailing dot), or a
// name whose last label is a number, decimal or 0x-hexadecimal, which
// inet_aton and URL parsers read as an IPv4 address (127.1, 0x7f.0.0.1).
// No top-level domain is all-numeric (RFC 3696 section 2), so no host name
// is refused.
func isAddressHost(host string) bool {
	h := strings.TrimSuffix(host, ".")
	if len(h) >= 2 && h[0] == '[' && h[len(h)-1] == ']' {
		h = h[1 : len(h)-1]
	}
	if _, err := netip.ParseAddr(h); err == nil {
		return true
	}
	last := h[strings.LastIndexByte(h, '.')+1:]
	if len(last) >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X') {
		last = last[2:]
		for i := 0; i < len(last); i++ {
			if !strings.ContainsRune("0123456789abcdefABCDEF", rune(last[i])) {
				return false
			}
		}
		return true
	}
	if last == "" {
		return false
	}
	for i := 0; i < len(last); i++ {
		if last[i] < '0' || last[i] > '9' {
			return false
		}
	}
	return true
}

// maxExpected bounds the expected targets of one Check.
const maxExpected = 16

// hstsNames returns the names whose HSTS policy can cover host: host itself
// and its parents down to (and including) the registrable domain. A policy
// set on a public suffix cannot be set by a site at all.
func hstsNames(host string) []string {
	names := []string{host}
	reg, err := dnsname.Registrable(host)
	if err != nil {
		return names
	}
	for p := dnsname.Parent(host); p != "" && dnsname.IsSubdomain(p, reg); p = dnsname.Parent(p) {
		names = append(names, p)
	}
	return names
}
