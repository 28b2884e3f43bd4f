package tracking

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sync/atomic"

	"github.com/domainauth/domainauth/internal/dnsname"
)

// HTTPResult is the state of http:// tracked links to the host.
type HTTPResult struct {
	// Status is red when http:// links fail: an HSTS policy applies (the
	// host's, a parent's with includeSubDomains, a preloaded TLD), the
	// host does not answer (no address, connection refused, a refused
	// address) or answers with a server error. It is unknown when that
	// cannot be told: the http:// request did not complete (Incomplete),
	// or an HSTS probe did not (HSTSUnknown), and nothing else made it
	// red. It is green otherwise: an answer below 500 and every HSTS probe
	// answered without a policy that applies.
	Status Status
	// StatusCode is the HTTP status of the last response (0 when none),
	// after same-host http:// redirects.
	StatusCode int
	// Location is the redirect target of that response, when it was a
	// redirect that was not followed (to https://, or to another host).
	Location string
	// Preloaded is true when the host's TLD is on the browsers' HSTS
	// preload list; TLD names it. The HSTS probes are then skipped.
	Preloaded bool
	TLD       string // the preloaded TLD without a dot, e.g. "dev"; empty unless Preloaded
	// HSTS lists the Strict-Transport-Security headers found over HTTPS
	// on the host and its parents up to the registrable domain, whether
	// or not they cover the host (see HSTSSource.Applies).
	HSTS []HSTSSource
	// HSTSUnknown lists the names (the host or a parent) whose HSTS
	// probe could not complete: whether they send Strict-Transport-Security
	// is not known. A probe that ends in a definite "no HTTPS here" (name
	// not found, connection refused, TLS handshake or certificate failure,
	// which RFC 6797 section 8.1 makes a browser ignore too) is not listed:
	// it means no HSTS.
	HSTSUnknown []HSTSFailure
	// Err is why no HTTP response was had.
	Err error
	// Incomplete is true when Err leaves the question open: the request
	// timed out, the response headers went over MaxHeaderBytes, the
	// connection broke after it was made, or DNS failed temporarily. A
	// server that answers slowly or with huge headers may still serve
	// browsers, so this makes Status unknown rather than red.
	Incomplete bool
}

// HSTSFailure is an HSTS probe that could not complete.
type HSTSFailure struct {
	Host string // the name probed: the tracking host or one of its parents
	Err  error  // why: a timeout, headers over MaxHeaderBytes, a temporary DNS failure, an address the guard refused, ...
}

// applying returns the HSTS sources that cover the host.
func (r HTTPResult) applying() []HSTSSource {
	var out []HSTSSource
	for _, s := range r.HSTS {
		if s.Applies {
			out = append(out, s)
		}
	}
	return out
}

// HSTSSource is one Strict-Transport-Security header found over HTTPS.
type HSTSSource struct {
	// Host sent the header (the tracking host or one of its parents).
	Host string
	// Header is the raw header value; Policy its parsed form (zero when
	// ParseErr is set: browsers ignore an invalid header).
	Header   string
	Policy   HSTS  // the parsed Header; the zero HSTS when ParseErr is set
	ParseErr error // why ParseHSTS rejected Header; nil when it parsed
	// Applies is true when the policy covers the tracking host: it was
	// sent by the host itself, or by a parent with includeSubDomains,
	// with a max-age above zero (RFC 6797 section 8.2).
	Applies bool
}

type httpProbe struct {
	statusCode int
	location   string
	err        error
	incomplete bool // err leaves the answer open, see unanswered
}

type hstsProbe struct {
	name  string // the name probed
	src   HSTSSource
	found bool
	err   error // why no response was had
	// unknown: err leaves open whether the name sends HSTS (see
	// unanswered); otherwise err means no HTTPS, hence no HSTS.
	unknown bool
}

// transport returns an HTTP transport that connects only through d, never
// through a proxy from the environment, and keeps no connections.
func (c *Checker) transport(d *dialer) *http.Transport {
	return &http.Transport{
		Proxy:       nil,
		DialContext: d.DialContext,
		TLSClientConfig: &tls.Config{
			RootCAs:    c.Roots,
			MinVersion: tls.VersionTLS12,
			Time:       c.Now,
		},
		TLSHandshakeTimeout:    orDuration(c.TLSTimeout, DefaultTLSTimeout),
		ResponseHeaderTimeout:  orDuration(c.RequestTimeout, DefaultRequestTimeout),
		MaxResponseHeaderBytes: c.maxHeader(),
		DisableKeepAlives:      true,
		DisableCompression:     true,
	}
}

