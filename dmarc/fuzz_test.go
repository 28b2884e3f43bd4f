package dmarc_test

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/domainauth/domainauth/dmarc"
)

// FuzzParse checks that Parse never panics, that errors are *SyntaxError
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
		for _, m := range []dmarc.Mode{dmarc.RFC9989, dmarc.RFC7489} {
			fuzzParseMode(t, s, m)
		}
	})
}

func fuzzParseMode(t *testing.T, s string, m dmarc.Mode) {
	t.Helper()
	{
		r, err := (&dmarc.Checker{Mode: m}).Parse(s)
		if err != nil {
			pe, ok := err.(*dmarc.SyntaxError)
			if !ok || pe.Offset < 0 || pe.Offset > len(s) {
				t.Fatalf("%s Parse(%q): error %v (%T) is not a *SyntaxError with an offset in range", m, s, err, err)
			}
			return
		}
		if r.Percent < 0 || r.Percent > 100 || r.Policy == "" || r.SubdomainPolicy == "" || r.NPolicy == "" {
			t.Fatalf("Parse(%q) = %+v: invariant broken", s, r)
		}
		out := r.String()
		r2, err := (&dmarc.Checker{Mode: m}).Parse(out)
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
		// Build accepts the canonical record when its report URIs are
		// mailto: ones, and prints it alike.
		if b, err := dmarc.Build(*r2); err == nil {
			if b.String() != out {
				t.Fatalf("Build of %q prints %q", out, b.String())
			}
			if r3 := mustParse(m, out); !reflect.DeepEqual(b, r3) {
				t.Fatalf("Build of %q differs from its parse:\n%+v\n%+v", out, b, r3)
			}
		} else if !errors.Is(err, dmarc.ErrBuild) || !strings.Contains(out, "ru") {
			t.Fatalf("Build of %q: %v", out, err)
		}
	}
}

// modeTags are the tags whose reading depends on the mode: those only one
// RFC defines, and fo, whose grammar RFC 9989 narrowed.
var modeTags = []string{"np", "psd", "t", "pct", "rf", "ri", "fo"}

// usesModeTag reports whether the record text has a tag named in modeTags
// (any case, white space around the name allowed).
func usesModeTag(s string) bool {
	for part := range strings.SplitSeq(s, ";") {
		name, _, ok := strings.Cut(part, "=")
		if ok && slices.Contains(modeTags, strings.ToLower(strings.Trim(name, " \t\r\n"))) {
			return true
		}
	}
	return false
}

// FuzzModesAgree checks that RFC 9989 and RFC 7489 read alike every record
// that uses no mode-specific tag: the same error, or the same record
// (values, what was discarded, the fallback, the findings).
func FuzzModesAgree(f *testing.F) {
	for _, s := range []string{
		"v=DMARC1; p=none;",
		"v=DMARC1; p=reject; sp=quarantine; adkim=s; aspf=r; rua=mailto:a@example.com!10m; ruf=mailto:f@example.com",
		"v=DMARC1; rua=mailto:a@example.com",
		"v=DMARC1; p=reject; sp=bad; rua=mailto:a@example.com",
		"V = DMARC1 ; P = reject ; unknown = x ; bogus",
		"v=DMARC1; adkim=s; p=none",
		" v=DMARC1; p=none",
		"v=dmarc1; p=none",
		"v=DMARC1; p=none; P=reject",
		"v=DMARC1; p=none; np=reject; pct=50",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if usesModeTag(s) {
			return
		}
		r9, err9 := (&dmarc.Checker{Mode: dmarc.RFC9989}).Parse(s)
		r7, err7 := (&dmarc.Checker{Mode: dmarc.RFC7489}).Parse(s)
		if (err9 == nil) != (err7 == nil) || err9 != nil && err9.Error() != err7.Error() {
			t.Fatalf("Parse(%q): RFC 9989 error %v, RFC 7489 error %v", s, err9, err7)
		}
		if err9 != nil {
			return
		}
		if diff := cmp.Diff(r9, r7, cmpopts.IgnoreUnexported(dmarc.Record{}), cmpopts.IgnoreFields(dmarc.Record{}, "Mode", "Discarded")); diff != "" {
			t.Fatalf("Parse(%q) differs between the modes (-RFC 9989 +RFC 7489):\n%s", s, diff)
		}
		if a, b := r9.Findings(), r7.Findings(); !slices.Equal(a, b) {
			t.Fatalf("Parse(%q): findings differ: RFC 9989 %v, RFC 7489 %v", s, a, b)
		}
	})
}
