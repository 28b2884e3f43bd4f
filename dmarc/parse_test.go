package dmarc_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/finding"
)

// The example policies of the seed ESP document (CustomerGauge, "Example
// use cases"), which customers copy into their DNS. The document predates
// RFC 9989 (it uses pct), so they are read in RFC 7489 mode.
func TestParseSeedExamples(t *testing.T) {
	tests := []struct {
		txt     string
		want    dmarc.Record
		present dmarc.Tags
	}{
		{
			// "Neutral policy": the bare minimum.
			txt: "v=DMARC1; p=none;",
			want: dmarc.Record{Policy: dmarc.None, SubdomainPolicy: dmarc.None, NPolicy: dmarc.None,
				Percent: 100, ADKIM: dmarc.Relaxed, ASPF: dmarc.Relaxed, ReportFormat: "afrf", Interval: 86400, PSD: dmarc.PSDUnknown},
			present: dmarc.TagV | dmarc.TagP,
		},
		{
			// "Quarantine policy with failure reporting": 25% of failing mail.
			txt: "v=DMARC1; p=quarantine; pct=25; ruf=mailto:reporting@example.com;",
			want: dmarc.Record{Policy: dmarc.Quarantine, SubdomainPolicy: dmarc.Quarantine, NPolicy: dmarc.Quarantine,
				Percent: 25, RUF: []dmarc.URI{{Address: "mailto:reporting@example.com"}},
				ADKIM: dmarc.Relaxed, ASPF: dmarc.Relaxed, ReportFormat: "afrf", Interval: 86400, PSD: dmarc.PSDUnknown},
			present: dmarc.TagV | dmarc.TagP | dmarc.TagPct | dmarc.TagRUF,
		},
		{
			// "Strict policy with aggregate reporting".
			txt: "v=DMARC1; p=reject; rua=mailto:reporting@example.com;",
			want: dmarc.Record{Policy: dmarc.Reject, SubdomainPolicy: dmarc.Reject, NPolicy: dmarc.Reject,
				Percent: 100, RUA: []dmarc.URI{{Address: "mailto:reporting@example.com"}},
				ADKIM: dmarc.Relaxed, ASPF: dmarc.Relaxed, ReportFormat: "afrf", Interval: 86400, PSD: dmarc.PSDUnknown},
			present: dmarc.TagV | dmarc.TagP | dmarc.TagRUA,
		},
	}
	for _, tt := range tests {
		t.Run(tt.txt, func(t *testing.T) {
			r, err := (&dmarc.Checker{Mode: dmarc.RFC7489}).Parse(tt.txt)
			if err != nil {
				t.Fatal(err)
			}
			tt.want.Present = tt.present
			tt.want.Mode = dmarc.RFC7489
			if diff := cmp.Diff(&tt.want, r, cmpopts.IgnoreUnexported(dmarc.Record{})); diff != "" {
				t.Errorf("Parse mismatch (-want +got):\n%s", diff)
			}
			roundTrip(t, r)
		})
	}
}

func TestParseDefaultsVisible(t *testing.T) {
	// pct=100 spelled out and pct left out hold the same value; only
	// Present tells them apart.
	a := mustParse(dmarc.RFC7489, "v=DMARC1; p=reject; pct=100; adkim=r")
	b := mustParse(dmarc.RFC7489, "v=DMARC1; p=reject")
	if a.Percent != b.Percent || a.ADKIM != b.ADKIM {
		t.Fatalf("values differ: %d/%s and %d/%s", a.Percent, a.ADKIM, b.Percent, b.ADKIM)
	}
	if !a.Present.Has(dmarc.TagPct|dmarc.TagADKIM) || b.Present.Has(dmarc.TagPct) || b.Present.Has(dmarc.TagADKIM) {
		t.Errorf("Present = %v and %v", a.Present, b.Present)
	}
	// sp defaults to p, np to sp (RFC 7489 section 6.3, RFC 9989).
	c := dmarc.MustParse("v=DMARC1; p=reject; sp=quarantine")
	if c.SubdomainPolicy != dmarc.Quarantine || c.NPolicy != dmarc.Quarantine || c.Present.Has(dmarc.TagNP) {
		t.Errorf("sp/np = %s/%s, present %v", c.SubdomainPolicy, c.NPolicy, c.Present)
	}
}

