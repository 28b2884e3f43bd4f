package tracking_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"net/netip"
	"strings"
	"time"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/tracking"
)

// A tracking host under .dev, a TLD on the browsers' HSTS preload list:
// http:// links cannot work there, whatever the host sends. The fake
// resolver gives the provider's host no address, so the HTTPS check finds
// nothing to connect to and no packet leaves the machine.
func ExampleChecker_Check() {
	res := domainauth.MustFakeResolver(`
$ORIGIN example.dev.
link  CNAME  e-eu.provider.test.
`)
	c := &tracking.Checker{Resolver: res}
	// The provider's tracking hosts, one per region.
	r, err := c.Check(context.Background(), "link.example.dev", "e.provider.test", "e-eu.provider.test")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("CNAME:", r.CNAME.Status, "to", r.CNAME.Target)
	fmt.Println("HTTP: ", r.HTTP.Status)
	fmt.Println("HTTPS:", r.HTTPS.Status, r.HTTPS.Problem)
	fmt.Println("HTTPS required:", r.HTTPSRequired)
	for _, f := range r.Findings {
		fmt.Println(f.Severity, f.Code)
	}
	fmt.Println(r.Findings[0].Fix)
	// Output:
	// CNAME: ok to e-eu.provider.test
	// HTTP:  red
	// HTTPS: red https-unreachable
	// HTTPS required: true
	// error hsts-preloaded-tld
	// error https-unreachable
	// Set up HTTPS link tracking for link.example.dev (a certificate that covers it) and send https:// links only.
}

// A CNAME hidden by a DNS proxy: the name answers with the proxy's
// addresses. The guard here refuses every connection, so the example only
// reads DNS.
func ExampleChecker_Check_proxied() {
	res := domainauth.MustFakeResolver(`
$ORIGIN example.com.
link  A  104.16.0.1
`)
	c := &tracking.Checker{
		Resolver: res,
		Guard:    func(netip.Addr) error { return errors.New("not in this example") },
	}
	r, _ := c.Check(context.Background(), "link.example.com", "e.provider.test")
	fmt.Println(r.CNAME.Status, r.CNAME.Addrs)
	fmt.Println(r.Findings[0].Message)
	fmt.Println(r.Findings[0].Fix)
	// Output:
	// proxied [104.16.0.1]
	// link.example.com answers with addresses (104.16.0.1) instead of a CNAME: a DNS proxy, such as Cloudflare's orange cloud, hides the record.
	// Turn the proxy off for "link" (in Cloudflare: Proxy status "DNS only", the grey cloud) so that the CNAME to e.provider.test is published as it is.
}

// Building a tracked link and verifying it back. The signature in the
// output can be checked with any HMAC-SHA256 tool: it is computed over
// "domainauth-tracking-link-v1", the host, the key id, the expiry and the
// destination, each but the last followed by a zero byte.
func ExampleLinker() {
	keys, err := tracking.NewKeyring(
		tracking.Key{ID: "2026-11", Secret: []byte("example secret, use 32 random bytes")}, // signs
		tracking.Key{ID: "2026-10", Secret: []byte("last month's secret, still verifies")}, // verifies
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	l := &tracking.Linker{
		Host: "link.example.com",
		Keys: keys,
		TTL:  90 * 24 * time.Hour,
		Now:  func() time.Time { return time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC) },
	}
	link, err := l.Link("https://shop.example.com/sale?utm_source=mail")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(link)

	v, err := l.Verify(link)
	fmt.Println(v.Destination, v.Expires.Format(time.DateOnly), err)

	// Pointing the link somewhere else breaks the signature.
	parts := strings.Split(link, ".")
	parts[len(parts)-2] = "aHR0cHM6Ly9ldmlsLmV4YW1wbGUv" // https://evil.example/
	_, err = l.Verify(strings.Join(parts, "."))
	fmt.Println(errors.Is(err, tracking.ErrBadSignature))
	// Output:
	// https://link.example.com/c/2026-11.ttk5c0.aHR0cHM6Ly9zaG9wLmV4YW1wbGUuY29tL3NhbGU_dXRtX3NvdXJjZT1tYWls.dLQ6vLVAMvxRBc2aO4uQR3de0ZqDXs0mYOsO7InA0T8
	// https://shop.example.com/sale?utm_source=mail 2027-02-21 <nil>
	// true
}

func ExampleRedirector() {
	keys, _ := tracking.NewKeyring(tracking.Key{ID: "k1", Secret: []byte("example secret, use 32 random bytes")})
	l := &tracking.Linker{Host: "link.example.com", Keys: keys}
	h := &tracking.Redirector{Linker: l}

	link, _ := l.Link("https://example.com/welcome")
	for _, target := range []string{link, link[:len(link)-4] + "AAAA", "https://link.example.com/c/k1.0.aHR0cHM6Ly9ldmlsLmV4YW1wbGUv.x"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
		fmt.Println(strings.TrimSpace(fmt.Sprint(rec.Code, " ", rec.Header().Get("Location"))))
	}
	// Output:
	// 302 https://example.com/welcome
	// 403
	// 400
}
