package dkim_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dkim"
)

// The body canonicalizer passes unchanged spans through whole and handles
// the rest byte by byte. These tests compare it, under every way of
// splitting the input, with refCanonBody, a direct transcription of RFC
// 6376 sections 3.4.3 and 3.4.4 over the whole input, so that the two
// paths and the places where they take turns are checked against
// something that shares no code with them.

var wspRun = regexp.MustCompile(`[ \t]+`)

// refCanonBody canonicalizes a whole body the way the RFC describes it.
// Line ends are LF with an optional CR before it (bare LF counts, bare CR
// is content); text after the last line end is a last line.
func refCanonBody(c dkim.Canonicalization, in string) string {
	lines := strings.Split(in, "\n")
	last := lines[len(lines)-1]
	lines = lines[:len(lines)-1]
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	if last != "" {
		lines = append(lines, last)
	}
	if c == dkim.Relaxed {
		for i, l := range lines {
			// 3.4.4: whitespace runs to one space, none at line end.
			lines[i] = strings.TrimSuffix(wspRun.ReplaceAllString(l, " "), " ")
		}
	}
	// Empty lines at the end are ignored.
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 {
		if c == dkim.Simple {
			return "\r\n" // 3.4.3: an empty body is one CRLF
		}
		return ""
	}
	return strings.Join(lines, "\r\n") + "\r\n"
}

// canonSplit canonicalizes in written in pieces cut at the given offsets.
func canonSplit(c dkim.Canonicalization, limit int64, in string, cuts ...int) string {
	var out bytes.Buffer
	w := dkim.NewBodyCanonicalizer(&out, c, limit)
	dkim.WriteInPieces(w, in, cuts...)
	w.Close()
	return out.String() + bodyHashDiffers(c, limit, in, out.Bytes(), cuts...)
}

// bodyHashDiffers hashes the body the way Sign and Verify do, where the
// AVX-512 kernels may hash as they canonicalize (the avx512-sha path),
// and checks it against SHA-256 over the canonical form got by writing
// it out. It returns "" when they agree, and otherwise a note that makes
// the caller's comparison fail.
func bodyHashDiffers(c dkim.Canonicalization, limit int64, in string, canonical []byte, cuts ...int) string {
	sum, total := dkim.BodyHash(c, limit, in, cuts...)
	want := sha256.Sum256(canonical)
	if !bytes.Equal(sum, want[:]) {
		return fmt.Sprintf("\n[body hash %x, want SHA-256 of the canonical form %x]", sum, want)
	}
	if limit < 0 && total != int64(len(canonical)) {
		return fmt.Sprintf("\n[body hash counted %d canonical bytes, want %d]", total, len(canonical))
	}
	return ""
}

var algs = []dkim.Canonicalization{dkim.Simple, dkim.Relaxed}