func TestParseRules(t *testing.T) {
	tests := []struct {
		name     string
		txt      string
		err      error  // sentinel Parse must return
		tag      string // tag the error names
		fallback bool
		findings []finding.Code // finding codes, in order
		mode     dmarc.Mode
	}{
		// RFC 7489 section 6.6.3 step 6 (DESIGN.md corrections): no valid p,
		// or an invalid sp, means p=none with a valid rua, else no policy.
		{name: "missing p", txt: "v=DMARC1; sp=reject", err: dmarc.ErrNoPolicy, tag: "p"},
		{name: "invalid p", txt: "v=DMARC1; p=block", err: dmarc.ErrBadValue, tag: "p"},
		{name: "invalid sp", txt: "v=DMARC1; p=reject; sp=block", err: dmarc.ErrBadValue, tag: "sp"},
		{name: "invalid sp with rua", txt: "v=DMARC1; p=reject; sp=block; rua=mailto:d@example.com", fallback: true,
			findings: []finding.Code{finding.CodeDMARCPolicyFallback}},
		{name: "missing p with only a bad rua", txt: "v=DMARC1; rua=bogus", err: dmarc.ErrNoPolicy, tag: "p"},
		// v must be first and exactly DMARC1.
		{name: "v not first", txt: "p=none; v=DMARC1", err: dmarc.ErrNotDMARC, tag: "v"},
		{name: "lower-case version", txt: "v=dmarc1; p=none", err: dmarc.ErrNotDMARC, tag: "v"},
		{name: "spf record", txt: "v=spf1 -all", err: dmarc.ErrNotDMARC, tag: "v"},
		{name: "malformed first tag", txt: "bogus; v=DMARC1; p=none", err: dmarc.ErrNotDMARC, tag: "v"},
		// Duplicated known tags make the policy ambiguous.
		{name: "duplicate p", txt: "v=DMARC1; p=none; P=reject", err: dmarc.ErrDuplicateTag, tag: "P"},
		{name: "duplicate unknown tag", txt: "v=DMARC1; p=none; x=1; x=2"},
		// RFC 7489 section 6.3: bad optional values fall back to defaults.
		{name: "bad pct", txt: "v=DMARC1; p=none; pct=101", mode: dmarc.RFC7489, findings: []finding.Code{finding.CodeDMARCDiscarded}},
		// RFC 9989: pct is an unknown tag, whatever its value.
		{name: "bad pct, RFC 9989", txt: "v=DMARC1; p=none; pct=101", findings: []finding.Code{finding.CodeDMARCRemovedTag}},
		// RFC 9989 section 4.10.1: an invalid np is an invalid sp.
		{name: "bad np", txt: "v=DMARC1; p=none; np=block", err: dmarc.ErrBadValue, tag: "np"},
		{name: "bad np with rua", txt: "v=DMARC1; p=reject; np=block; rua=mailto:d@example.com", fallback: true,
			findings: []finding.Code{finding.CodeDMARCPolicyFallback}},
		// RFC 7489: np is an unknown tag, whatever its value.
		{name: "bad np, RFC 7489", txt: "v=DMARC1; p=none; np=block", mode: dmarc.RFC7489, findings: []finding.Code{finding.CodeDMARCNewTag}},
		{name: "invalid sp, RFC 7489", txt: "v=DMARC1; p=reject; sp=block", mode: dmarc.RFC7489, err: dmarc.ErrBadValue, tag: "sp"},
		{name: "invalid sp with rua, RFC 7489", txt: "v=DMARC1; p=reject; sp=block; rua=mailto:d@example.com", mode: dmarc.RFC7489, fallback: true,
			findings: []finding.Code{finding.CodeDMARCPolicyFallback}},
		// Both ABNFs begin the record with dmarc-version.
		{name: "leading space", txt: " v=DMARC1; p=none", err: dmarc.ErrNotDMARC, tag: "v"},
		{name: "leading space, RFC 7489", txt: "\tv=DMARC1; p=none", mode: dmarc.RFC7489, err: dmarc.ErrNotDMARC, tag: "v"},
		{name: "lower-case version, RFC 7489", txt: "v=dmarc1; p=none", mode: dmarc.RFC7489, err: dmarc.ErrNotDMARC, tag: "v"},
		{name: "white space around = and ;", txt: "v = DMARC1 ;\tp = reject ; adkim =s", findings: nil},
		// fo: RFC 9989 section 4.8 makes 0 and 1 exclusive and allows no
		// white space; RFC 7489 section 6.4 allows both.
		{name: "fo=0:1, RFC 9989", txt: "v=DMARC1; p=none; ruf=mailto:f@example.com; fo=0:1", findings: []finding.Code{finding.CodeDMARCDiscarded}},
		{name: "fo=0:1, RFC 7489", txt: "v=DMARC1; p=none; ruf=mailto:f@example.com; fo=0:1", mode: dmarc.RFC7489},
		{name: "fo with spaces, RFC 9989", txt: "v=DMARC1; p=none; ruf=mailto:f@example.com; fo=d : s", findings: []finding.Code{finding.CodeDMARCDiscarded}},
		{name: "fo with spaces, RFC 7489", txt: "v=DMARC1; p=none; ruf=mailto:f@example.com; fo=d : s", mode: dmarc.RFC7489},
		{name: "fo=d:s:1, RFC 9989", txt: "v=DMARC1; p=none; ruf=mailto:f@example.com; fo=d:s:1"},
		{name: "fo=d:d, RFC 9989", txt: "v=DMARC1; p=none; ruf=mailto:f@example.com; fo=d:d", findings: []finding.Code{finding.CodeDMARCDiscarded}},
		{name: "one bad rua uri", txt: "v=DMARC1; p=none; rua=mailto:a@example.com,bogus", findings: []finding.Code{finding.CodeDMARCDiscarded}},
		{name: "malformed tag skipped", txt: "v=DMARC1; p=none; bogus; adkim=s", findings: []finding.Code{finding.CodeDMARCDiscarded}},
		// Differences between RFC 7489 and RFC 9989 readings.
		{name: "p late", txt: "v=DMARC1; adkim=s; p=none", findings: []finding.Code{finding.CodeDMARCPolicyOrder}},
		{name: "removed tags", txt: "v=DMARC1; p=none; pct=50; rf=afrf; ri=3600",
			findings: []finding.Code{finding.CodeDMARCRemovedTag, finding.CodeDMARCRemovedTag, finding.CodeDMARCRemovedTag}},
		{name: "removed tags, RFC 7489", txt: "v=DMARC1; p=none; pct=50; rf=afrf; ri=3600", mode: dmarc.RFC7489,
			findings: []finding.Code{finding.CodeDMARCRemovedTag, finding.CodeDMARCRemovedTag, finding.CodeDMARCRemovedTag}},
		{name: "size limit", txt: "v=DMARC1; p=none; rua=mailto:a@example.com!10m", findings: []finding.Code{finding.CodeDMARCSizeLimit}},
		{name: "new tags", txt: "v=DMARC1; p=none; np=reject; psd=n; t=y",
			findings: []finding.Code{finding.CodeDMARCNewTag, finding.CodeDMARCNewTag, finding.CodeDMARCNewTag}},
		{name: "new tags, RFC 7489", txt: "v=DMARC1; p=none; np=reject; psd=n; t=y", mode: dmarc.RFC7489,
			findings: []finding.Code{finding.CodeDMARCNewTag, finding.CodeDMARCNewTag, finding.CodeDMARCNewTag}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := (&dmarc.Checker{Mode: tt.mode}).Parse(tt.txt)
			if tt.err != nil {
				var pe *dmarc.SyntaxError
				if !errors.Is(err, tt.err) || !errors.As(err, &pe) || pe.Tag != tt.tag {
					t.Fatalf("Parse(%q) = %v, want %v naming tag %q", tt.txt, err, tt.err, tt.tag)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q) = %v", tt.txt, err)
			}
			if r.Fallback != tt.fallback {
				t.Errorf("Fallback = %v", r.Fallback)
			}
			if tt.fallback && (r.Policy != dmarc.None || r.SubdomainPolicy != dmarc.None) {
				t.Errorf("fallback policy = %s/%s, want none", r.Policy, r.SubdomainPolicy)
			}
			var codes []finding.Code
			for _, f := range r.Findings() {
				codes = append(codes, f.Code)
				if e, ok := finding.Lookup(f.Code); !ok || f.Severity != e.Severity {
					t.Errorf("finding %s: severity %v, want the catalogue's (%v)", f.Code, f.Severity, e.Severity)
				}
			}
			if !slices.Equal(codes, tt.findings) {
				t.Errorf("findings = %v, want %v (%v)", codes, tt.findings, r.Findings())
			}
			roundTrip(t, r)
		})
	}
}

