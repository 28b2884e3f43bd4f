package finding

// The finding codes, grouped by the package that reports them first. A code
// that several packages report (cname-proxied by verify and tracking,
// spf-multiple by verify, spf and records) is defined once, in the first
// group that uses it, and means the same wherever it appears. The catalogue
// (Catalogue, docs/FINDINGS.md) gives each code's severity, meaning and fix.

// Codes reported by verify: one for each mistake a customer makes that DNS
// shows. Mistakes that cannot be seen in DNS (a host that refuses
// underscores, TXT records or MX on a subdomain, or needs both MX values in
// one record set) are not codes: their advice is in the Fix text of the
// finding the customer does see (record-missing, mx-missing-host).
const (
	// CodeRecordMissing: nothing at the expected name (NXDOMAIN or NODATA,
	// or no record of the kind among those of the type).
	CodeRecordMissing Code = "record-missing"
	// CodeNameDoubled: the record is at <name>.<zone>.<zone>: the DNS host
	// appended the domain to a host name that already held it.
	CodeNameDoubled Code = "name-doubled"
	// CodeNameAtApex: the record (SPF, MX, DKIM) is at the root domain
	// instead of the account subdomain.
	CodeNameAtApex Code = "name-at-apex"
	// CodeSPFType99: SPF published with the obsolete SPF record type (99)
	// instead of TXT (RFC 7208 section 3.1). Also reported by spf.Analyze.
	CodeSPFType99 Code = "spf-type-99"
	// CodeSPFMultiple: two or more v=spf1 TXT records at one name, a
	// permerror for every receiver (RFC 7208 section 4.5). Also reported by
	// spf.Analyze and records.
	CodeSPFMultiple Code = "spf-multiple"
	// CodeSPFIncludeMissing: an SPF record is there, but it lacks the
	// provider's include (or another required mechanism), or has it with
	// another qualifier.
	CodeSPFIncludeMissing Code = "spf-include-missing"
	// CodeSPFLookupLimit: evaluating the record needs more than 10 DNS
	// lookups (RFC 7208 section 4.6.4); verify also uses it for more than 2
	// void lookups. Also reported by spf.Analyze and records.
	CodeSPFLookupLimit Code = "spf-lookup-limit"
	// CodeSPFSyntax: the SPF record does not parse. Also reported by
	// spf.Analyze and records.
	CodeSPFSyntax Code = "spf-syntax"
	// CodeSPFAllPosition: the required mechanism comes after "all" (so it
	// is never reached), or the record ends in "+all".
	CodeSPFAllPosition Code = "spf-all-position"
	// CodeSPFProblem: another problem that spf.Analyze reports in the
	// published record; the message carries the spf finding's code.
	CodeSPFProblem Code = "spf-problem"
	// CodeTXTQuotes: literal quote characters pasted into an SPF or DMARC
	// value.
	CodeTXTQuotes Code = "txt-quotes"
	// CodeTXTEscapedSemicolon: "\;" published literally in a DMARC value,
	// so receivers do not recognise the record. DKIM keys have their own
	// code, dkim-escaped-semicolon.
	CodeTXTEscapedSemicolon Code = "txt-escaped-semicolon"
	// CodeMXMissingHost: only some of the MX hosts are published.
	CodeMXMissingHost Code = "mx-missing-host"
	// CodeMXExtraHost: MX hosts beyond the provider's are published at the
	// return-path name.
	CodeMXExtraHost Code = "mx-extra-host"
	// CodeMXPriority: MX published with other priorities than asked.
	CodeMXPriority Code = "mx-priority"
	// CodeDKIMKeyMismatch: a DKIM key is published but it is not the
	// account's key, or it is revoked.
	CodeDKIMKeyMismatch Code = "dkim-key-mismatch"
	// CodeDKIMKeyTruncated: the key was cut off or split into separate TXT
	// records.
	CodeDKIMKeyTruncated Code = "dkim-key-truncated"
	// CodeDKIMEscapedSemicolon: "\;" was published literally.
	CodeDKIMEscapedSemicolon Code = "dkim-escaped-semicolon"
	// CodeDKIMQuotes: literal quote characters pasted into the key value.
	CodeDKIMQuotes Code = "dkim-quotes"
	// CodeDKIMKeyInvalid: the key record does not parse for another reason.
	CodeDKIMKeyInvalid Code = "dkim-key-invalid"
	// CodeDKIMMultiple: several TXT records at the DKIM name.
	CodeDKIMMultiple Code = "dkim-multiple"
	// CodeCNAMEProxied: addresses answer at a name that must be a CNAME: a
	// proxy hides the CNAME. Also reported by tracking.
	CodeCNAMEProxied Code = "cname-proxied"
	// CodeCNAMETarget: the CNAME points somewhere else. Also reported by
	// tracking.
	CodeCNAMETarget Code = "cname-target"
	// CodeCNAMEConflict: a CNAME sits at a name that must hold TXT or MX.
	CodeCNAMEConflict Code = "cname-conflict"
	// CodeWhitespaceTypo: stray spaces, or a missing trailing dot in a host
	// name of a value.
	CodeWhitespaceTypo Code = "whitespace-typo"
	// CodeDMARCMissing: no DMARC policy applies to the From domain.
	CodeDMARCMissing Code = "dmarc-missing"
	// CodeDMARCStrictAlignment: the DMARC policy asks for strict alignment
	// (adkim=s or aspf=s), which the provider's subdomain mail fails. Also
	// reported by records.
	CodeDMARCStrictAlignment Code = "dmarc-strict-alignment"
	// CodeDMARCInvalid: a DMARC record that does not parse, several
	// records, or a record at the wrong name.
	CodeDMARCInvalid Code = "dmarc-invalid"
	// CodeDMARCTagInvalid: the DMARC record works, but a tag has a value
	// receivers ignore, or it has no valid p and is read as p=none.
	CodeDMARCTagInvalid Code = "dmarc-tag-invalid"
	// CodeDMARCReportURI: a rua or ruf destination is not a valid report
	// URI (an address without "mailto:"), so receivers send no reports
	// there.
	CodeDMARCReportURI Code = "dmarc-report-uri"
	// CodeDMARCModeDifference: receivers following RFC 7489 and those
	// following RFC 9989 read the record differently. Also reported by
	// records.
	CodeDMARCModeDifference Code = "dmarc-mode-difference"
	// CodeDMARCRUAUnauthorized: rua sends reports to another domain that
	// has not published the _report._dmarc authorization. Also reported by
	// records.
	CodeDMARCRUAUnauthorized Code = "dmarc-rua-unauthorized"
	// CodeDMARCPNone: the policy is p=none: monitoring only.
	CodeDMARCPNone Code = "dmarc-p-none"
	// CodeFromTemplated: the From address is a template, so the sending
	// domain cannot be known.
	CodeFromTemplated Code = "from-templated"
	// CodeDNSTemporary: a lookup timed out or failed (SERVFAIL, REFUSED).
	// Also reported by tracking.
	CodeDNSTemporary Code = "dns-temporary"
	// CodeRecordUnsupported: the Set holds a record verify cannot check.
	CodeRecordUnsupported Code = "record-unsupported"
)

