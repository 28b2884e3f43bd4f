// Package domainauth is an SDK for email domain authentication: the work an
// email service provider (ESP) does so that mail it sends for a customer's
// domain is trusted by receivers.
//
// A receiving mail server asks three questions of every message, each
// answered from DNS:
//
//   - SPF (RFC 7208): may this IP address send mail for the envelope
//     domain? The domain's TXT record "v=spf1 ..." lists the allowed
//     servers.
//   - DKIM (RFC 6376): was the message signed by the domain, and is it
//     unchanged? The public key is a TXT record at
//     <selector>._domainkey.<domain>.
//   - DMARC (RFC 7489, RFC 9989): does the visible From domain align with a
//     domain that passed SPF or DKIM, and what does its owner want done
//     when it does not? The policy is a TXT record at _dmarc.<domain>.
//
// An ESP must therefore tell each customer which records to publish, check
// what they published, and explain in plain words what is wrong. The
// packages of this module split that work:
//
//   - [github.com/domainauth/domainauth/spf]: parse, build and evaluate SPF
//     records (check_host), and analyse an include tree against the
//     lookup limits.
//   - [github.com/domainauth/domainauth/dkim]: key records, key generation,
//     signing and verification of messages.
//   - [github.com/domainauth/domainauth/dmarc]: parse DMARC records, find the
//     policy for a From domain, check alignment and evaluate a message.
//   - [github.com/domainauth/domainauth/authres]: read and write the
//     Authentication-Results header field in which a receiver records
//     those results, and decide which such fields to trust.
//   - [github.com/domainauth/domainauth/records]: generate the record set an
//     account must publish, in the forms DNS hosts ask for.
//   - [github.com/domainauth/domainauth/verify]: check a record set against
//     DNS and report, per record and overall, what is wrong and how to fix
//     it.
//   - [github.com/domainauth/domainauth/tracking]: check a link-tracking
//     host (CNAME, HSTS, HTTPS) and sign tracked links.
//   - [github.com/domainauth/domainauth/finding]: the one Finding, Code and
//     Severity that all of the above report problems with, and the
//     catalogue of every code (docs/FINDINGS.md in the repository).
//
// This package holds what they share: the DNS layer, and [NormalizeDomain],
// the one form of a domain name a person typed (A-labels, lower case, no
// trailing dot) in which the packages compare names.
//
// # The DNS contract
//
// Every package that looks something up declares the small interface it
// needs, a subset of [Resolver], which is itself a subset of
// [net.Resolver]'s methods: net.DefaultResolver works everywhere. The one
// rule all implementations keep: a name or record that does not exist
// (NXDOMAIN or NODATA) is a [*net.DNSError] with IsNotFound set, and
// anything else (a timeout, SERVFAIL) is a temporary failure that is never
// reported as "not found". [IsNotFound] and [IsTemporary] tell them apart.
// An SPF temperror, a DMARC "no policy" and a verify Undetermined status
// all hang on that distinction.
//
// Three implementations come with the module:
//
//   - [StubResolver] (&StubResolver{Servers: ...}, or the zero value for
//     the servers of /etc/resolv.conf) is the real client, built on
//     github.com/miekg/dns: timeouts and retries, UDP with EDNS0 and TCP on
//     truncation, CNAME chains finished when a server leaves them open. It
//     also offers the
//     raw [Querier] interface (the response message: NXDOMAIN versus
//     NODATA, the AD bit, TXT string splitting, records of the obsolete SPF
//     type).
//   - [FakeResolver] ([NewFakeResolver]) answers from BIND zone-file text in
//     memory, behaving like a recursive server in front of that zone. It
//     injects failures per name and type and logs every query. It is what
//     tests use, including yours.
//   - [FakeResolver.Serve] publishes the same zone on a loopback
//     miekg/dns server, for examples and integration tests that go through
//     the real client over UDP and TCP.
//
// # Limits
//
// The real client ([StubResolver]) bounds what one server, honest or
// hostile, can cost a lookup. Each bound is a field of StubResolver; its
// zero value means the default given here.
//
//   - Timeout, [DefaultTimeout] (2s): one attempt at one server, the UDP
//     query and its TCP retry together.
//   - Attempts, [DefaultAttempts] (2): rounds over the server list. One
//     question costs at most Attempts × servers attempts, so at most
//     Attempts × servers × Timeout without a context deadline (8s with
//     the defaults and two servers). A server that answers SERVFAIL or
//     REFUSED is passed over for the next.
//   - MaxCNAMEs, [DefaultCNAMEs] (8): CNAME hops the client follows itself
//     when a server leaves a chain unfinished, one question each, so a
//     lookup asks at most 1 + MaxCNAMEs questions per type (LookupNetIP
//     with "ip" and LookupCNAME ask for A and AAAA). A longer chain, or a
//     loop, is an error matching [ErrCNAMEChain], a temporary failure and
//     never "not found". A chain a server sends whole is bounded by the
//     size of its message.
//   - MaxDatagrams, [DefaultMaxDatagrams] (64): datagrams read in one UDP
//     attempt while waiting for the answer. Datagrams that are no answer
//     to the question (another ID, not a response, another opcode,
//     question or class, malformed) are ignored; after MaxDatagrams the
//     attempt fails (temporarily) before its timeout.
//   - UDPSize, [DefaultUDPSize] (4096 bytes): the EDNS0 buffer size
//     advertised, and the largest datagram read; a longer one is cut and
//     ignored as malformed. A truncated answer is asked again over TCP,
//     where one message of at most 65,535 bytes (its two-byte length
//     prefix) is read per query; an answer still truncated there is a
//     temporary failure, not an empty answer.
//   - The context bounds the whole lookup: its deadline caps every
//     attempt, and cancelling it ends the lookup at once with an error
//     matching [context.Canceled].
//
// The fake resolver, and the loopback server that publishes it, follow at
// most 16 CNAME hops (then answer SERVFAIL, as recursive servers do) and
// truncate UDP answers to the client's EDNS0 size (512 bytes without
// EDNS0). [Server.Close] waits at most 5 seconds for queries in progress.
//
// # Testing your code with the fake resolver
//
//	r := domainauth.MustFakeResolver(`
//	$ORIGIN example.com.
//	cio123   MX   10 mxa.mailgun.org.
//	cio123   MX   10 mxb.mailgun.org.
//	cio123   TXT  "v=spf1 include:mailgun.org ~all"
//	`)
//	r.Fail("_dmarc.example.com", dns.TypeTXT, domainauth.FailTimeout)
//	// ... pass r wherever a resolver is expected, then:
//	fmt.Println(r.LookupCount(), r.Lookups())
//
// # Running the tour
//
// The README's first command, go run ./examples/onboarding, serves a
// customer zone on loopback, generates an account's records, verifies a
// broken then a fixed zone and prints the report.
package domainauth
