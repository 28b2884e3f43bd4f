package dkim

import (
	"bytes"
	"crypto/sha256"
	"math/rand/v2"
	"testing"
)

// TestBodyDigest compares bodyDigest with crypto/sha256 on every length
// around the padding boundaries and on random lengths written in random
// pieces, and checks that Sum leaves the state alone and that Reset
// starts over.
func TestBodyDigest(t *testing.T) {
	rng := rand.New(rand.NewPCG(180, 4))
	msg := make([]byte, 5000)
	for i := range msg {
		msg[i] = byte(rng.Uint32())
	}
	d := new(bodyDigest)
	check := func(n int, cuts []int) {
		t.Helper()
		d.Reset()
		p := msg[:n]
		for _, c := range cuts {
			d.Write(p[:c])
			p = p[c:]
		}
		d.Write(p)
		want := sha256.Sum256(msg[:n])
		if got := d.Sum(nil); !bytes.Equal(got, want[:]) {
			t.Fatalf("%d bytes in pieces %v: %x, want %x", n, cuts, got, want)
		}
		if got := d.Sum([]byte("x")); !bytes.Equal(got[1:], want[:]) || got[0] != 'x' {
			t.Fatalf("%d bytes: a second Sum, appended to x, gives %q", n, got)
		}
	}
	for n := range 300 {
		check(n, nil)
	}
	for range 500 {
		n := rng.IntN(len(msg))
		var cuts []int
		for left := n; left > 0; {
			c := rng.IntN(min(left, 200) + 1)
			cuts = append(cuts, c)
			left -= c
		}
		check(n, cuts)
	}
}

// TestBodyDigestBlocks checks the two calls the body canonicalizer uses
// to keep the state at a block boundary: takePartial hands back what is
// buffered, and blocks hashes whole blocks straight into the state.
func TestBodyDigestBlocks(t *testing.T) {
	msg := bytes.Repeat([]byte("0123456789abcdef\r\n"), 50)
	d := new(bodyDigest)
	d.Reset()
	d.Write(msg[:100]) // one block hashed, 36 bytes buffered
	var part [64]byte
	n := d.takePartial(part[:])
	if n != 36 || !bytes.Equal(part[:n], msg[64:100]) {
		t.Fatalf("takePartial = %q, want %q", part[:n], msg[64:100])
	}
	d.blocks(msg[64:192])
	d.Write(msg[192:])
	want := sha256.Sum256(msg)
	if got := d.Sum(nil); !bytes.Equal(got, want[:]) {
		t.Fatalf("Write, takePartial, blocks, Write: %x, want %x", got, want)
	}
}
