package dkim

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
	"strings"
)

// Canonicalization is one of the two algorithms of RFC 6376 section 3.4
// that prepare header fields and body for hashing.
type Canonicalization string

// The canonicalization algorithms. Simple tolerates almost no change in
// transit; relaxed survives whitespace changes, header case changes and
// re-folding.
const (
	Simple  Canonicalization = "simple"
	Relaxed Canonicalization = "relaxed"
)

// ParseCanonicalization parses the value of a c= tag, "header/body" or
// "header" alone (the body algorithm then defaults to simple). An empty
// value is an error; an absent tag means simple/simple, which the caller
// handles.
func ParseCanonicalization(c string) (header, body Canonicalization, err error) {
	c = stripFWS(c)
	h, b, slash := strings.Cut(c, "/")
	header, err = canonByName(h)
	if err != nil {
		return "", "", err
	}
	body = Simple
	if slash {
		if body, err = canonByName(b); err != nil {
			return "", "", err
		}
	}
	return header, body, nil
}

func canonByName(s string) (Canonicalization, error) {
	switch Canonicalization(s) {
	case Simple, Relaxed:
		return Canonicalization(s), nil
	}
	return "", fmt.Errorf("%w %q", ErrUnsupportedCanonicalization, s)
}

// CanonicalizeHeader appends the canonical form of one header field to dst
// and returns the extended slice. field is the whole field as it appears in
// the message, name, colon, value and folded continuation lines, with or
// without the final CRLF; line ends may be CRLF or bare LF. The result
// ends with CRLF.
//
// Simple keeps the field as is (line ends normalized to CRLF). Relaxed
// (RFC 6376 section 3.4.2) lower-cases the name, unfolds, reduces runs of
// whitespace to one space and removes whitespace at the end of the value
// and around the colon.
func CanonicalizeHeader(dst []byte, field string, c Canonicalization) []byte {
	if c == Relaxed {
		return relaxedHeader(dst, field)
	}
	return simpleHeader(dst, field)
}

func simpleHeader(dst []byte, f string) []byte {
	for len(f) > 0 {
		i := strings.IndexByte(f, '\n')
		if i < 0 {
			dst = append(dst, f...)
			break
		}
		line := f[:i]
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		dst = append(dst, line...)
		f = f[i+1:]
		if len(f) > 0 {
			dst = append(dst, '\r', '\n')
		}
	}
	return append(dst, '\r', '\n')
}

func relaxedHeader(dst []byte, f string) []byte {
	colon := strings.IndexByte(f, ':')
	if colon < 0 {
		colon = len(f)
	}
	name := f[:colon]
	// Whitespace before the colon is dropped; names have none inside.
	for len(name) > 0 && isWSPorEOL(name[len(name)-1]) {
		name = name[:len(name)-1]
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	dst = append(dst, ':')
	if colon < len(f) {
		dst = relaxedValue(dst, f[colon+1:])
	}
	return append(dst, '\r', '\n')
}

// relaxedValue appends v unfolded, with whitespace runs reduced to one
// space and none at either end.
func relaxedValue(dst []byte, v string) []byte {
	space := false
	started := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if isWSPorEOL(c) {
			space = true
			continue
		}
		if space && started {
			dst = append(dst, ' ')
		}
		space = false
		started = true
		dst = append(dst, c)
	}
	return dst
}