func TestParseURISize(t *testing.T) {
	tests := []struct {
		in   string
		size uint64
		out  string
	}{
		{"mailto:a@example.com!10m", 10 << 20, "mailto:a@example.com!10m"},
		{"mailto:a@example.com!0G", 0, "mailto:a@example.com!0g"},
		{"mailto:a@example.com!1024", 1024, "mailto:a@example.com!1024"},
		{"mailto:a@example.com!2t", 2 << 40, "mailto:a@example.com!2t"},
	}
	for _, tt := range tests {
		u, err := dmarc.ParseURI(tt.in)
		if err != nil || !u.HasMaxSize || u.MaxSize != tt.size || u.String() != tt.out {
			t.Errorf("ParseURI(%q) = %+v (%q), %v; want size %d, %q", tt.in, u, u.String(), err, tt.size, tt.out)
		}
	}
	for _, bad := range []string{"mailto:a@example.com!", "mailto:a@example.com!10p", "mailto:a@example.com!99999999999t", "bogus", ":x", "mailto:", "1ab:x", "mailto:a b@example.com"} {
		if u, err := dmarc.ParseURI(bad); err == nil {
			t.Errorf("ParseURI(%q) = %+v, want error", bad, u)
		}
	}
}

// roundTrip checks that the canonical text parses back to the same record.
func roundTrip(t *testing.T, r *dmarc.Record) {
	t.Helper()
	s := r.String()
	r2, err := (&dmarc.Checker{Mode: r.Mode}).Parse(s)
	if err != nil {
		t.Fatalf("Parse(String()) = %v for %q", err, s)
	}
	if diff := cmp.Diff(r, r2, recordCmp...); diff != "" {
		t.Errorf("round trip of %q (-before +after):\n%s", s, diff)
	}
	if s2 := r2.String(); s2 != s {
		t.Errorf("String not stable: %q then %q", s, s2)
	}
}

