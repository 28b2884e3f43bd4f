package dkim

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// wordsEditRef is the byte-wise reference of relaxedWords: the same
// steps of 16 bytes and the same stops, the candidates found one byte at
// a time (genericCandidate) and the output written a byte at a time.
func wordsEditRef(dst []byte, d int, src []byte, i int) (ni, nd int) {
	isWS := func(c byte) bool { return c == ' ' || c == '\t' }
	for i <= len(src)-wordsSlack && d <= len(dst)-wordsSlack {
		k := 0
		for k < 16 && !genericCandidate(src, i+k) {
			dst[d+k] = src[i+k]
			k++
		}
		d += k
		if k == 16 {
			i += 16
			continue
		}
		j := i + k
		c := src[j]
		switch {
		case c == ' ' && src[j+1] == ' ' && src[j+2] > ' ':
			dst[d] = ' '
			d++
			i = j + 2
		case c == '\r' && src[j+1] == '\n' && src[j+2] > ' ':
			dst[d], dst[d+1] = '\r', '\n'
			d += 2
			i = j + 2
		case isWS(c):
			r := j + 1
			for r < len(src) && isWS(src[r]) {
				r++
			}
			switch {
			case r+2 >= len(src):
				return j, d
			case isContent(src[r]):
				dst[d] = ' '
				d++
				i = r
			case src[r] == '\n' && src[r+1] > ' ':
				dst[d], dst[d+1] = '\r', '\n'
				d += 2
				i = r + 1
			case src[r] == '\r' && src[r+1] == '\n' && src[r+2] > ' ':
				dst[d], dst[d+1] = '\r', '\n'
				d += 2
				i = r + 2
			default:
				return j, d
			}
		case c == '\n' && src[j+1] > ' ':
			dst[d], dst[d+1] = '\r', '\n'
			d += 2
			i = j + 1
		case c == '\r' || c == '\n':
			return j, d
		default:
			dst[d] = c // another control byte
			d++
			i = j + 1
		}
	}
	return i, d
}

// checkRelaxedWords holds relaxedWords on src from i (src[i-1] content,
// or i == 0 and src[0] content) to wordsEditRef, with room in the output
// for all of it and for less, at an output offset that is not a multiple
// of eight; and what it wrote to the byte-wise canonicalizer (slowWrite)
// fed what it consumed, after content, and then content: it must all be
// final.
func checkRelaxedWords(t *testing.T, src []byte, i int) {
	t.Helper()
	for _, room := range []int{2*len(src) + wordsSlack, wordsSlack + 5, 70} {
		const d0 = 3
		got := make([]byte, d0+room)
		want := make([]byte, d0+room)
		ni, nd := relaxedWords(got, d0, src, i)
		wi, wd := wordsEditRef(want, d0, src, i)
		if ni != wi || nd != wd || !bytes.Equal(got[d0:nd], want[d0:wd]) {
			t.Fatalf("relaxedWords(%q, %d), room %d = %d, %q; want %d, %q", src, i, room, ni, got[d0:nd], wi, want[d0:wd])
		}
		if ni < i || ni > len(src) || ni < len(src)-wordsSlack-16 && nd < len(got)-wordsSlack-16 && !genericCandidate(src, ni) {
			t.Fatalf("relaxedWords(%q, %d), room %d stopped at %d, no candidate", src, i, room, ni)
		}
		if ni > i && !isContent(src[ni-1]) && (ni == len(src) || !isContent(src[ni])) {
			t.Fatalf("relaxedWords(%q, %d) stopped at %d, between %q and no content", src, i, ni, src[ni-1])
		}
		var ref bytes.Buffer
		r := newBodyCanonicalizer(&ref, Relaxed, -1)
		r.slowWrite([]byte("w"))
		r.slowWrite(src[i:ni])
		r.slowWrite([]byte("x"))
		r.Close()
		if w := "w" + string(got[d0:nd]) + "x\r\n"; w != ref.String() {
			t.Fatalf("relaxedWords(%q, %d) consumed %d:\n got %q\nwant %q", src, i, ni, w, ref.String())
		}
	}
}

