package dkim

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"
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
	for i := range 20000 {
		n := rng.IntN(24)
		if i%4 == 0 {
			n = rng.IntN(100) // runs past wordRun's eight bytes at a time
		}
		b := randomBytes(rng, alphabet, n)
		if got, want := string(relaxedValue([]byte("x:"), string(b))), "x:"+relaxedValueBytewise(string(b)); got != want {
			t.Fatalf("relaxedValue(%q) = %q; want %q", b, got, want)
		}
	}
}

// TestWordRun holds wordRun, eight bytes at a time, to the byte-wise
// reading: every byte value at every position of a run of up to 40 bytes
// of text, and random strings of white space, control bytes, text and
// bytes above 0x7f.
func TestWordRun(t *testing.T) {
	text := "abcdefghijklmnopqrstuvwxyz0123456789ABCD"
	for n := range len(text) + 1 {
		for pos := range n {
			for c := range 256 {
				s := text[:pos] + string(rune(0)) + text[pos+1:n]
				b := []byte(s)
				b[pos] = byte(c)
				s = string(b)
				if got, want := wordRun(s), wordRunBytewise(s); got != want {
					t.Fatalf("wordRun(%q) = %d; want %d", s, got, want)
				}
			}
		}
	}
	rng := rand.New(rand.NewPCG(7, 8))
	alphabet := []byte(" 	\r\n\x00\x01\x1f\x20\x21!azAZ;=\x7f\x80\xa0\xff")
	alphabet = append(alphabet, []byte(strings.Repeat("x", 40))...) // mostly long runs
	for range 20000 {
		s := string(randomBytes(rng, alphabet, rng.IntN(80)))
		if got, want := wordRun(s), wordRunBytewise(s); got != want {
			t.Fatalf("wordRun(%q) = %d; want %d", s, got, want)
		}
	}
}

// FuzzWordRun holds wordRun to the byte-wise reading on any input.
func FuzzWordRun(f *testing.F) {
	f.Add("bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=")
	f.Add("abcdefg\x01hijklmnop\x1fqrstuvw\txyz")
	f.Add("\x80\xa0\xff\xc0\x9f\x7f\x21\x20")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := wordRun(s), wordRunBytewise(s); got != want {
			t.Fatalf("wordRun(%q) = %d; want %d", s, got, want)
		}
		if got, want := string(relaxedValue(nil, s)), relaxedValueBytewise(s); got != want {
			t.Fatalf("relaxedValue(%q) = %q; want %q", s, got, want)
		}
	})
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

// wordRunBytewise is wordRun one byte at a time, for the tests.
func wordRunBytewise(s string) int {
	i := 0
	for i < len(s) && !isWSPorEOL(s[i]) {
		i++
	}
	return i
}

// TestRelaxedFolded holds relaxedFolded, the signer's canonicalization
// of the DKIM-Signature field it folds, to relaxedHeader, on fields
// writeTags folds from random signatures (long and short domains,
// selectors and h= lists, i= and z= with white space to encode, l=, t=
// and x=), with the b= value empty, as the signer hashes it, and
// written; and checks that it refuses fields of another shape.
func TestRelaxedFolded(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	word := func(n int) string {
		return string(randomBytes(rng, []byte("abcdefghijklmnopqrstuvwxyz0123456789-"), n))
	}
	for range 2000 {
		sig := &Signature{Version: 1, Algorithm: RSASHA256, HeaderCanonicalization: Relaxed, BodyCanonicalization: Relaxed,
			Domain: "a" + word(rng.IntN(60)) + ".example", Selector: "s" + word(rng.IntN(40)),
			BodyHash: randomBytes(rng, []byte("abc"), 32), Signature: randomBytes(rng, []byte("xyz"), rng.IntN(600))}
		for range 1 + rng.IntN(30) {
			sig.Headers = append(sig.Headers, "X-"+word(1+rng.IntN(20)))
		}
		if rng.IntN(2) == 0 {
			sig.Identity = "joe \t x@" + sig.Domain
		}
		if rng.IntN(3) == 0 {
			sig.CopiedHeaders = []string{"From: Joe \t <joe@example.com>", "Subject: a  b|c"}
		}
		if rng.IntN(2) == 0 {
			n := int64(rng.IntN(100000))
			sig.BodyLength = &n
			sig.Timestamp, sig.Expiration = time.Unix(1700000000, 0), time.Unix(1800000000, 0)
		}
		for _, withB := range []bool{false, true} {
			field := bytesString(sig.appendTags(append([]byte(nil), FieldName+":"...), true, withB))
			got, ok := relaxedFolded([]byte("x"), field)
			if want := relaxedHeader([]byte("x"), field); !ok || string(got) != string(want) {
				t.Fatalf("%q: relaxedFolded = %q, %v; want %q", field, got, ok, want)
			}
		}
	}
	for _, f := range []string{"DKIM-Signature:v=1", "X: v=1", "DKIM-Signature: v=1;\r\n a=b", "DKIM-Signature: v=1;\r\n", "DKIM-Signature: v=1;\r\tb", "DKIM-Signature: v=1;\r\t\tb"} {
		if got, ok := relaxedFolded([]byte("x"), f); ok || string(got) != "x" {
			t.Errorf("%q: relaxedFolded = %q, %v; want it refused", f, got, ok)
		}
	}
}
