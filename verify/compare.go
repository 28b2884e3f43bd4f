package verify

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/domainauth/domainauth/finding"

	"github.com/domainauth/domainauth/internal/enumtext"
)

// ChangeKind says how one record, or one finding, differs between two
// reports of the same domain. Its text form (JSON) is the lower-case name
// with dashes ("record-removed").
type ChangeKind int

// The kinds of change, in the order Compare lists them.
const (
	// RecordRemoved: the record was found before and is missing now. The
	// domain may be bouncing mail or landing in spam.
	RecordRemoved ChangeKind = iota
	// RecordChanged: the record was found before and is now published
	// with another meaning (Mismatch), or its value changed while it
	// still verifies.
	RecordChanged
	// RecordUnknown: the record was found before and could not be looked
	// up now (a temporary DNS failure): nothing is known to be wrong yet.
	RecordUnknown
	// RecordRecovered: the record was missing, wrong or unknown before
	// and is found now.
	RecordRecovered
	// FindingNew: a finding that the previous report did not have.
	FindingNew
	// FindingResolved: a finding of the previous report that is gone.
	FindingResolved
)

var changeKindNames = [...]string{
	RecordRemoved:   "record-removed",
	RecordChanged:   "record-changed",
	RecordUnknown:   "record-unknown",
	RecordRecovered: "record-recovered",
	FindingNew:      "finding-new",
	FindingResolved: "finding-resolved",
}

// String returns the text form of k ("record-removed").
func (k ChangeKind) String() string { return enumtext.String(k, changeKindNames[:], "ChangeKind") }

// MarshalText encodes k as its text form.
func (k ChangeKind) MarshalText() ([]byte, error) {
	return enumtext.Marshal(k, changeKindNames[:], "verify: unknown change kind")
}

// UnmarshalText decodes the text form of a change kind.
func (k *ChangeKind) UnmarshalText(b []byte) error {
	return enumtext.Unmarshal(k, b, changeKindNames[:], "verify: unknown change kind")
}

// Change is one difference between a domain's previous report and its
// current one, with what it means for the customer.
type Change struct {
	Kind ChangeKind `json:"kind"`
	// Severity: finding.Error for a required record removed or changed (mail
	// is at risk now), finding.Warning for an optional one or a new warning,
	// finding.Info for recoveries, resolved findings and harmless changes.
	Severity finding.Severity `json:"severity"`
	// Record is the record concerned, "<fqdn> <TYPE>".
	Record string `json:"record"`
	// Code is the finding's code for FindingNew and FindingResolved.
	Code finding.Code `json:"code,omitempty"`
	// Before and After are what DNS held at the two checks.
	Before []string `json:"before,omitempty"`
	After  []string `json:"after,omitempty"`
	// Message says in one sentence what changed, for the customer.
	Message string `json:"message"`
	// Fix says what to do, when there is something to do.
	Fix string `json:"fix,omitempty"`
}

// Comparison is the outcome of re-verifying a domain: both verdicts, the
// verdict of the re-verification, and every change.
type Comparison struct {
	Domain string `json:"domain"`
	// Before and After are the statuses of the two reports.
	Before Status `json:"before"`
	After  Status `json:"after"`
	// Status is After, except that a domain that was Verified and now has
	// a required record missing or wrong is Regressed (not Pending or
	// Failed, which are about a domain's first verification).
	Status  Status   `json:"status"`
	Changes []Change `json:"changes,omitempty"`
}

// Regressed reports whether the domain was verified and is not any more
// because of something the customer's DNS now shows (not a DNS failure).
func (c *Comparison) Regressed() bool { return c.Status == Regressed }

// Compare compares the report of a re-verification (cur) with the previous
// report of the same domain (prev), record by record (matched by purpose,
// type and name) and finding by finding (matched by code). It is
// stateless: the caller keeps the previous report (its JSON form reads
// back with encoding/json). Records that only one report has are not
// compared: the Set itself changed. A nil prev compares against nothing:
// every current finding is new.
//
// Changes come in record order, the record's own change first, then its
// findings; domain-wide findings come last.
func Compare(prev, cur *Report) *Comparison {
	if prev == nil {
		prev = &Report{Domain: cur.Domain, Status: Unverified}
	}
	c := &Comparison{Domain: cur.Domain, Before: prev.Status, After: cur.Status, Status: cur.Status}
	if prev.Status == Verified && cur.Status != Verified && cur.Status != Undetermined {
		c.Status = Regressed
	}
	for i := range cur.Records {
		rr := &cur.Records[i]
		p := findRecord(prev.Records, rr)
		if p == nil {
			if len(prev.Records) == 0 {
				c.Changes = append(c.Changes, findingChanges(nil, rr.Findings, recordLabel(rr))...)
			}
			continue
		}
		pf, cf := p.Findings, rr.Findings
		if ch, ok := recordChange(p, rr); ok {
			c.Changes = append(c.Changes, ch)
			// record-removed says what a new record-missing finding would
			// say, and record-recovered what its resolution would.
			switch ch.Kind {
			case RecordRemoved:
				cf = withoutCode(cf, finding.CodeRecordMissing)
			case RecordRecovered:
				pf = withoutCode(pf, finding.CodeRecordMissing)
			}
		}
		c.Changes = append(c.Changes, findingChanges(pf, cf, recordLabel(rr))...)
	}
	c.Changes = append(c.Changes, findingChanges(prev.Findings, cur.Findings, "")...)
	return c
}

