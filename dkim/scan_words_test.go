package dkim

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// wordsRef is the byte-wise reference of nextCandidateWords: the first
// byte from p[i] on that genericCandidate holds for, less the CRLFs
// followed by a byte above 0x20 whose CR is at p[i] or after; len(p)
// when there is none.
func wordsRef(p []byte, i int) int {
	for j := i; j < len(p); j++ {
		if !genericCandidate(p, j) {
			continue
		}
		if crlfContent(p, j) {
			j++ // the LF goes with its CR
			continue
		}
		return j
	}
	return len(p)
}

// checkWords holds nextCandidateWords, and the near and far loops it is
// made of, to wordsRef on p from i.
func checkWords(t *testing.T, p []byte, i int) {
	t.Helper()
	want := wordsRef(p, i)
	if got := nextCandidateWords(p, i); got != want {
		t.Fatalf("nextCandidateWords(%q, %d) = %d, want %d", p, i, got, want)
	}
	if len(p)-i >= 40 {
		// The far loop from the start, as nextCandidateWords hands it on.
		if got := i + farCandidate(p[i:]); got != want {
			t.Fatalf("farCandidate(%q[%d:]) = %d, want %d", p, i, got, want)
		}
	}
}

// wordPatterns are what the word loops must tell apart, each put at every
// offset of clean text: line ends followed by content (passed) or not,
// white space before them, tabs, runs, bare CRs and LFs, and every byte
// that is a control or not ASCII, alone and after a CRLF.
func wordPatterns() []string {
	pats := []string{
		"\r\nx", "\r\n\r\nx", "\r\n\r\n", "\r\n ", "\r\n\t", " \r\nx", "\t\r\nx",
		"\r\r\nx", "\r\nx\r\ny", "\r\n", "\r", "\n", "\n\r", "x\r\n", "\t", " \t",
		"\t ", "  ", "   ", " x", " \n", "\r\nx\r\n", "\r\n!", "\r\n\x7f", "\r\n\xff",
		"\r\n\x00", "\r\n\x1f", "\r\n\x21", " \x00", " \x21", " \xff",
	}
	for c := 0; c < 256; c++ {
		if c <= 0x20 || c >= 0x7f {
			pats = append(pats, string([]byte{byte(c)}), "\r\n"+string([]byte{byte(c)}))
		}
	}
	return pats
}

// TestWordScanPatterns puts each pattern at every offset of 300 bytes of
// clean text (single spaces, CRLFs followed by content), so that it
// falls at each byte of a word, across words, across the 16-byte blocks
// of the near loop, the switch to the far loop and its 32-byte blocks,
// and into the byte-wise end, from a few starts. A CR at the end of a block with its LF in the next
// is among the cases, for every block. relaxedSpans goes through the same
// inputs against the byte-wise canonicalizer (checkSpans).
func TestWordScanPatterns(t *testing.T) {
	base := make([]byte, 300)
	for k := range base {
		base[k] = 'a' + byte(k%26)
		if k%11 == 10 {
			base[k] = ' '
		}
	}
	copy(base[77:], "\r\nx") // a clean line end among the patterns
	for _, pat := range wordPatterns() {
		for at := 0; at+len(pat) <= len(base); at++ {
			p := bytes.Clone(base)
			copy(p[at:], pat)
			// What the loops see depends on where the pattern is from
			// the start: from 0 it is everywhere; the other starts
			// shift the words, and the last ones leave only the
			// byte-wise end.
			for _, i := range []int{0, 1, 3, 7, 9, 100, 255, 263, 290} {
				if p[i-min(i, 1)] == '\r' && p[i] == '\n' {
					continue // no caller starts between a CR and its LF
				}
				checkWords(t, p, i)
			}
			p[0] = 'w'
			checkSpans(t, p)
		}
	}
}

