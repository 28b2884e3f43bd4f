package records

import (
	"time"

	"github.com/domainauth/domainauth/finding"
)

// Purpose says what a record is for in the customer's domain setup.
type Purpose string

// The purposes of the records in a Set.
const (
	PurposeReturnPath Purpose = "return-path" // MX (or CNAME) for the bounce / MAIL FROM domain
	PurposeSPF        Purpose = "spf"         // TXT v=spf1 authorising the provider's servers
	PurposeDKIM       Purpose = "dkim"        // TXT key record or CNAME delegation to the provider
	PurposeDMARC      Purpose = "dmarc"       // TXT v=DMARC1 at _dmarc.<domain>
	PurposeTracking   Purpose = "tracking"    // CNAME of the link-tracking host to the provider
)

// Type is a DNS record type as written in zone files.
type Type string

// The record types a Set uses.
const (
	TypeMX    Type = "MX"
	TypeTXT   Type = "TXT"
	TypeCNAME Type = "CNAME"
)

// Record is one DNS record (or, for MX, one record set) that the customer
// must publish.
//
// A set of MX records with several hosts is one Record with several Values
// (the form AWS Route 53 asks for); Priority then applies to every value
// unless Priorities gives one per value.
type Record struct {
	Purpose Purpose `json:"purpose"` // what the record is for: one of the Purpose* values
	// FQDN is the absolute owner name, normalised (A-labels, lower case,
	// no trailing dot), e.g. "cio123.example.com".
	FQDN string `json:"fqdn"`
	// Name is FQDN relative to the zone apex ("cio123", "@" for the apex):
	// what DNS hosts that append the domain themselves want in their
	// "host" field.
	Name string `json:"name"`
	Type Type   `json:"type"` // the record type: TypeMX, TypeTXT or TypeCNAME
	// Values holds the record data: the host names of MX and CNAME
	// records (absolute, no trailing dot) or the full TXT text (one
	// logical string, not split into 255-byte pieces).
	Values []string `json:"values"`
	// Priority is the MX preference (0 for other types).
	Priority uint16 `json:"priority,omitempty"`
	// Priorities, when set, gives one MX preference per value.
	Priorities []uint16 `json:"priorities,omitempty"`
	TTL        uint32   `json:"ttl"` // time to live in seconds: Provider.TTL, or DefaultTTL when that is 0
	// Required records must all be found for the domain to be Verified;
	// the others (DMARC recommendation, tracking) are advice.
	Required bool `json:"required"`
	// Description says in plain words what the record does.
	Description string `json:"description"`
	// Merged is true when Values[0] is the customer's existing SPF record
	// with the provider's include added, rather than a new record.
	Merged bool `json:"merged,omitempty"`

	// Fields added by the records package after the contract above was
	// pinned; verify may ignore them.

	// UnicodeFQDN is the display form of FQDN (U-labels) when the name is
	// internationalised; empty otherwise.
	UnicodeFQDN string `json:"unicode_fqdn,omitempty"`
	// Replaces is, for a Merged SPF record, the existing record text the
	// customer must edit (replace) rather than add a second record beside.
	Replaces string `json:"replaces,omitempty"`
	// SPFLookups is, for SPF records, the number of terms in the record
	// itself that cost a DNS lookup under RFC 7208 section 4.6.4 (include,
	// a, mx, ptr, exists, redirect). Includes may need more lookups of their
	// own: spf.Analyze gives the whole tree's count.
	SPFLookups int `json:"spf_lookups,omitempty"`
}

// Set is every record one account must publish for one sending domain.
type Set struct {
	// Domain is the sending domain the customer added (normalised), e.g.
	// "example.com"; UnicodeDomain is its display form when it is an IDN.
	Domain        string `json:"domain"`
	UnicodeDomain string `json:"unicode_domain,omitempty"` // U-label form of Domain; empty unless it is an IDN
	// Zone is the apex of the DNS zone the records go in; Name fields are
	// relative to it. Usually the registrable domain of Domain.
	Zone string `json:"zone"`
	// FromAddress is the From address the account sends with (it may be a
	// template such as "{{ customer.email }}"), when known.
	FromAddress string `json:"from_address,omitempty"`
	// ReturnPath is the account's bounce (MAIL FROM) domain, e.g.
	// "cio123.example.com".
	ReturnPath string `json:"return_path,omitempty"`
	// Provider names the provider description the set was made from.
	Provider string `json:"provider"`
	// AccountID and Region are the account values the set was made for
	// (added by the records package; empty when not used).
	AccountID string `json:"account_id,omitempty"`
	Region    string `json:"region,omitempty"` // lower case: Account.Region, else the provider's first region; empty when neither
	// AddedAt is when the domain was added; verify's pending window
	// counts from here. Zero when unknown.
	AddedAt time.Time `json:"added_at,omitzero"`
	// Records are the records to publish, in the order return path, SPF,
	// DKIM, DMARC, tracking.
	Records []Record `json:"records"`
	// Findings are advice that is not a record: about records the domain
	// already has (an existing DMARC policy must keep relaxed alignment)
	// and about the DMARC record asked for (strict alignment, pct without
	// t=y). Subject is the record as "<fqdn> <TYPE>"; the codes are
	// spf-multiple, spf-syntax, spf-lookup-limit, dmarc-strict-alignment,
	// dmarc-rua-unauthorized, dmarc-mode-difference and dmarc-existing
	// (docs/FINDINGS.md).
	Findings []finding.Finding `json:"findings,omitempty"`
}