// wordEdits are the inputs relaxedWords edits itself or stops at, each
// put at every offset of clean text by TestRelaxedWordsPatterns.
func wordEdits() []string {
	pats := []string{
		"  x", "  \x01", "   x", " \tx", "\t x", "\tx", "\t\tx", "  \r\nx", " \r\nx", "\t\r\nx",
		" \nx", "  \n\x01", " \r\n\r\nx", " \r\n x", " \r\n", " \r", " \rx", "\r\nx", "\r\n x",
		"\r\n\r\nx", "\r\n\x01", "\nx", "\n\nx", "\n x", "\n\x01", "\r\rx", "\rx", "\x00x", "\x1fx",
		"\x7f ", "x \xff", "\x01\r\nx", "  ", " ", "\r", "\n", "\r\n", "\x00",
	}
	return append(pats, wordPatterns()...)
}

// TestRelaxedWordsPatterns puts each pattern at every offset of 120
// bytes of clean text (single spaces, CRLFs followed by content), so that
// it falls at each byte of both words of a step, across steps, at the
// ends where the loop stops, and runs relaxedWords from several starts.
// wordSpans goes through the same inputs (checkSpans).
func TestRelaxedWordsPatterns(t *testing.T) {
	base := make([]byte, 120)
	for k := range base {
		base[k] = 'a' + byte(k%26)
		if k%7 == 6 {
			base[k] = ' '
		}
	}
	copy(base[50:], "\r\nx")
	for _, pat := range wordEdits() {
		for at := 1; at+len(pat) <= len(base); at++ {
			p := bytes.Clone(base)
			copy(p[at:], pat)
			for _, i := range []int{0, 1, 2, 5, 9, 17, 40} {
				if i < at && (i == 0 || isContent(p[i-1])) && isContent(p[i]) {
					checkRelaxedWords(t, p, i)
				}
			}
			checkSpans(t, p)
		}
	}
}

// TestRelaxedWordsLines runs relaxedWords and wordSpans over lines of
// every length from 1 to 80 bytes with edits in some of them (text with
// two spaces, white space before the line end, bare LFs), long enough for
// wordSpans to leave clean text to the word scan and come back.
func TestRelaxedWordsLines(t *testing.T) {
	rng := rand.New(rand.NewPCG(22, 1))
	edits := []string{"  ", " \t ", "\t", " ", "\n", " \n", "\x01"}
	for n := 1; n <= 80; n++ {
		var b bytes.Buffer
		for b.Len() < 3000 {
			line := bytes.Repeat([]byte("y"), n)
			if rng.IntN(3) == 0 && b.Len() < 1000 || b.Len() > 2500 {
				at := rng.IntN(n)
				line = append(line[:at:at], append([]byte(edits[rng.IntN(len(edits))]), line[at:]...)...)
			}
			b.Write(line)
			b.WriteString("\r\n")
		}
		p := b.Bytes()
		for i := 0; i < len(p); i += 1 + i%7 {
			if (i == 0 || isContent(p[i-1])) && isContent(p[i]) {
				checkRelaxedWords(t, p, i)
			}
		}
		checkSpans(t, p)
	}
}

// TestRelaxedWordsRandom holds relaxedWords to the reference on random
// input from the bytes that matter, from every start after content, and
// wordSpans to the byte-wise canonicalizer.
func TestRelaxedWordsRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 22))
	rounds := 300
	if testing.Short() {
		rounds = 60
	}
	for range rounds {
		p := wordsInput(rng, rng.IntN(700))
		for i := 0; i < len(p); i++ {
			if (i == 0 || isContent(p[i-1])) && isContent(p[i]) {
				checkRelaxedWords(t, p, i)
			}
		}
		checkSpans(t, p)
	}
}

// FuzzRelaxedWords holds relaxedWords to wordsEditRef and to the
// byte-wise canonicalizer, and wordSpans to the latter, on the fuzzer's
// input.
func FuzzRelaxedWords(f *testing.F) {
	f.Add([]byte("word  word\r\nword \r\nx\t\r\n\r\n  \rword word word word word word"), uint16(0))
	f.Add(bytes.Repeat([]byte("The quick brown fox  jumps over the lazy dog. \r\n"), 12), uint16(3))
	f.Add(bytes.Repeat([]byte("lf line \nwith\ttab\x01 \r\n"), 20), uint16(1))
	f.Fuzz(func(t *testing.T, p []byte, i uint16) {
		for _, start := range []int{0, int(i) % (len(p) + 1)} {
			if start < len(p) && (start == 0 || isContent(p[start-1])) && isContent(p[start]) {
				checkRelaxedWords(t, p, start)
			}
		}
		checkSpans(t, p)
	})
}
