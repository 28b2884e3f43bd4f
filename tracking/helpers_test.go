package tracking_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The test clock: every certificate validity below is relative to it.
var testNow = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func clock() time.Time { return testNow }

// testCA is a certificate authority made for one test.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool
}

var serial struct {
	sync.Mutex
	n int64
}

func nextSerial() *big.Int {
	serial.Lock()
	defer serial.Unlock()
	serial.n++
	return big.NewInt(serial.n)
}

func newCA(t testing.TB, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          nextSerial(),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             testNow.AddDate(-5, 0, 0),
		NotAfter:              testNow.AddDate(5, 0, 0),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &testCA{cert: cert, key: key, pool: pool}
}

// leaf issues a server certificate for names, valid from notBefore to
// notAfter. A nil ca makes it self-signed.
func (ca *testCA) leaf(t testing.TB, notBefore, notAfter time.Time, names ...string) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: nextSerial(),
		Subject:      pkix.Name{CommonName: names[0]},
		DNSNames:     names,
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	parent, signer := tmpl, any(key)
	if ca != nil {
		parent, signer = ca.cert, ca.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// valid is a validity period around testNow.
func (ca *testCA) valid(t testing.TB, names ...string) tls.Certificate {
	return ca.leaf(t, testNow.AddDate(0, -2, 0), testNow.AddDate(0, 2, 0), names...)
}

// site is what one host name serves in the test world.
type site struct {
	cert     *tls.Certificate // served for this SNI name; nil: handshake fails
	hsts     string           // Strict-Transport-Security value over HTTPS, "" for none
	httpCode int              // status of http:// requests; 0 means 200
	location string           // Location of http:// responses
	// chain makes every http:// path redirect to the next: "/" to "/1",
	// "/1" to "/2", and so on without end.
	chain bool
	// stall makes HTTPS responses wait until the client gives up (or
	// 30 s), then answer: a server slower than the request timeout.
	stall bool
	// filler adds a header of this many bytes to HTTPS responses, to make
	// the header block as large as wanted.
	filler int
}

// world is an HTTP and an HTTPS server on 127.0.0.1 that answer as the
// sites say, by SNI name and Host header, and log the requests they get.
type world struct {
	http, https *httptest.Server
	mu          sync.Mutex
	sites       map[string]*site
	seen        []string      // "http host path" / "https host path" / "tls sni"
	done        chan struct{} // closed when the test ends: stalled handlers return
}

func newWorld(t *testing.T, sites map[string]*site) *world {
	t.Helper()
	w := &world{sites: sites, done: make(chan struct{})}
	w.http = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		host := hostOnly(r.Host)
		w.log("http " + host + " " + r.URL.Path)
		s := w.site(host)
		if s == nil {
			http.NotFound(rw, r)
			return
		}
		code := s.httpCode
		if s.chain {
			n, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/"))
			rw.Header().Set("Location", "/"+strconv.Itoa(n+1))
			rw.WriteHeader(http.StatusFound)
			return
		}
		if s.location != "" {
			if r.URL.Path != "/" {
				code = http.StatusOK // the redirect target
			} else {
				rw.Header().Set("Location", s.location)
			}
		}
		if code == 0 {
			code = http.StatusOK
		}
		rw.WriteHeader(code)
		_, _ = rw.Write([]byte(strings.Repeat("x", 1<<10)))
	}))
	t.Cleanup(w.http.Close)

	w.https = httptest.NewUnstartedServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		host := hostOnly(r.Host)
		w.log("https " + host + " " + r.URL.Path)
		s := w.site(host)
		if s != nil && s.stall {
			// Wait for the end of the test, not for the request's context:
			// a stalled server must never answer while the client still
			// listens, whatever ends the context on a loaded machine.
			select {
			case <-w.done:
			case <-time.After(30 * time.Second):
			}
		}
		if s != nil && s.hsts != "" {
			rw.Header().Set("Strict-Transport-Security", s.hsts)
		}
		if s != nil && s.filler > 0 {
			rw.Header().Set("X-Filler", strings.Repeat("f", s.filler))
		}
		rw.WriteHeader(http.StatusOK)
	}))
	w.https.TLS = &tls.Config{
		GetCertificate: func(hello *tls.ClientHelloInfo) (*tls.Certificate, error) {
			w.log("tls " + hello.ServerName)
			if s := w.site(hello.ServerName); s != nil && s.cert != nil {
				return s.cert, nil
			}
			return nil, errNoCert
		},
	}
	w.https.Config.ErrorLog = quietLog()
	w.https.StartTLS()
	t.Cleanup(w.https.Close)
	t.Cleanup(func() { close(w.done) }) // runs first: Close waits for the stalled handlers
	return w
}

func (w *world) site(host string) *site {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.sites[host]
}

func (w *world) log(s string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.seen = append(w.seen, s)
}

func (w *world) requests() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.seen...)
}

func (w *world) sawPrefix(prefix string) bool {
	for _, s := range w.requests() {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

func port(t testing.TB, srv *httptest.Server) int {
	t.Helper()
	ap, err := netip.ParseAddrPort(srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	return int(ap.Port())
}

func hostOnly(hostport string) string {
	if i := strings.LastIndexByte(hostport, ':'); i >= 0 {
		if _, err := strconv.Atoi(hostport[i+1:]); err == nil {
			return hostport[:i]
		}
	}
	return hostport
}
