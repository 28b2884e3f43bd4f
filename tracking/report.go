package tracking

import (
	"crypto/x509"
	"errors"
	"fmt"
	"math"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/internal/dnsname"
)

// findings turns the observations of a Report into Findings, in a fixed
// order: CNAME, HTTP, HTTPS.
func (c *Checker) findings(r *Report) []finding.Finding {
	var out []finding.Finding
	add := func(code finding.Code, sev finding.Severity, msg, fix string) {
		out = append(out, finding.Finding{Code: code, Severity: sev, Subject: r.Host, Message: msg, Fix: fix})
	}
	host := r.Host
	want := "the provider's tracking host"
	if len(r.Expected) == 1 {
		want = r.Expected[0]
	} else if len(r.Expected) > 1 {
		want = "one of " + strings.Join(r.Expected, ", ")
	}
	rel := relativeName(host)

	switch r.CNAME.Status {
	case CNAMEMissing:
		add(finding.CodeCNAMEMissing, finding.Error,
			fmt.Sprintf("No CNAME record at %s.", host),
			fmt.Sprintf("Add a CNAME record: host %q (%s), value %s. It can take up to a few hours to be visible.", rel, host, want))
	case CNAMEWrongTarget:
		add(finding.CodeCNAMETarget, finding.Error,
			fmt.Sprintf("The CNAME at %s points to %s, not to %s.", host, r.CNAME.Target, want),
			fmt.Sprintf("Change the value of the CNAME record %q to %s (the target for your account's region).", rel, want))
	case CNAMEProxied:
		add(finding.CodeCNAMEProxied, finding.Error,
			fmt.Sprintf("%s answers with addresses (%s) instead of a CNAME: a DNS proxy, such as Cloudflare's orange cloud, hides the record.", host, addrList(r.CNAME.Addrs)),
			fmt.Sprintf("Turn the proxy off for %q (in Cloudflare: Proxy status \"DNS only\", the grey cloud) so that the CNAME to %s is published as it is.", rel, want))
	case CNAMEUnknown:
		add(finding.CodeDNSTemporary, finding.Warning,
			fmt.Sprintf("Looking up %s failed temporarily: %v.", host, r.CNAME.Err),
			"Check again later. If it keeps failing, the domain's name servers are not answering properly.")
	}

	// When the host's own lookup failed, dns-temporary says so once; the
	// probes that failed for the same reason add nothing to it.
	dnsDown := r.CNAME.Status == CNAMEUnknown
	forbidden := false
	// With no record at the name (no CNAME, no address) nothing can be
	// connected to, and saying so adds nothing to cname-missing.
	noName := r.CNAME.Status == CNAMEMissing
	addForbidden := func(err error) {
		var ae *AddressError
		if forbidden || !errors.As(err, &ae) {
			return
		}
		forbidden = true
		add(finding.CodeAddressForbidden, finding.Error,
			fmt.Sprintf("%s resolves to %s, an address the check does not connect to (%v).", host, ae.Addr, ae.Err),
			fmt.Sprintf("Point %q at %s with a CNAME; tracked links cannot be served from internal addresses.", rel, want))
	}

	h := r.HTTP
	switch {
	case h.Preloaded:
		add(finding.CodeHSTSPreloadedTLD, finding.Error,
			fmt.Sprintf("The .%s top-level domain is on the browsers' HSTS preload list: browsers never load http:// links under it, so http:// tracked links on %s cannot work.", h.TLD, host),
			fmt.Sprintf("Set up HTTPS link tracking for %s (a certificate that covers it) and send https:// links only.", host))
	default:
		for _, s := range h.applying() {
			who := s.Host
			if s.Host == host {
				add(finding.CodeHSTSOnDomain, finding.Error,
					fmt.Sprintf("%s sends Strict-Transport-Security (%s) over HTTPS: browsers that saw it turn http:// links to it into https://.", host, s.Header),
					fmt.Sprintf("Set up HTTPS link tracking for %s, or stop sending the HSTS header on it.", host))
				continue
			}
			add(finding.CodeHSTSOnDomain, finding.Error,
				fmt.Sprintf("%s sends Strict-Transport-Security with includeSubDomains (%s): browsers that visited %s refuse http:// links on %s.", who, s.Header, who, host),
				fmt.Sprintf("Set up HTTPS link tracking for %s. The other way out, removing includeSubDomains from %s's HSTS header, weakens that site's security and takes effect only when browsers forget the old policy (max-age).", host, who))
		}
		if h.Err != nil {
			addForbidden(h.Err)
			if !forbidden && !noName && h.Incomplete && !(dnsDown && isDNSError(h.Err)) {
				add(finding.CodeHTTPUnknown, finding.Warning,
					fmt.Sprintf("The request to http://%s/ did not complete: %v. Whether http:// links work is not known.", host, h.Err),
					fmt.Sprintf("Check again later. If it keeps happening, make sure the tracking server answers within %s with response headers under %d KiB.", orDuration(c.RequestTimeout, DefaultRequestTimeout), c.maxHeader()>>10))
			} else if !forbidden && !noName && !h.Incomplete {
				add(finding.CodeHTTPUnreachable, finding.Error,
					fmt.Sprintf("No HTTP response from http://%s/: %v.", host, h.Err),
					"Check that the CNAME is published and has reached the resolvers, and that nothing (a firewall, a proxy) blocks port 80.")
			}
		} else if h.StatusCode >= 500 {
			add(finding.CodeHTTPError, finding.Warning,
				fmt.Sprintf("http://%s/ answered with HTTP status %d.", host, h.StatusCode),
				"The tracking server is not serving this host yet: check that the CNAME points at the provider's target and that the domain is verified with the provider.")
		}
		// An HSTS probe that could not complete matters only when nothing
		// else decided the verdict.
		if h.Status == StatusUnknown {
			for _, u := range h.HSTSUnknown {
				if u.Host == host && dnsDown && isDNSError(u.Err) {
					continue // dns-temporary says it
				}
				what := "it sends Strict-Transport-Security, browsers turn http:// links to it into https://"
				if u.Host != host {
					what = "it sends Strict-Transport-Security with includeSubDomains, browsers that visited it refuse http:// links on " + host
				}
				add(finding.CodeHSTSUnknown, finding.Warning,
					fmt.Sprintf("Could not tell whether %s sends HSTS: the request to https://%s/ did not complete (%v). If %s.", u.Host, u.Host, u.Err, what),
					fmt.Sprintf("Check again later. Setting up HTTPS link tracking for %s and sending https:// links only works whatever the answer.", host))
			}
		}
	}

	s := r.HTTPS
	if s.Status == StatusRed {
		// HTTPS problems are errors when only https:// links can work;
		// otherwise http:// links still work and HTTPS is an option.
		sev := finding.Warning
		if r.HTTPSRequired {
			sev = finding.Error
		}
		for _, p := range s.Problems {
			switch p {
			case finding.CodeAddressForbidden:
				addForbidden(s.Err)
			case finding.CodeHTTPSUnreachable:
				if noName {
					continue
				}
				add(p, sev, fmt.Sprintf("No HTTPS connection to %s: %v.", host, s.Err),
					"HTTPS link tracking needs a server for this host on port 443: ask the provider how to enable it (often a certificate they issue, or your own reverse proxy).")
			case finding.CodeHTTPSHandshake:
				add(p, sev, fmt.Sprintf("The TLS handshake with %s failed: %s.", host, handshakeText(s)),
					fmt.Sprintf("The server on port 443 has no certificate for %s: set up HTTPS link tracking with the provider (or on your proxy) for this host.", host))
			case finding.CodeHTTPSNotCovered:
				add(p, sev, fmt.Sprintf("The certificate served for %s does not cover it: %s.", host, notCoveredText(host, s.DNSNames)),
					fmt.Sprintf("Get a certificate whose names include %s (or a wildcard *.%s) for the server that answers this host.", host, dnsname.Parent(host)))
			case finding.CodeHTTPSExpired:
				if s.DaysLeft < 0 {
					add(p, sev, fmt.Sprintf("The certificate for %s expired on %s.", host, s.NotAfter.UTC().Format("2006-01-02")),
						"Renew the certificate (and check why automatic renewal did not run).")
				} else {
					add(p, sev, fmt.Sprintf("The certificate for %s is not valid before %s.", host, s.NotBefore.UTC().Format("2006-01-02")),
						"Check the server's clock and the certificate's start date.")
				}
			case finding.CodeHTTPSUntrusted:
				add(p, sev, fmt.Sprintf("The certificate for %s is not trusted: %s.", host, untrustedText(s)),
					"Use a certificate from a public certificate authority (Let's Encrypt and others) and configure the server to send the full chain.")
			}
		}
	} else if s.Status == StatusGreen {
		warn := orDuration(c.ExpiryWarning, DefaultExpiryWarning)
		if s.NotAfter.Sub(c.now()) < warn {
			add(finding.CodeHTTPSExpiring, finding.Warning,
				fmt.Sprintf("The certificate for %s expires on %s, in %s.", host, s.NotAfter.UTC().Format("2006-01-02"), timeLeft(s.NotAfter.Sub(c.now()))),
				"Renew the certificate before it expires, or check that automatic renewal works.")
		}
	}
	return out
}

