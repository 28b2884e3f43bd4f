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
// that, at its organizational domain: by the public suffix list in RFC
// 7489, by walking up the DNS tree in RFC 9989.
//
// # Using the package
//
// [Parse] reads a record and [Record.String] prints it back in canonical
// form. [FromDomain] finds the domain to evaluate in the message's From
// header field (one field, one author domain). [Lookup] discovers the
// policy for a From domain, and [LookupResult.AppliedPolicy] says which of
// p, sp and np applies; [Evaluate] applies it to one message's SPF and
// DKIM results, and [Verify] does both.
// [Aligned] is the alignment test on its own, and [AuthorizeExternal] the
// check a receiver makes before sending reports to another organization.
// Every DNS step takes a [Resolver], which *net.Resolver satisfies; tests
// use the fake resolver of the root domainauth package.
//
// Results are values: fail, none and the policy to apply are a [Result].
// Errors are errors: a temporary DNS failure is reported as one
// (IsTemporary, errors.Is(err, ErrTemporary)), never as "no policy".
//
// # RFC 7489 and RFC 9989
//
// Parse accepts both: the tags pct, rf and ri that RFC 9989 removed, the
// "!size" suffix of report URIs that it dropped, and its new tags np, psd
// and t. [Record.Findings] says where receivers of the two generations
// read a record differently. Lookup follows RFC 7489 by default and RFC
// 9989 under [WithTreeWalk]; Evaluate honours pct unless [WithoutPercent],
// and honours t=y always.
//
// # Choices where the RFCs leave room, and departures
//
//   - p need not directly follow v (RFC 9989). RFC 7489 requires it; the
//     record is accepted and FindingPolicyOrder warns the publisher.
//   - Invalid values of optional tags (pct, adkim, aspf, fo, rf, ri, np,
//     psd, t, single rua/ruf URIs) and malformed tags after v are discarded
//     in favour of the default, as RFC 7489 section 6.3 recommends, and
//     kept in Record.Discarded. OpenDMARC and mox reject such records.
//   - A missing or invalid p, or an invalid sp, makes the record read as
//     "v=DMARC1; p=none" when it has a valid rua (the other tags kept, so
//     reports still flow), and unusable otherwise (RFC 7489 section 6.6.3
//     step 6). An unusable record is an error (ErrInvalidRecord), which
//     Verify reports as permerror rather than none.
//   - A known tag given twice makes the record unusable (ErrDuplicateTag);
//     RFC 7489 does not say, and the record would be ambiguous.
//   - rf must name afrf, the only registered format; otherwise the tag is
//     ignored (RFC 7489 section 6.3 allows ignoring the whole tag).
//   - np applies only when the From domain answers NXDOMAIN (RFC 8020),
//     which needs the optional [Querier]. Without it, np is not applied
//     (sp or p is) and FindingExistenceUnknown says so.
//   - Under pct sampling, a message left out gets the next weaker policy
//     (RFC 7489 section 6.6.4); t=y weakens the policy the same way.
//   - The policy of a PSD record (psd=y) found by the tree walk is applied
//     as sp/np of that record; the finer PSD rules of RFC 9989 are not.
//   - Reports: AuthorizeExternal does not read the rua/ruf overrides of
//     the destination's authorization record. Report generation is out of
//     scope.
package dmarc
