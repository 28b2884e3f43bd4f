package records

import (
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/spf"
)

// mergeSPF turns the proposed record r into the customer's existing SPF
// record with the provider's terms added, when Existing holds one at r's
// name. It never proposes a second v=spf1 record at a name: two of them make
// every SPF check there a permerror (RFC 7208 section 4.5).
func (g *generator) mergeSPF(r *Record) error {
	mine, err := spf.Parse(r.Values[0])
	if err != nil {
		return fieldErr("Provider.SPF", r.Values[0], fmt.Errorf("%w: the provider's SPF record does not parse: %w", ErrInvalid, err))
	}
	r.SPFLookups = mine.Lookups()
	var found []string
	for _, txt := range g.existing[r.FQDN] {
		if txt = strings.TrimSpace(txt); spf.IsRecord(txt) {
			found = append(found, txt)
		}
	}
	if len(found) == 0 {
		return nil
	}
	if len(found) > 1 {
		g.report(finding.CodeSPFMultiple, finding.Error, r.FQDN+" TXT",
			fmt.Sprintf("%s has %d SPF records; receivers treat that as an error (permerror), so SPF fails for all of them.", r.FQDN, len(found)),
			"The provider's terms were merged into the first one; delete the others: "+strings.Join(found[1:], " | "))
	}
	old := found[0]
	have, err := spf.Parse(old)
	if err != nil {
		// A broken record cannot be merged term by term. Propose the
		// provider's record in its place and say so.
		r.Replaces = old
		g.report(finding.CodeSPFSyntax, finding.Error, r.FQDN+" TXT",
			fmt.Sprintf("the existing SPF record at %s does not parse (%v); it already fails for receivers.", r.FQDN, err),
			"Replace it with the record proposed here, adding back the servers it was meant to list.")
		return nil
	}
	merged := have.Clone()
	var added []string
	for _, t := range mine.Terms {
		if t.Kind == spf.KindAll {
			continue // keep the customer's own policy for other senders
		}
		if t.Kind == spf.KindInclude {
			if merged.AddInclude(t.Domain) {
				added = append(added, t.String())
			}
			continue
		}
		if !hasTerm(merged, t) {
			insertBeforeVerdict(merged, t)
			added = append(added, t.String())
		}
	}
	r.Values = []string{merged.String()}
	r.Merged = true
	r.Replaces = old
	r.SPFLookups = merged.Lookups()
	if len(added) == 0 {
		r.Description = fmt.Sprintf("SPF: your existing record at %s already authorises the provider; keep it as it is (do not add a second v=spf1 record).", r.FQDN)
	} else {
		r.Description = fmt.Sprintf("SPF: your existing record at %s with %s added. Edit that record; do not add a second v=spf1 record (two records make SPF fail). It makes %d DNS lookups itself, before those of its includes (limit %d in all).",
			r.FQDN, strings.Join(added, " "), r.SPFLookups, spf.DefaultMaxLookups)
	}
	if r.SPFLookups > spf.DefaultMaxLookups {
		g.report(finding.CodeSPFLookupLimit, finding.Error, r.FQDN+" TXT",
			fmt.Sprintf("the merged SPF record at %s has %d DNS-querying terms, over the limit of %d (RFC 7208 section 4.6.4): receivers will return permerror.", r.FQDN, r.SPFLookups, spf.DefaultMaxLookups),
			"Remove unused includes or flatten them.")
	}
	return nil
}

func hasTerm(r *spf.Record, t spf.Term) bool {
	s := t.String()
	for i := range r.Terms {
		if strings.EqualFold(r.Terms[i].String(), s) {
			return true
		}
	}
	return false
}

// insertBeforeVerdict puts t before the record's all mechanism, or its
// redirect modifier, or else at the end of its mechanisms, as AddInclude
// does for includes.
func insertBeforeVerdict(r *spf.Record, t spf.Term) {
	at := -1
	for _, k := range []spf.Kind{spf.KindAll, spf.KindRedirect} {
		for i := range r.Terms {
			if r.Terms[i].Kind == k {
				at = i
				break
			}
		}
		if at >= 0 {
			break
		}
	}
	if at < 0 {
		at = 0
		for i := range r.Terms {
			if r.Terms[i].Kind.IsMechanism() {
				at = i + 1
			}
		}
	}
	r.Terms = append(r.Terms, spf.Term{})
	copy(r.Terms[at+1:], r.Terms[at:])
	r.Terms[at] = t
}

// report adds a finding about an existing record to the Set; subject is
// the record as "<fqdn> <TYPE>".
func (g *generator) report(code finding.Code, sev finding.Severity, subject, msg, fix string) {
	g.set.Findings = append(g.set.Findings, finding.Finding{Code: code, Severity: sev, Subject: subject, Message: msg, Fix: fix})
}
