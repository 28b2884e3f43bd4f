// Package tracking checks link-tracking hosts and makes tracked links that
// cannot be abused as open redirects.
//
// # Link tracking
//
// An email service provider rewrites the links in a message so that a click
// goes to the provider first, is counted, and is redirected to the real
// destination. With branded tracking the rewritten links use a host of the
// customer's own domain, say link.example.com, which the customer publishes
// as a CNAME to the provider's tracking host:
//
//	link.example.com.  3600  IN  CNAME  e.provider-mail.example.
//
// Whether such links work depends on three things, which [Checker.Check]
// reports as a CNAME status, an HTTP status and an HTTPS status:
//
//   - The CNAME must be there and point at the provider (one of its regional
//     targets). A DNS host that proxies the record (Cloudflare's "orange
//     cloud") publishes its own addresses instead; the CNAME is then hidden
//     and the provider cannot serve the host.
//   - http:// links fail when HSTS applies to the host: when the host sends
//     Strict-Transport-Security over HTTPS, or a parent domain up to the
//     registrable domain sends it with includeSubDomains (RFC 6797 section
//     8.2), or the top-level domain is on the browsers' preload list (.app,
//     .dev, .page and others, see [PreloadedTLD]). Browsers then rewrite the
//     link to https:// and the provider must serve HTTPS for the host.
//   - https:// links need a TLS server for the host (selected by SNI) whose
//     certificate covers the host name (directly or by a wildcard), chains
//     to a trusted root and has not expired.
//
// Problems come as [finding.Finding] values, the module's one vocabulary,
// with stable codes (cname-missing, cname-target, cname-proxied,
// hsts-on-domain, hsts-preloaded-tld, https-not-covered, https-expired,
// https-untrusted, ...) and the tracking host as Subject; docs/FINDINGS.md
// in the repository lists every code with its meaning and fix.
//
// # Safe outbound connections
//
// A service that checks host names typed by its customers must not let
// them point the checker at internal systems (server-side request
// forgery). Every connection a [Checker] opens goes through one dialer that
// resolves the name with the Checker's [Resolver], passes each address to
// the [Guard] (default [PublicOnly]: no loopback, private, link-local,
// CGNAT, multicast or unspecified addresses) before connecting, checks the
// address again in the socket's Control hook, and applies timeouts. HTTP
// requests never use a proxy from the environment, read at most
// MaxBodyBytes, and follow redirects only on the same host.
//
// # Tracked links
//
// A [Linker] builds links such as
//
//	https://link.example.com/c/k1.0.aHR0cHM6Ly9leGFtcGxlLmNvbS8.<HMAC>
//
// that carry the destination and an optional expiry, signed with
// HMAC-SHA256 under a key from a [Keyring] (the current key signs, older
// keys still verify, so keys can be rotated). A [Redirector] serves the
// tracking host: it redirects valid links and rejects tampered, expired or
// unknown-key links, so the endpoint cannot be used to send people to
// arbitrary sites under the customer's name.
//
// # Departures from the standards
//
//   - RFC 6797 section 8.1 makes a browser ignore HSTS headers received
//     with certificate errors; the checker does the same, so a parent whose
//     HTTPS certificate is broken is reported as sending no HSTS, although a
//     browser that earlier saw a valid policy there may still remember it.
//   - The HSTS probes request "/" on each name and read the first response
//     without following redirects. A site that sends the header only on
//     other paths is not seen.
//   - The preload list is data compiled into the package (see
//     [PreloadedTLD] for its source and date); individually preloaded
//     domains (hstspreload.org) are not included, only whole TLDs.
//   - The HTTP check counts any response below 500 as working: the
//     tracking server answers "/" with whatever it likes.
//   - Without the raw Query of the domainauth resolvers only the end of a
//     CNAME chain is visible; a host that points at an expected target that
//     is itself an alias is then recognised by comparing where both chains
//     end.
package tracking
