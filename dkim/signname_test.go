package dkim

import (
	"testing"

	"github.com/domainauth/domainauth/internal/dnsname"
)

// TestCheckSignName holds checkSignName, which remembers the last pair it
// accepted, to checkSignNameSlow over a sequence of pairs in which each
// bad pair follows a good one that shares its domain or selector, so that
// a memory that matched on one of the two would accept it, and each pair
// is checked twice, so that a memory of a refused pair would accept it.
func TestCheckSignName(t *testing.T) {
	pairs := []struct{ domain, selector string }{
		{"example.com", "s"},
		{"example.com", "bad selector"},
		{"example.com", "s"},
		{"exa mple.com", "s"},
		{"Example.COM.", "s"},
		{"Example.COM.", ""},
		{"example.com", "s;x"},
		{"", "s"},
		{"example.com", "s"},
		{"other.example", "s"},
		{"other.example", "s2"},
		{"example.com", "s2"},
		{"bücher.example", "sel"},
		{"example.com", "x.." + "y"},
	}
	// Each pair twice in a row, so that a pair the memory held (rightly
	// or not) is asked for again at once.
	for round := range 2 {
		for _, p := range pairs {
			for range 2 {
				got, err := checkSignName(p.domain, p.selector)
				want, wantErr := checkSignNameSlow(p.domain, p.selector)
				if got != want || (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
					t.Errorf("round %d: checkSignName(%q, %q) = %q, %v; want %q, %v", round, p.domain, p.selector, got, err, want, wantErr)
				}
			}
		}
	}
	if d, err := checkSignName("Example.COM.", "s"); d != "example.com" || err != nil {
		t.Errorf("checkSignName(Example.COM., s) = %q, %v; want example.com", d, err)
	}
}

// TestKeyName holds verifyState.keyName, which reuses the last name it
// made, to building and normalizing the name each time, on a run of
// selectors and domains that repeat, differ in one byte at the same
// length, in case, in a trailing dot, and that are invalid.
func TestKeyName(t *testing.T) {
	var st verifyState
	pairs := [][2]string{
		{"sel", "example.com"}, {"sel", "example.com"}, {"sel", "example.org"}, {"sel", "example.com"},
		{"sek", "example.com"}, {"Sel", "Example.COM"}, {"sel", "example.com."}, {"sel", "example.com"},
		{"s", "elexample.com"}, {"se", "lexample.com"}, {"bad sel", "example.com"}, {"sel", "example.com"},
		{"", "example.com"}, {"sel", ""}, {"sel", "example.com"}, {"sel", "b\u00fccher.example"}, {"sel", "b\u00fccher.example"},
	}
	for i, p := range pairs {
		got, err := st.keyName(p[0], p[1])
		want, wantErr := dnsname.Normalize(p[0] + "._domainkey." + p[1])
		if got != want || (err == nil) != (wantErr == nil) {
			t.Errorf("%d: keyName(%q, %q) = %q, %v; want %q, %v", i, p[0], p[1], got, err, want, wantErr)
		}
	}
}
