package spf_test

import (
	"testing"

	"github.com/domainauth/domainauth/spf"
)

// RFC 7208 section 4.5: a record is selected by "v=spf1" (case-insensitive)
// followed by a space or the end; "v=spf10" and the like are other
// versions and are ignored.
func TestIsRecord(t *testing.T) {
	for txt, want := range map[string]bool{
		"v=spf1":                      true,
		"v=spf1 -all":                 true,
		"V=SPF1 include:example.com":  true,
		"v=spf10 -all":                false,
		"v=spf1-all":                  false,
		" v=spf1 -all":                false,
		`"v=spf1 -all"`:               false, // pasted quotes
		"spf2.0/mfrom -all":           false,
		"google-site-verification=xy": false,
		"":                            false,
	} {
		if got := spf.IsRecord(txt); got != want {
			t.Errorf("IsRecord(%q) = %v, want %v", txt, got, want)
		}
	}
}

// Lookups counts include, a, mx, ptr, exists and redirect (RFC 7208
// section 4.6.4), not all, ip4, ip6, exp or unknown modifiers.
func TestRecordLookups(t *testing.T) {
	for text, want := range map[string]int{
		"v=spf1 -all": 0,
		"v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 exp=e.example.com x-foo=bar -all": 0,
		"v=spf1 a mx ptr exists:%{i}.example.com include:a.example -all":             5,
		"v=spf1 a:x.example mx:y.example/24 redirect=_spf.example":                   3,
	} {
		r, err := spf.Parse(text)
		if err != nil {
			t.Fatalf("Parse(%q): %v", text, err)
		}
		if got := r.Lookups(); got != want {
			t.Errorf("%q: Lookups() = %d, want %d", text, got, want)
		}
	}
}
