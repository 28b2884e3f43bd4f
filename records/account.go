package records

import (
	"crypto"
	"time"

	"github.com/domainauth/domainauth/dmarc"
)

// Account is one customer account's values: what differs between two
// customers of the same provider.
type Account struct {
	// Domain is the sending domain the customer added, as typed: it may be
	// an internationalised name ("bücher.example"), which is converted to
	// A-labels; the Set shows both forms.
	Domain string
	// Zone is the apex of the DNS zone the records go in. Empty means the
	// registrable domain of Domain ("example.co.uk" for
	// "news.example.co.uk"); set it when the customer's zone is delegated
	// further down.
	Zone string
	// ID is the account id, used by label schemes such as "cio{account}".
	// Letters, digits, hyphens and underscores only.
	ID string
	// Region selects the provider's region ("us", "eu", "us-east-1"); empty
	// means the provider's default region.
	Region string
	// From is the From address the account sends with, e.g.
	// "news@example.com" or "Example <news@example.com>". Its domain must be
	// the sending domain or lie below it. An address whose domain is a
	// template, such as "{{ customer.email }}", is accepted and not checked
	// (see [IsTemplated]; verify reports it as Undetermined); with a
	// template only in the local part, "${user}@example.com", the domain
	// is checked.
	From string
	// DKIMKey is the DKIM key record value (RFC 6376 section 3.6.1) for
	// providers that publish a TXT key, e.g. "k=rsa; p=MIIBIjANBg...".
	// Alternatively give DKIMPublicKey and the value is made from it.
	DKIMKey string
	// DKIMPublicKey is the account's DKIM public key (*rsa.PublicKey or
	// ed25519.PublicKey), used when DKIMKey is empty.
	DKIMPublicKey crypto.PublicKey
	// DKIMSelectors are the account's own selectors, for providers with
	// Provider.DKIM.AccountSelectors > 0 (Amazon SES's three tokens).
	DKIMSelectors []string
	// DMARCPolicy is the policy to recommend when the domain has no DMARC
	// record: "none" (the default, monitoring only), "quarantine" or
	// "reject".
	DMARCPolicy string
	// DMARCReports are aggregate-report (rua) destinations for the
	// recommended record: "mailto:" URIs or plain addresses.
	DMARCReports []string
	// DMARC, when not nil, is the DMARC record to recommend when the
	// domain has none, with any of the tags of a DMARC tag guide: p, sp,
	// np, pct or t, rua, ruf, fo, adkim, aspf. Fill in only the tags to
	// publish (see [dmarc.Build]); the value is checked by
	// [dmarc.Record.Validate] and printed by [dmarc.Record.String], e.g.
	//
	//	&dmarc.Record{Policy: dmarc.Quarantine, Percent: 25,
	//		RUF: []dmarc.URI{{Address: "mailto:reporting@example.com"}}}
	//	v=DMARC1; p=quarantine; pct=25; ruf=mailto:reporting@example.com
	//
	// The record is printed for receivers of both RFCs: pct (RFC 7489 only)
	// and t (RFC 9989 only) are printed as set, and the Set's Findings say
	// when one kind of receiver will not do what the other does (pct
	// without t=y, t=y without pct=0), when adkim=s or aspf=s will fail the
	// provider's subdomain mail, and when reports go to another domain.
	// DMARCPolicy and DMARCReports must then be empty.
	DMARC *dmarc.Record
	// TrackingHost is the link-tracking host name: a single label ("links")
	// is placed under Domain, anything else must be a name in the zone.
	// Empty: no tracking record.
	TrackingHost string
	// Vars gives values to the provider's own template variables (see
	// Provider.Defaults), e.g. {"user": "5678", "wl": "1"} for SendGrid.
	Vars map[string]string
	// Existing is what the customer's DNS already publishes at the names
	// where the set adds TXT records (fill it with [Gather]). With it,
	// Generate merges the provider's SPF include into an existing SPF
	// record and recommends a DMARC record only when there is none. nil
	// means unknown: Generate then proposes a new SPF and DMARC record and
	// says to publish the DMARC record only when there is none yet.
	Existing *Existing
	// AddedAt is when the customer added the domain; copied to the Set for
	// verify's pending window.
	AddedAt time.Time
}