func isDNSError(err error) bool {
	var de *net.DNSError
	return errors.As(err, &de)
}

// timeLeft says how long d is, for a customer, without understating it:
// days rounded to the nearest from two days on (so never fewer than the
// whole days left: 71h59m59s is "3 days", since certificate times are whole
// seconds and the clock is not), hours under two days, minutes under two
// hours.
func timeLeft(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(math.Round(d.Hours()/24)))
	case d >= 2*time.Hour:
		return fmt.Sprintf("%d hours", int(math.Round(d.Hours())))
	case d >= 2*time.Minute:
		return fmt.Sprintf("%d minutes", int(math.Round(d.Minutes())))
	case d >= time.Minute:
		return "1 minute"
	}
	return "less than a minute"
}

func notCoveredText(host string, names []string) string {
	if len(names) == 0 {
		return "it names no DNS host"
	}
	if len(names) > 5 {
		return fmt.Sprintf("it names %s and %d more", strings.Join(names[:5], ", "), len(names)-5)
	}
	return "it names " + strings.Join(names, ", ")
}

func untrustedText(s HTTPSResult) string {
	var ua x509.UnknownAuthorityError
	if errors.As(s.Err, &ua) {
		if s.Issuer == s.Subject {
			return "it is self-signed"
		}
		return fmt.Sprintf("its issuer %q is not a trusted certificate authority, or the server does not send the intermediate certificate", s.Issuer)
	}
	return fmt.Sprintf("%v", s.Err)
}

// relativeName is host relative to its registrable domain, the "host" field
// most DNS hosts ask for.
func relativeName(host string) string {
	reg, err := dnsname.Registrable(host)
	if err != nil {
		return host
	}
	rel, _ := dnsname.Relative(host, reg)
	return rel
}

func addrList(addrs []netip.Addr) string {
	var b strings.Builder
	for i, a := range addrs {
		if i == 3 {
			fmt.Fprintf(&b, " and %d more", len(addrs)-3)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(a.String())
	}
	return b.String()
}

func handshakeText(s HTTPSResult) string {
	if s.Err != nil {
		return s.Err.Error()
	}
	return s.Reason
}
