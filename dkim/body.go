package dkim

import (
	"bytes"
	"io"
)

// bodyBufSize is the fixed buffer between the canonicalizer and the hash.
const bodyBufSize = 2048

// bodyCanonicalizer is an io.Writer that canonicalizes a message body
// (RFC 6376 section 3.4.3 simple, 3.4.4 relaxed) as it streams through
// and writes the result, cut at the l= limit, to a hash. It holds back
// only what it must: a CR that may start a CRLF, a count of empty lines
// (trailing ones are dropped), and pending whitespace in relaxed mode.
// Memory use is fixed whatever the body size.
type bodyCanonicalizer struct {
	w       io.Writer // the hash
	relaxed bool
	limit   int64 // bytes of canonical body to hash; <0 for all
	hashed  int64 // bytes written to w so far
	total   int64 // canonical length so far, beyond limit too

	crlfs  int  // line ends not yet emitted
	cr     bool // the previous Write ended with CR
	wsp    bool // relaxed: whitespace pending in the current line
	any    bool // some content has been emitted
	closed bool

	// skip counts down the spans for which the compact kernel is not
	// tried, after it stopped early (compactBackoff).
	skip int

	// digest is the hash when the kernels hash into it (relaxed,
	// no limit, haveDigest). It is then kept at a block boundary: buf[h:n]
	// is what is not yet hashed (less than a block after a flush) and
	// buf[:h] was hashed in place.
	digest *bodyDigest
	h      int

	seen int64 // bytes written in

	n     int
	buf   []byte // small, or fusedBufSize bytes for a long body
	small [bodyBufSize]byte
}

// compactMin is the shortest input compactRelaxed takes, and compactRoom
// the room it needs in the output buffer: the kernel stores whole blocks.
const (
	compactMin  = 256
	compactRoom = 512
)

// compactSkip is how many spans go to the byte-wise path after the
// compact kernel stopped early: input with bare line ends all over would
// otherwise pay for a kernel start every few bytes.
const compactSkip = 16

// compacts reports whether a compact kernel canonicalizes relaxed text
// here: one that writes the output (haveCompact), or one that also
// hashes it, into the digest (haveFused).
func (b *bodyCanonicalizer) compacts() bool {
	return haveCompact || haveFused && b.digest != nil
}

// compactBackoff reports whether to try the compact kernel on this span.
func (b *bodyCanonicalizer) compactBackoff() bool {
	if b.skip > 0 {
		b.skip--
		return false
	}
	return true
}

func newBodyCanonicalizer(w io.Writer, c Canonicalization, limit int64) *bodyCanonicalizer {
	b := new(bodyCanonicalizer)
	b.reset(w, c, limit)
	return b
}

// reset makes b a new canonicalizer that writes to w.
func (b *bodyCanonicalizer) reset(w io.Writer, c Canonicalization, limit int64) {
	*b = bodyCanonicalizer{w: w, relaxed: c == Relaxed, limit: limit}
	b.buf = b.small[:]
	if d, ok := w.(*bodyDigest); ok && haveDigest && b.relaxed && limit < 0 {
		b.digest = d
		b.n = d.takePartial(b.buf)
	}
}

var crlf = []byte("\r\n")

var crBytes = []byte("\r")

var spBytes = []byte(" ")

