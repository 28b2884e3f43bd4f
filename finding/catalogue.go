package finding

import "slices"

// Entry is the catalogue's page on one code: what it means, how serious it
// usually is, and what fixes it, in words for a support engineer or a
// help page. docs/FINDINGS.md in the repository is generated from these
// entries.
type Entry struct {
	Code Code
	// Severity is the usual severity. A producer may report a code at
	// another severity when the case is milder or worse (verify's
	// mx-priority is an error when the hosts' order changes, info when
	// only the numbers differ); Meaning says when.
	Severity Severity
	// Producers are the packages that report the code: "verify", "spf",
	// "dmarc", "records", "tracking".
	Producers []string
	// Meaning says what was found and why it matters.
	Meaning string
	// Fix says what fixes it in general words; each finding's own Fix
	// names the record, host and value.
	Fix string
	// Questions are the customer questions of a provider's help pages
	// that this code answers, as a customer asks them; nil when none.
	Questions []string
}

// The questions customers ask on the domain-authentication help pages of
// email service providers, answered by the codes whose Questions hold them.
const (
	qNoRecords    = "What if I don't add the DNS records? What happens?"
	qSPFAndDKIM   = "Do I need to add both SPF and DKIM?"
	qSPFNotVerify = "The SPF record is correct, but it's not verifying."
	qCloudflare   = "I'm hosting my DNS with Cloudflare. The CNAME record is correct, yet remains unverified."
	qGoDaddy      = "I'm using GoDaddy and my DNS records are still not verifying."
	qPanelError   = "I'm getting an error in my DNS panel when trying to add the records, what can I do?"
	qAWSMX        = "How do I add multiple MX records for my AWS-hosted domain?"
	qRecordsThere = "How do I verify my records are there?"
	qSMTPTracking = "Do I need to authenticate my domain if I'm using a custom SMTP? (branded link tracking)"
	qPending      = "Why is my domain still pending?"
	qRejected     = "Why was my domain's authorization rejected?"
	qDMARCValues  = "Which values should my DMARC record have?"
	qTypos        = "I added the records, why is my domain still unverified?"
	qRegularMail  = "Will adding authentication affect my regular email?"
	qNoTXT        = "My host doesn't support TXT records. What do I do?"
	qWix          = "Why can't I verify my domain with Wix?"
)

var (
	pv   = []string{"verify"}
	pvs  = []string{"verify", "spf"}
	pvsr = []string{"verify", "spf", "records"}
	ps   = []string{"spf"}
	pd   = []string{"dmarc"}
	pvr  = []string{"verify", "records"}
	pr   = []string{"records"}
	pt   = []string{"tracking"}
	pvt  = []string{"verify", "tracking"}
)

