package dkim

import (
	"encoding/binary"
	"math/bits"
)

// spansMin is the shortest input Write hands to relaxedSpans.
const spansMin = 256

// spansChunk is how many bytes of candidate masks relaxedSpans computes
// at a time (a multiple of 64).
const spansChunk = 2048

// relaxedSpans canonicalizes (relaxed) as much of p as it can in bulk and
// returns how much of p it consumed; p[0] is content and nothing is
// pending (no white space, no line end held back). It computes where the
// candidates are (scanMasks) for a chunk of p at a time, then goes from
// candidate to candidate: the text between them needs no change and is
// emitted in one piece, and the common edits are made in place: a run of
// white space before content becomes one space, one before a line end
// goes, a bare LF becomes CRLF, a CRLF followed by content stays. Anything
// else (a bare CR, an empty line, which may be trailing, a run that
// reaches the end of p) stops it, before the candidate, with nothing
// pending: the byte-wise paths go on from there.
//
// Every line end it emits is followed by content in p, and every space
// too, so the state after it is the one Write has after content.
func (b *bodyCanonicalizer) relaxedSpans(p []byte) int {
	var masks [spansChunk / 64]uint64
	s := 0       // p[s:cur] is not emitted yet and needs no change
	cur := 1     // p[0] is content, and the masks need p[base-1]
	chunk := 512 // growing: input that stops it early wastes less
	for {
		n := min(chunk, (len(p)-2-cur)&^63)
		chunk = min(2*chunk, spansChunk)
		if n <= 0 {
			break
		}
		base := cur
		scanMasks(p, base, masks[:n/64])
		for {
			off := cur - base
			if off >= n {
				break
			}
			m := masks[off>>6] >> (off & 63)
			if m == 0 {
				cur = base + (off | 63) + 1
				continue
			}
			j := cur + bits.TrailingZeros64(m)
			c := p[j]
			switch {
			case c == ' ' || c == '\t':
				r := j + 1
				for r < len(p) && (p[r] == ' ' || p[r] == '\t') {
					r++
				}
				if r == len(p) {
					return b.spansEnd(p, s, j)
				}
				if isContent(p[r]) {
					b.emit(p[s:j])
					b.emitSpace()
					s, cur = r, r
					continue
				}
				// White space before a line end goes.
				e, ok := b.spansLineEnd(p, s, j, r)
				if !ok {
					return b.spansEnd(p, s, j)
				}
				s, cur = e, e
			case c == '\r' || c == '\n':
				if c == '\r' && j+2 < len(p) && p[j+1] == '\n' && isContent(p[j+2]) {
					cur = j + 2 // a line end within the span
					continue
				}
				e, ok := b.spansLineEnd(p, s, j, j)
				if !ok {
					return b.spansEnd(p, s, j)
				}
				s, cur = e, e
			default:
				cur = j + 1 // another control byte: content
			}
		}
	}
	return b.spansEnd(p, s, cur)
}

// spansLineEnd handles the line end at p[le] for relaxedSpans, with
// p[s:cut] the text before it that needs no change (white space between
// cut and le goes): if content follows it, at once or after empty lines
// or lines of white space (which become empty) or a run of white space,
// it emits the text, the line ends and the space, and returns where the
// content starts. Otherwise (a bare CR, the end of p with no content
// after the line end) it returns false and emits nothing.
func (b *bodyCanonicalizer) spansLineEnd(p []byte, s, cut, le int) (int, bool) {
	lines := 0
	for {
		switch {
		case p[le] == '\n':
			le++ // a bare LF
		case le+1 < len(p) && p[le+1] == '\n':
			le += 2
		default:
			return 0, false // a bare CR
		}
		lines++
		r := le
		for r < len(p) && (p[r] == ' ' || p[r] == '\t') {
			r++
		}
		if r == len(p) {
			return 0, false
		}
		if isContent(p[r]) {
			b.emit(p[s:cut])
			for range lines {
				b.emit(crlf)
			}
			if r > le {
				b.emitSpace()
			}
			return r, true
		}
		le = r // another line end
	}
}

// spansEnd ends relaxedSpans at t at the latest: it emits p[s:t] less
// the bytes at its end that are not content (a CRLF, a space, which the
// byte-wise paths take again) and returns how far it emitted.
func (b *bodyCanonicalizer) spansEnd(p []byte, s, t int) int {
	t = min(t, len(p))
	for t > s && !isContent(p[t-1]) {
		t--
	}
	b.emit(p[s:t])
	return t
}

// candidateMasksWords is scanMasks in plain Go, eight bytes at a time. Its
// masks may have more bits than candidateAt sets: the CR and the LF of a
// CRLF followed by content, which relaxedSpans steps over.
func candidateMasksWords(p []byte, i int, masks []uint64) {
	q := p[i : i+64*len(masks)+1]
	x0 := binary.LittleEndian.Uint64(q)
	c0 := ctlMask(x0)
	for w := range masks {
		var m uint64
		for k := 0; k < 64; k += 8 {
			var x1 uint64
			if len(q) >= k+16 {
				x1 = binary.LittleEndian.Uint64(q[k+8:])
			} else {
				x1 = uint64(q[k+8]) // the last word: only its first byte counts
			}
			c1 := ctlMask(x1)
			// A byte below 0x21 that is not a space (bit 5), or one
			// followed by a byte below 0x21.
			cand := c0 & (c0>>8 | c1<<56 | ^x0<<2)
			m |= (cand * 0x02040810204081 >> 56) << k
			x0, c0 = x1, c1
		}
		masks[w] = m
		q = q[64:]
	}
}