// Codes reported by spf.Analyze, besides spf-type-99, spf-multiple,
// spf-syntax and spf-lookup-limit above.
const (
	// CodeSPFNoRecord: a domain of the include tree has no SPF record.
	CodeSPFNoRecord Code = "spf-no-record"
	// CodeSPFTempError: a lookup of the tree failed; evaluation gives
	// temperror.
	CodeSPFTempError Code = "spf-temperror"
	// CodeSPFVoidLookupLimit: more than 2 lookups of the tree find nothing
	// (RFC 7208 section 4.6.4).
	CodeSPFVoidLookupLimit Code = "spf-void-lookup-limit"
	// CodeSPFMXLimit: an mx term names a domain with more than 10 MX hosts.
	CodeSPFMXLimit Code = "spf-mx-limit"
	// CodeSPFIncludeLoop: an include or redirect reaches a record already
	// on the path.
	CodeSPFIncludeLoop Code = "spf-include-loop"
	// CodeSPFDuplicateInclude: a domain is included more than once.
	CodeSPFDuplicateInclude Code = "spf-duplicate-include"
	// CodeSPFPtr: the record uses the ptr mechanism.
	CodeSPFPtr Code = "spf-ptr"
	// CodeSPFTermsAfterAll: terms after "all", never evaluated.
	CodeSPFTermsAfterAll Code = "spf-terms-after-all"
	// CodeSPFPlusAll: "+all" authorizes every host.
	CodeSPFPlusAll Code = "spf-plus-all"
	// CodeSPFNeutralAll: "?all" asserts nothing about other hosts.
	CodeSPFNeutralAll Code = "spf-neutral-all"
	// CodeSPFRedirectIgnored: a redirect in a record that has "all".
	CodeSPFRedirectIgnored Code = "spf-redirect-ignored"
	// CodeSPFMacroTarget: a term's target holds macros and cannot be
	// followed statically.
	CodeSPFMacroTarget Code = "spf-macro-target"
	// CodeSPFStringTooLong: a TXT character-string over 255 bytes.
	CodeSPFStringTooLong Code = "spf-string-too-long"
	// CodeSPFRecordTooLong: the record is over 450 bytes.
	CodeSPFRecordTooLong Code = "spf-record-too-long"
	// CodeSPFNotChecked: a lookup the Analyzer's time budget left
	// unfinished: the analysis is incomplete there.
	CodeSPFNotChecked Code = "spf-not-checked"
)

