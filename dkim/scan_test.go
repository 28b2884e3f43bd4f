package dkim

import (
	"math/rand/v2"
	"testing"
)

// genericCandidate is the rule of nextCandidateWords for one byte: below
// 0x21 and not a space, or a space followed by such a byte or by nothing.
func genericCandidate(p []byte, j int) bool {
	c := p[j]
	return c < ' ' || c == ' ' && (j+1 == len(p) || p[j+1] <= ' ')
}

// passedLineEnd reports whether p[j] is part of a CRLF followed by a byte
// above 0x20, which the vector scan may pass over.
func passedLineEnd(p []byte, j int) bool {
	switch p[j] {
	case '\r':
		return j+2 < len(p) && p[j+1] == '\n' && p[j+2] > ' '
	case '\n':
		return j > 0 && p[j-1] == '\r' && j+1 < len(p) && p[j+1] > ' '
	}
	return false
}

// checkCandidate checks nextCandidate(p, i) against the rule: it returns
// len(p) or a candidate, and every byte it passed over is no candidate or
// part of a line end followed by content.
func checkCandidate(t *testing.T, p []byte, i int) {
	t.Helper()
	j := nextCandidate(p, i)
	if j < i || j > len(p) {
		t.Fatalf("nextCandidate(%q, %d) = %d, out of range", p, i, j)
	}
	if j < len(p) && !genericCandidate(p, j) {
		t.Fatalf("nextCandidate(%q, %d) = %d: %q is no candidate", p, i, j, p[j])
	}
	for k := i; k < j; k++ {
		if genericCandidate(p, k) && !passedLineEnd(p, k) {
			t.Fatalf("nextCandidate(%q, %d) = %d passed over the candidate at %d", p, i, j, k)
		}
	}
}

// TestScans runs nextCandidate and nextLF (the AVX2 scans where the CPU
// has them, else the word loop and bytes.IndexByte) on random text from
// the bytes that matter, at every start, so that what they look for
// falls at every place in a 32-byte block and across blocks.
func TestScans(t *testing.T) { eachScan(t, testScans) }

// eachScan runs f with each code path, as a subtest (see EachKernel).
func eachScan(t *testing.T, f func(t *testing.T)) { EachKernel(t, f) }

func testScans(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	alphabet := []byte("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa      \t\r\r\r\n\n\n\x01\x7f\xff!")
	for n := 0; n < 300; n++ {
		size := rng.IntN(400)
		// Content beyond len(p) (in its capacity) must not count: a scan
		// that reads past the end would pass over a CRLF ending p.
		p := make([]byte, size, size+64)
		for k := range p[:cap(p)] {
			p[:cap(p)][k] = 'x'
		}
		copy(p, randomBytes(rng, alphabet, size))
		if n%3 == 0 && size >= 2 {
			copy(p[size-2:], "\r\n")
		}
		// Mostly CRLF line ends with content after them, as in mail.
		if n%2 == 0 {
			for k := 0; k+3 < len(p); k += 20 + rng.IntN(40) {
				copy(p[k:], "\r\nx")
			}
		}
		for i := 0; i <= len(p); i++ {
			checkCandidate(t, p, i)
			checkLF(t, p, i)
		}
	}
}

// TestNextCandidateEdges puts one candidate at each offset of a long
// clean run, with line ends before and after it, so that every lane of
// the vector compare and the block boundaries are exercised.
func TestNextCandidateEdges(t *testing.T) { eachScan(t, testNextCandidateEdges) }

func testNextCandidateEdges(t *testing.T) {
	for _, c := range []string{"\t", "  ", " \r\n", "\r\r\n", "\n", "\r\n\r\n", "\r\n ", " \x00", "\x01"} {
		for at := 0; at < 280; at++ {
			// A CRLF ends p, and content follows in its capacity, which
			// the scan must not read.
			p := make([]byte, 300, 340)
			for k := range p[:cap(p)] {
				p[:cap(p)][k] = 'a'
				if k%37 == 36 {
					p[:cap(p)][k] = ' '
				}
			}
			copy(p[60:], "\r\nb")
			copy(p[298:], "\r\n")
			copy(p[at:], c)
			for i := 0; i <= len(p); i++ {
				checkCandidate(t, p, i)
				checkLF(t, p, i)
			}
		}
	}
}

// checkLF checks nextLF(p, i): it returns -1 or an LF, and every LF it
// passed over ends a CRLF and is followed by a byte that is neither CR
// nor LF (nothing that simple canonicalization acts on).
func checkLF(t *testing.T, p []byte, i int) {
	t.Helper()
	q := nextLF(p, i)
	end := q
	if q < 0 {
		end = len(p)
	} else if q < i || q >= len(p) || p[q] != '\n' {
		t.Fatalf("nextLF(%q, %d) = %d, not an LF", p, i, q)
	}
	for k := i; k < end; k++ {
		if p[k] != '\n' {
			continue
		}
		if k == 0 || p[k-1] != '\r' || k+1 == len(p) || p[k+1] == '\r' || p[k+1] == '\n' {
			t.Fatalf("nextLF(%q, %d) = %d passed over the LF at %d", p, i, q, k)
		}
	}
}
