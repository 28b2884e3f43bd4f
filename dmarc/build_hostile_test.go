package dmarc_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/domainauth/domainauth/dmarc"
)

// Build takes what a caller (or a customer through a web form) typed: a
// report address with ';', ',', '!', spaces, a line break, a domain
// outside ASCII, numbers out of range. Each is either refused with a
// *FieldError naming the field, or published so that the record parses
// back to what Build returned: nothing typed into one tag can add
// another tag or a second URI.
func TestBuildHostileRoundTrip(t *testing.T) {
	u := func(s string) []dmarc.URI { return []dmarc.URI{{Address: s}} }
	tests := []struct {
		name  string
		in    dmarc.Record
		field string // "" when Build accepts it
	}{
		{"plain", dmarc.Record{Policy: dmarc.Reject, RUA: u("mailto:d@example.com")}, ""},
		{"semicolon adds a tag", dmarc.Record{Policy: dmarc.Reject, RUA: u("mailto:d@example.com; p=none")}, "RUA[0]"},
		{"semicolon, no space", dmarc.Record{Policy: dmarc.Reject, RUA: u("mailto:d@example.com;p=none")}, "RUA[0]"},
		{"comma adds a URI", dmarc.Record{RUA: u("mailto:d@example.com,mailto:x@evil.example")}, "RUA[0]"},
		{"bang in address", dmarc.Record{RUA: u("mailto:d!x@example.com")}, "RUA[0]"},
		{"space", dmarc.Record{RUA: u("mailto:d @example.com")}, "RUA[0]"},
		{"CRLF", dmarc.Record{RUF: u("mailto:d@example.com\r\nX: y")}, "RUF[0]"},
		{"LF", dmarc.Record{RUF: u("mailto:d@example.com\n")}, "RUF[0]"},
		{"non-ASCII domain", dmarc.Record{RUA: u("mailto:d@bücher.example")}, "RUA[0]"},
		{"A-label domain", dmarc.Record{RUA: u("mailto:d@xn--bcher-kva.example")}, ""},
		{"second URI bad", dmarc.Record{RUA: []dmarc.URI{{Address: "mailto:a@example.com"}, {Address: "mailto:b@example.com;"}}}, "RUA[1]"},
		{"equals and percent", dmarc.Record{RUA: u("mailto:d%2Bx@example.com?subject=a=b")}, ""},
		{"size limit", dmarc.Record{RUA: []dmarc.URI{{Address: "mailto:d@example.com", MaxSize: 10 << 20, HasMaxSize: true, Unit: 'm'}}}, ""},
		{"size limit not of its unit", dmarc.Record{RUA: []dmarc.URI{{Address: "mailto:d@example.com", MaxSize: 10<<20 + 1, HasMaxSize: true, Unit: 'm'}}}, "RUA[0]"},
		{"upper-case unit", dmarc.Record{RUA: []dmarc.URI{{Address: "mailto:d@example.com", MaxSize: 10 << 20, HasMaxSize: true, Unit: 'M'}}}, "RUA[0]"},
		{"size without HasMaxSize", dmarc.Record{RUA: []dmarc.URI{{Address: "mailto:d@example.com", MaxSize: 5}}}, "RUA[0]"},
		{"https", dmarc.Record{RUA: u("https://example.com/r")}, "RUA[0]"},
		{"no mailto", dmarc.Record{RUA: u("d@example.com")}, "RUA[0]"},
		{"too many", dmarc.Record{RUA: make([]dmarc.URI, dmarc.MaxURIs+1)}, "RUA"},
		{"pct -1", dmarc.Record{Percent: -1}, "Percent"},
		{"pct 101", dmarc.Record{Percent: 101}, "Percent"},
		{"pct 0 present", dmarc.Record{Mode: dmarc.RFC7489, Policy: dmarc.Reject, Percent: 0, Present: dmarc.TagPct}, ""},
		{"pct 50", dmarc.Record{Mode: dmarc.RFC7489, Policy: dmarc.Reject, Percent: 50}, ""},
		{"ri max", dmarc.Record{Mode: dmarc.RFC7489, Interval: 1<<32 - 1}, ""},
		{"ri 0 present", dmarc.Record{Mode: dmarc.RFC7489, Present: dmarc.TagRI}, ""},
		{"policy with semicolon", dmarc.Record{Policy: "reject; rua=mailto:x@evil.example"}, "Policy"},
		{"policy upper case", dmarc.Record{Policy: "Reject"}, "Policy"},
		{"sp hostile", dmarc.Record{SubdomainPolicy: "none\r\n"}, "SubdomainPolicy"},
		{"adkim hostile", dmarc.Record{ADKIM: "s; p=none"}, "ADKIM"},
		{"psd hostile", dmarc.Record{PSD: "y;"}, "PSD"},
		{"rf hostile", dmarc.Record{Mode: dmarc.RFC7489, ReportFormat: "afrf; p=none"}, "ReportFormat"},
		{"fo out of range", dmarc.Record{FailureOptions: 1 << 5}, "FailureOptions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := dmarc.Build(tt.in)
			if tt.field != "" {
				var fe *dmarc.FieldError
				if !errors.As(err, &fe) || !errors.Is(err, dmarc.ErrBuild) || fe.Field != tt.field {
					t.Fatalf("Build: %v, want a *FieldError on %s", err, tt.field)
				}
				if strings.ContainsAny(err.Error(), "\r\n") {
					t.Errorf("error text holds a line break: %q", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			txt := rec.String()
			got, err := (&dmarc.Checker{Mode: rec.Mode}).Parse(txt)
			if err != nil {
				t.Fatalf("Parse(%q): %v", txt, err)
			}
			if diff := cmp.Diff(rec, got, cmpopts.IgnoreUnexported(dmarc.Record{}), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Parse(Build(x).String()) != Build(x) for %q (-built +parsed):\n%s", txt, diff)
			}
		})
	}
}
