// Package spf implements the Sender Policy Framework, RFC 7208.
//
// SPF lets the owner of a domain publish which hosts may send mail using
// that domain in the SMTP MAIL FROM (and HELO) identity. The policy is a
// TXT record at the domain:
//
//	example.com.  TXT  "v=spf1 mx ip4:192.0.2.0/24 include:_spf.esp.example -all"
//
// A receiver evaluates the terms left to right against the connecting
// client's address: "mx" matches the domain's mail exchangers, "ip4" a
// network, "include" another domain's policy, and "-all" everything else
// with the qualifier "-" (fail). The first matching mechanism decides the
// result: pass, fail, softfail or neutral. No record gives none; DNS trouble
// gives temperror; a broken record or too many DNS lookups gives permerror.
//
// # Parsing and building records
//
// Parse reads a record into a Record, a list of Terms; String prints it back
// in canonical form, and Parse(r.String()) gives back r. AddInclude,
// RemoveInclude and SetAll edit a record in place, for a provider that must
// merge its include into a customer's existing record rather than publish a
// second one (two records make every evaluation a permerror).
//
// # Evaluating
//
// A Checker runs check_host. Its zero value uses net.DefaultResolver and the
// RFC's limits; set Resolver to any implementation of the small Resolver
// interface (the domainauth root package offers a real client and a
// zone-file fake for tests). CheckHost returns an Outcome: the Result, the
// mechanism that decided it, the explanation of a fail, the lookup counts,
// and for temperror and permerror an error that errors.Is matches against
// the sentinels of this package (and errors.As against *net.DNSError).
//
// # Analysing
//
// Analyze walks a domain's include and redirect tree without a client
// address and reports what an evaluation would cost and what is wrong:
// the DNS lookup total against the limit of 10, void lookups, loops,
// duplicate includes, ptr, +all, terms after all, records too long, SPF-type
// (99) records. Each finding is a [finding.Finding] with a stable Code for
// programs (docs/FINDINGS.md lists them).
//
// # Departures from RFC 7208 and choices it leaves open
//
//   - %{i} for IPv6 writes lower-case nibbles, as the examples of section
//     7.4 do (the OpenSPF suite expects upper case in one explanation; DNS
//     names are case-insensitive, so lookups are unaffected).
//   - Void lookups (section 4.6.4) are counted for the a, mx, exists and ptr
//     lookups of the terms themselves; address lookups of individual MX
//     hosts and of PTR names are not counted.
//   - An address lookup of one MX host that fails temporarily makes the mx
//     mechanism a temperror; one that finds nothing is skipped.
//   - The %{p} macro validates the client's PTR names like the ptr
//     mechanism but its lookups are not charged to the lookup limit; the
//     RFC discourages it and says nothing of its cost.
//   - A domain-spec that, after macro expansion, is not a valid host name
//     (empty label, label over 63 octets, an address literal) matches
//     nothing instead of being looked up.
//   - Parse follows the ABNF strictly: a domain-spec must end in a macro or
//     in "." and a top label that is not all digits, so "a:localhost" and
//     "a:192.0.2.1" are syntax errors (hence permerror). Unknown modifiers
//     are kept and may use every macro letter.
//   - The DNS SPF record type (99) is never queried for evaluation
//     (section 3.1); Analyze reports it when the resolver offers raw
//     queries (Querier).
package spf
