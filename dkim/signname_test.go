package dkim

import "testing"

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
