// Package dkim implements DomainKeys Identified Mail: RFC 6376, with the
// cryptographic updates of RFC 8301 and Ed25519 signatures from RFC 8463.
//
// # The idea
//
// A domain that sends mail signs each message with a private key: it
// hashes the body and a chosen set of header fields (From, Subject, ...)
// and adds the result as a DKIM-Signature header field naming the domain
// (d=) and a selector (s=):
//
//	DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com;
//		s=sel2025; h=From:To:Subject:Date; bh=...; b=...
//
// The public half is published in DNS as a TXT record at
// <selector>._domainkey.<domain>:
//
//	sel2025._domainkey.example.com. TXT "v=DKIM1; k=rsa; p=MIIBIjANBgkq..."
//
// A receiver fetches the key and checks both hashes. A pass proves the
// domain took responsibility for the message and that the signed parts did
// not change in transit; DMARC then checks that d= aligns with From.
// Selectors let a domain hold several keys at once (one per provider,
// or old and new during a rotation).
//
// # What this package offers
//
//   - Key records: [ParseKey], [Key.String], [NewKey], [GenerateKey]
//     (RSA 2048 to 4096, Ed25519), PEM helpers, and [Key.Matches] to prove
//     that what a customer published is the key a provider signs with.
//     The usual publishing mistakes (quotes, "\;", a truncated key, PEM
//     armour) have their own errors: [ErrKeyQuoted] and friends.
//   - Parse errors: [ParseKey] and [ParseSignature] fail with a
//     [*SyntaxError] naming what was parsed, the tag and the offset; every
//     one matches [ErrSyntax] with errors.Is.
//   - Signing: [Signer] is an io.Writer that hashes the message as it
//     streams through and produces one or more signatures in one pass (RSA
//     and Ed25519 side by side, as RFC 8463 recommends); [Sign] and
//     [SignMessage] wrap it. The default header set over-signs From,
//     Subject, To and the other fields a forger would add.
//   - Verifying: [Verifier.Verify] checks every signature of a message and
//     gives one [Result] per signature: a [Status] and, unless it passed,
//     an error to test with errors.Is ([ErrBodyHashMismatch],
//     [ErrKeyRevoked], [ErrSHA1], ...). Memory use does not grow with the
//     body: it is canonicalized and hashed through fixed buffers.
//   - Canonicalization: [CanonicalizeHeader], [ParseCanonicalization].
//
// Key lookups go through a [TXTResolver], which *net.Resolver and the
// resolvers of the domainauth root package satisfy.
//
// Per message, a Verifier looks the key up and parses it again unless
// given a [KeyCache]: share one between the verifications of a mail flow.
// The cache keeps a key for the TTL of its DNS record when the resolver
// tells it (domainauth's StubResolver does); leave Verifier.KeyCache nil to
// turn caching off.
// The body canonicalizer has several code paths, which give the same
// bytes and hashes: [CodePath] names the one in use, [CodePathEnv] chooses
// another.
//
// Speed: see internal/bench/RESULTS.md.
//
// # Departures from the RFCs and choices
//
//   - rsa-sha1 signatures are refused (PermError, [ErrSHA1]) and RSA keys
//     under 1024 bits are refused ([ErrKeyTooSmall]), per RFC 8301.
//     GenerateKey makes no RSA key under 2048 bits. RSA keys over 8192
//     bits are refused too ([ErrKeyTooLarge], see Limits).
//   - Signatures without v=1 (pre-RFC 6376 drafts) are PermError.
//     DomainKeys (RFC 4870) DomainKey-Signature fields are ignored.
//   - g= in key records (RFC 4871) is ignored, as RFC 6376 says.
//   - Key records holding a bare PKCS#1 RSAPublicKey instead of a
//     SubjectPublicKeyInfo are accepted, as several verifiers do; an
//     Ed25519 key wrapped in SubjectPublicKeyInfo is refused (RFC 8463
//     wants the 32 raw bytes).
//   - With several TXT records at the key name, the first that parses is
//     used (RFC 6376 leaves this undefined).
//   - An l= larger than the canonical body is PermError
//     ([ErrBodyLengthExceeded]); l= shorter than the body passes, as the
//     RFC says, so the signer never sets it unless asked.
//   - Signing defaults to relaxed/relaxed, not the RFC default simple/simple,
//     because simple breaks on ordinary re-folding in transit.
//   - Signatures beyond Verifier.MaxSignatures (default 10) are reported
//     Neutral without being checked; t= in the future is not checked.
//   - Bare LF line ends are read as CRLF, in headers and body alike.
//
// # Limits
//
// Everything a message or a key record controls is bounded, so that one
// hostile sender costs a bounded amount of CPU, memory and DNS traffic per
// message. The bounds and their defaults:
//
//   - Header section: at most Verifier.MaxHeaderBytes (default
//     [DefaultMaxHeaderBytes], 1 MiB) and Verifier.MaxHeaderFields
//     (default [DefaultMaxHeaderFields], 1000 fields); a larger header is
//     an error of the whole Verify call ([ErrHeaderTooLarge]), found
//     without reading much past the limit. [Signer] has the same bounds.
//   - Signatures evaluated per message: Verifier.MaxSignatures (default
//     [DefaultMaxSignatures], 10); the others are Neutral
//     ([ErrTooManySignatures]) and cost no DNS lookup and no hashing.
//   - One DKIM-Signature field: at most [MaxSignatureLength] (64 KiB),
//     which also bounds its h= list; h= is matched to the header fields
//     in time linear in the list and the header, and each field is hashed
//     at most once per signature.
//   - DNS: one lookup per distinct key name among the evaluated
//     signatures, so at most MaxSignatures per message, each bounded by
//     ctx (Verify has no timeout of its own: give ctx a deadline).
//   - Verifier.KeyCache (off by default, nil): at most KeyCache.MaxEntries
//     answers (default [DefaultKeyCacheEntries], 1000). With a resolver
//     that has the Query method of domainauth.Querier, each key is kept
//     for its DNS TTL within KeyCache.MinTTL and KeyCache.MaxTTL (default
//     [DefaultKeyCacheMaxTTL], one hour), and a missing key for the SOA's
//     negative TTL, at most KeyCache.NegativeTTL (default
//     [DefaultKeyCacheNegativeTTL], 30 seconds); with LookupTXT alone,
//     each key KeyCache.TTL (default [DefaultKeyCacheTTL], one minute)
//     and missing keys not at all. Temporary failures and records that do
//     not parse are never kept.
//   - Key records: at most [MaxKeyRecords] (10) TXT records are read at a
//     key name, each at most [MaxKeyRecordLength] (8 KiB).
//   - RSA key size: at least Verifier.MinRSABits (never under
//     [MinRSAKeyBits], 1024, RFC 8301) and at most Verifier.MaxRSABits
//     (default [DefaultMaxRSAKeyBits], 8192), checked before any RSA
//     arithmetic; a larger key is PermError with [ErrKeyTooLarge]. The
//     cost of a check grows about with the square of the key size: an
//     8 KiB record holds a 46,000-bit key that costs some 60 ms per
//     signature, where 8192 bits cost 2.5 ms, 4096 bits 0.6 ms and 2048
//     bits 0.06 ms (one core of a loaded 2-core server). RFC 8301 section
//     3.2 asks verifiers to accept 1024 to 4096 bits; 8192 is also the
//     bound of Go's crypto/tls for certificate keys and of other DKIM
//     verifiers (chasquid, rspamd), and lets the rare 8192-bit keys
//     published today verify. Set MaxRSABits to 4096 for the tighter
//     bound RFC 8301 allows.
//   - The public exponent is at most 2^31-1 (crypto/x509 refuses more),
//     which costs about twice the usual 65537 (measured: 1.8x). Ed25519
//     costs the same for every key.
//   - Body: streamed through fixed buffers (memory does not grow with
//     it); it is canonicalized and hashed once per distinct pair of body
//     canonicalization and l= among the evaluated signatures, so at most
//     MaxSignatures times. Its length is not bounded here: that is the
//     caller's message size limit.
//   - Keys this package makes: [GenerateKey] makes RSA keys of 2048 to
//     [MaxGenerateRSABits] (4096) bits.
package dkim
