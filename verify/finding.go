package verify

// Code identifies a kind of problem. Codes are stable: services may store
// them, count them and map them to their own help pages. New codes may be
// added; existing ones keep their meaning.
type Code string

// The finding codes, one for each detectable row of DNS-PITFALLS.md plus a
// few that fall out of the same checks. Pitfalls that cannot be seen in DNS
// (a host that refuses underscores, TXT records or MX on a subdomain, or
// needs both MX values in one record set) are not codes: their advice is in
// the Fix text of the finding the customer does see (record-missing,
// mx-missing-host).
const (
	// CodeRecordMissing: nothing at the expected name (NXDOMAIN or NODATA,
	// or no record of the kind among those of the type).
	CodeRecordMissing Code = "record-missing"
	// CodeNameDoubled: the record is at <name>.<zone>.<zone>: the DNS host
	// appended the domain to a host name that already held it (GoDaddy
	// and others).
	CodeNameDoubled Code = "name-doubled"
	// CodeNameAtApex: the record (SPF, MX, DKIM) is at the root domain
	// instead of the account subdomain.
	CodeNameAtApex Code = "name-at-apex"
	// CodeSPFType99: SPF published with the obsolete SPF record type (99)
	// instead of TXT; receivers ignore it (RFC 7208 section 3.1).
	CodeSPFType99 Code = "spf-type-99"
	// CodeSPFMultiple: two or more v=spf1 TXT records at one name, a
	// permerror for every receiver (RFC 7208 section 4.5).
	CodeSPFMultiple Code = "spf-multiple"
	// CodeSPFIncludeMissing: an SPF record is there, but it lacks the
	// provider's include (or another required mechanism), or has it with
	// another qualifier.
	CodeSPFIncludeMissing Code = "spf-include-missing"
	// CodeSPFLookupLimit: evaluating the record needs more than 10 DNS
	// lookups or more than 2 void lookups (RFC 7208 section 4.6.4).
	CodeSPFLookupLimit Code = "spf-lookup-limit"
	// CodeSPFSyntax: the SPF record does not parse.
	CodeSPFSyntax Code = "spf-syntax"
	// CodeSPFAllPosition: the required mechanism comes after "all" (so it
	// is never reached), or the record ends in "+all" (anyone may send).
	CodeSPFAllPosition Code = "spf-all-position"
	// CodeSPFProblem: another problem that spf.Analyze reports in the
	// published record (loops, ptr, a broken include, ...); the message
	// carries the spf package's own finding code.
	CodeSPFProblem Code = "spf-problem"
	// CodeTXTQuotes: literal quote characters pasted into an SPF or DMARC
	// value, so receivers do not recognise it.
	CodeTXTQuotes Code = "txt-quotes"
	// CodeTXTEscapedSemicolon: "\;" published literally in a DMARC value
	// (the zone-file escape typed into a DNS host's form), so receivers do
	// not recognise the record. DKIM keys have their own code,
	// dkim-escaped-semicolon.
	CodeTXTEscapedSemicolon Code = "txt-escaped-semicolon"
	// CodeMXMissingHost: only some of the MX hosts are published.
	CodeMXMissingHost Code = "mx-missing-host"
	// CodeMXExtraHost: MX hosts beyond the provider's are published at the
	// return-path name; bounces sent to them never reach the provider.
	CodeMXExtraHost Code = "mx-extra-host"
	// CodeMXPriority: MX published with other priorities than asked. An
	// error when the order of the hosts changes, information when only the
	// numbers differ.
	CodeMXPriority Code = "mx-priority"
	// CodeDKIMKeyMismatch: a DKIM key is published but it is not the
	// account's key (an old key, another provider's), or it is revoked.
	CodeDKIMKeyMismatch Code = "dkim-key-mismatch"
	// CodeDKIMKeyTruncated: the key was cut off (often at 255 characters)
	// or split into separate TXT records.
	CodeDKIMKeyTruncated Code = "dkim-key-truncated"
	// CodeDKIMEscapedSemicolon: "\;" was published literally.
	CodeDKIMEscapedSemicolon Code = "dkim-escaped-semicolon"
	// CodeDKIMQuotes: literal quote characters pasted into the key value.
	CodeDKIMQuotes Code = "dkim-quotes"
	// CodeDKIMKeyInvalid: the key record does not parse for another reason
	// (a PEM block pasted in, a bad tag, not base64).
	CodeDKIMKeyInvalid Code = "dkim-key-invalid"
	// CodeDKIMMultiple: several TXT records at the DKIM name; receivers
	// may pick any of them.
	CodeDKIMMultiple Code = "dkim-multiple"
	// CodeCNAMEProxied: addresses answer at a name that must be a CNAME:
	// a proxy (Cloudflare's orange cloud) hides the CNAME.
	CodeCNAMEProxied Code = "cname-proxied"
	// CodeCNAMETarget: the CNAME points somewhere else (wrong region, typo).
	CodeCNAMETarget Code = "cname-target"
	// CodeCNAMEConflict: a CNAME sits at a name that must hold TXT or MX,
	// and shadows every other record there.
	CodeCNAMEConflict Code = "cname-conflict"
	// CodeWhitespaceTypo: stray spaces, or a missing trailing dot that made
	// the DNS host append the domain to a host name in a value.
	CodeWhitespaceTypo Code = "whitespace-typo"
	// CodeDMARCMissing: no DMARC policy applies to the From domain.
	CodeDMARCMissing Code = "dmarc-missing"
	// CodeDMARCStrictAlignment: the policy that applies to the From domain
	// asks for strict alignment (adkim=s or aspf=s), which mail with the
	// account subdomain as return path or DKIM domain fails.
	CodeDMARCStrictAlignment Code = "dmarc-strict-alignment"
	// CodeDMARCInvalid: a DMARC record that does not parse (also text
	// meant as one that receivers do not recognise, such as
	// "v=DMARC1 p=reject" without semicolons), several records, or a
	// record at the wrong name. An error when no policy applies because of
	// it, a warning when a policy at a parent name applies instead.
	CodeDMARCInvalid Code = "dmarc-invalid"
	// CodeDMARCTagInvalid: the DMARC record works, but a tag has a value
	// receivers ignore (pct=150, adkim=x, a malformed tag), so they use the
	// default instead of what was written; or it has no valid p and is
	// read as p=none. A warning: a policy still applies.
	CodeDMARCTagInvalid Code = "dmarc-tag-invalid"
	// CodeDMARCReportURI: a rua or ruf destination is not a valid report
	// URI (an address without "mailto:"), so receivers send no reports
	// there. A warning, not an error: the policy still protects the
	// domain and mail is delivered as before; what is lost is the
	// owner's view of who sends as the domain.
	CodeDMARCReportURI Code = "dmarc-report-uri"
	// CodeDMARCModeDifference: receivers following RFC 7489 and receivers
	// following RFC 9989 read the record differently: a tag only one of
	// them knows (pct, rf, ri, a "!size" limit; np, psd, t), an invalid
	// value of such a tag, p not directly after v (which RFC 7489
	// receivers may refuse). Information when the difference is harmless
	// or ignored, a warning when one kind of receiver applies another
	// policy or none.
	CodeDMARCModeDifference Code = "dmarc-mode-difference"
	// CodeDMARCRUAUnauthorized: rua sends reports to another domain that
	// has not published the _report._dmarc authorization (RFC 7489
	// section 7.1), so receivers drop those reports.
	CodeDMARCRUAUnauthorized Code = "dmarc-rua-unauthorized"
	// CodeDMARCPNone: the policy is p=none: monitoring only.
	CodeDMARCPNone Code = "dmarc-p-none"
	// CodeFromTemplated: the From address is a template ({{ ... }},
	// {% ... %}), so the sending domain cannot be known.
	CodeFromTemplated Code = "from-templated"
	// CodeDNSTemporary: a lookup timed out or failed (SERVFAIL, REFUSED):
	// the record's state is unknown for now.
	CodeDNSTemporary Code = "dns-temporary"
	// CodeRecordUnsupported: the Set holds a record verify cannot check
	// (an unknown type or an invalid name).
	CodeRecordUnsupported Code = "record-unsupported"
)

// Finding is one problem found, with what to do about it.
//
//	{"code": "name-doubled", "severity": "error",
//	 "record": "cio123.example.com MX",
//	 "message": "MX record found at cio123.example.com.example.com instead of cio123.example.com",
//	 "fix": "Your DNS host adds the domain by itself (GoDaddy does): ..."}
type Finding struct {
	Code     Code     `json:"code"`     // the kind of problem, one of the Code* values
	Severity Severity `json:"severity"` // Info, Warning or Critical (written "error" in JSON)
	// Record is the record the finding is about, as "<fqdn> <TYPE>", or
	// empty for the domain as a whole (from-templated).
	Record string `json:"record,omitempty"`
	// Message says in one line what was found.
	Message string `json:"message"`
	// Fix says what to change, in words a non-expert can follow, naming
	// the DNS host's form where hosts differ.
	Fix string `json:"fix,omitempty"`
}
