package domainauth_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/domainauth/domainauth"
)

// FuzzNormalizeDomain: a name is either normalised or refused with a
// *SyntaxError; a normalised name is within the RFC 1035 limits, lower-case
// ASCII without a trailing dot, and normalises to itself.
func FuzzNormalizeDomain(f *testing.F) {
	for _, s := range []string{"example.com", "Example.COM.", "bücher.example", "xn--bcher-kva.example",
		"_dmarc.example.com", "*.example", "a..b", "-a.example", "xn--a", "", ".", "exa mple.com"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := domainauth.NormalizeDomain(s)
		if err != nil {
			var se *domainauth.SyntaxError
			if !errors.As(err, &se) || !errors.Is(err, domainauth.ErrSyntax) || se.Input != s {
				t.Fatalf("NormalizeDomain(%q): error %v (%T), want a *SyntaxError for the input", s, err, err)
			}
			if se.Offset > len(s) {
				t.Fatalf("NormalizeDomain(%q): offset %d beyond the input", s, se.Offset)
			}
			return
		}
		if d == "" || len(d) > 253 || strings.HasSuffix(d, ".") || d != strings.ToLower(d) {
			t.Fatalf("NormalizeDomain(%q) = %q", s, d)
		}
		for _, l := range strings.Split(d, ".") {
			if l == "" || len(l) > 63 {
				t.Fatalf("NormalizeDomain(%q) = %q: label %q", s, d, l)
			}
		}
		for i := 0; i < len(d); i++ {
			if d[i] >= 0x80 {
				t.Fatalf("NormalizeDomain(%q) = %q: not ASCII", s, d)
			}
		}
		if again, err := domainauth.NormalizeDomain(d); again != d || err != nil {
			t.Fatalf("NormalizeDomain(%q) = %q, but NormalizeDomain(%q) = %q, %v", s, d, d, again, err)
		}
	})
}