var catalogue = []Entry{
	// verify
	{CodeRecordMissing, Error, pv,
		"Nothing is published at the name the record must have (the name does not exist, or holds no record of the type, or none of the kind, such as no v=spf1 TXT record). Until every required record is there the domain stays pending, then fails.",
		"Add the record with the host and value shown. Hosts that refuse underscores, TXT records or MX on a subdomain (Wix) need their support, or the DNS moved to a host that allows them.",
		[]string{qNoRecords, qSPFAndDKIM, qPanelError, qNoTXT, qWix, qPending, qRejected}},
	{CodeNameDoubled, Error, pv,
		"The record is at <name>.<domain>.<domain>: the DNS host appends the domain to the host field by itself (GoDaddy and others), and the full name was typed there.",
		"Edit the record so that the host field holds only the part before the domain (cio123, not cio123.example.com).",
		[]string{qGoDaddy}},
	{CodeNameAtApex, Error, pv,
		"The record (SPF, MX or DKIM) is at the root of the domain instead of the account subdomain, so it is not where receivers and the provider look. Provider MX records at the root also take in the domain's own mail.",
		"Add the record at the account subdomain. Remove provider MX records from the root; SPF and DKIM records at the root may stay if other mail uses them.",
		[]string{qSPFNotVerify, qRegularMail}},
	{CodeSPFType99, Error, pvs,
		"SPF is published with the obsolete SPF record type (99), which RFC 7208 section 3.1 removed; receivers read TXT only. verify reports it as an error when the TXT record is missing; spf.Analyze as a warning, beside its own spf-no-record when there is no TXT record.",
		"Publish the same value as a TXT record and delete the SPF-type record.",
		[]string{qSPFNotVerify}},
	{CodeSPFMultiple, Error, pvsr,
		"Two or more v=spf1 TXT records at one name: every receiver's SPF check gives permerror (RFC 7208 section 4.5), so SPF fails for all of them.",
		"Merge the records into one: one v=spf1, every mechanism of both, one all at the end.",
		nil},
	{CodeSPFIncludeMissing, Error, pv,
		"An SPF record is there, but it lacks the provider's include (or another required mechanism), or has it with another qualifier, so the provider's servers are not authorized.",
		"Add the provider's mechanism to the record, before its all term.",
		nil},
	{CodeSPFLookupLimit, Error, pvsr,
		"Evaluating the record needs more than 10 DNS-querying terms (include, a, mx, ptr, exists, redirect) in the whole include tree; receivers stop at the 11th with permerror (RFC 7208 section 4.6.4). verify also reports more than 2 void lookups under this code.",
		"Remove includes and mechanisms that are no longer used; on an account subdomain keep only the provider's include.",
		nil},
	{CodeSPFSyntax, Error, pvsr,
		"The SPF record does not parse; receivers give permerror.",
		"Correct the term the message names, or replace the record with the one proposed.",
		nil},
	{CodeSPFAllPosition, Error, pv,
		"The required mechanism comes after all, so it is never reached (error), or the record ends in +all, which lets anyone send (warning).",
		"Move the mechanism before all; end the record with ~all or -all.",
		nil},
	{CodeSPFProblem, Error, pv,
		"Another problem spf.Analyze finds in the published record's tree (a loop, a broken include, ptr); the message names the spf code. Error when evaluation fails, warning otherwise.",
		"Fix or remove the failing part of the record.",
		nil},
	{CodeTXTQuotes, Error, pv,
		"Literal quote characters were pasted into an SPF or DMARC value, so receivers do not recognise the record.",
		"Edit the value and remove the quote characters; the DNS host adds the quoting itself.",
		[]string{qTypos}},
	{CodeTXTEscapedSemicolon, Error, pv,
		"A backslash before each semicolon (\\;) was published literally in a DMARC value: the zone-file escape was typed into a DNS host's form, and receivers do not recognise the record.",
		"Edit the value and replace each \\; with a plain ;.",
		[]string{qPanelError}},
	{CodeMXMissingHost, Error, pv,
		"Only some of the MX hosts are published, often because the DNS host keeps one record set per name (AWS Route 53) and the second value replaced the first.",
		"Publish every MX host; on hosts with one record set per name, put all values in that one record, one per line.",
		[]string{qAWSMX}},
	{CodeMXExtraHost, Warning, pv,
		"MX hosts beyond the provider's are published at the return-path name; bounces sent to them never reach the provider.",
		"Remove the other MX records from the return-path name.",
		nil},
	{CodeMXPriority, Warning, pv,
		"The MX records have other priorities than asked: an error when the order of the hosts changes, info when only the numbers differ.",
		"Set the priorities shown.",
		nil},
	{CodeDKIMKeyMismatch, Error, pv,
		"A DKIM key is published, but it is not the account's key (an old key, another provider's) or it is revoked (empty p=), so signatures fail.",
		"Replace the value with the account's current key record.",
		nil},
	{CodeDKIMKeyTruncated, Error, pv,
		"The key was cut off (often at 255 characters) or split into separate TXT records, so it does not decode.",
		"Paste the whole value into one TXT record; hosts that need strings of at most 255 characters take several strings in that one record.",
		nil},
	{CodeDKIMEscapedSemicolon, Error, pv,
		"A backslash before each semicolon (\\;) was published literally: some DNS panels need it typed, others store it as it is typed.",
		"Remove the backslashes from the published value, unless the DNS host's form asks for them and removes them itself.",
		[]string{qPanelError}},
	{CodeDKIMQuotes, Error, pv,
		"Literal quote characters were pasted into the key value.",
		"Edit the value and remove the quote characters.",
		[]string{qTypos}},
	{CodeDKIMKeyInvalid, Error, pv,
		"The key record does not parse for another reason: a PEM block pasted in, a bad tag, text that is not base64.",
		"Replace the value with the key record shown, as it is.",
		nil},
	{CodeDKIMMultiple, Error, pv,
		"Several TXT records at the DKIM name; receivers may pick any of them.",
		"Keep only the account's key record at that name.",
		nil},
	{CodeCNAMEProxied, Error, pvt,
		"Addresses answer at a name that must be a CNAME: a proxy (Cloudflare's orange cloud) hides the CNAME, so the provider cannot see it and its tracking or key delegation does not work.",
		"Turn the proxy off for this record (Cloudflare: Proxy status \"DNS only\").",
		[]string{qCloudflare}},
	{CodeCNAMETarget, Error, pvt,
		"The CNAME points to another name than the provider's (a typo, another region's target).",
		"Edit the CNAME so that it points to the target shown.",
		nil},
	{CodeCNAMEConflict, Error, pv,
		"A CNAME sits at a name that must hold TXT or MX; it shadows every other record there.",
		"Delete the CNAME at that name and add the records shown.",
		nil},
	{CodeWhitespaceTypo, Error, pv,
		"Stray spaces in a value, or a host name in a value without its final dot that made the DNS host append the domain.",
		"Edit the value: remove the spaces, end host names with a dot where the host's form asks for it.",
		[]string{qTypos}},
	{CodeDMARCMissing, Warning, pv,
		"No DMARC policy applies to the From domain. Large mailbox providers require DMARC of bulk senders and may bounce or filter their mail.",
		"Publish a DMARC record at _dmarc.<domain>, starting with v=DMARC1; p=none and an rua address.",
		[]string{qDMARCValues}},
	{CodeDMARCStrictAlignment, Error, pvr,
		"The DMARC policy asks for strict alignment (adkim=s or aspf=s); the provider signs and bounces with the account subdomain, which only relaxed alignment accepts, so its mail fails DMARC.",
		"Set adkim and aspf to r, or remove them (relaxed is the default).",
		[]string{qDMARCValues}},
	{CodeDMARCInvalid, Error, pv,
		"A DMARC record that does not parse, several records, or a record at the wrong name: receivers apply no policy.",
		"Publish one record at _dmarc.<domain> that starts with v=DMARC1 and separates its tags with semicolons.",
		[]string{qDMARCValues}},
	{CodeDMARCTagInvalid, Warning, pv,
		"The DMARC record works, but a tag has a value receivers ignore (pct=150, adkim=x, a malformed tag), so they use the default instead of what was written; or the record has no valid p and is read as p=none. A policy still applies.",
		"Correct the tag as the fix says, or remove it to get the default.",
		[]string{qDMARCValues}},
	{CodeDMARCReportURI, Warning, pv,
		"A rua or ruf destination is not a valid report URI (an address without mailto:), so receivers send no reports there. The policy still protects the domain; what is lost is the owner's view of who sends as it.",
		"Write each address as mailto:name@domain; separate several with commas.",
		[]string{qDMARCValues}},
	{CodeDMARCModeDifference, Info, pvr,
		"Receivers following RFC 7489 and those following RFC 9989 read the record differently: a tag only one of them knows (pct, rf, ri, a !size limit; np, psd, t), an invalid value of such a tag, or p not directly after v. Information when the difference is harmless, a warning when one kind of receiver applies another policy or none.",
		"Write the record so both read it alike: p right after v, t=y together with pct=0 for testing, no !size limits.",
		nil},
	{CodeDMARCRUAUnauthorized, Warning, pvr,
		"rua sends aggregate reports to another domain that has not published the authorization record <domain>._report._dmarc.<destination> (RFC 7489 section 7.1), so receivers send no reports there.",
		"Have the destination publish TXT \"v=DMARC1\" at that name, or send reports to an address of the domain itself.",
		nil},
	{CodeDMARCPNone, Info, pv,
		"The policy is p=none: receivers report but do not act on failing mail.",
		"Move to p=quarantine, then p=reject, once the reports show that all legitimate mail passes.",
		[]string{qDMARCValues}},
	{CodeFromTemplated, Warning, pv,
		"The From address is a template ({{ ... }}, {% ... %}), so the sending domain is not known until the message is sent; the domain is undetermined.",
		"Verify the domains the template can produce, or use a fixed From address.",
		[]string{qRecordsThere}},
	{CodeDNSTemporary, Warning, pvt,
		"A lookup timed out or failed (SERVFAIL, REFUSED): the record's state is unknown for now. It never makes a domain fail.",
		"Check again later; if it lasts, the domain's name servers are broken or unreachable.",
		nil},
	{CodeRecordUnsupported, Warning, pv,
		"The record set holds a record verify cannot check (an unknown type, an invalid name, an expected value that does not parse).",
		"Correct the record set; this is the provider's side, not the customer's.",
		nil},

	// spf
	{CodeSPFNoRecord, Error, ps,
		"A domain of the SPF tree (the domain itself, or an include target) has no SPF record: at the top SPF gives none, under an include permerror.",
		"Publish the record, or remove the include of a domain that has none.",
		nil},
	{CodeSPFTempError, Error, ps,
		"A TXT or address lookup of the tree failed; evaluation gives temperror for as long as it does.",
		"Check the name servers of the domain named; retry later.",
		nil},
	{CodeSPFVoidLookupLimit, Error, ps,
		"More than 2 lookups of the tree find nothing (RFC 7208 section 4.6.4); evaluations that reach the third give permerror.",
		"Remove mechanisms that name domains without records.",
		nil},
	{CodeSPFMXLimit, Error, ps,
		"An mx term names a domain with more than 10 MX hosts; evaluation gives permerror (RFC 7208 section 4.6.4).",
		"Replace the mx term with ip4/ip6 ranges or an include of the mail host's SPF record.",
		nil},
	{CodeSPFIncludeLoop, Error, ps,
		"An include or redirect reaches a record that is already on the path; evaluation loops until the lookup limit gives permerror.",
		"Remove the include that leads back.",
		nil},
	{CodeSPFDuplicateInclude, Warning, ps,
		"A domain is included more than once; each copy costs its lookups again.",
		"Keep one include of each domain.",
		nil},
	{CodeSPFPtr, Warning, ps,
		"The record uses ptr, which is slow and unreliable; RFC 7208 section 5.5 says not to use it and some receivers ignore it.",
		"Replace ptr with ip4, ip6, a or include terms.",
		nil},
	{CodeSPFTermsAfterAll, Warning, ps,
		"Terms come after all and are never evaluated.",
		"Move them before all, or delete them.",
		nil},
	{CodeSPFPlusAll, Error, ps,
		"+all authorizes every host on the internet to send as the domain.",
		"End the record with ~all or -all.",
		nil},
	{CodeSPFNeutralAll, Warning, ps,
		"?all asserts nothing about unlisted hosts.",
		"End the record with ~all or -all.",
		nil},
	{CodeSPFRedirectIgnored, Warning, ps,
		"The record has all, so its redirect is ignored (RFC 7208 section 6.1).",
		"Remove the redirect, or the all term if the redirect is what was meant.",
		nil},
	{CodeSPFMacroTarget, Info, ps,
		"A term's target holds macros that depend on the message, so it cannot be followed or counted statically.",
		"Nothing to fix; the lookup counts leave it out.",
		nil},
	{CodeSPFStringTooLong, Error, ps,
		"A TXT character-string longer than 255 bytes, which DNS does not allow.",
		"Split the value into several strings of at most 255 bytes in one TXT record.",
		nil},
	{CodeSPFRecordTooLong, Warning, ps,
		"The record is over 450 bytes, so the DNS answer may not fit in 512 bytes of UDP (RFC 7208 section 3.4).",
		"Shorten the record: fewer terms, or includes instead of long ip lists.",
		nil},
	{CodeSPFNotChecked, Error, ps,
		"A lookup of the tree did not finish within the analysis time budget: what it would find is unknown, and receivers' evaluations may give temperror there.",
		"Check the name servers of the domain named; analyse again later.",
		nil},

	// dmarc
	{CodeDMARCDiscarded, Warning, pd,
		"A tag's value is invalid (pct=150, adkim=x, an rua without mailto:) and the default is used instead, or a malformed tag is skipped.",
		"Correct the tag as the message says; an rua must be a mailto: URI.",
		[]string{qDMARCValues}},
	{CodeDMARCPolicyFallback, Warning, pd,
		"The record has no valid p (or an invalid sp) but a valid rua, so receivers read it as p=none: reports only, no policy (RFC 7489 section 6.6.3).",
		"Add p=none, p=quarantine or p=reject right after v=DMARC1.",
		[]string{qDMARCValues}},
	{CodeDMARCRemovedTag, Info, pd,
		"pct, rf or ri, which RFC 9989 removed; receivers that follow it ignore the tag (pct=0 no longer means monitor only).",
		"Drop the tag; use t=y instead of pct=0 for testing.",
		[]string{qDMARCValues}},
	{CodeDMARCSizeLimit, Info, pd,
		"A report URI carries a !size limit, which RFC 9989 dropped.",
		"Remove the !size suffix.",
		nil},
	{CodeDMARCNewTag, Info, pd,
		"np, psd or t, which RFC 9989 added and RFC 7489 receivers ignore.",
		"Nothing to fix; do not rely on the tag with older receivers.",
		nil},
	{CodeDMARCPolicyOrder, Warning, pd,
		"p does not directly follow v=DMARC1; RFC 7489 requires that order, so its receivers may reject the record.",
		"Put p right after v=DMARC1.",
		nil},
	{CodeDMARCMultiple, Error, pd,
		"Several DMARC records at one name: receivers apply no policy (RFC 7489 section 6.6.3).",
		"Keep one record at the name.",
		nil},
	{CodeDMARCNPUndetermined, Info, pd,
		"The record has np, but the resolver cannot tell a name that does not exist from one without records, so np was not applied.",
		"Use a resolver that offers the raw query (the domainauth root package's do).",
		nil},

	// records
	{CodeDMARCExisting, Info, pr,
		"The domain already has a DMARC record, so no new one is proposed; it must keep relaxed alignment for the provider's mail to pass.",
		"Keep the record; make sure adkim and aspf stay absent or r.",
		nil},

	// tracking
	{CodeCNAMEMissing, Error, pt,
		"No CNAME and no addresses at the tracking host: tracked links do not resolve.",
		"Add the CNAME shown at the tracking host.",
		nil},
	{CodeHSTSOnDomain, Error, pt,
		"The tracking host or a parent domain sends an HSTS header that covers the host, so browsers refuse http tracked links.",
		"Set up HTTPS for the tracking host, or remove includeSubDomains from the parent's HSTS header.",
		[]string{qSMTPTracking}},
	{CodeHSTSPreloadedTLD, Error, pt,
		"The top-level domain (.app, .dev, ...) is HSTS-preloaded in browsers, so http links never work there.",
		"Set up HTTPS for the tracking host.",
		[]string{qSMTPTracking}},
	{CodeHTTPUnreachable, Error, pt,
		"No HTTP response on port 80 of the tracking host.",
		"Check the CNAME and that the provider's tracking server answers.",
		nil},
	{CodeHTTPError, Warning, pt,
		"The tracking host answered HTTP with a server error (5xx).",
		"Check again later; contact the provider if it lasts.",
		nil},
	{CodeHTTPUnknown, Warning, pt,
		"The request to http://<host>/ did not complete (a timeout, response headers over the limit), so whether http links work is not known.",
		"Check again later; if it lasts, make sure the tracking server answers in time with small response headers.",
		nil},
	{CodeHSTSUnknown, Warning, pt,
		"An HSTS probe of the tracking host or a parent domain did not complete (timeout, DNS failure, a refused address, headers over the limit), so whether HSTS turns http links red is not known.",
		"Check again later; if it lasts, check that the domain and its parents answer HTTPS in time.",
		nil},
	{CodeHTTPSNotCovered, Error, pt,
		"The certificate served for the tracking host does not name it, so https links show a certificate error.",
		"Get a certificate for the host (or let the provider issue one), or use http links.",
		nil},
	{CodeHTTPSExpired, Error, pt,
		"The certificate of the tracking host expired (or is not valid yet).",
		"Renew the certificate.",
		nil},
	{CodeHTTPSExpiring, Warning, pt,
		"The certificate of the tracking host expires soon.",
		"Renew the certificate before it expires.",
		nil},
	{CodeHTTPSUntrusted, Error, pt,
		"The certificate chain does not lead to a trusted root.",
		"Serve the full chain from a public certificate authority.",
		nil},
	{CodeHTTPSHandshake, Error, pt,
		"The TLS handshake failed: no certificate for this name, or no common protocol.",
		"Configure HTTPS for the host on the server the CNAME points to.",
		nil},
	{CodeHTTPSUnreachable, Error, pt,
		"No TCP connection on port 443 of the tracking host.",
		"Open port 443 or use http links.",
		nil},
	{CodeAddressForbidden, Error, pt,
		"The tracking host resolves only to private, loopback or similar addresses, which the checker refuses to contact.",
		"Point the host at the provider's public target.",
		nil},
}

// Catalogue returns every code's entry, in the order of the code groups:
// verify, spf, dmarc, records, tracking. The slice is a copy.
func Catalogue() []Entry {
	out := slices.Clone(catalogue)
	for i := range out {
		out[i].Producers = slices.Clone(out[i].Producers)
		out[i].Questions = slices.Clone(out[i].Questions)
	}
	return out
}

// Lookup returns the catalogue entry of c.
func Lookup(c Code) (Entry, bool) {
	for _, e := range catalogue {
		if e.Code == c {
			e.Producers = slices.Clone(e.Producers)
			e.Questions = slices.Clone(e.Questions)
			return e, true
		}
	}
	return Entry{}, false
}
