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
// (99) records. Each finding is a [finding.Finding] with a stable Code
// for programs (docs/FINDINGS.md lists them). An Analyzer sets its
// resolver, time budget and concurrency; Analyze uses the zero
// Analyzer's. The records of the tree and the targets of its a, mx and
// exists terms are looked up concurrently (the walk counts every term, so
// unlike an evaluation it need not go in order), and the Analysis is the
// same whatever order the answers come in.
//
// # Limits
//
// Every bound on the work one evaluation does, with its default. The
// Checker fields are the knobs; zero or less means the default.
//
//   - DNS-querying terms (include, a, mx, ptr, exists, redirect) per
//     evaluation: Checker.MaxLookups, default 10 (RFC 7208 section 4.6.4);
//     more gives permerror.
//   - Lookups that find nothing: Checker.MaxVoidLookups, default 2 (section
//     4.6.4); more gives permerror.
//   - MX names per mx mechanism, PTR names per ptr mechanism or %{p}:
//     Checker.MaxNames, default 10 (section 4.6.4).
//   - Expanded domain-spec: the rightmost 253 characters, cut at a dot
//     (section 7.3); fixed. The expansion is produced from the right and
//     stops once the cut is known, whatever the length of the whole.
//   - Outcome.Explanation: Checker.MaxExplanation bytes, default 400, so that
//     it fits an SMTP reply line (512 octets with the code and CRLF, RFC 5321
//     section 4.5.3.1.5); longer explanations are cut, and their macros are
//     not expanded past the cut.
//   - Sender local-part a macro (%{l}, %{s}) may expand: Checker.MaxLocalPart
//     octets, default 64 (RFC 5321 section 4.5.3.1.1).
//   - Sender domain and HELO name a macro (%{o}, %{s}, %{h}) may expand:
//     MaxDomainLength, 255 octets (RFC 5321 section 4.5.3.1.2); fixed.
//   - Time: ctx bounds the whole evaluation (temperror when it ends).
//
// Analyze (Analyzer.Analyze) bounds what one domain's records can make it
// do:
//
//   - Analyzer.Timeout, default DefaultAnalyzeTimeout (20 seconds, the
//     time RFC 7208 section 4.6.4 asks to allow an evaluation): the whole
//     walk's budget. What it leaves unlooked-up is an spf-not-checked
//     finding (severity error) naming the record or term, and Analyze returns
//     what it found rather than an error.
//   - Analyzer.Concurrency, default DefaultAnalyzeConcurrency (8): lookups
//     in flight at once.
//   - At most 100 records fetched, 20 levels of include and redirect, and
//     100 a, mx and exists targets looked up, counted in breadth-first
//     order (the root, then the records it names in term order, and so
//     on); past them the tree and the void-lookup count are partial.
//
// # Departures from RFC 7208 and choices it leaves open
//
//   - A macro that needs a sender local-part, sender domain or HELO name
//     longer than its limit above gives permerror with ErrIdentityTooLong.
//     RFC 7208 is silent; RFC 5321 section 4.5.3.1 lets a server refuse
//     such objects. Only the macros refuse: a record that does not expand
//     the long identity (or whose expansion cuts it away) is evaluated as
//     usual, so a long sender cannot turn a fail into none. A checked
//     domain over 253 characters gives none (section 4.3), as before.
//   - The explanation is cut to MaxExplanation bytes (section 6.2 lets an
//     implementation limit its length).
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
//     queries ([github.com/domainauth/domainauth.Querier]).
package spf
