package tracking

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"runtime/debug"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/domainauth/domainauth/finding"
)

// A correctly signed link whose destination is not http(s) (possible only
// with the key, e.g. a link made by another version of this code) is still
// refused: the handler never redirects to javascript: or data: URLs.
func TestRedirectorRefusesSignedBadDestination(t *testing.T) {
	k, err := NewKeyring(Key{ID: "k", Secret: []byte("0123456789abcdef0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	l := &Linker{Host: "link.example.com", Keys: k}
	dest := "javascript:alert(document.cookie)"
	mac := sign(k.keys[0].Secret, "link.example.com", "k", "0", dest)
	path := "/c/k.0." + base64.RawURLEncoding.EncodeToString([]byte(dest)) + "." + base64.RawURLEncoding.EncodeToString(mac)
	if _, err := l.Verify("https://link.example.com" + path); !errors.Is(err, ErrBadDestination) {
		t.Errorf("Verify: %v, want ErrBadDestination", err)
	}
	rec := httptest.NewRecorder()
	(&Redirector{Linker: l}).ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	if rec.Code != http.StatusBadRequest || rec.Header().Get("Location") != "" {
		t.Errorf("handler: %d, Location %q", rec.Code, rec.Header().Get("Location"))
	}
}

// staticResolver answers every name with the same addresses.
type staticResolver []netip.Addr

func (s staticResolver) LookupCNAME(_ context.Context, host string) (string, error) {
	return host + ".", nil
}

func (s staticResolver) LookupNetIP(context.Context, string, string) ([]netip.Addr, error) {
	return s, nil
}

// The dialer refuses before connecting: with only private addresses (and
// literal ones) it returns the guard's error and never calls the socket
// layer. The error is the guard's, not one from the socket layer.
func TestDialerRefusesBeforeConnecting(t *testing.T) {
	for _, tc := range []struct {
		res  staticResolver
		addr string
	}{
		{staticResolver{netip.MustParseAddr("10.0.0.1")}, "internal.example.com:80"},
		{staticResolver{netip.MustParseAddr("192.168.10.1"), netip.MustParseAddr("fd00::5")}, "internal.example.com:443"},
		{nil, "10.0.0.1:80"},
		{nil, "[::ffff:192.168.0.1]:443"},
		{nil, "169.254.169.254:80"},
	} {
		d := &dialer{resolver: tc.res, guard: PublicOnly, timeout: time.Second}
		conn, err := d.DialContext(context.Background(), "tcp", tc.addr)
		if conn != nil {
			conn.Close()
			t.Fatalf("%s: connected", tc.addr)
		}
		var ae *AddressError
		if !errors.As(err, &ae) || !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("%s: err = %v, want *AddressError", tc.addr, err)
		}
		// Every error of net.Dialer, the Control hook's included, comes
		// as a *net.OpError: none means the socket layer was never used.
		var oe *net.OpError
		if errors.As(err, &oe) {
			t.Errorf("%s: error from the socket layer: %v", tc.addr, err)
		}
	}
}

// With a mix, only the allowed addresses are dialled.
func TestDialerSkipsRefusedAddresses(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	ap := netip.MustParseAddrPort(srv.Listener.Addr().String())
	d := &dialer{
		resolver: staticResolver{netip.MustParseAddr("10.0.0.1"), ap.Addr()},
		guard:    AllowLoopback,
		timeout:  time.Second,
		httpPort: int(ap.Port()),
	}
	conn, err := d.DialContext(context.Background(), "tcp", "mixed.example.com:80")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if got := conn.RemoteAddr().String(); got != ap.String() {
		t.Errorf("connected to %s, want %s", got, ap)
	}
}

// The Control hook is the last line: a guard that allows an address at
// resolution time but refuses it at connect time (as if the address had
// changed) stops the connection.
func TestDialerControlHook(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	ap := netip.MustParseAddrPort(srv.Listener.Addr().String())
	calls := 0
	d := &dialer{
		resolver: staticResolver{ap.Addr()},
		guard: func(a netip.Addr) error {
			calls++
			if calls == 1 {
				return nil
			}
			return ErrForbiddenAddress
		},
		timeout:  time.Second,
		httpPort: int(ap.Port()),
	}
	conn, err := d.DialContext(context.Background(), "tcp", "flip.example.com:80")
	if err == nil {
		conn.Close()
		t.Fatal("connected despite the Control hook")
	}
	if !errors.Is(err, ErrForbiddenAddress) || calls != 2 {
		t.Errorf("err = %v after %d guard calls", err, calls)
	}
}

// rebindResolver answers the first lookup with first and every later one
// with then: a DNS rebinding attack, in which a name passes the check
// with a public address and is then pointed at an internal one.
type rebindResolver struct {
	mu          sync.Mutex
	calls       int
	first, then netip.Addr
}

func (r *rebindResolver) LookupCNAME(_ context.Context, host string) (string, error) {
	return host + ".", nil
}

func (r *rebindResolver) LookupNetIP(context.Context, string, string) ([]netip.Addr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if r.calls == 1 {
		return []netip.Addr{r.first}, nil
	}
	return []netip.Addr{r.then}, nil
}

// The guard judges the address of every connection, the connections made
// to follow a redirect included, not the first answer for a name: a name
// rebound to an internal address between the first request and the
// redirect is refused.
func TestGuardOnRedirectAfterRebinding(t *testing.T) {
	var mu sync.Mutex
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		if r.URL.Path == "/" {
			http.Redirect(w, r, "/next", http.StatusFound)
		}
	}))
	defer srv.Close()
	ap := netip.MustParseAddrPort(srv.Listener.Addr().String())
	res := &rebindResolver{first: ap.Addr(), then: netip.MustParseAddr("10.0.0.1")}
	c := &Checker{Resolver: res, Guard: AllowLoopback, HTTPPort: int(ap.Port())}
	p := c.probeHTTP(context.Background(), c.newDialer(), "rebind.example.com")
	var ae *AddressError
	if !errors.As(p.err, &ae) || ae.Addr != res.then || !errors.Is(p.err, ErrForbiddenAddress) {
		t.Fatalf("probe error = %v, want the guard's refusal of %s", p.err, res.then)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(paths) != 1 || paths[0] != "/" {
		t.Errorf("server saw %q, want only the first request", paths)
	}
	if res.calls != 2 {
		t.Errorf("%d lookups, want one per connection (2)", res.calls)
	}
}

