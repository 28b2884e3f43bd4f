package dmarc

import (
	"errors"
	"fmt"
	"strings"
)

// ErrBuild is wrapped by the errors of Validate and Build: a field of a
// Record holds a value its tag does not allow.
var ErrBuild = errors.New("dmarc: invalid record field")

// FieldError says which field of a Record, and so which tag, holds a value
// the tag does not allow. It wraps ErrBuild.
type FieldError struct {
	Field string // the Record field, e.g. "Percent" or "RUA[1]"
	Tag   string // the tag it is printed as, e.g. "pct"
	Value string // the value, as String would print it
	Want  string // what the tag takes, in words
}

// Error names the field, its tag, the value and what the tag takes.
func (e *FieldError) Error() string {
	return fmt.Sprintf("dmarc: Record.%s (tag %s) %q: want %s", e.Field, e.Tag, e.Value, e.Want)
}

// Unwrap returns ErrBuild.
func (e *FieldError) Unwrap() error { return ErrBuild }

// Validate reports the first field of r whose value its tag does not allow
// in r.Mode, as a *FieldError. Zero fields are "not set" and valid, as
// String leaves them out (an empty Policy is published as p=none). It
// checks:
//   - Policy, SubdomainPolicy, NPolicy: none, quarantine or reject;
//   - Percent: 0 to 100; Interval: any; Testing: any;
//   - ADKIM, ASPF: r or s; PSD: u, y or n;
//   - FailureOptions: only the four options, and in RFC 9989 mode not 0
//     and 1 together (RFC 9989 section 4.7 makes them exclusive);
//   - ReportFormat: a colon-separated list of keywords naming afrf;
//   - RUA and RUF: at most MaxURIs each, each a "mailto:" URI with an
//     address (the only report transport either RFC defines: a receiver
//     sends nothing to "reporting@example.com" or an https URI), whose
//     size limit, if any, String prints back exactly.
func (r *Record) Validate() error {
	policy := func(field, tag string, p Policy) error {
		if _, ok := parsePolicy(string(p)); p != "" && (!ok || string(p) != strings.ToLower(string(p))) {
			return &FieldError{field, tag, string(p), "none, quarantine or reject"}
		}
		return nil
	}
	if err := policy("Policy", "p", r.Policy); err != nil {
		return err
	}
	if err := policy("SubdomainPolicy", "sp", r.SubdomainPolicy); err != nil {
		return err
	}
	if err := policy("NPolicy", "np", r.NPolicy); err != nil {
		return err
	}
	if r.Percent < 0 || r.Percent > 100 {
		return &FieldError{"Percent", "pct", fmt.Sprint(r.Percent), "a whole number from 0 to 100"}
	}
	for _, a := range [...]struct {
		field, tag string
		m          AlignmentMode
	}{{"ADKIM", "adkim", r.ADKIM}, {"ASPF", "aspf", r.ASPF}} {
		if a.m != "" && a.m != Relaxed && a.m != Strict {
			return &FieldError{a.field, a.tag, string(a.m), "r (relaxed) or s (strict)"}
		}
	}
	switch r.PSD {
	case "", PSDUnknown, PSDYes, PSDNo:
	default:
		return &FieldError{"PSD", "psd", string(r.PSD), "u, y or n"}
	}
	fo := r.FailureOptions
	if fo >= 1<<4 || r.Mode == RFC9989 && fo.Has(FailureAll|FailureAny) && fo != 0 {
		want := "options 0, 1, d and s"
		if r.Mode == RFC9989 {
			want += ", not 0 and 1 together (RFC 9989)"
		}
		return &FieldError{"FailureOptions", "fo", fo.String(), want}
	}
	if rf := r.ReportFormat; rf != "" {
		if got, ok := parseRF(rf); !ok || got != rf {
			return &FieldError{"ReportFormat", "rf", rf, "lower-case report formats separated by colons, among them afrf"}
		}
	}
	for _, l := range [...]struct {
		field, tag string
		us         []URI
	}{{"RUA", "rua", r.RUA}, {"RUF", "ruf", r.RUF}} {
		if len(l.us) > MaxURIs {
			return &FieldError{l.field, l.tag, fmt.Sprintf("%d URIs", len(l.us)), fmt.Sprintf("at most %d URIs", MaxURIs)}
		}
		for i, u := range l.us {
			field := fmt.Sprintf("%s[%d]", l.field, i)
			got, err := ParseURI(u.String())
			addr, isMailto := cutPrefixFold(u.Address, "mailto:")
			at := strings.IndexByte(addr, '@')
			if err != nil || !isMailto || at <= 0 || at == len(addr)-1 {
				return &FieldError{field, l.tag, u.String(), "a mailto: URI such as mailto:dmarc@example.com"}
			}
			if got != u {
				return &FieldError{field, l.tag, u.String(), "a size limit that is a whole number of its unit (k, m, g, t), with HasMaxSize set"}
			}
		}
	}
	return nil
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// Build checks r with Validate and returns the record a receiver following
// r.Mode reads from r.String(), with r's own values for the tags of the
// other mode: every tag String prints in Present, every other field at its
// default, sp and np at the policies they inherit. Fill in only the fields
// to publish; a zero field is left out and receivers use its default:
//
//	rec, err := dmarc.Build(dmarc.Record{Policy: dmarc.Reject, RUA: []dmarc.URI{{Address: "mailto:dmarc@example.com"}}})
//	rec.String() // v=DMARC1; p=reject; rua=mailto:dmarc@example.com
//
// What is printed does not depend on Mode, which only selects the checks
// (fo) and the reading the result stands for: Percent (pct, RFC 7489
// only) and Testing (t, RFC 9989 only) can be set together, for a record
// meant for receivers of both kinds, and each ignores the tag its RFC
// lacks. To have both apply the policy one step weaker (the way to test a
// stricter policy), set Testing and publish pct=0 (Percent 0 with Present
// holding TagPct): t=y is RFC 9989's replacement of pct=0. Percent
// between 1 and 99 samples only at RFC 7489 receivers; RFC 9989 ones
// apply the policy to all failing mail. A field left at its zero value
// whose tag has a meaningful zero (pct=0, ri=0, t=n) is printed only when
// Present holds the tag.
//
// (&Checker{Mode: rec.Mode}).Parse(rec.String()) equals rec when rec has
// no tag of the other mode.
func Build(r Record) (*Record, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	out := r
	out.Present = TagV | TagP | r.Present&^TagV | r.setTags()
	out.Present &^= tagsUnset(&r)
	if out.Policy == "" {
		out.Policy = None
	}
	if !out.Present.Has(TagSP) {
		out.SubdomainPolicy = out.Policy
	}
	if !out.Present.Has(TagNP) {
		out.NPolicy = out.SubdomainPolicy
	}
	if !out.Present.Has(TagPct) {
		out.Percent = DefaultPercent
	}
	if !out.Present.Has(TagADKIM) {
		out.ADKIM = Relaxed
	}
	if !out.Present.Has(TagASPF) {
		out.ASPF = Relaxed
	}
	if !out.Present.Has(TagPSD) {
		out.PSD = PSDUnknown
	}
	if !out.Present.Has(TagFO) {
		out.FailureOptions = 0
	} else if out.FailureOptions == 0 {
		out.FailureOptions = FailureAll // fo=0, as Parse reads it
	}
	if !out.Present.Has(TagRF) {
		out.ReportFormat = DefaultReportFormat
	}
	if !out.Present.Has(TagRI) {
		out.Interval = DefaultInterval
	}
	if len(out.RUA) == 0 {
		out.RUA = nil
	}
	if len(out.RUF) == 0 {
		out.RUF = nil
	}
	out.Fallback, out.Discarded, out.pLate, out.foreign = false, nil, false, 0
	return &out, nil
}

// tagsUnset returns the tags Present names whose field cannot be printed
// as set: a policy or alignment left empty, an empty URI list. String
// would print them empty; Build drops them.
func tagsUnset(r *Record) Tags {
	var t Tags
	if r.SubdomainPolicy == "" {
		t |= TagSP
	}
	if r.NPolicy == "" {
		t |= TagNP
	}
	if r.ADKIM == "" {
		t |= TagADKIM
	}
	if r.ASPF == "" {
		t |= TagASPF
	}
	if r.PSD == "" {
		t |= TagPSD
	}
	if r.ReportFormat == "" {
		t |= TagRF
	}
	if len(r.RUA) == 0 {
		t |= TagRUA
	}
	if len(r.RUF) == 0 {
		t |= TagRUF
	}
	return t
}
