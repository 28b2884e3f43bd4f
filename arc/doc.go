// Package arc implements the Authenticated Received Chain, RFC 8617.
//
// # The idea
//
// A mailing list or a forwarder that changes a message (a "[list]" tag in
// the Subject, a footer in the body) breaks the DKIM signature of the
// author's domain, and mail that passed DMARC on its way in fails it on
// the way out. ARC lets each intermediary record what it found when the
// message reached it and sign that record together with the message as it
// leaves, in three header fields that share an instance number i=:
//
//	ARC-Authentication-Results: i=1; lists.example.org; dkim=pass header.d=example.com; dmarc=pass
//	ARC-Message-Signature: i=1; a=rsa-sha256; c=relaxed/relaxed; d=example.org; s=arc; h=from:to:subject:date; bh=...; b=...
//	ARC-Seal: i=1; a=rsa-sha256; cv=none; d=example.org; s=arc; b=...
//
// The AAR (ARC-Authentication-Results) copies the intermediary's
// Authentication-Results; the AMS (ARC-Message-Signature) is a DKIM
// signature of the message as it leaves; the AS (ARC-Seal) signs every ARC
// field so far, and says in cv= what the intermediary found of the chain it
// received: none (there was none), pass or fail. The next receiver
// validates the chain and, if it trusts the sealers, may accept the
// message despite a DMARC fail (RFC 8617 section 7.2).
//
// # What this package offers
//
//   - Parsing: [ParseSeal], [ParseMessageSignature], [ParseAuthResults];
//     they fail with a [*SyntaxError] naming the field, the tag and the
//     offset, which matches [ErrSyntax] with errors.Is.
//   - Validation: [Verifier.Verify] follows RFC 8617 section 5.2 and gives a
//     [Result]: [None], [Pass] or [Fail] with the reason in Result.Err
//     (errors.Is against [ErrStructure], [ErrSealCV], [ErrMessageSignature],
//     [ErrSeal] and the dkim reasons), the sets, and the oldest-pass
//     instance.
//   - Sealing: [Sealer] adds the next set as an intermediary.
//
// ARC is built on DKIM and shares package dkim's canonicalization, body
// hashing, key lookup and checks (RFC 8301: rsa-sha1 and RSA keys under
// 1024 bits fail) through internal/dkimbridge. Like dkim, it streams: the
// body is hashed through fixed buffers, once per distinct body
// canonicalization and l= of the chain, and memory does not grow with it.
//
// # Limits
//
//   - Verifier.MaxSets: at most 50 ARC sets (DefaultMaxSets, RFC 8617
//     section 4.2.1); more is a Fail with ErrTooManySets, found before any
//     key is fetched. At most 3*MaxSets ARC fields are parsed.
//   - Verifier.MaxHeaderBytes and MaxHeaderFields: the header section, by
//     default dkim.DefaultMaxHeaderBytes (1 MiB) and
//     dkim.DefaultMaxHeaderFields (1000); more is an error of Verify.
//   - MaxFieldLength: an ARC field value over 64 KiB is malformed.
//   - Key lookups: one per distinct selector and domain in a message, at
//     most two per set; at most dkim.MaxKeyRecords TXT records are read
//     at a name.
//   - Verifier.MinRSABits: RSA keys under 1024 bits always fail.
//   - Verifier.MaxRSABits (default dkim.DefaultMaxRSAKeyBits, 8192): a
//     larger RSA key fails the set with dkim.ErrKeyTooLarge before any
//     RSA arithmetic, so a hostile sealer cannot make one message cost
//     seconds of CPU.
//
// # Choices and departures
//
//   - Tags may come in any order in the AS and AMS (the ABNF puts i= first,
//     but the ARC test suite and real sealers write them sorted); in the AAR
//     i= must come first.
//   - A tag given twice, an empty tag between semicolons, a cv= other than
//     none, fail or pass, and h= in an ARC-Seal make the field malformed and
//     the chain Fail.
//   - The AMS h= may be empty and need not name From, and may name
//     ARC-Authentication-Results or ARC-Message-Signature (RFC 8617 asks
//     signers not to, but no validator step checks it); it must not name
//     ARC-Seal, which would make seal and signature sign each other.
//   - A temporary DNS failure while fetching a key makes the chain Fail
//     with ErrKeyUnavailable: RFC 8617 has no temperror for ARC.
//     A receiver may retry later.
//   - Only the newest AMS must verify; the others only set OldestPass
//     (RFC 8617 section 5.2 step 5). x= in an AMS is not checked.
//   - Bare LF line ends are read as CRLF, as in package dkim.
//   - An AMS without c= is simple/simple, as RFC 6376 says for DKIM. The ARC
//     test suite (written for draft -18, checked in corpus_test.go) expects
//     one such AMS, signed with relaxed headers, to pass; it fails here. Its
//     three chains with a seal saying cv=fail expect no result; they fail
//     here, as RFC 8617 section 5.2 steps 2 and 3 say.
//   - Sealing: the AMS is always relaxed/relaxed with tags in alphabetical
//     order, as the suite's generator writes them (so its expected b= values
//     are reproduced); a seal with cv=fail signs only its own set (section
//     5.1.2); a chain whose newest seal already says cv=fail is not continued
//     (ErrChainFailed).
package arc
