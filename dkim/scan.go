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
// one, or len(p) when there is none. It passes over a CRLF from p[i] on
// that is followed by a byte above 0x20, as the vector scan does: text
// and base64 have one on every line, and nothing changes there.
//
// Its first 32 bytes it reads 16 at a time, and stops at the first
// candidate it sees: in text with changes on every line the next one is
// near. After that it reads 32 bytes at a time, as clean text and base64
// go on, and passes over line ends without leaving the loop.
//
// The near loop is here, up to 128 bytes 16 at a time; where it found no
// candidate and 40 bytes or more are left, farCandidate goes on.
func nextCandidateWords(p []byte, i int) int {
	if i+24 <= len(p) {
		q := p[i:]
		x0 := binary.LittleEndian.Uint64(q)
		n0 := nonCtl(x0)
		for near := 8; near > 0 && len(q) >= 24; near-- {
			x1 := binary.LittleEndian.Uint64(q[8:])
			x2 := binary.LittleEndian.Uint64(q[16:])
			n1, n2 := nonCtl(x1), nonCtl(x2)
			// Bit 7 of each byte of r is clear for a candidate: a byte
			// below 0x21 (n clear) that is not a space or is followed by
			// another such byte. Bit 5 (0x20) is set in a space and in no
			// other byte below 0x21: x<<2 moves it to bit 7.
			r0 := n0 | (n0>>8|n1<<56)&(x0<<2)
			r1 := n1 | (n1>>8|n2<<56)&(x1<<2)
			if r0&r1&msb != msb {
				var k int
				if m := ^r0 & msb; m != 0 {
					k = bits.TrailingZeros64(m) >> 3
				} else {
					k = 8 + bits.TrailingZeros64(^r1&msb)>>3
				}
				if c := q[k : k+3]; c[0] != '\r' || c[1] != '\n' || c[2] <= ' ' {
					return len(p) - len(q) + k
				}
				// A CRLF followed by content: go on after it.
				if q = q[k+2:]; len(q) < 24 {
					break
				}
				x0 = binary.LittleEndian.Uint64(q)
				n0 = nonCtl(x0)
				continue
			}
			x0, n0 = x2, n2
			q = q[16:]
		}
		if len(q) >= 40 {
			return len(p) - len(q) + farCandidate(q)
		}
		i = len(p) - len(q)
	}
	return candidateBytes(p, i)
}

// candidateBytes is nextCandidateWords one byte at a time, for the ends
// of p that the word loops leave.
func candidateBytes(p []byte, i int) int {
	for n := len(p); i < n; i++ {
		c := p[i]
		if c == '\r' && crlfContent(p, i) {
			i++ // a CRLF followed by content
			continue
		}
		if c < ' ' || c == ' ' && (i+1 == n || p[i+1] <= ' ') {
			return i
		}
	}
	return len(p)
}

// farCandidate is nextCandidateWords(q, 0) 32 bytes at a time, for
// len(q) >= 40: text that needs no change goes on.
func farCandidate(q []byte) int {
	n := len(q)
	x0 := binary.LittleEndian.Uint64(q)
	n0 := nonCtl(x0)
	for len(q) >= 40 {
		x1 := binary.LittleEndian.Uint64(q[8:])
		x2 := binary.LittleEndian.Uint64(q[16:])
		x3 := binary.LittleEndian.Uint64(q[24:])
		x4 := binary.LittleEndian.Uint64(q[32:])
		n1, n2, n3, n4 := nonCtl(x1), nonCtl(x2), nonCtl(x3), nonCtl(x4)
		r0 := n0 | (n0>>8|n1<<56)&(x0<<2)
		r1 := n1 | (n1>>8|n2<<56)&(x1<<2)
		r2 := n2 | (n2>>8|n3<<56)&(x2<<2)
		r3 := n3 | (n3>>8|n4<<56)&(x3<<2)
		if r0&r1&r2&r3&msb != msb {
			// The candidates, one bit a byte. A CRLF followed by
			// content goes, and the loop goes on; an LF after the
			// block is marked as no control byte in n4 (n0 next).
			m := gatherMSB(r0) | gatherMSB(r1)<<8 | gatherMSB(r2)<<16 | gatherMSB(r3)<<24
			for m != 0 {
				k := bits.TrailingZeros64(m)
				if c := q[k : k+3]; c[0] != '\r' || c[1] != '\n' || c[2] <= ' ' {
					return n - len(q) + k
				}
				m &^= 3 << k
				n4 |= 2 << k >> 32 << 7
			}
		}
		x0, n0 = x4, n4
		q = q[32:]
	}
	i := 0
	if q[0] == '\n' && n0&0x80 != 0 {
		i = 1 // the LF of a CRLF that ended the last block
	}
	return n - len(q) + candidateBytes(q, i)
}

// gatherMSB returns the complements of the top bits of the bytes of r, in
// the order of the bytes: bit b set when bit 7 of byte b of r is clear.
func gatherMSB(r uint64) uint64 { return (^r & msb >> 7) * 0x0102040810204080 >> 56 }

// nonCtl sets bit 7 of each byte of x that is above 0x20, and clears it
// in the others (whitespace, line ends, other controls); the other bits
// are left as they come.
func nonCtl(x uint64) uint64 { return (x | msb) - 0x21*lsb | x }

// crlfContent reports whether p[j] starts a CRLF followed by a byte above
// 0x20 (content or another control byte, which passes unchanged).
func crlfContent(p []byte, j int) bool {
	return j+2 < len(p) && p[j] == '\r' && p[j+1] == '\n' && p[j+2] > ' '
}

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