// A name with no addresses (and no error from the resolver) is an error,
// never a nil connection.
func TestDialerNoAddresses(t *testing.T) {
	d := &dialer{resolver: staticResolver{}, guard: AllowLoopback, timeout: time.Second}
	conn, err := d.DialContext(context.Background(), "tcp", "empty.example.com:80")
	if conn != nil {
		conn.Close()
	}
	if err == nil || conn != nil {
		t.Fatalf("DialContext = %v, %v; want an error", conn, err)
	}
}

// When an address refuses the connection, the next one is tried.
func TestDialerTriesNextAddress(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	ap := netip.MustParseAddrPort(srv.Listener.Addr().String())
	// 127.0.0.2 is loopback too, with nothing listening on the port.
	d := &dialer{
		resolver: staticResolver{netip.MustParseAddr("127.0.0.2"), ap.Addr()},
		guard:    AllowLoopback,
		timeout:  5 * time.Second,
		httpPort: int(ap.Port()),
	}
	conn, err := d.DialContext(context.Background(), "tcp", "two.example.com:80")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if got := conn.RemoteAddr().String(); got != ap.String() {
		t.Errorf("connected to %s, want %s", got, ap)
	}
}

// A resolver that names the host itself as its canonical name but has no
// addresses for it (net.Resolver's shape for a name with neither): the
// CNAME is missing, not proxied.
func TestCNAMENoAddressesIsMissing(t *testing.T) {
	c := &Checker{Resolver: staticResolver{}, Guard: func(netip.Addr) error { return ErrForbiddenAddress }}
	if r := c.checkCNAME(context.Background(), "link.example.com", []string{"e.provider.test"}); r.Status != CNAMEMissing {
		t.Errorf("status = %v, want missing", r.Status)
	}
}

// Ports 80 and 443 are replaced only when HTTPPort / HTTPSPort are set.
func TestDialerMapPort(t *testing.T) {
	d := &dialer{}
	for _, p := range []string{"80", "443", "8080"} {
		if got := d.mapPort(p); got != p {
			t.Errorf("zero dialer: mapPort(%s) = %s", p, got)
		}
	}
	d = &dialer{httpPort: 1, httpsPort: 2}
	if d.mapPort("80") != "1" || d.mapPort("443") != "2" || d.mapPort("8080") != "8080" {
		t.Errorf("mapPort: %s %s %s", d.mapPort("80"), d.mapPort("443"), d.mapPort("8080"))
	}
}

// queryFunc is a querier made of a function.
type queryFunc func() (*dns.Msg, error)

func (f queryFunc) Query(context.Context, string, uint16) (*dns.Msg, error) { return f() }

// A raw query that fails, or answers nothing, gives no chain: an answer
// that came with an error is not used.
func TestCNAMEChainQueryFailure(t *testing.T) {
	withCNAME := new(dns.Msg)
	cn, err := dns.NewRR("link.example.com. 300 IN CNAME e.provider.test.")
	if err != nil {
		t.Fatal(err)
	}
	withCNAME.Answer = append(withCNAME.Answer, cn)
	if got := cnameChain(context.Background(), queryFunc(func() (*dns.Msg, error) { return withCNAME, nil }), "link.example.com"); len(got) != 1 || got[0] != "e.provider.test" {
		t.Fatalf("chain = %q, want [e.provider.test]", got)
	}
	for name, q := range map[string]queryFunc{
		"nil answer":       func() (*dns.Msg, error) { return nil, nil },
		"answer and error": func() (*dns.Msg, error) { return withCNAME, errors.New("truncated") },
	} {
		if got := cnameChain(context.Background(), q, "link.example.com"); got != nil {
			t.Errorf("%s: chain = %q, want none", name, got)
		}
	}
}

// The HTTPS check closes its connection when it is done: the server reads
// EOF, rather than waiting on a connection the checker forgot. The garbage
// collector is off meanwhile, as its finalizer would close a forgotten
// connection sooner or later and hide the leak.
func TestHTTPSCheckClosesConnection(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(-1))
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		DNSNames:     []string{"link.example.com"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert := tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	closed := make(chan error, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			closed <- err
			return
		}
		defer conn.Close()
		tc := tls.Server(conn, &tls.Config{Certificates: []tls.Certificate{cert}})
		if err := tc.Handshake(); err != nil {
			closed <- err
			return
		}
		_, err = io.Copy(io.Discard, tc) // returns when the client closes
		closed <- err
	}()
	ap := netip.MustParseAddrPort(ln.Addr().String())
	c := &Checker{Resolver: staticResolver{ap.Addr()}, Guard: AllowLoopback, HTTPSPort: int(ap.Port())}
	r := c.checkHTTPS(context.Background(), c.newDialer(), "link.example.com")
	if r.Err != nil && r.Problem == finding.CodeHTTPSHandshake {
		t.Fatalf("handshake failed: %v", r.Err)
	}
	select {
	case err := <-closed:
		if err != nil {
			t.Errorf("server: %v", err)
		}
	case <-time.After(10 * time.Second): // the close is immediate; this only stops a hang
		t.Fatal("the checker left its connection open")
	}
}
