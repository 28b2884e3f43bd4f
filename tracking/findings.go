package tracking

import "fmt"

// Severity says how much a Finding matters.
type Severity int

// Severities, from least to most serious.
const (
	// Info is worth knowing; nothing needs to change.
	Info Severity = iota + 1
	// Warning does not break tracked links today but will, or breaks them
	// for some recipients.
	Warning
	// Error breaks tracked links (or one kind of them) for every recipient.
	Error
)

// String returns "info", "warning" or "error".
func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "unknown"
}

// MarshalText encodes the severity as its name, so that JSON shows "error"
// rather than a number.
func (s Severity) MarshalText() ([]byte, error) {
	if s < Info || s > Error {
		return nil, fmt.Errorf("tracking: invalid severity %d", int(s))
	}
	return []byte(s.String()), nil
}

// UnmarshalText decodes a severity name written by MarshalText.
func (s *Severity) UnmarshalText(b []byte) error {
	for _, v := range []Severity{Info, Warning, Error} {
		if string(b) == v.String() {
			*s = v
			return nil
		}
	}
	return fmt.Errorf("tracking: unknown severity %q", b)
}

// Finding is one problem (or notable fact) about a link-tracking host, in the
// shape the verify package uses: a stable Code that programs can switch on,
// a Severity, a Message that names the host and what was found, and a Fix
// that a customer who is not a DNS expert can follow.
type Finding struct {
	Code     string   `json:"code"`          // one of the Code* constants below
	Severity Severity `json:"severity"`      // how much it matters: Info, Warning or Error
	Message  string   `json:"message"`       // one or two sentences naming the host and what was found
	Fix      string   `json:"fix,omitempty"` // what the customer should do, in plain words; Check always sets it
}

// Stable finding codes. The cname-proxied, cname-target, hsts-on-domain and
// https-not-covered codes are the ones DNS-PITFALLS.md lists for verify.
const (
	// CNAME
	CodeCNAMEMissing = "cname-missing" // no CNAME and no addresses at the host
	CodeCNAMETarget  = "cname-target"  // CNAME to another name than the provider's
	CodeCNAMEProxied = "cname-proxied" // addresses but no CNAME: a proxy (Cloudflare) flattens it
	CodeDNSTemporary = "dns-temporary" // lookup failed for a reason other than "not found"

	// HTTP links
	CodeHSTSOnDomain     = "hsts-on-domain"     // the host or a parent sends HSTS that covers the host
	CodeHSTSPreloadedTLD = "hsts-preloaded-tld" // the TLD (.app, .dev, ...) is HSTS-preloaded in browsers
	CodeHTTPUnreachable  = "http-unreachable"   // no HTTP response on port 80
	CodeHTTPError        = "http-error"         // the HTTP response was a server error (5xx)
	CodeHTTPUnknown      = "http-unknown"       // the http:// request did not complete (timeout, headers over the limit): the verdict is unknown
	CodeHSTSUnknown      = "hsts-unknown"       // an HSTS probe of the host or a parent did not complete: whether HSTS applies is unknown

	// HTTPS links
	CodeHTTPSNotCovered  = "https-not-covered" // certificate does not name the host
	CodeHTTPSExpired     = "https-expired"     // certificate expired (or not valid yet)
	CodeHTTPSExpiring    = "https-expiring"    // certificate expires within Checker.ExpiryWarning
	CodeHTTPSUntrusted   = "https-untrusted"   // chain does not lead to a trusted root
	CodeHTTPSHandshake   = "https-handshake"   // TLS handshake failed (no certificate for this SNI name, protocol)
	CodeHTTPSUnreachable = "https-unreachable" // no TCP connection on port 443
	CodeAddressForbidden = "address-forbidden" // the host resolves only to private, loopback or similar addresses
)