// Write canonicalizes p. It never fails: hash writes do not.
//
// Most of a body passes through canonicalization unchanged, so Write
// looks for the longest span that needs no change (scanRelaxed,
// scanSimple) and hands it on whole, CRLFs included; spans of a few
// hundred bytes or more go to the hash without a copy. What ends a span
// is handled here when it is common (a line end, a run of whitespace)
// and by slowWrite, one byte at a time, otherwise. In relaxed mode, text
// that needs changes every few dozen bytes goes to the compact kernel
// where there is one (compactRelaxed, compactHashed), which makes the
// changes itself, and to relaxedSpans elsewhere. Where the hash is a
// bodyDigest, long spans that need no change are hashed as the scan
// passes them (hashSpan), and the compact kernel hashes as it goes
// (compactHashed).
// The state between spans is the one slowWrite keeps, so all paths can
// take turns at any byte.
func (b *bodyCanonicalizer) Write(p []byte) (int, error) {
	n := len(p)
	b.seen += int64(n)
	for len(p) > 0 {
		if b.cr {
			b.slowWrite(p[:1])
			p = p[1:]
			continue
		}
		switch c := p[0]; {
		case c == '\r':
			if len(p) < 2 || p[1] != '\n' {
				b.slowWrite(p[:1]) // a CR at the end of p, or a bare CR
				p = p[1:]
				continue
			}
			b.endLine()
			p = p[2:]
			if !b.startsContent(p) {
				continue
			}
		case c == '\n':
			b.endLine() // bare LF
			p = p[1:]
			continue
		case b.relaxed && (c == ' ' || c == '\t'):
			i := 1
			for i < len(p) && (p[i] == ' ' || p[i] == '\t') {
				i++
			}
			b.wsp = true
			p = p[i:]
			if !b.startsContent(p) {
				continue
			}
		}
		// p[0] is content.
		b.flushLines()
		if b.wsp {
			b.emitSpace()
			b.wsp = false
		}
		var k int
		if b.digest != nil && len(p) >= fusedMin {
			// A long span that needs no change goes to the hash as the
			// scan passes it. (scanRelaxed stops up to two bytes short of
			// the end of p[:compactMin] when a space or a CR there needs
			// the bytes after it.)
			if k = scanRelaxed(p[:compactMin]); k >= compactMin-2 {
				p = p[b.hashSpan(p, k):]
				continue
			}
		}
		if b.relaxed && !b.compacts() && len(p) >= spansMin && b.compactBackoff() {
			// Text that needs changes every line or so: in bulk.
			var ks int
			if !haveScan && b.limit < 0 {
				ks = b.wordSpans(p) // the generic path: one pass, into the buffer
			} else {
				ks = b.relaxedSpans(p)
			}
			p = p[ks:]
			if ks < spansMin {
				b.skip = compactSkip // it did not pay here: leave it for a while
			}
			if ks > 0 {
				continue
			}
		}
		if b.relaxed {
			// A long span that needs no change goes to the hash as it is,
			// without a copy. Text that needs changes every line or so
			// goes through the compact kernel where there is one.
			if k == 0 {
				k = scanRelaxed(p)
			}
			if k < compactMin && b.compacts() && b.limit < 0 && len(p) >= compactMin && b.compactBackoff() {
				if b.digest != nil {
					k = b.compactHashed(p)
				} else {
					if len(b.buf)-b.n < compactRoom {
						b.flush()
					}
					k, b.n = compactRelaxed(b.buf, b.n, p)
				}
				p = p[k:]
				if k < compactMin {
					b.skip = compactSkip // it did not pay here: leave it for a while
				}
				continue
			}
		} else {
			k = scanSimple(p)
		}
		b.emit(p[:k])
		p = p[k:]
	}
	return n, nil
}

// startsContent reports whether p starts with a byte that the
// canonicalization passes on as it is (whitespace does not count in
// relaxed mode).
func (b *bodyCanonicalizer) startsContent(p []byte) bool {
	if len(p) == 0 {
		return false
	}
	if b.relaxed {
		return isContent(p[0])
	}
	return p[0] != '\r' && p[0] != '\n'
}

// slowWrite is Write for any input, byte by byte in relaxed mode.
func (b *bodyCanonicalizer) slowWrite(p []byte) {
	for len(p) > 0 {
		if b.cr {
			b.cr = false
			if p[0] == '\n' {
				b.endLine()
				p = p[1:]
				continue
			}
			b.content(crBytes)
		}
		i := bytes.IndexByte(p, '\n')
		var line []byte
		eol := i >= 0
		if eol {
			line, p = p[:i], p[i+1:]
		} else {
			line, p = p, nil
		}
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
			if !eol {
				b.cr = true
			}
		}
		b.content(line)
		if eol {
			b.endLine()
		}
	}
}

// content handles text within one line (no line end in it).
func (b *bodyCanonicalizer) content(s []byte) {
	if len(s) == 0 {
		return
	}
	if !b.relaxed {
		b.flushLines()
		b.emit(s)
		return
	}
	for len(s) > 0 {
		if s[0] == ' ' || s[0] == '\t' {
			b.wsp = true
			i := 1
			for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
				i++
			}
			s = s[i:]
			continue
		}
		// Take the longest run that needs no change: words separated by
		// single spaces. It ends before a tab, before two spaces, or
		// before a space at the end of s.
		i := 1
		for i < len(s) {
			c := s[i]
			if c == '\t' {
				break
			}
			if c == ' ' {
				if i+1 < len(s) && s[i+1] != ' ' && s[i+1] != '\t' {
					i += 2
					continue
				}
				break
			}
			i++
		}
		b.flushLines()
		if b.wsp {
			b.emit(spBytes)
			b.wsp = false
		}
		b.emit(s[:i])
		s = s[i:]
	}
}

func (b *bodyCanonicalizer) endLine() {
	b.crlfs++
	b.wsp = false
}

