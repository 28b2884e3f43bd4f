package dmarc

import (
	"fmt"

	"github.com/domainauth/domainauth/finding"
)

// Findings returns what RFC 7489 and RFC 9989 receivers read differently
// in r, and what Parse discarded. It returns nil for a clean record that
// both read alike. Each finding's Subject is the tag concerned (empty for
// a report URI's size limit); the codes are dmarc-discarded,
// dmarc-policy-fallback, dmarc-rfc9989-removed-tag,
// dmarc-rfc9989-size-limit, dmarc-rfc7489-unknown-tag and
// dmarc-rfc7489-p-not-second (finding.CodeDMARC*; docs/FINDINGS.md gives
// their meaning and fix).
func (r *Record) Findings() []finding.Finding {
	var fs []finding.Finding
	for i, d := range r.Discarded {
		if r.Fallback && i == len(r.Discarded)-1 {
			// Parse appends the reason for the fallback last; the message
			// says the rule that was applied.
			fs = append(fs, finding.Finding{Code: finding.CodeDMARCPolicyFallback, Severity: finding.Warning, Subject: d.Tag,
				Message: d.Error() + "; the record has a valid rua, so it is read as p=none (reports only, no policy)"})
			continue
		}
		fs = append(fs, finding.Finding{Code: finding.CodeDMARCDiscarded, Severity: finding.Warning, Subject: d.Tag, Message: d.Error()})
	}
	spelled := r.Present | r.foreign
	if r.pLate {
		fs = append(fs, finding.Finding{Code: finding.CodeDMARCPolicyOrder, Severity: finding.Warning, Subject: "p", Message: "p does not directly follow v=DMARC1; RFC 7489 receivers treat the record as invalid"})
	}
	for _, t := range [...]Tags{TagPct, TagRF, TagRI} {
		if spelled.Has(t) {
			fs = append(fs, finding.Finding{Code: finding.CodeDMARCRemovedTag, Severity: finding.Info, Subject: t.String(), Message: fmt.Sprintf("%s is not part of RFC 9989; receivers following it ignore the tag", t)})
		}
	}
	for _, us := range [...][]URI{r.RUA, r.RUF} {
		for _, u := range us {
			if u.HasMaxSize {
				fs = append(fs, finding.Finding{Code: finding.CodeDMARCSizeLimit, Severity: finding.Info, Message: fmt.Sprintf("size limit in %s is not part of RFC 9989", u)})
			}
		}
	}
	for _, t := range [...]Tags{TagNP, TagPSD, TagT} {
		if spelled.Has(t) {
			fs = append(fs, finding.Finding{Code: finding.CodeDMARCNewTag, Severity: finding.Info, Subject: t.String(), Message: fmt.Sprintf("%s is new in RFC 9989; RFC 7489 receivers ignore it", t)})
		}
	}
	return fs
}
