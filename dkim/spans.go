package dkim

import "math/bits"

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
	s := 0   // p[s:cur] is not emitted yet and needs no change
	cur := 1 // p[0] is content, and the masks need p[base-1]
	var masks [spansChunk / 64]uint64
	base, n := cur, 0 // the masks are for p[base:base+n]
	chunk := 512      // growing: input that stops it early wastes less
	for {
		var j int // the next candidate
		if haveScan {
			off := cur - base
			for {
				if off >= n {
					cur = max(cur, base+off) // past the masks' candidates
					base, n = cur, min(chunk, (len(p)-2-cur)&^63)
					chunk = min(2*chunk, spansChunk)
					if n <= 0 {
						return b.spansEnd(p, s, cur)
					}
					scanMasks(p, base, masks[:n/64])
					off = 0
				}
				if m := masks[off>>6] >> (off & 63); m != 0 {
					j = base + off + bits.TrailingZeros64(m)
					break
				}
				off = off | 63 + 1
			}
		} else {
			// Without the vector kernel the word scan finds each one.
			if j = nextCandidateWords(p, cur); j == len(p) {
				return b.spansEnd(p, s, j)
			}
		}
		// The commonest edits, two spaces before content (one goes), a
		// space before a CRLF and content (it goes) and a bare LF before
		// content (it becomes CRLF: an LF found here has no CR before
		// it, or the CR would have been found first), straight into the
		// buffer when it has room.
		if j+3 < len(p) && p[j] == ' ' && j-s < directMin && b.limit < 0 {
			c1, c2 := p[j+1], p[j+2]
			if o := b.n; o+j-s+2 <= len(b.buf) {
				if c1 == ' ' && isContent(c2) {
					o += copy(b.buf[o:], p[s:j])
					b.buf[o] = ' '
					b.n = o + 1
					s, cur = j+2, j+2
					continue
				}
				if c1 == '\r' && c2 == '\n' && isContent(p[j+3]) {
					o += copy(b.buf[o:], p[s:j])
					b.buf[o] = '\r'
					b.buf[o+1] = '\n'
					b.n = o + 2
					s, cur = j+3, j+3
					continue
				}
			}
		}
		if j+3 < len(p) && p[j] == '\n' && isContent(p[j+1]) && j-s < directMin && b.limit < 0 {
			if o := b.n; o+j-s+2 <= len(b.buf) {
				o += copy(b.buf[o:], p[s:j])
				b.buf[o] = '\r'
				b.buf[o+1] = '\n'
				b.n = o + 2
				s, cur = j+1, j+1
				continue
			}
		}
		var ok bool
		if s, cur, ok = b.spansEdit(p, s, j); !ok {
			return b.spansEnd(p, s, j)
		}
	}
}

// spansEdit handles the candidate p[j] for relaxedSpans, with p[s:j] the
// text before it that needs no change: it makes the edit, if it is one of
// those relaxedSpans makes, and returns where the text not yet emitted
// starts and where to look for the next candidate; or false, having
// emitted nothing, when relaxedSpans must stop before p[j].
func (b *bodyCanonicalizer) spansEdit(p []byte, s, j int) (ns, next int, ok bool) {
	switch c := p[j]; {
	case c == ' ' || c == '\t':
		r := j + 1
		for r < len(p) && (p[r] == ' ' || p[r] == '\t') {
			r++
		}
		if r == len(p) {
			return s, j, false
		}
		if isContent(p[r]) {
			b.emitAndSpace(p[s:j])
			return r, r, true
		}
		// White space before a line end goes.
		if e, ok := b.spansLineEnd(p, s, j, r); ok {
			return e, e, true
		}
		return s, j, false
	case c == '\r' || c == '\n':
		if c == '\r' && j+2 < len(p) && p[j+1] == '\n' && isContent(p[j+2]) {
			return s, j + 2, true // a line end within the span
		}
		if e, ok := b.spansLineEnd(p, s, j, j); ok {
			return e, e, true
		}
		return s, j, false
	}
	return s, j + 1, true // another control byte: content
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

// emitAndSpace is emit(t) then emitSpace, in one copy when there is room.
func (b *bodyCanonicalizer) emitAndSpace(t []byte) {
	if n := b.n; b.limit < 0 && len(t) < directMin && len(t) < len(b.buf)-n {
		copy(b.buf[n:], t)
		b.buf[n+len(t)] = ' '
		b.n = n + len(t) + 1
		return
	}
	b.emit(t)
	b.emitSpace()
}
