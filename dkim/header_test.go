package dkim

import (
	"math/rand/v2"
	"testing"
)

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

// relaxedValueBytewise is relaxedValue one byte at a time, as RFC 6376
// section 3.4.2 states it: unfold, reduce each run of white space to one
// space, and drop it at either end.
func relaxedValueBytewise(v string) string {
	var out []byte
	space, started := false, false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' {
			space = true
			continue
		}
		if space && started {
			out = append(out, ' ')
		}
		space, started = false, true
		out = append(out, c)
	}
	return string(out)
}

// TestRelaxedValue holds relaxedValue, which copies runs whole, to the
// byte-wise reading on random values of white space, control bytes,
// text and bytes above 0x7f.
func TestRelaxedValue(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	alphabet := []byte(" \t\r\n\x00\x01\x1f!azAZ;=\x7f\x80\xff")
	for range 20000 {
		b := randomBytes(rng, alphabet, rng.IntN(24))
		if got, want := string(relaxedValue([]byte("x:"), string(b))), "x:"+relaxedValueBytewise(string(b)); got != want {
			t.Fatalf("relaxedValue(%q) = %q; want %q", b, got, want)
		}
	}
}

// randomBytes returns n bytes drawn from alphabet (a byte listed twice is
// drawn twice as often).
func randomBytes(rng *rand.Rand, alphabet []byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return b
}