func isWSPorEOL(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// bodyBufSize is the fixed buffer between the canonicalizer and the hash.
const bodyBufSize = 2048

// fusedBufSize is the buffer compactHashed uses once a body is past
// fusedGrowAt bytes: the fused kernel runs once per buffer's worth of
// output, and each run starts with the hashing behind (see fusedKeep),
// so the larger the buffer the less of the canonicalization is left
// outside the hash's shadow. Short bodies keep the small one.
const (
	fusedBufSize = 8192
	fusedGrowAt  = 64 << 10
)

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

	// skip counts down the spans for which the AVX-512 kernel is not
	// tried, after it stopped early (compactBackoff).
	skip int

	// digest is the hash when the fused kernels hash into it (relaxed,
	// no limit, haveFused). It is then kept at a block boundary: buf[h:n]
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
// AVX-512 kernel stopped early: input with bare line ends all over would
// otherwise pay for a kernel start every few bytes.
const compactSkip = 16

// compactBackoff reports whether to try the AVX-512 kernel on this span.
func (b *bodyCanonicalizer) compactBackoff() bool {
	if b.skip > 0 {
		b.skip--
		return false
	}
	return true
}

func newBodyCanonicalizer(w io.Writer, c Canonicalization, limit int64) *bodyCanonicalizer {
	b := &bodyCanonicalizer{w: w, relaxed: c == Relaxed, limit: limit}
	b.buf = b.small[:]
	if d, ok := w.(*bodyDigest); ok && haveFused && b.relaxed && limit < 0 {
		b.digest = d
		b.n = d.takePartial(b.buf)
	}
	return b
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
// that needs changes every few dozen bytes goes to the AVX-512 kernel
// where the CPU has one (compactRelaxed), which makes the changes itself.
// Where the hash is a bodyDigest, both hash as they go (hashSpan,
// compactHashed).
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
		if b.relaxed {
			// A long span that needs no change goes to the hash as it is,
			// without a copy. Text that needs changes every line or so
			// goes through the AVX-512 kernel where there is one.
			if b.digest != nil && len(p) >= fusedMin {
				// A long span goes to the hash as the scan passes it.
				if k = scanRelaxed(p[:compactMin]); k == compactMin {
					p = p[b.hashSpan(p, k):]
					continue
				}
			} else {
				k = scanRelaxed(p)
			}
			if k < compactMin && haveAVX512 && b.limit < 0 && len(p) >= compactMin && b.compactBackoff() {
				if b.digest != nil {
					k = b.compactHashed(p)
				} else {
					if len(b.buf)-b.n < compactRoom {
						b.flush()
					}
					k, b.n, _ = compactRelaxed(nil, b.buf, b.n, 0, p)
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

// fusedMin is the shortest input for which Write tries hashSpan.
const fusedMin = 1024

// hashSpan hashes the span of p that relaxed canonicalization leaves
// unchanged, as scanRelaxed finds it, which is known to go on to p[i]
// at least (i >= 64), and returns its length. The blocks of it the scan
// has passed go straight into the digest (candidateHashAVX512); the rest
// is emitted as usual.
func (b *bodyCanonicalizer) hashSpan(p []byte, i int) int {
	d := b.digest
	b.flush() // less than a block left, at the start of the buffer
	// Complete the digest's block with the first bytes of the span; from
	// there on, whole blocks of p go straight in.
	hp := 0
	if b.n > 0 {
		hp = copy(b.buf[b.n:], p[:64-b.n])
		d.blocks(b.buf[:64])
		b.n = 0
	}
	for {
		j, found, nh := candidateHashAVX512(&d.h, p, i, hp)
		d.len += uint64(nh - hp)
		hp = nh
		if !found {
			j = nextCandidate(p, resumeAt(p, i, j))
		}
		next, ok := spanGoesOn(p, j)
		if !ok {
			b.emit(p[hp:j])
			return j
		}
		i = next
	}
}

// fusedKeep is how much of the output not yet hashed compactHashed keeps
// in the buffer when it makes room, for the kernel to hash as it goes: it
// hashes only output written a few blocks before (see scan_amd64.s), so
// what it starts with is what it can hash from its first block on.
const fusedKeep = 1024

// compactHashed runs the AVX-512 kernel on p, as compactRelaxed does, and
// hashes its output in the same loop as far as it is final.
func (b *bodyCanonicalizer) compactHashed(p []byte) int {
	d := b.digest
	if len(b.buf) < fusedBufSize && b.seen >= fusedGrowAt {
		big := make([]byte, fusedBufSize)
		b.n = copy(big, b.buf[b.h:b.n])
		b.h = 0
		b.buf = big
	}
	if len(b.buf)-b.n < compactRoom {
		b.slide(fusedKeep)
	}
	ns, nd, nh := compactRelaxed(&d.h, b.buf, b.n, b.h, p)
	d.len += uint64(nh - b.h)
	b.n, b.h = nd, nh
	return ns
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

// slide hashes the whole blocks of what the buffer holds unhashed, all
// but about the last keep bytes of it, and moves the rest to the start.
func (b *bodyCanonicalizer) slide(keep int) {
	if w := (b.n - b.h - keep) &^ 63; w > 0 {
		b.digest.blocks(b.buf[b.h : b.h+w])
		b.h += w
	}
	b.n = copy(b.buf, b.buf[b.h:b.n])
	b.h = 0
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
		b.crlfs = 0
		b.emit(crlf)
	}
	b.flush()
	if d := b.digest; d != nil {
		d.Write(b.buf[:b.n]) // the last partial block
		b.n = 0
		b.total = int64(d.len)
	}
	return nil
}
