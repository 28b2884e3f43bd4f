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
// the [Guard] before connecting, checks the address actually dialled again
// in the socket's Control hook, and applies timeouts. Each connection
// resolves the name anew and is judged on its own, the connections that
// follow a redirect included, so a name that answers with a public address
// first and an internal one later (DNS rebinding) gains nothing. HTTP
// requests never use a proxy from the environment, read at most
// MaxHeaderBytes of headers and MaxBodyBytes of body, and follow redirects
// only on the same host.
//
// The default guard, [PublicOnly], is based on the IANA IPv4 and IPv6
// Special-Purpose Address Registries (RFC 6890, RFC 8190): it refuses
// every row of both (private, loopback, link-local with the cloud metadata
// endpoint 169.254.169.254, shared CGNAT space, benchmarking,
// documentation, IETF protocol assignments, reserved 240.0.0.0/4,
// discard-only, local-use NAT64, unique-local, ...), multicast, IPv6
// outside 2000::/3 (site-local fec0::/10, the deprecated IPv4-compatible
// form), and the Azure platform address 168.63.129.16. IPv6 addresses that
// carry an IPv4 address (IPv4-mapped, the NAT64 prefix 64:ff9b::/96, 6to4,
// Teredo's server and obfuscated client) are judged by the IPv4 address
// they carry. A NAT64 prefix chosen by a network operator (RFC 6052's
// network-specific prefix) cannot be recognised from the address; a
// Checker running on such a network should add it with its own Guard.
//
// # Unknown is not green
//
// A probe that could not complete says nothing, and is never read as "no
// problem". When the HSTS probe of the host or of a parent times out,
// sends a header block over MaxHeaderBytes, breaks after the connection
// was made, fails in DNS other than "not found", or resolves to an address
// the guard refuses, that name may well send a policy that browsers see:
// the HTTP status is then [StatusUnknown] with an hsts-unknown finding
// (unless something else already makes it red). The same holds for the
// http:// request itself (http-unknown). What does read as "no HSTS" is an
// answer: the name does not exist, nothing listens on port 443, or the
// TLS handshake or the certificate fails (RFC 6797 section 8.1).
//
// # Limits
//
// Every network step has a timeout and every read a size limit. The
// bounds, with the field that changes them and its default:
//
//   - Checker.DialTimeout: each TCP connect, 5 s ([DefaultDialTimeout]).
//   - Checker.TLSTimeout: each TLS handshake, 5 s ([DefaultTLSTimeout]).
//   - Checker.RequestTimeout: each HTTP request as a whole (lookup,
//     connect, handshake, redirects, headers, body), 10 s
//     ([DefaultRequestTimeout]). An HSTS probe or http:// request cut by
//     it leaves the HTTP verdict unknown.
//   - Checker.MaxHeaderBytes: the response header block, 256 KiB
//     ([DefaultMaxHeaderBytes], what Chromium accepts). Over it, the
//     request ends and the verdict is unknown.
//   - Checker.MaxBodyBytes: the response body read, 64 KiB
//     ([DefaultMaxBodyBytes]); the rest is not read, which is no error.
//   - Checker.MaxRedirects: redirects followed by the http:// check, only
//     to http:// on the same host, 5 ([DefaultMaxRedirects]).
//   - Checker.ExpiryWarning: how early an expiring certificate is
//     reported, 14 days ([DefaultExpiryWarning]).
//   - Fixed: at most 4 addresses of one name are dialled, 16 expected
//     targets are accepted by one Check, 16 steps of a CNAME chain are
//     followed, 32 directives of an HSTS header are parsed, and HSTS is
//     probed on the host and its parents up to the registrable domain
//     only. The probes of one Check run concurrently (one HTTPS check,
//     one http:// request, one HSTS probe per name) and end with ctx.
//   - Linker.MaxLength: a link built or accepted, 4096 bytes
//     ([DefaultMaxLinkLength]); [ParseLink] accepts at most four times
//     that. A [Keyring] holds at most 64 keys, with ids of 1 to
//     [MaxKeyIDLen] (32) bytes and secrets of at least [MinSecretLen] (16)
//     bytes.
//   - The guard ([PublicOnly]) is based on the IANA IPv4 and IPv6
//     Special-Purpose Address Registries, every row, as described under
//     "Safe outbound connections"; its table is data compiled into the
//     package.
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
