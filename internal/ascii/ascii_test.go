package ascii

import (
	"strings"
	"testing"
)

func TestEqualFold(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"", "", true},
		{"Authentication-Results", "authentication-results", true},
		{"MX.ESP.EXAMPLE", "mx.esp.example", true},
		{"az", "AZ", true},
		{"@[", "`{", false}, // the bytes beside 'A'-'Z' and 'a'-'z' are not letters
		{"a", "b", false},
		{"ab", "a", false},
		{"m\u212a", "mk", false},   // KELVIN SIGN is not "k"
		{"e\u017fp", "esp", false}, // LONG S is not "s"
		{"b\u00fccher", "B\u00dcCHER", false},
		{"b\u00fccher", "B\u00fcCHER", true},
	} {
		if got := EqualFold(tc.a, tc.b); got != tc.want {
			t.Errorf("EqualFold(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
		if got := EqualFold(tc.b, tc.a); got != tc.want {
			t.Errorf("EqualFold(%q, %q) = %v, want %v", tc.b, tc.a, got, tc.want)
		}
	}
}

func TestLower(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"already lower", "already lower"},
		{"Feedback-Type", "feedback-type"},
		{"AZ@[`{az", "az@[`{az"},
		{"Feedbac\u212a-Type", "feedbac\u212a-type"}, // KELVIN SIGN stays
		{"Source-\u0130P", "source-\u0130p"},         // so does the dotted capital I
	} {
		if got := Lower(tc.in); got != tc.want {
			t.Errorf("Lower(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	// No copy when nothing changes.
	s := strings.Repeat("x", 10)
	if got := Lower(s); got != s {
		t.Errorf("Lower(%q) = %q", s, got)
	}
}

// FuzzEqualFold holds EqualFold to the definition: equal after Lower,
// which itself turns exactly the bytes 'A'-'Z' to 'a'-'z'.
func FuzzEqualFold(f *testing.F) {
	f.Add("MX.Example", "mx.example")
	f.Add("m\u212a", "mk")
	f.Fuzz(func(t *testing.T, a, b string) {
		la := Lower(a)
		if len(la) != len(a) {
			t.Fatalf("Lower(%q) changed the length", a)
		}
		for i := 0; i < len(a); i++ {
			want := a[i]
			if 'A' <= want && want <= 'Z' {
				want += 'a' - 'A'
			}
			if la[i] != want {
				t.Fatalf("Lower(%q)[%d] = %q, want %q", a, i, la[i], want)
			}
		}
		if got, want := EqualFold(a, b), la == Lower(b); got != want {
			t.Fatalf("EqualFold(%q, %q) = %v, want %v", a, b, got, want)
		}
	})
}

func TestIs(t *testing.T) {
	for s, want := range map[string]bool{"": true, "sel-1_x": true, "\x7f": true, "\x80": false, "s\u00e9l": false, "\u212aey": false, "key\xff": false} {
		if got := Is(s); got != want {
			t.Errorf("Is(%q) = %v, want %v", s, got, want)
		}
	}
}
