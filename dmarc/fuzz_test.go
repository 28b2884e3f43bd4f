package dmarc_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/domainauth/domainauth/dmarc"
)

// FuzzParse checks that Parse never panics, that errors are *ParseError
// with an offset inside the text, and the round-trip property: a parsed
// record prints to text that parses back to an equal record, and that text
// is stable.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"v=DMARC1; p=none;",
		"v=DMARC1; p=quarantine; pct=25; ruf=mailto:reporting@example.com;",
		"v=DMARC1; p=reject; rua=mailto:reporting@example.com;",
		"V = DMARC1 ; P = reject ;\tSP=none; unknown \t=\t x ; adkim=s; aspf=s; rua=mailto:a@example.com  ,\t\tmailto:b@example.net!10m; RI = 123; FO = 0:1:d:s ; RF= afrf : other; Pct = 0",
		"v=DMARC1; p=reject; sp=bad; rua=mailto:a@example.com",
		"v=DMARC1; adkim=s; p=none; np=reject; psd=y; t=y",
		"v=DMARC1; p=none; bogus; =x; ;; rua=mailto:a@example.com!0G",
		"v=DMARC1",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := dmarc.Parse(s)
		if err != nil {
			pe, ok := err.(*dmarc.ParseError)
			if !ok || pe.Offset < 0 || pe.Offset > len(s) {
				t.Fatalf("Parse(%q): error %v (%T) is not a *ParseError with an offset in range", s, err, err)
			}
			return
		}
		if r.Percent < 0 || r.Percent > 100 || r.Policy == "" || r.SubdomainPolicy == "" || r.NPolicy == "" {
			t.Fatalf("Parse(%q) = %+v: invariant broken", s, r)
		}
		out := r.String()
		r2, err := dmarc.Parse(out)
		if err != nil {
			t.Fatalf("Parse(%q).String() = %q does not parse: %v", s, out, err)
		}
		if diff := cmp.Diff(r, r2, recordCmp...); diff != "" {
			t.Fatalf("round trip of %q via %q (-first +second):\n%s", s, out, diff)
		}
		if len(r2.Discarded) != 0 || r2.Fallback {
			t.Fatalf("canonical text %q has discarded values: %v", out, r2.Discarded)
		}
		if out2 := r2.String(); out2 != out {
			t.Fatalf("String not stable: %q then %q", out, out2)
		}
	})
}
