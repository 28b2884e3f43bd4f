package tracking

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"net/url"

	"github.com/domainauth/domainauth/internal/dnsname"
)

// HTTPResult is the state of http:// tracked links to the host.
type HTTPResult struct {
	// Status is green when an http:// request to the host gets an answer
	// (any status below 500) and no HSTS policy applies; red otherwise.
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
	// Err is why no HTTP response was had.
	Err error
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
}

type hstsProbe struct {
	src   HSTSSource
	found bool
	err   error // TLS or connection failure: no policy could be received
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
		MaxResponseHeaderBytes: c.maxBody(),
		DisableKeepAlives:      true,
		DisableCompression:     true,
	}
}

// get sends one GET through client and reads at most MaxBodyBytes of the
// body.
func (c *Checker) get(ctx context.Context, client *http.Client, u string) (*http.Response, error) {
	ctx, cancel := context.WithTimeout(ctx, orDuration(c.RequestTimeout, DefaultRequestTimeout))
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", c.userAgent())
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, c.maxBody()))
	resp.Body.Close()
	return resp, nil
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
	resp, err := c.get(ctx, client, (&url.URL{Scheme: "http", Host: host, Path: "/"}).String())
	if err != nil {
		return httpProbe{err: unwrapURLError(err)}
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
// header of the first response, without following redirects.
func (c *Checker) probeHSTS(ctx context.Context, d *dialer, name, host string) hstsProbe {
	client := &http.Client{
		Transport: c.transport(d),
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
	resp, err := c.get(ctx, client, (&url.URL{Scheme: "https", Host: name, Path: "/"}).String())
	if err != nil {
		return hstsProbe{err: unwrapURLError(err)}
	}
	v := resp.Header.Values("Strict-Transport-Security")
	if len(v) == 0 {
		return hstsProbe{}
	}
	// RFC 6797 section 8.1: only the first header field is processed.
	src := HSTSSource{Host: name, Header: v[0]}
	src.Policy, src.ParseErr = ParseHSTS(v[0])
	if src.ParseErr == nil && src.Policy.MaxAge > 0 {
		src.Applies = name == host || src.Policy.IncludeSubDomains
	}
	return hstsProbe{src: src, found: true}
}

func buildHTTPResult(host, tld string, preloaded bool, p httpProbe, hsts []hstsProbe) HTTPResult {
	r := HTTPResult{Preloaded: preloaded, TLD: tld}
	if preloaded {
		r.Status = StatusRed
		return r
	}
	r.StatusCode, r.Location, r.Err = p.statusCode, p.location, p.err
	for _, h := range hsts {
		if h.found {
			r.HSTS = append(r.HSTS, h.src)
		}
	}
	switch {
	case len(r.applying()) > 0, r.Err != nil, r.StatusCode >= 500:
		r.Status = StatusRed
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