// recordCmp compares records for the round-trip property: what String
// cannot carry (the discarded values, the fallback flag) is left out.
var recordCmp = []cmp.Option{
	cmpopts.IgnoreUnexported(dmarc.Record{}),
	cmpopts.IgnoreFields(dmarc.Record{}, "Discarded", "Fallback"),
	cmpopts.EquateEmpty(),
}

// Tag names are case-insensitive (RFC 7489 section 6.4: "v=DMARC1" aside,
// the grammar's literals are ABNF strings, which ignore case); names that
// only resemble a known tag are unknown tags and ignored.
func TestParseTagNameCase(t *testing.T) {
	tags := []struct {
		name, value string
		bit         dmarc.Tags
	}{
		{"p", "reject", dmarc.TagP}, {"sp", "none", dmarc.TagSP}, {"np", "none", dmarc.TagNP},
		{"pct", "10", dmarc.TagPct}, {"rua", "mailto:a@example.com", dmarc.TagRUA},
		{"ruf", "mailto:a@example.com", dmarc.TagRUF}, {"adkim", "s", dmarc.TagADKIM},
		{"aspf", "s", dmarc.TagASPF}, {"fo", "1", dmarc.TagFO}, {"rf", "afrf", dmarc.TagRF},
		{"ri", "60", dmarc.TagRI}, {"psd", "y", dmarc.TagPSD}, {"t", "y", dmarc.TagT},
	}
	for _, tg := range tags {
		for _, name := range []string{tg.name, strings.ToUpper(tg.name), strings.ToUpper(tg.name[:1]) + tg.name[1:]} {
			txt := "v=DMARC1; p=none; " + name + "=" + tg.value
			if tg.bit == dmarc.TagP {
				txt = "v=DMARC1; " + name + "=" + tg.value
			}
			r, err := (&dmarc.Checker{Mode: modeOf(tg.bit)}).Parse(txt)
			if err != nil || !r.Present.Has(tg.bit) {
				t.Errorf("Parse(%q): present %v, %v; want %v", txt, r, err, tg.bit)
			}
		}
		for _, name := range []string{tg.name + "1", tg.name + "_", "x" + tg.name, tg.name + "x"} {
			txt := "v=DMARC1; p=none; " + name + "=" + tg.value
			r, err := dmarc.Parse(txt)
			if err != nil || r.Present != dmarc.TagV|dmarc.TagP || len(r.Discarded) != 0 {
				t.Errorf("Parse(%q) = %+v, %v: %q is not a DMARC tag", txt, r, err, name)
			}
		}
	}
}