// get sends one GET through client and reads at most MaxBodyBytes of the
// body. connected tells, after an error, whether a connection (with TLS,
// for https) was made before it: the server may then have sent what could
// not be read.
func (c *Checker) get(ctx context.Context, client *http.Client, u string) (resp *http.Response, connected bool, err error) {
	ctx, cancel := context.WithTimeout(ctx, orDuration(c.RequestTimeout, DefaultRequestTimeout))
	defer cancel()
	var conn atomic.Bool
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { conn.Store(true) },
	})
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, false, err
	}
	req.Header.Set("User-Agent", c.userAgent())
	resp, err = client.Do(req)
	if err != nil {
		return nil, conn.Load(), err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, c.maxBody()))
	resp.Body.Close()
	return resp, true, nil
}

// unanswered reports whether a failed request leaves the question open,
// rather than saying that no server answers: a timeout (the server may
// answer later), a DNS failure other than "not found", or any failure
// after the connection was made (headers over MaxHeaderBytes, a reset, a
// malformed response: the server answered, and what it said was not
// read). A name that does not exist, a refused connection and a failed
// TLS handshake or certificate are answers.
func unanswered(err error, connected bool) bool {
	if connected || isTimeout(err) {
		return true
	}
	var de *net.DNSError
	return errors.As(err, &de) && !de.IsNotFound
}

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// probeHTTP requests http://host/ and follows redirects only to http:// on
// the same host.
func (c *Checker) probeHTTP(ctx context.Context, d *dialer, host string) httpProbe {
	max := c.maxRedirects()
	client := &http.Client{
		Transport: c.transport(d),
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > max || req.URL.Scheme != "http" || !dnsname.Equal(req.URL.Hostname(), host) || req.URL.Port() != "" {
				return http.ErrUseLastResponse
			}
			return nil
		},
	}
	resp, connected, err := c.get(ctx, client, (&url.URL{Scheme: "http", Host: host, Path: "/"}).String())
	if err != nil {
		var ae *AddressError
		return httpProbe{
			err: unwrapURLError(err),
			// A refused address is an answer here: links to it fail.
			incomplete: unanswered(err, connected) && !errors.As(err, &ae),
		}
	}
	p := httpProbe{statusCode: resp.StatusCode}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		p.location = resp.Header.Get("Location")
	}
	return p
}

// probeHSTS requests https://name/ with full certificate verification (a
// browser ignores HSTS received over a connection with certificate errors,
// RFC 6797 section 8.1) and reads the first Strict-Transport-Security
// header of the first response, without following redirects. A probe that
// cannot complete (see unanswered), or that the guard stops, leaves the
// answer unknown: a browser that reaches the name may see a policy there.
func (c *Checker) probeHSTS(ctx context.Context, d *dialer, name, host string) hstsProbe {
	client := &http.Client{
		Transport: c.transport(d),
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	resp, connected, err := c.get(ctx, client, (&url.URL{Scheme: "https", Host: name, Path: "/"}).String())
	if err != nil {
		var ae *AddressError
		return hstsProbe{name: name, err: unwrapURLError(err), unknown: unanswered(err, connected) || errors.As(err, &ae)}
	}
	v := resp.Header.Values("Strict-Transport-Security")
	if len(v) == 0 {
		return hstsProbe{name: name}
	}
	// RFC 6797 section 8.1: only the first header field is processed.
	src := HSTSSource{Host: name, Header: v[0]}
	src.Policy, src.ParseErr = ParseHSTS(v[0])
	if src.ParseErr == nil && src.Policy.MaxAge > 0 {
		src.Applies = name == host || src.Policy.IncludeSubDomains
	}
	return hstsProbe{name: name, src: src, found: true}
}

func buildHTTPResult(tld string, preloaded bool, p httpProbe, hsts []hstsProbe) HTTPResult {
	r := HTTPResult{Preloaded: preloaded, TLD: tld}
	if preloaded {
		r.Status = StatusRed
		return r
	}
	r.StatusCode, r.Location, r.Err, r.Incomplete = p.statusCode, p.location, p.err, p.incomplete
	for _, h := range hsts {
		switch {
		case h.found:
			r.HSTS = append(r.HSTS, h.src)
		case h.unknown:
			r.HSTSUnknown = append(r.HSTSUnknown, HSTSFailure{Host: h.name, Err: h.err})
		}
	}
	switch {
	case len(r.applying()) > 0, r.Err != nil && !r.Incomplete, r.StatusCode >= 500:
		r.Status = StatusRed
	case r.Incomplete, len(r.HSTSUnknown) > 0:
		r.Status = StatusUnknown
	default:
		r.Status = StatusGreen
	}
	return r
}

// unwrapURLError drops the *url.Error layer ("Get \"http://...\": ...")
// that net/http adds; the report already names the host.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
