package dkim

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

// isContent reports whether c is neither whitespace nor a line end.
func isContent(c byte) bool { return c != ' ' && c != '\t' && c != '\r' && c != '\n' }

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// scanRelaxed returns the length of the longest prefix of p that relaxed
// canonicalization leaves unchanged and after which no state is pending,
// for p starting with content: no tab, no whitespace run, no whitespace
// before a line end, no bare LF, every CRLF followed by content (not an
// empty line, which may turn out to be trailing), and nothing that needs
// the bytes after p to decide. The result is at least 1 and p[k-1] is
// content.
//
// It reads eight bytes at a time: a byte below 0x21 (whitespace, line
// ends, other controls) that is not a space, or a space followed by such
// a byte, is a candidate, checked one by one; text has few.
func scanRelaxed(p []byte) int {
	i := 0
	for {
		j := nextCandidate(p, i)
		next, ok := spanGoesOn(p, j)
		if !ok {
			return j
		}
		i = next
	}
}

// spanGoesOn looks at the candidate p[j] that a scan found (j == len(p)
// when it found none): whether the span that relaxed canonicalization
// leaves unchanged goes on past it, and where to scan next if it does.
func spanGoesOn(p []byte, j int) (next int, ok bool) {
	if j == len(p) {
		return j, false
	}
	switch c := p[j]; {
	case c == '\r' && j+2 < len(p) && p[j+1] == '\n' && isContent(p[j+2]):
		return j + 2, true // a line end within the span
	case c == '\n' || c == '\r' || c == '\t':
		return j, false
	case c == ' ' && (j+1 == len(p) || !isContent(p[j+1])):
		return j, false
	}
	return j + 1, true // a space before other control bytes, or one of them
}

// resumeAt is where the next scan goes on after a vector scan that
// started at i stopped at j without a candidate: j, or the CR before it
// when it stopped between the CR and the LF of a line end it passed.
func resumeAt(p []byte, i, j int) int {
	if j > i && p[j-1] == '\r' {
		return j - 1
	}
	return j
}

// vectorMin is the shortest p[i:] worth a vector scan; shorter ones go to
// the word-at-a-time loop directly.
const vectorMin = 64

// nextCandidate returns the index of the first byte from p[i] on that
// may need a change: a byte below 0x21 that is not a space, or a space
// followed by one; len(p) when there is none. With haveScan it may pass
// over a CRLF that is followed by content (see scanCandidates).
func nextCandidate(p []byte, i int) int {
	if i == 0 && len(p) > 0 && p[0] > ' ' {
		i = 1 // p[0] is no candidate, and the vector scan reads p[i-1]
	}
	if haveScan && i > 0 && len(p)-i >= vectorMin {
		j, found := scanCandidates(p, i)
		if found {
			return j
		}
		i = resumeAt(p, i, j)
	}
	return nextCandidateWords(p, i)
}

// nextCandidateWords is nextCandidate eight bytes at a time, in plain Go:
// it returns the index of the first byte from p[i] on that may need a
// change, a byte below 0x21 that is not a space or a space followed by
// one, or len(p) when there is none.
func nextCandidateWords(p []byte, i int) int {
	n := len(p)
	if i+24 <= n {
		x0 := binary.LittleEndian.Uint64(p[i:])
		c0 := ctlMask(x0)
		for i+24 <= n {
			q := p[i+8 : i+24]
			x1 := binary.LittleEndian.Uint64(q)
			x2 := binary.LittleEndian.Uint64(q[8:])
			c1, c2 := ctlMask(x1), ctlMask(x2)
			// Bit 5 (0x20) is set in a space and in no other byte
			// below 0x21: ^x<<2 moves its complement to bit 7.
			if m := c0 & (c0>>8 | c1<<56 | ^x0<<2); m != 0 {
				return i + bits.TrailingZeros64(m)>>3
			}
			if m := c1 & (c1>>8 | c2<<56 | ^x1<<2); m != 0 {
				return i + 8 + bits.TrailingZeros64(m)>>3
			}
			x0, c0 = x2, c2
			i += 16
		}
	}
	for ; i < n; i++ {
		if c := p[i]; c < ' ' || c == ' ' && (i+1 == n || p[i+1] <= ' ') {
			return i
		}
	}
	return n
}

// ctlMask sets bit 7 of each byte of x that is below 0x21 (whitespace,
// line ends, other controls) and clears every other bit.
func ctlMask(x uint64) uint64 { return ^(((x | msb) - 0x21*lsb) | x) & msb }

// scanSimple is scanRelaxed for simple canonicalization, where only line
// ends matter: the span stops before a bare LF, before a CRLF not
// followed by a content line start (neither CR nor LF), and before a CR
// at the end of p.
func scanSimple(p []byte) int {
	i := 0
	for {
		q := nextLF(p, i)
		if q < 0 {
			if p[len(p)-1] == '\r' {
				return len(p) - 1
			}
			return len(p)
		}
		if q == 0 || p[q-1] != '\r' {
			return q
		}
		if q+1 >= len(p) || p[q+1] == '\r' || p[q+1] == '\n' {
			return q - 1
		}
		i = q + 1
	}
}

// nextLF returns the index of the first LF from p[i] on, or -1; with
// haveScan it may pass over LFs that end a line with CRLF and are
// followed by neither CR nor LF, which scanSimple would only step over.
func nextLF(p []byte, i int) int {
	if i == 0 && len(p) > 0 && p[0] != '\n' {
		i = 1 // p[0] is no LF, and the vector scan reads p[i-1]
	}
	if haveScan && i > 0 && len(p)-i >= vectorMin {
		j, found := scanLF(p, i)
		if found {
			return j
		}
		i = j
	}
	q := bytes.IndexByte(p[i:], '\n')
	if q < 0 {
		return -1
	}
	return q + i
}