// boundaryBodies exercise the places where a span ends: whitespace runs,
// trailing whitespace, empty lines, bare CR and LF, other control bytes,
// and clean lines long enough to be hashed without a copy.
var boundaryBodies = []string{
	"",
	"\r\n",
	"\r\n\r\n",
	"a",
	" ",
	"\r",
	"\n",
	"a\r",
	"a\r\n",
	"a\r\n\r\n",
	"a\r\n\r\nb\r\n",
	"a \r\nb",
	"a\t\r\n",
	"a  b\r\n",
	"a \t b \r\n",
	" a\r\n  b\r\n\tc\r\n",
	"a\r\n \r\n\t\r\nb\r\n",
	"a\nb\n\nc\n\n",
	"a\rb\r\r\n",
	"a \rb\r\n",
	"a\r\r\n\r\n",
	"a\x01 b\x01\r\n\x02\r\n",
	"x \x01\r\n",
	"héllo  wörld \r\n",
	"Hey \t you!\r\n\r\n",
	strings.Repeat("The quick brown fox jumps over the lazy dog.\r\n", 30),
	strings.Repeat("The quick brown fox  jumps over the lazy dog. \r\n", 20),
	strings.Repeat("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/=\r\n", 20) + "\r\n\r\n",
	strings.Repeat("word ", 300) + "\r\n" + strings.Repeat("x", 700) + "  \r\n" + strings.Repeat("y", 700),
	// Long runs of empty lines, which the AVX-512 kernel writes out and
	// takes back when it stops: the kernels that hash as they go must not
	// have hashed them, for they may turn out to be trailing (or not).
	strings.Repeat("lorem  ipsum\r\n", 90) + strings.Repeat("\r\n", 700),
	strings.Repeat("lorem  ipsum\n", 90) + strings.Repeat("\n", 900),
	strings.Repeat("lorem  ipsum\r\n", 90) + strings.Repeat("\r\n", 700) + "x\r\n",
	strings.Repeat("lorem  ipsum\r\n", 90) + strings.Repeat(" \t ", 400) + "\rend\r\n",
	// Edited text, then a long span that needs no change, then edited
	// text again, then a long line: the compact kernels, the scans and
	// the byte-wise paths take turns.
	strings.Repeat("lorem  ipsum \r\n", 60) + strings.Repeat("The quick brown fox jumps over the lazy dog.\r\n", 120) +
		strings.Repeat("lorem  ipsum \r\n", 60) + strings.Repeat("x", 3000) + " \r\ny  z\r\n",
}

// eachKernel runs f once with each code path (avx512-sha, avx512, avx2,
// generic), as a subtest; the paths this CPU cannot run are skipped
// subtests that say so.
func eachKernel(t *testing.T, f func(t *testing.T)) { dkim.EachKernel(t, f) }

func TestCanonicalizeBodyReference(t *testing.T) { eachKernel(t, testCanonicalizeBodyReference) }

func testCanonicalizeBodyReference(t *testing.T) {
	for _, c := range algs {
		for _, in := range boundaryBodies {
			want := refCanonBody(c, in)
			if got := canonSplit(c, -1, in); got != want {
				t.Errorf("%s %q:\n got %q\nwant %q", c, in, got, want)
				continue
			}
			// One cut at every offset: a line split across writes, a CR
			// at the end of a write, a whitespace run across two writes.
			for k := 0; k <= len(in); k++ {
				if got := canonSplit(c, -1, in, k); got != want {
					t.Errorf("%s %q cut at %d:\n got %q\nwant %q", c, in, k, got, want)
					break
				}
			}
			// Two cuts, for the short ones: a span or run across three writes.
			if len(in) <= 64 {
				for k := 0; k <= len(in); k++ {
					for l := k; l <= len(in); l++ {
						if got := canonSplit(c, -1, in, k, l); got != want {
							t.Fatalf("%s %q cut at %d and %d:\n got %q\nwant %q", c, in, k, l, got, want)
						}
					}
				}
			}
		}
	}
}

// TestCanonicalizeBodyLimit cuts the output at every l=, inside spans
// that are copied and inside spans hashed directly.
func TestCanonicalizeBodyLimit(t *testing.T) { eachKernel(t, testCanonicalizeBodyLimit) }

func testCanonicalizeBodyLimit(t *testing.T) {
	for _, c := range algs {
		for _, in := range boundaryBodies {
			full := refCanonBody(c, in)
			for l := 0; l <= len(full); l++ {
				if len(full) > 200 && l%37 != 0 && l != len(full) && l != len(full)-1 {
					continue // long bodies: a sample of limits
				}
				if got := canonSplit(c, int64(l), in); got != full[:l] {
					t.Fatalf("%s l=%d of %q:\n got %q\nwant %q", c, l, in, got, full[:l])
				}
				if got := canonSplit(c, int64(l), in, len(in)/2); got != full[:l] {
					t.Fatalf("%s l=%d of %q cut at %d:\n got %q\nwant %q", c, l, in, len(in)/2, got, full[:l])
				}
			}
		}
	}
}

// TestCanonicalizeBodyRandom compares random bodies over a small alphabet
// rich in whitespace and line ends, written in random pieces.
func TestCanonicalizeBodyRandom(t *testing.T) { eachKernel(t, testCanonicalizeBodyRandom) }

