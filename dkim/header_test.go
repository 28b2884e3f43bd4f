package dkim

import "testing"

// TestCanonicalizeHeaderEdges covers the fields at the edges of
// relaxedHeader's cut at the colon: an empty name (the colon first), no
// colon at all, white space around the colon, a name of white space only.
func TestCanonicalizeHeaderEdges(t *testing.T) {
	for _, tt := range []struct{ in, relaxed, simple string }{
		{":  Value ", ":Value\r\n", ":  Value \r\n"},
		{"NoColon ", "nocolon:\r\n", "NoColon \r\n"},
		{"A \t: b\r\n", "a:b\r\n", "A \t: b\r\n"},
		{"X:", "x:\r\n", "X:\r\n"},
		{" : v", ":v\r\n", " : v\r\n"},
		{"\t\t: v", ":v\r\n", "\t\t: v\r\n"},
	} {
		if got := string(CanonicalizeHeader(nil, tt.in, Relaxed)); got != tt.relaxed {
			t.Errorf("relaxed %q: %q; want %q", tt.in, got, tt.relaxed)
		}
		if got := string(CanonicalizeHeader(nil, tt.in, Simple)); got != tt.simple {
			t.Errorf("simple %q: %q; want %q", tt.in, got, tt.simple)
		}
	}
}