// modeOf returns the mode that knows tag: RFC 7489 for pct, rf and ri,
// RFC 9989 for the others.
func modeOf(tag dmarc.Tags) dmarc.Mode {
	if tag&(dmarc.TagPct|dmarc.TagRF|dmarc.TagRI) != 0 {
		return dmarc.RFC7489
	}
	return dmarc.RFC9989
}

// Malformed tags come first in Discarded, in the order of the text, then
// invalid values in the order of the text.
func TestParseDiscardedOrder(t *testing.T) {
	txt := "v=DMARC1; p=none; pct=x; bad1; adkim=q; =bad2; rua=mailto:a@example.com"
	r, err := (&dmarc.Checker{Mode: dmarc.RFC7489}).Parse(txt)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		tag    string
		offset int
		err    error
	}{
		{"bad1", 25, dmarc.ErrMalformedTag}, {"", 40, dmarc.ErrMalformedTag}, {"pct", 18, dmarc.ErrBadValue}, {"adkim", 31, dmarc.ErrBadValue},
	}
	if len(r.Discarded) != len(want) {
		t.Fatalf("Discarded = %v, want %d entries", r.Discarded, len(want))
	}
	for i, w := range want {
		d := r.Discarded[i]
		if d.Tag != w.tag || d.Offset != w.offset || !errors.Is(d, w.err) {
			t.Errorf("Discarded[%d] = %q at %d (%v), want %q at %d (%v)", i, d.Tag, d.Offset, d.Err, w.tag, w.offset, w.err)
		}
	}
}

// RUA and RUF are independent slices: appending to one leaves the other
// alone (Parse stores them in one allocation).
func TestParseURIListsIndependent(t *testing.T) {
	r := dmarc.MustParse("v=DMARC1; p=none; rua=mailto:a@example.com,bogus,mailto:b@example.com; ruf=mailto:f@example.com")
	if len(r.RUA) != 2 || len(r.RUF) != 1 {
		t.Fatalf("RUA %v, RUF %v", r.RUA, r.RUF)
	}
	_ = append(r.RUA, dmarc.URI{Address: "mailto:x@example.com"})
	if r.RUF[0].Address != "mailto:f@example.com" {
		t.Errorf("appending to RUA changed RUF to %v", r.RUF)
	}
}