func testCanonicalizeBodyRandom(t *testing.T) {
	alphabet := []string{"a", "b", "é", " ", " ", "\t", "\r", "\n", "\r\n", "\r\n", "\x01", "  ", "word "}
	rng := rand.New(rand.NewPCG(11, 6376))
	for range 3000 {
		var sb strings.Builder
		n := rng.IntN(120)
		if rng.IntN(10) == 0 {
			n = rng.IntN(3000)
		}
		for range n {
			sb.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		in := sb.String()
		var cuts []int
		for k := 0; k < len(in); k += 1 + rng.IntN(64) {
			cuts = append(cuts, k)
		}
		for _, c := range algs {
			want := refCanonBody(c, in)
			if got := canonSplit(c, -1, in, cuts...); got != want {
				t.Fatalf("%s %q in pieces at %v:\n got %q\nwant %q", c, in, cuts, got, want)
			}
		}
	}
}

// TestCanonicalizeBodyRandomLarge compares random mail-like bodies of up
// to a few kilobytes, written whole or in a few large pieces, so that
// the vector paths (which take spans of 256 bytes or more) see every
// situation many times: runs of white space of every length, across
// 64-byte blocks too, trailing white space, lines of white space only,
// indented lines, empty lines inside and at the end, now and then a bare
// CR (which stops the AVX-512 kernel) or LF, and bodies with LF line ends
// throughout (which the kernel writes as CRLF).
func TestCanonicalizeBodyRandomLarge(t *testing.T) { eachKernel(t, testCanonicalizeBodyRandomLarge) }

func testCanonicalizeBodyRandomLarge(t *testing.T) {
	tokens := []string{"word", "lorem", "x", "é", ".", " ", " ", " ", " ", "  ", "\t", " \t ", "\r\n", "\r\n", "\r\n\r\n",
		"\r\n    ", "\r\n\t", "   \r\n", strings.Repeat(" ", 70), "\x01"}
	rare := []string{"\n", "\r", "\r\r\n", " \n", "\n\n"}
	rng := rand.New(rand.NewPCG(5, 2048))
	for n := range 1500 {
		var sb strings.Builder
		size := 256 + rng.IntN(4000)
		for sb.Len() < size {
			if n%3 == 0 && rng.IntN(200) == 0 {
				sb.WriteString(rare[rng.IntN(len(rare))])
				continue
			}
			sb.WriteString(tokens[rng.IntN(len(tokens))])
		}
		if rng.IntN(4) == 0 {
			sb.WriteString("\r\n \r\n\r\n\t\r\n") // trailing lines that canonicalize to empty
		}
		in := sb.String()
		if n%5 == 1 {
			in = strings.ReplaceAll(in, "\r\n", "\n") // LF line ends, as a Signer may be given
		}
		var cuts []int
		for k := rng.IntN(600); k < len(in) && len(cuts) < 3; k += 300 + rng.IntN(2000) {
			cuts = append(cuts, k)
		}
		for _, c := range algs {
			want := refCanonBody(c, in)
			if got := canonSplit(c, -1, in); got != want {
				t.Fatalf("%s %q:\n got %q\nwant %q", c, in, got, want)
			}
			if got := canonSplit(c, -1, in, cuts...); got != want {
				t.Fatalf("%s %q in pieces at %v:\n got %q\nwant %q", c, in, cuts, got, want)
			}
		}
	}
}

// TestCanonicalizeBodyLong compares bodies of a few hundred kilobytes,
// written whole and in pieces: past fusedGrowAt, the kernel that hashes as
// it goes moves to a larger buffer, with output not yet hashed in it.
func TestCanonicalizeBodyLong(t *testing.T) { eachKernel(t, testCanonicalizeBodyLong) }

func testCanonicalizeBodyLong(t *testing.T) {
	tokens := []string{"word", "lorem", "x", ".", " ", " ", "  ", "\t", "\r\n", "\r\n", "\r\n\r\n", "   \r\n",
		strings.Repeat("QUJD", 19) + "\r\n", "\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n"}
	rng := rand.New(rand.NewPCG(7, 300))
	for n := range 4 {
		var sb strings.Builder
		for sb.Len() < 300<<10 {
			if n == 3 && rng.IntN(500) == 0 {
				sb.WriteString("\r") // a bare CR now and then
			}
			sb.WriteString(tokens[rng.IntN(len(tokens))])
		}
		in := sb.String()
		if n == 2 {
			in = strings.ReplaceAll(in, "\r\n", "\n")
		}
		var cuts []int
		for k := 1 + rng.IntN(1000); k < len(in); k += 1 + rng.IntN(64<<10) {
			cuts = append(cuts, k)
		}
		for _, c := range algs {
			want := refCanonBody(c, in)
			if got := canonSplit(c, -1, in); got != want {
				t.Fatalf("%s body %d (%d bytes) whole: differs from the reference (%d bytes against %d)%s", c, n, len(in), len(got), len(want), diffTail(got, want))
			}
			if got := canonSplit(c, -1, in, cuts...); got != want {
				t.Fatalf("%s body %d (%d bytes) in %d pieces: differs from the reference%s", c, n, len(in), len(cuts)+1, diffTail(got, want))
			}
		}
	}
}

// diffTail shows where two long strings start to differ.
func diffTail(got, want string) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	return fmt.Sprintf(", from byte %d:\n got %.120q\nwant %.120q", i, got[i:], want[i:])
}

