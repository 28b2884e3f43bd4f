package dmarc

import "fmt"

// Finding is an observation about a DMARC record or its discovery that a
// person may want to act on. Code is stable; Message is for people and may
// change.
type Finding struct {
	Code    string // stable identifier, one of the Finding* constants
	Tag     string // the tag concerned, when there is one
	Message string // a sentence for people; the wording may change
}

// Finding codes.
const (
	// FindingDiscarded: a tag value was invalid and the default was used
	// instead, or a malformed tag was skipped.
	FindingDiscarded = "discarded"
	// FindingFallback: no valid p (or an invalid sp); the record is read as
	// p=none because it has a valid rua.
	FindingFallback = "policy-fallback"
	// FindingRemovedTag: pct, rf or ri, which RFC 9989 removed; RFC 9989
	// receivers ignore them (pct=0 no longer means "monitor only": use t=y).
	FindingRemovedTag = "rfc9989-removed-tag"
	// FindingSizeLimit: a report URI carries a "!size" limit, which RFC 9989
	// dropped.
	FindingSizeLimit = "rfc9989-size-limit"
	// FindingNewTag: np, psd or t, which RFC 7489 receivers do not know
	// and ignore.
	FindingNewTag = "rfc7489-unknown-tag"
	// FindingPolicyOrder: p does not directly follow v; RFC 7489 requires
	// it, so RFC 7489 receivers may reject the record (RFC 9989 does not).
	FindingPolicyOrder = "rfc7489-p-not-second"
	// FindingMultipleRecords: several DMARC records at one name; DMARC
	// then applies no policy (RFC 7489 section 6.6.3).
	FindingMultipleRecords = "multiple-records"
	// FindingExistenceUnknown: the record has np, but the resolver cannot
	// tell NXDOMAIN from NODATA (it lacks Query), so np was not applied.
	FindingExistenceUnknown = "np-undetermined"
)

// Findings returns what RFC 7489 and RFC 9989 receivers read differently
// in r, and what Parse discarded. It returns nil for a clean record that
// both read alike.
func (r *Record) Findings() []Finding {
	var fs []Finding
	for i, d := range r.Discarded {
		if r.Fallback && i == len(r.Discarded)-1 {
			// Parse appends the reason for the fallback last; the message
			// says the rule that was applied.
			fs = append(fs, Finding{Code: FindingFallback, Tag: d.Tag,
				Message: d.Error() + "; the record has a valid rua, so it is read as p=none (reports only, no policy)"})
			continue
		}
		fs = append(fs, Finding{Code: FindingDiscarded, Tag: d.Tag, Message: d.Error()})
	}
	spelled := r.Present | r.foreign
	if r.pLate {
		fs = append(fs, Finding{Code: FindingPolicyOrder, Tag: "p", Message: "p does not directly follow v=DMARC1; RFC 7489 receivers treat the record as invalid"})
	}
	for _, t := range [...]Tags{TagPct, TagRF, TagRI} {
		if spelled.Has(t) {
			fs = append(fs, Finding{Code: FindingRemovedTag, Tag: t.String(), Message: fmt.Sprintf("%s is not part of RFC 9989; receivers following it ignore the tag", t)})
		}
	}
	for _, us := range [...][]URI{r.RUA, r.RUF} {
		for _, u := range us {
			if u.HasMaxSize {
				fs = append(fs, Finding{Code: FindingSizeLimit, Message: fmt.Sprintf("size limit in %s is not part of RFC 9989", u)})
			}
		}
	}
	for _, t := range [...]Tags{TagNP, TagPSD, TagT} {
		if spelled.Has(t) {
			fs = append(fs, Finding{Code: FindingNewTag, Tag: t.String(), Message: fmt.Sprintf("%s is new in RFC 9989; RFC 7489 receivers ignore it", t)})
		}
	}
	return fs
}
