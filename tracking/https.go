package tracking

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math"
	"net"
	"strings"
	"time"

	"github.com/domainauth/domainauth/finding"
)

// HTTPSResult is the state of https:// tracked links to the host: what the
// TLS handshake (with SNI for the host) showed.
type HTTPSResult struct {
	// Status is green when the handshake succeeds and the certificate
	// covers the host, is within its validity period and chains to a
	// trusted root.
	Status Status
	// Problem is the finding code of the first reason for red
	// (finding.CodeHTTPSNotCovered, finding.CodeHTTPSExpired, finding.CodeHTTPSUntrusted,
	// finding.CodeHTTPSHandshake, finding.CodeHTTPSUnreachable, finding.CodeAddressForbidden),
	// "" when green. Problems lists every failed property (a certificate
	// can be both expired and for another name); Reason says them in
	// words.
	Problem  finding.Code
	Problems []finding.Code // the finding codes of every failed property, Problem first; nil when green
	Reason   string         // the problems in words, joined by "; "; empty when green

	// The leaf certificate, when the handshake got that far.
	Subject   string    // subject common name
	Issuer    string    // issuer common name
	DNSNames  []string  // subject alternative names (DNS)
	NotBefore time.Time // start of the leaf's validity period; zero without a certificate
	NotAfter  time.Time // end of the leaf's validity period; zero without a certificate
	// DaysLeft counts whole days until NotAfter, rounded down (negative
	// once expired). The https-expiring finding words it for people:
	// days rounded to the nearest, hours under two days.
	DaysLeft int

	// Covered, Expired and Trusted are the individual verdicts.
	Covered bool
	Expired bool // outside [NotBefore, NotAfter]
	Trusted bool // chains to Checker.Roots (or the system's), judged within the leaf's validity period

	// Err is the connection, handshake or verification error.
	Err error
}

func (c *Checker) checkHTTPS(ctx context.Context, d *dialer, host string) HTTPSResult {
	var r HTTPSResult
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, "443"))
	if err != nil {
		r.Status, r.Err = StatusRed, err
		var ae *AddressError
		if errors.As(err, &ae) {
			r.Problem, r.Reason = finding.CodeAddressForbidden, ae.Error()
		} else {
			r.Problem, r.Reason = finding.CodeHTTPSUnreachable, "no connection on port 443: "+err.Error()
		}
		r.Problems = []finding.Code{r.Problem}
		return r
	}
	defer conn.Close()

	// Verification is done below, step by step, so that the report can
	// say which property failed; the handshake itself accepts any
	// certificate. SNI is still sent for ServerName.
	tc := tls.Client(conn, &tls.Config{
		ServerName:         host,
		InsecureSkipVerify: true,
		MinVersion:         tls.VersionTLS12,
	})
	hctx, cancel := context.WithTimeout(ctx, orDuration(c.TLSTimeout, DefaultTLSTimeout))
	defer cancel()
	if err := tc.HandshakeContext(hctx); err != nil {
		r.Status, r.Err = StatusRed, err
		r.Problem, r.Reason = finding.CodeHTTPSHandshake, "TLS handshake failed: "+err.Error()
		r.Problems = []finding.Code{r.Problem}
		return r
	}
	certs := tc.ConnectionState().PeerCertificates
	if len(certs) == 0 {
		r.Status = StatusRed
		r.Problem, r.Reason = finding.CodeHTTPSHandshake, "the server sent no certificate"
		r.Problems = []finding.Code{r.Problem}
		return r
	}
	leaf := certs[0]
	now := c.now()
	r.Subject = leaf.Subject.CommonName
	r.Issuer = leaf.Issuer.CommonName
	r.DNSNames = leaf.DNSNames
	r.NotBefore, r.NotAfter = leaf.NotBefore, leaf.NotAfter
	r.DaysLeft = int(math.Floor(leaf.NotAfter.Sub(now).Hours() / 24))

	var problems []finding.Code
	var reasons []string
	var errs []error

	if err := leaf.VerifyHostname(host); err == nil {
		r.Covered = true
	} else {
		problems = append(problems, finding.CodeHTTPSNotCovered)
		reasons = append(reasons, "the certificate does not cover "+host+": "+notCoveredText(host, leaf.DNSNames))
		errs = append(errs, err)
	}

	switch {
	case now.After(leaf.NotAfter):
		r.Expired = true
		problems = append(problems, finding.CodeHTTPSExpired)
		reasons = append(reasons, fmt.Sprintf("the certificate expired on %s", leaf.NotAfter.UTC().Format(time.DateOnly)))
	case now.Before(leaf.NotBefore):
		r.Expired = true
		problems = append(problems, finding.CodeHTTPSExpired)
		reasons = append(reasons, fmt.Sprintf("the certificate is not valid before %s", leaf.NotBefore.UTC().Format(time.DateOnly)))
	}

	// Trust is judged at a moment inside the leaf's validity period, so
	// an expired certificate from a trusted CA is reported as expired,
	// not also as untrusted.
	at := now
	if at.After(leaf.NotAfter) {
		at = leaf.NotAfter
	} else if at.Before(leaf.NotBefore) {
		at = leaf.NotBefore
	}
	inter := x509.NewCertPool()
	for _, ic := range certs[1:] {
		inter.AddCert(ic)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{
		Roots:         c.Roots,
		Intermediates: inter,
		CurrentTime:   at,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}); err == nil {
		r.Trusted = true
	} else {
		problems = append(problems, finding.CodeHTTPSUntrusted)
		reasons = append(reasons, "the certificate is not trusted: "+untrustedText(HTTPSResult{Subject: r.Subject, Issuer: r.Issuer, Err: err}))
		errs = append(errs, err)
	}

	if len(problems) == 0 {
		r.Status = StatusGreen
		return r
	}
	r.Status = StatusRed
	r.Problem, r.Problems = problems[0], problems
	r.Reason = strings.Join(reasons, "; ")
	r.Err = errors.Join(errs...)
	return r
}