// TestWordScanLineEnds runs the scans over CRLF lines of every length
// from 1 to 80 bytes, clean and with one change in some of them, so that
// the line ends fall at every offset of the blocks many times over, with
// the LF in the next block when the CR ends one.
func TestWordScanLineEnds(t *testing.T) {
	rng := rand.New(rand.NewPCG(22, 78))
	for n := 1; n <= 80; n++ {
		var b bytes.Buffer
		for b.Len() < 1200 {
			line := bytes.Repeat([]byte("x"), n)
			if rng.IntN(4) == 0 {
				line[rng.IntN(n)] = " \t\r\n\x00\x1f\x7f\xff"[rng.IntN(8)]
			}
			b.Write(line)
			b.WriteString("\r\n")
		}
		p := b.Bytes()
		for i := 0; i <= len(p); i += 1 + i%5 {
			if i > 0 && p[i-1] == '\r' && i < len(p) && p[i] == '\n' {
				continue
			}
			checkWords(t, p, i)
		}
		if isContent(p[0]) {
			checkSpans(t, p)
		}
	}
}

// TestWordScanRandom holds the scans to the reference on random input
// from the bytes that matter, dense and sparse in them, from every start.
func TestWordScanRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 22))
	rounds := 400
	if testing.Short() {
		rounds = 80
	}
	for range rounds {
		p := wordsInput(rng, rng.IntN(600))
		for i := 0; i <= len(p); i++ {
			if i > 0 && p[i-1] == '\r' && i < len(p) && p[i] == '\n' {
				continue
			}
			checkWords(t, p, i)
		}
	}
}

// TestGatherMSB checks the multiply that gathers the top bits of the bytes
// of a word into eight bits, on every single byte and on random words.
func TestGatherMSB(t *testing.T) {
	ref := func(r uint64) uint64 {
		var m uint64
		for b := range 8 {
			if r>>(8*b+7)&1 == 0 {
				m |= 1 << b
			}
		}
		return m
	}
	rng := rand.New(rand.NewPCG(1, 2))
	words := []uint64{0, ^uint64(0), msb, lsb, ^uint64(msb)}
	for b := range 64 {
		words = append(words, 1<<b, ^uint64(1<<b))
	}
	for range 10000 {
		words = append(words, rng.Uint64())
	}
	for _, r := range words {
		if got, want := gatherMSB(r), ref(r); got != want {
			t.Fatalf("gatherMSB(%#x) = %08b, want %08b", r, got, want)
		}
	}
}

// FuzzWordScan holds the word scans to the byte-wise reference, and
// relaxedSpans to the byte-wise canonicalizer, on the fuzzer's input.
func FuzzWordScan(f *testing.F) {
	f.Add([]byte("word word\r\nword \r\nx\t\r\n\r\n  \r"), uint16(0))
	f.Add(bytes.Repeat([]byte("0123456789abcdefghijklmnopqrstu\r\n"), 12), uint16(3))
	f.Add(bytes.Repeat([]byte("base64+/base64+/base64+/base64+/base64+/base64+/base64+/base64+/ABCDEFGHIJKL\r\n"), 4), uint16(1))
	f.Fuzz(func(t *testing.T, p []byte, i uint16) {
		start := int(i) % (len(p) + 1)
		if start > 0 && p[start-1] == '\r' && start < len(p) && p[start] == '\n' {
			start++
		}
		checkWords(t, p, start)
		if len(p) > 0 {
			checkWords(t, p, 0)
		}
		checkSpans(t, p)
	})
}

// wordsInput is kernelInput, and half the time with a CRLF followed by
// content every 10 to 80 bytes, as text and base64 have them: the line
// ends the word loops pass over.
func wordsInput(rng *rand.Rand, n int) []byte {
	p := kernelInput(rng, n)
	if rng.IntN(2) == 0 {
		for k := 0; k+3 < len(p); k += 10 + rng.IntN(70) {
			copy(p[k:], "\r\nx")
		}
	}
	return p
}
