package dkim

import (
	"encoding/binary"
	"math/bits"
)

// wordsRun is how far wordSpans has relaxedWords go at a time: after
// that many bytes with no edit (only line ends followed by content) it
// leaves the text to the word scan.
const wordsRun = 1024

// wordsSlack is how far from the end of its input and of its output
// relaxedWords stays: it reads and writes 16 bytes a step, and an edit
// looks up to three bytes past a candidate.
const wordsSlack = 24

// relaxedWords canonicalizes (relaxed) src from src[i] into dst from
// dst[d] in one pass, sixteen bytes a step, for the generic path: it
// copies each step's bytes to dst as they are, and when a step has a
// candidate (a byte below 0x21 that is not a space, or a space followed by
// one) it takes the output back to the candidate and makes the commonest
// edits there without leaving the loop:
//
//   - a run of white space before content becomes one space;
//   - a CRLF followed by a byte above 0x20 stays, a bare LF followed by
//     one becomes CRLF, and white space before them goes;
//   - another control byte passes as content.
//
// It stops before any other candidate (a bare CR, an empty line, white
// space at a line start, a line end followed by a control byte), and when
// src[i:] or dst[d:] gets shorter than wordsSlack. It returns where it
// stopped in src and in dst; src[i:ni] went to dst[d:nd]. If src[i-1] is
// content, so is src[ni-1] or src[ni] (after white space or a line end
// it wrote): the state after it is the one Write has after content.
func relaxedWords(dst []byte, d int, src []byte, i int) (ni, nd int) {
	for i <= len(src)-wordsSlack && d <= len(dst)-wordsSlack {
		q := src[i : i+wordsSlack]
		x0 := binary.LittleEndian.Uint64(q)
		x1 := binary.LittleEndian.Uint64(q[8:])
		binary.LittleEndian.PutUint64(dst[d:], x0)
		binary.LittleEndian.PutUint64(dst[d+8:], x1)
		// Bit 7 of each byte of r is clear for a candidate: a byte below
		// 0x21 (nonCtl clear) that is not a space or is followed by
		// another such byte (x>>8, read again one byte on). Bit 5 (0x20)
		// is set in a space and in no other byte below 0x21: x<<2 moves
		// it to bit 7.
		r0 := nonCtl(x0) | nonCtl(binary.LittleEndian.Uint64(q[1:]))&(x0<<2)
		r1 := nonCtl(x1) | nonCtl(binary.LittleEndian.Uint64(q[9:]))&(x1<<2)
		if r0&r1&msb == msb {
			i += 16
			d += 16
			continue
		}
		var k int
		if m := ^r0 & msb; m != 0 {
			k = bits.TrailingZeros64(m) >> 3
		} else {
			k = 8 + bits.TrailingZeros64(^r1&msb)>>3
		}
		j := i + k
		d += k // dst[:d] is canonical up to src[j]
		c, c1, c2 := src[j], src[j+1], src[j+2]
		if c2 > ' ' {
			// The commonest: two spaces before content (one goes) and
			// a CRLF before content (copied as it is).
			if c == ' ' && c1 == ' ' {
				dst[d] = ' '
				d++
				i = j + 2
				continue
			}
			if c == '\r' && c1 == '\n' {
				binary.LittleEndian.PutUint16(dst[d:], '\n'<<8|'\r')
				d += 2
				i = j + 2
				continue
			}
		}
		switch c {
		case ' ', '\t':
			r := j + 1
			for r < len(src) && (src[r] == ' ' || src[r] == '\t') {
				r++
			}
			if r+2 >= len(src) {
				return j, d
			}
			e0, e1, e2 := src[r], src[r+1], src[r+2]
			switch {
			case isContent(e0):
				dst[d] = ' '
				d++
				i = r
				continue
			case e0 == '\n' && e1 > ' ':
				i = r + 1 // white space before a bare LF goes
			case e0 == '\r' && e1 == '\n' && e2 > ' ':
				i = r + 2 // white space before a CRLF goes
			default:
				return j, d
			}
			binary.LittleEndian.PutUint16(dst[d:], '\n'<<8|'\r')
			d += 2
		case '\r':
			return j, d // a bare CR, or a CRLF not followed by content
		case '\n':
			// A bare LF: the CR of a CRLF would have been the candidate.
			if c1 <= ' ' {
				return j, d
			}
			dst[d] = '\r'
			dst[d+1] = '\n'
			d += 2
			i = j + 1
		default:
			d++ // another control byte: content
			i = j + 1
		}
	}
	return i, d
}

// wordSpans is relaxedSpans for the generic path with no l= limit:
// relaxedWords canonicalizes straight into the buffer, and spansEdit
// takes the candidates it stops at. It returns how much of p it
// consumed, with the same state after it as relaxedSpans.
func (b *bodyCanonicalizer) wordSpans(p []byte) int {
	s := 0
	for {
		if len(b.buf)-b.n < wordsSlack {
			b.flush()
		}
		// A window of p at a time, to see whether it was clean.
		w := p[:min(len(p), s+wordsRun+wordsSlack)]
		d0 := b.n
		i, d := relaxedWords(b.buf, b.n, w, s)
		b.n = d
		switch {
		case i > len(p)-wordsSlack:
			return i // the byte-wise paths take the end
		case i > len(w)-wordsSlack && i-s == d-d0:
			// No edit in wordsRun bytes (or as many spaces for tabs
			// as line ends added to bare LFs): clean text or base64.
			// The word scan goes on without copying, and a long span
			// goes to the hash as it is.
			j := nextCandidateWords(p, i)
			if j == len(p) {
				return b.spansEnd(p, i, j)
			}
			b.emit(p[i:j])
			s = j // relaxedWords takes the candidate
			continue
		case i > len(w)-wordsSlack || d > len(b.buf)-wordsSlack:
			s = i // flush if need be and go on
			continue
		}
		// A candidate relaxedWords does not take, at p[i].
		ns, next, ok := b.spansEdit(p, i, i)
		if !ok {
			return i
		}
		b.emit(p[ns:next])
		s = next
	}
}
