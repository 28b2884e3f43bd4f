// Package records generates the DNS records a customer must publish so that
// an email service provider (ESP) can send mail for the customer's domain:
// what the ESP shows on its "add these DNS records" page, in every form DNS
// hosts ask for.
//
// # The idea
//
// Mail an ESP sends "from" news@example.com passes DMARC (RFC 7489) only if
// SPF or DKIM passes for a domain aligned with example.com. The ESP cannot
// publish records in the customer's zone, so it asks for them:
//
//   - a return path (bounce domain) such as cio12345.example.com, with MX
//     records pointing to the ESP's bounce servers. It is the envelope
//     sender (MAIL FROM) of the ESP's mail, so bounces reach the ESP, and
//     being a subdomain it aligns with example.com under relaxed DMARC
//     alignment without touching the customer's own MX records;
//   - an SPF record (RFC 7208) at the return path authorising the ESP's
//     servers, usually "v=spf1 include:<esp> ~all";
//   - a DKIM key (RFC 6376): a TXT record with the account's public key at
//     <selector>._domainkey..., or CNAMEs that delegate the key to the ESP
//     (Amazon SES, SendGrid) so it can rotate keys itself;
//   - a DMARC record at _dmarc.example.com if there is none yet: p=none
//     with rua by default (Account.DMARCPolicy, Account.DMARCReports), or
//     the account's own record with any tag of a DMARC tag guide (p, sp,
//     np, pct or t, rua, ruf, fo, adkim, aspf) in Account.DMARC, checked
//     by [dmarc.Build] and published as set;
//   - a link-tracking host such as links.example.com, a CNAME to the ESP's
//     click-tracking servers.
//
// A [Provider] describes the ESP's side: its hosts and the templates of the
// names ("cio{account}", "{selector}._domainkey.{label}"). An [Account]
// holds one customer's values: domain, account id, region, From address,
// DKIM key. [Generate] combines them into a [Set], validating everything a
// person typed: the domain (internationalised names are converted to
// A-labels and shown in both forms), name and label lengths, a From address
// outside the sending domain, values that would change a name's labels. The
// presets [MailgunStyle], [SESStyle] and [SendGridStyle] document the
// records they produce.
//
// # Templates
//
// Provider names and values are templates: plain text with variables in
// braces, such as "cio{account}" or "{selector}.dkim.amazonses.com".
// Variable names are lower-case letters, digits and underscores, starting
// with a letter. The built-in variables are
//
//	{account}   Account.ID
//	{region}    the account's region (Account.Region, or the provider's default)
//	{label}     the expanded Provider.AccountLabel (the account subdomain label)
//	{selector}  the DKIM selector (only in Provider.DKIM.Host and Provider.DKIM.CNAME)
//
// Every other name comes from Account.Vars, or from Provider.Defaults when
// the account does not set it.
//
// # Existing records
//
// Generate does no DNS. Give it what the domain already publishes with
// Account.Existing (fill it with [Gather], which needs only LookupTXT):
//
//   - when an SPF record exists where the set needs one, the set holds ONE
//     merged record (the provider's include added once, the customer's own
//     "all" kept, the lookup count shown in Record.SPFLookups and Merged
//     set), never a second v=spf1 record, which would make SPF fail;
//   - when a DMARC record exists for the domain or its organizational
//     domain, none is proposed; a warning says that the policy must keep
//     relaxed alignment (aspf and adkim absent or "r"), because strict
//     alignment fails for the provider's subdomain.
//
// # Output
//
// [Set.ZoneFile] writes BIND zone-file text (comments per record, TXT values
// split into quoted strings of at most 255 bytes with `"` and `\` escaped);
// [Set.JSON] the stable JSON form (the json tags of [Set] and [Record] are
// the documented field names); [Set.Table] an aligned table for people;
// [Set.ForHost] and [Set.HostTable] the forms DNS hosts' panels want
// ([GoDaddyForm]: names relative to the zone, because the host appends the
// domain; [Route53Form]: all MX values in one record; [EscapedSemicolonForm]:
// ";" written "\;"; [CloudflareForm]: relative names and every CNAME set to
// "DNS only"), each record with the host's quirk in words
// ([HostRecord.Note]). [DomainConnect] exports the provider as a Domain
// Connect template with %variables% for the account values, SPF as an SPFM
// merge record; [DomainConnectVariables] gives one account's values.
//
// # Choices and departures
//
//   - Account values substituted into names (id, region, selectors, Vars)
//     must be single labels of letters, digits, "-" and "_": a value can
//     never add a label. DKIM selectors with dots, which RFC 6376 allows,
//     are refused for the same reason.
//   - The DMARC recommendation omits adkim and aspf: their default is
//     relaxed (RFC 7489 section 6.3), which is what the return-path
//     subdomain needs. An Account.DMARC with adkim=s or aspf=s is
//     published as set, with a warning that the provider's mail fails it.
//   - Account.DMARC is printed for receivers of both RFCs: pct (RFC 7489
//     only) and t (RFC 9989 only) are printed exactly as set, never added;
//     a warning says when the two kinds of receivers will act differently
//     (pct=1..99, or only one of t=y and pct=0).
//   - An SPF merge keeps the customer's "all" qualifier, and inserts the
//     provider's terms before "all" (or before redirect=). SPFLookups counts
//     only the record's own DNS-querying terms; spf.Analyze counts the tree.
//   - A set is verified by package verify; records only describes it.
package records