// flushLines emits the line ends held back, now that content follows them.
func (b *bodyCanonicalizer) flushLines() {
	for ; b.crlfs > 0; b.crlfs-- {
		b.emit(crlf)
	}
	b.any = true
}

// directMin is the shortest span emit hands to the hash without copying
// it into the buffer first: below it, the copy costs less than an extra
// hash write of a partial block.
const directMin = 512

// emit passes canonical bytes on to the hash, cut at the l= limit.
func (b *bodyCanonicalizer) emit(s []byte) {
	if b.limit < 0 && len(s) < directMin && len(s) <= len(b.buf)-b.n {
		b.n += copy(b.buf[b.n:], s)
		return
	}
	b.emitSlow(s)
}

func (b *bodyCanonicalizer) emitSlow(s []byte) {
	if b.limit >= 0 {
		b.total += int64(len(s))
		room := b.limit - b.hashed
		if room <= 0 {
			return
		}
		if int64(len(s)) > room {
			s = s[:room]
		}
		b.hashed += int64(len(s))
	}
	if len(s) < directMin && len(s) <= len(b.buf)-b.n {
		b.n += copy(b.buf[b.n:], s)
		return
	}
	b.flush()
	if len(s) >= directMin {
		b.write(s)
		return
	}
	b.n += copy(b.buf[b.n:], s)
}

// emitSpace is emit(spBytes), shorter when there is room.
func (b *bodyCanonicalizer) emitSpace() {
	if b.limit < 0 && b.n < len(b.buf) {
		b.buf[b.n] = ' '
		b.n++
		return
	}
	b.emit(spBytes)
}

// flush empties the buffer into the hash. With the digest it hashes the
// whole blocks only and moves the rest, less than a block, to the start.
func (b *bodyCanonicalizer) flush() {
	if b.digest != nil {
		b.slide(0)
		return
	}
	if b.n > 0 {
		b.write(b.buf[:b.n])
		b.n = 0
	}
}

// write hands s to the hash, after what the buffer holds. Without a
// limit, total counts here (with the digest, Close takes it from there);
// with one, emit counts it, bytes beyond the limit included.
func (b *bodyCanonicalizer) write(s []byte) {
	if d := b.digest; d != nil {
		d.Write(b.buf[b.h:b.n])
		d.Write(s)
		b.n, b.h = d.takePartial(b.buf), 0
		return
	}
	if b.limit < 0 {
		b.total += int64(len(s))
	}
	b.w.Write(s)
}

// Close ends the body: it emits the final CRLF the algorithms call for and
// flushes the buffer. Simple ends every body with exactly one CRLF (an
// empty body becomes CRLF); relaxed likewise, but leaves an empty body
// empty.
func (b *bodyCanonicalizer) Close() error {
	if b.closed {
		return nil
	}
	b.closed = true
	if b.cr {
		b.cr = false
		b.content(crBytes)
	}
	if !b.relaxed || b.any {
		b.emit(crlf) // the line ends held back are trailing: dropped
	}
	b.flush()
	if d := b.digest; d != nil {
		d.Write(b.buf[:b.n]) // the last partial block
		b.n = 0
		b.total = int64(d.len)
	}
	return nil
}

// compactRelaxed canonicalizes (relaxed) as much of p as the kernel
// (compactSpan) can into out from out[o], which leaves at least
// compactRoom bytes of room. p[0] is content (neither white space nor a
// line end), p has at least compactMin bytes. It returns how much of p it
// consumed and where the output ends in out, or 0, o where there is no
// kernel.
//
// It stops after a content byte: white space and line ends before the
// point where the kernel stopped may still change with what follows
// (white space before a line end goes, a line end may be trailing), so
// they are taken back from out and left in p for the byte-wise paths.
// The bytes taken back are the same in p and out, since content bytes
// pass unchanged and in order.
func compactRelaxed(out []byte, o int, p []byte) (consumed, end int) {
	if !haveCompact {
		return 0, o
	}
	out[o] = p[0]
	ns, nd := compactSpan(out, o+1, p)
	return takeBack(p, ns, out, o, nd)
}

// takeBack moves the ends of what a compact kernel read (p[:ns]) and
// wrote (out[o:nd], out[o] being p[0]) back to just after their last
// content byte.
func takeBack(p []byte, ns int, out []byte, o, nd int) (consumed, end int) {
	for ns > 1 && !isContent(p[ns-1]) {
		ns--
	}
	for nd > o+1 && !isContent(out[nd-1]) {
		nd--
	}
	return ns, nd
}
