package dkim

import "testing"

// TestValidFieldNameBounds checks the ends of the printable range that
// RFC 5322 section 3.6.8 allows in a field name (ftext: 33-57, 59-126),
// and the bytes just outside it.
func TestValidFieldNameBounds(t *testing.T) {
	for _, s := range []string{"!", "~", "X-~!", "a9"} {
		if !validFieldName(s) {
			t.Errorf("validFieldName(%q) = false; want true", s)
		}
	}
	for _, s := range []string{"", " ", "\x7f", "a:b", "a b", "\x20x", "x\x7f"} {
		if validFieldName(s) {
			t.Errorf("validFieldName(%q) = true; want false", s)
		}
	}
}