func withoutCode(fs []finding.Finding, code finding.Code) []finding.Finding {
	return slices.DeleteFunc(slices.Clone(fs), func(f finding.Finding) bool { return f.Code == code })
}

func findRecord(rs []RecordResult, r *RecordResult) *RecordResult {
	for i := range rs {
		if rs[i].Purpose == r.Purpose && rs[i].Type == r.Type && strings.EqualFold(rs[i].FQDN, r.FQDN) {
			return &rs[i]
		}
	}
	return nil
}

func recordLabel(r *RecordResult) string { return r.FQDN + " " + string(r.Type) }

// recordChange is the change of one record's status or value, if any.
func recordChange(p, r *RecordResult) (Change, bool) {
	ch := Change{Record: recordLabel(r), Before: p.Found, After: r.Found}
	sev := finding.Warning
	if r.Required {
		sev = finding.Error
	}
	what := fmt.Sprintf("the %s record at %s", r.Type, r.FQDN)
	switch {
	case p.Status == Found && r.Status == Missing:
		ch.Kind, ch.Severity = RecordRemoved, sev
		ch.Message = what + " was removed"
		if r.Required {
			ch.Message += ": mail from this domain may bounce or be filtered to spam until it is published again"
		}
	case p.Status == Found && r.Status == Mismatch:
		ch.Kind, ch.Severity = RecordChanged, sev
		ch.Message = what + " was changed and no longer has the value it needs"
	case p.Status == Found && r.Status == Error:
		ch.Kind, ch.Severity = RecordUnknown, finding.Warning
		ch.Message = what + " could not be looked up this time (temporary DNS failure); it was found before"
		ch.Fix = "Nothing to change yet: check again later."
		return ch, true
	case p.Status != Found && r.Status == Found:
		ch.Kind, ch.Severity = RecordRecovered, finding.Info
		ch.Message = what + " is published correctly again"
		return ch, true
	case p.Status == Found && r.Status == Found && !slices.Equal(p.Found, r.Found):
		ch.Kind, ch.Severity = RecordChanged, finding.Info
		ch.Message = what + " has a new value that still verifies"
		return ch, true
	default:
		return Change{}, false
	}
	ch.Fix = firstFix(r.Findings)
	if ch.Fix == "" && len(r.Expected) > 0 {
		ch.Fix = fmt.Sprintf("Publish it again with host %q and the value %s.", r.Name, strings.Join(r.Expected, " "))
	}
	return ch, true
}

func firstFix(fs []finding.Finding) string {
	for _, f := range fs {
		if f.Fix != "" && f.Severity == finding.Error {
			return f.Fix
		}
	}
	for _, f := range fs {
		if f.Fix != "" {
			return f.Fix
		}
	}
	return ""
}

// findingChanges lists the findings of cur whose code prev lacks (new)
// and those of prev whose code cur lacks (resolved).
func findingChanges(prev, cur []finding.Finding, record string) []Change {
	var out []Change
	has := func(fs []finding.Finding, c finding.Code) bool {
		return slices.ContainsFunc(fs, func(f finding.Finding) bool { return f.Code == c })
	}
	for _, f := range cur {
		if !has(prev, f.Code) {
			out = append(out, Change{Kind: FindingNew, Severity: f.Severity, Record: recordOf(f, record), Code: f.Code, Message: f.Message, Fix: f.Fix})
		}
	}
	for _, f := range prev {
		if !has(cur, f.Code) {
			out = append(out, Change{Kind: FindingResolved, Severity: finding.Info, Record: recordOf(f, record), Code: f.Code,
				Message: "resolved: " + f.Message})
		}
	}
	return out
}

func recordOf(f finding.Finding, record string) string {
	if f.Subject != "" {
		return f.Subject
	}
	return record
}

// WriteText writes the comparison for a person: the domain, the statuses
// and one line per change with its fix, with characters that are not
// printable written as Go escapes, as in Report.WriteText.
//
//	example.com: regressed (was verified, now failed)
//	  error   record-removed  TXT cio123.example.com: the TXT record at ... was removed: ...
//	          fix: Add a TXT record with host "cio123" ...
func (c *Comparison) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s (was %s, now %s)\n", printable(c.Domain), c.Status, c.Before, c.After)
	for _, ch := range c.Changes {
		fmt.Fprintf(&b, "  %-7s %-16s %s\n", ch.Severity, ch.Kind, printable(ch.Message))
		if ch.Fix != "" {
			fmt.Fprintf(&b, "          fix: %s\n", printable(ch.Fix))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// String returns the text form of WriteText.
func (c *Comparison) String() string {
	var b strings.Builder
	_ = c.WriteText(&b)
	return b.String()
}
