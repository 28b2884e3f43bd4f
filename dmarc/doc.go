// Package dmarc implements DMARC, Domain-based Message Authentication,
// Reporting and Conformance, as RFC 7489 defines it and RFC 9989 (DMARCbis)
// revises it.
//
// # The idea
//
// SPF and DKIM authenticate domains that the reader of a message never
// sees: the envelope sender and the d= of a signature. DMARC ties them to
// the domain the reader does see, the one in the From header. A message
// passes DMARC when SPF or DKIM passed for a domain that is aligned with
// the From domain: the same name (strict), or the same organizational
// domain (relaxed, the default), so that a signature by example.com covers
// mail From news.example.com.
//
// The owner of the From domain says what receivers should do with mail
// that fails, in a TXT record at _dmarc.<domain>:
//
//	_dmarc.example.com. TXT "v=DMARC1; p=reject; sp=quarantine; rua=mailto:dmarc@example.com"
//
// p applies to example.com, sp to its subdomains, np (RFC 9989) to
// subdomains that do not exist; rua and ruf ask for aggregate and failure
// reports. A receiver finds the record at the From domain or, failing
// that, at its organizational domain: by walking up the DNS tree in RFC
// 9989, by the public suffix list in RFC 7489.
//
// # Using the package
//
// [Parse] reads a record and [Record.String] prints it back in canonical
// form. [FromDomain] finds the domain to evaluate in the message's From
// header field (one field, one author domain). A [Checker] holds the
// configuration (resolver, mode, pct sampling; the zero value is ready to
// use): [Checker.Lookup] discovers the policy for a From domain, and
// [LookupResult.AppliedPolicy] says which of p, sp and np applies;
// [Checker.Evaluate] applies it to one message's SPF and DKIM results,
// and [Checker.Verify] does both. [Parse], [Lookup] and [Verify] are the
// methods of a zero Checker, for the common case.
// [Aligned] is the alignment test on its own, and [AuthorizeExternal] the
// check a receiver makes before sending reports to another organization.
// Every DNS step takes a [Resolver], which *net.Resolver satisfies; tests
// use the fake resolver of the root domainauth package.
//
// Results are values: fail, none and the policy to apply are a [Result].
// Errors are errors: a temporary DNS failure is reported as one
// ([IsTemporary], a *net.DNSError in the chain), never as "no policy";
// a malformed record is a [*SyntaxError] (errors.Is(err, ErrSyntax)).
//
// # Building a record to publish
//
// Fill in a [Record] with the tags to publish and leave the rest zero;
// [Build] checks every value ([Record.Validate]: policies, pct 0 to 100,
// r or s alignment, fo, mailto: report URIs) and returns the record as
// receivers read its text, and [Record.String] prints it. Every field
// that holds a value other than its default is printed, whatever Mode
// says:
//
//	rec, err := dmarc.Build(dmarc.Record{Policy: dmarc.Quarantine, Percent: 25,
//		RUF: []dmarc.URI{{Address: "mailto:reporting@example.com"}}})
//	rec.String() // v=DMARC1; p=quarantine; pct=25; ruf=mailto:reporting@example.com
//
// pct exists only in RFC 7489 and t only in RFC 9989; a record meant for
// every receiver may carry both, and each receiver ignores the tag its RFC
// lacks (unknown tags are ignored in both). The builder adds nothing by
// itself: to ask every receiver for the next weaker policy while testing,
// publish t=y and pct=0 (Testing, and Present holding TagPct). A pct
// between 1 and 99 samples only at RFC 7489 receivers.
//
// # RFC 9989 and RFC 7489
//
// RFC 9989 (DMARCbis) obsoletes RFC 7489 and RFC 9091; most receivers
// still run RFC 7489 code. The package follows one of them exactly, as
// [Checker.Mode] says: [RFC9989] by default (the zero [Mode]), [RFC7489]
// on request. Parse, Lookup, Evaluate and Verify follow the mode; a
// Record, a LookupResult and a Result say which mode produced them
// (Evaluate follows the mode of its LookupResult). The differences,
// with the section of each RFC:
//
//	What                      RFC 9989                                   RFC 7489
//	------------------------  -----------------------------------------  ------------------------------------------
//	policy discovery          4.10.1: the Author Domain, then the DNS    6.6.3: the From domain, then the
//	                          tree walk of 4.10 (at most 8 queries, up   organizational domain of the public
//	                          to the top-level domain, stopping at a     suffix list (2 queries)
//	                          record with psd=y or psd=n)
//	several records at the    4.10 steps 2 and 6: discarded, the walk    6.6.3 step 5: discovery ends, no policy
//	Author Domain             goes on
//	record applied when the   4.10.1 with 4.10.2: the organizational     6.6.3 step 3: the organizational
//	Author Domain has none    domain's record (psd=n; one label below    domain's (public suffix list); any
//	                          psd=y; else the name with the fewest       record between the two is not seen
//	                          labels), not the closest one; else the
//	                          public suffix domain's (psd=y)
//	organizational domain     4.10.2: the tree walk (Verify walks for    3.2: the public suffix list
//	for relaxed alignment     every identifier; Evaluate alone uses
//	                          the list)
//	np                        4.7, 4.10.1: for a From domain that does   unknown tag, ignored (6.3)
//	                          not exist (3.2.13: NXDOMAIN)
//	psd                       4.7: marks public suffix domains (y) and   unknown tag, ignored (6.3)
//	                          organizational domains (n)
//	t                         4.7: t=y applies the policy one step       unknown tag, ignored (6.3)
//	                          weaker
//	pct                       removed (Appendix A.6): unknown tag,       6.3, 6.6.4: sampling; a message left
//	                          ignored (4.7)                              out gets the next weaker policy
//	rf, ri                    removed (Appendix C.5.2): unknown tags,    6.3: report format and interval
//	                          ignored (4.7)
//	invalid np                4.10.1: like an invalid sp: p=none with    unknown tag: its value does not matter
//	                          a valid rua, else no DMARC processing
//	fo                        4.8 (dmarc-fo): 0 and 1 exclusive, each    6.4: any of 0, 1, d, s, white space
//	                          option once, no white space; otherwise     around ":" allowed
//	                          discarded for the default 0
//
// Both read alike: the record begins with "v=DMARC1" (no leading white
// space, "DMARC1" in upper case: RFC 7489 section 6.4, RFC 9989 section
// 4.8), white space around "=" and ";", tag names in any case; an invalid
// p or sp means p=none with a valid rua and no policy otherwise (RFC 7489
// section 6.6.3 step 6, RFC 9989 section 4.10.1); the "!size" suffix of
// report URIs is read (RFC 9989 keeps it as obsolete syntax that reporters
// ignore). A tag of the other generation is still named by
// [Record.Findings], so a publisher learns what receivers of both read.
//
// The section numbers of RFC 9989 are those of its final draft,
// draft-ietf-dmarc-dmarcbis-41; section 4.10 and Appendix A.6 were
// checked against citations of the published RFC.
//
// # Limits
//
//   - [MaxTreeWalk] (8): the _dmarc queries of one RFC 9989 tree walk
//     (section 4.10 fixes the number), plus one existence query when np
//     may apply. RFC 7489 discovery makes at most 2.
//   - [MaxURIs] (32): the URIs read from one rua or ruf tag.
//
// # Choices where the RFCs leave room, and departures
//
//   - p need not directly follow v (RFC 9989). RFC 7489 requires it; the
//     record is accepted and a dmarc-rfc7489-p-not-second finding warns
//     the publisher.
//   - Invalid values of optional tags (pct, adkim, aspf, fo, rf, ri, psd,
//     t, single rua/ruf URIs) and malformed tags after v are discarded in
//     favour of the default, as RFC 7489 section 6.3 recommends and RFC
//     9989 section 4.8 requires, and kept in Record.Discarded. OpenDMARC
//     and mox reject such records.
//   - A missing or invalid p, or an invalid sp (RFC 9989: or np), makes
//     the record read as
//     "v=DMARC1; p=none" when it has a valid rua (the other tags kept, so
//     reports still flow), and unusable otherwise (RFC 7489 section 6.6.3
//     step 6). An unusable record is an error (ErrInvalidRecord), which
//     Verify reports as permerror rather than none.
//   - A known tag given twice makes the record unusable (ErrDuplicateTag);
//     RFC 7489 does not say, and the record would be ambiguous.
//   - rf must name afrf, the only registered format; otherwise the tag is
//     ignored (RFC 7489 section 6.3 allows ignoring the whole tag).
//   - np applies only when the From domain answers NXDOMAIN (RFC 8020),
//     which needs the optional Query method of domainauth.Querier (the
//     resolvers of the root domainauth package have it; see the example
//     of Lookup). With a
//     plain *net.Resolver, np is not applied (sp or p is):
//     LookupResult.NPUndetermined and Result.NPUndetermined say why, and
//     a dmarc-np-undetermined finding is among the findings.
//   - Under pct sampling (RFC 7489), a message left out gets the next
//     weaker policy (RFC 7489 section 6.6.4); t=y (RFC 9989) weakens the
//     policy the same way.
//   - RFC 9989's tree walk: a record that is a DMARC record but cannot be
//     used (no valid p and no valid rua) still counts for the
//     organizational domain and stops the walk with psd=y or psd=n; when
//     it is the record to apply, Lookup reports it (ErrInvalidRecord).
//   - RFC 9989 section 4.7 says a record without p is "treated as if it
//     included p=none", section 4.10.1 that a record without a valid p
//     and without a valid rua gets no DMARC processing; we follow 4.10.1,
//     in both modes.
//   - Reports: AuthorizeExternal does not read the rua/ruf overrides of
//     the destination's authorization record. Report generation is out of
//     scope.
package dmarc