// TestCompactRelaxed checks the compact kernel of the path in use alone
// (compactAVX2 or compactAVX512): what it writes must
// be the relaxed canonical form of what it consumed, which ends with a
// content byte, and without a bare CR in the input it must stop only near
// the end of the input or of the room it was given.
func TestCompactRelaxed(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 64))
	tokens := []string{"word", "x", " ", " ", "  ", "\t", " \t", "\r\n", "\r\n    ", "   \r\n", "\r\n\r\n", strings.Repeat(" ", 90)}
	for range 2000 {
		var sb strings.Builder
		sb.WriteString("a")
		bare := false
		for sb.Len() < 256+rng.IntN(1500) {
			sb.WriteString(tokens[rng.IntN(len(tokens))])
			if rng.IntN(300) == 0 {
				sb.WriteString([]string{"\r", "\r\r\n"}[rng.IntN(2)])
				bare = true
			}
		}
		p := []byte(sb.String())
		if rng.IntN(3) == 0 {
			// LF line ends, which the kernel writes as CRLF, and runs of
			// empty lines: up to one CR inserted per input byte.
			p = bytes.ReplaceAll(p, []byte("\r\n"), []byte("\n"))
			if rng.IntN(2) == 0 {
				p = bytes.ReplaceAll(p, []byte("x"), []byte("x\n\n\n\n"))
			}
		}
		out := make([]byte, 512+rng.IntN(2048)) // sometimes less than p needs
		consumed, filled, ok := dkim.CompactRelaxed(out, p)
		if !ok {
			t.Skip("no compact kernel on this path")
		}
		// p[:consumed] ends with content, so its canonical form as a body
		// is the kernel's output plus the CRLF that ends the last line.
		want := refCanonBody(dkim.Relaxed, string(p[:consumed]))
		if got := string(out[:filled]) + "\r\n"; got != want {
			t.Fatalf("%q: consumed %d:\n got %q\nwant %q", p, consumed, got, want)
		}
		// With room for all of it, the kernel reads to within a block
		// (64 bytes) of the end, and the wrapper takes back the white
		// space and line ends after the last content byte it read.
		last := bytes.LastIndexFunc(p[:len(p)-64], func(r rune) bool { return !strings.ContainsRune(" \t\r\n", r) })
		if !bare && len(out) > len(p)+64 && consumed < last+1 {
			t.Fatalf("%q: stopped early, consumed %d of %d, filled %d of %d", p, consumed, len(p), filled, len(out))
		}
	}
}