// Codes reported by dmarc (Record.Findings, LookupResult.Findings).
const (
	// CodeDMARCDiscarded: a tag value was invalid and the default was
	// used, or a malformed tag was skipped.
	CodeDMARCDiscarded Code = "dmarc-discarded"
	// CodeDMARCPolicyFallback: no valid p (or an invalid sp); the record is
	// read as p=none because it has a valid rua.
	CodeDMARCPolicyFallback Code = "dmarc-policy-fallback"
	// CodeDMARCRemovedTag: pct, rf or ri, which RFC 9989 removed.
	CodeDMARCRemovedTag Code = "dmarc-rfc9989-removed-tag"
	// CodeDMARCSizeLimit: a report URI with a "!size" limit, which RFC 9989
	// dropped.
	CodeDMARCSizeLimit Code = "dmarc-rfc9989-size-limit"
	// CodeDMARCNewTag: np, psd or t, which RFC 7489 receivers ignore.
	CodeDMARCNewTag Code = "dmarc-rfc7489-unknown-tag"
	// CodeDMARCPolicyOrder: p does not directly follow v, as RFC 7489
	// requires.
	CodeDMARCPolicyOrder Code = "dmarc-rfc7489-p-not-second"
	// CodeDMARCMultiple: several DMARC records at one name.
	CodeDMARCMultiple Code = "dmarc-multiple"
	// CodeDMARCNPUndetermined: the record has np, but the resolver cannot
	// tell NXDOMAIN from NODATA, so np was not applied.
	CodeDMARCNPUndetermined Code = "dmarc-np-undetermined"
)

// Codes reported by records when it generates a Set, besides spf-multiple,
// spf-syntax, spf-lookup-limit, dmarc-strict-alignment,
// dmarc-rua-unauthorized and dmarc-mode-difference above.
const (
	// CodeDMARCExisting: the domain already has a DMARC record, so none is
	// proposed; it must keep relaxed alignment.
	CodeDMARCExisting Code = "dmarc-existing"
)

// Codes reported by tracking, besides cname-proxied, cname-target and
// dns-temporary above.
const (
	// CodeCNAMEMissing: no CNAME and no addresses at the tracking host.
	CodeCNAMEMissing Code = "cname-missing"
	// CodeHSTSOnDomain: the host or a parent sends HSTS that covers the
	// host.
	CodeHSTSOnDomain Code = "hsts-on-domain"
	// CodeHSTSPreloadedTLD: the TLD (.app, .dev, ...) is HSTS-preloaded in
	// browsers.
	CodeHSTSPreloadedTLD Code = "hsts-preloaded-tld"
	// CodeHTTPUnreachable: no HTTP response on port 80.
	CodeHTTPUnreachable Code = "http-unreachable"
	// CodeHTTPError: the HTTP response was a server error (5xx).
	CodeHTTPError Code = "http-error"
	// CodeHTTPUnknown: the http:// request did not complete (timeout,
	// headers over the limit): whether http:// links work is unknown.
	CodeHTTPUnknown Code = "http-unknown"
	// CodeHSTSUnknown: an HSTS probe of the host or a parent did not
	// complete: whether HSTS applies is unknown.
	CodeHSTSUnknown Code = "hsts-unknown"
	// CodeHTTPSNotCovered: the certificate does not name the host.
	CodeHTTPSNotCovered Code = "https-not-covered"
	// CodeHTTPSExpired: the certificate expired (or is not valid yet).
	CodeHTTPSExpired Code = "https-expired"
	// CodeHTTPSExpiring: the certificate expires soon.
	CodeHTTPSExpiring Code = "https-expiring"
	// CodeHTTPSUntrusted: the chain does not lead to a trusted root.
	CodeHTTPSUntrusted Code = "https-untrusted"
	// CodeHTTPSHandshake: the TLS handshake failed.
	CodeHTTPSHandshake Code = "https-handshake"
	// CodeHTTPSUnreachable: no TCP connection on port 443.
	CodeHTTPSUnreachable Code = "https-unreachable"
	// CodeAddressForbidden: the host resolves only to private, loopback or
	// similar addresses.
	CodeAddressForbidden Code = "address-forbidden"
)
