package dkim

import (
	"bytes"
	"fmt"
	"io"
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
	inLine bool // the current line has emitted content
	cr     bool // the previous Write ended with CR
	wsp    bool // relaxed: whitespace pending in the current line
	any    bool // some content has been emitted
	closed bool

	n   int
	buf [bodyBufSize]byte
}

func newBodyCanonicalizer(w io.Writer, c Canonicalization, limit int64) *bodyCanonicalizer {
	return &bodyCanonicalizer{w: w, relaxed: c == Relaxed, limit: limit}
}

var crlf = []byte("\r\n")
var crBytes = []byte("\r")
var spBytes = []byte(" ")

// Write canonicalizes p. It never fails: hash writes do not.
func (b *bodyCanonicalizer) Write(p []byte) (int, error) {
	n := len(p)
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
	return n, nil
}

// content handles text within one line (no line end in it).
func (b *bodyCanonicalizer) content(s []byte) {
	if len(s) == 0 {
		return
	}
	if !b.relaxed {
		b.flushLines()
		b.emit(s)
		b.inLine = true
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
		b.inLine = true
		s = s[i:]
	}
}

func (b *bodyCanonicalizer) endLine() {
	b.crlfs++
	b.inLine = false
	b.wsp = false
}

// flushLines emits the line ends held back, now that content follows them.
func (b *bodyCanonicalizer) flushLines() {
	for ; b.crlfs > 0; b.crlfs-- {
		b.emit(crlf)
	}
	b.any = true
}

func (b *bodyCanonicalizer) emit(s []byte) {
	b.total += int64(len(s))
	if b.limit >= 0 {
		room := b.limit - b.hashed
		if room <= 0 {
			return
		}
		if int64(len(s)) > room {
			s = s[:room]
		}
	}
	b.hashed += int64(len(s))
	if len(s) > len(b.buf)-b.n {
		b.flush()
		if len(s) >= len(b.buf) {
			b.w.Write(s)
			return
		}
	}
	b.n += copy(b.buf[b.n:], s)
}

func (b *bodyCanonicalizer) flush() {
	if b.n > 0 {
		b.w.Write(b.buf[:b.n])
		b.n = 0
	}
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
	return nil
}
