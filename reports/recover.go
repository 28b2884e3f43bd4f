package reports

import (
	"io"
	"unicode/utf8"
)

// recoverReader repairs the two faults real reports have that make their
// XML not well-formed, for Parser.Recover: bytes that are not UTF-8 (a
// Windows-1252 quote in a UTF-8 document) are dropped, and a "<" that
// opens no tag (an address written as <a@b.example> in element text) is
// escaped as "&lt;". A "<" opens a tag when it is followed by "/", "!",
// "?", or a name that ends at white space, ">" or "/".
type recoverReader struct {
	r       io.Reader
	in      []byte // unprocessed input
	out     []byte // processed, not yet returned
	buf     []byte // read buffer
	empty   int    // consecutive reads that returned nothing
	eof     bool
	err     error
	dropped int // invalid UTF-8 bytes dropped
	escaped int // "<" escaped
}

// maxLookahead bounds the name after "<" that is examined; a longer run of
// name characters is taken for a tag.
const maxLookahead = 256

func (rr *recoverReader) Read(p []byte) (int, error) {
	for len(rr.out) == 0 {
		if rr.eof && len(rr.in) == 0 {
			return 0, rr.err
		}
		if !rr.eof && len(rr.in) < 2*maxLookahead {
			if rr.buf == nil {
				rr.buf = make([]byte, 32<<10)
			}
			n, err := rr.r.Read(rr.buf)
			rr.in = append(rr.in, rr.buf[:n]...)
			switch {
			case err != nil:
				rr.eof, rr.err = true, err
			case n == 0:
				// A reader that keeps returning nothing would spin.
				if rr.empty++; rr.empty > 100 {
					rr.eof, rr.err = true, io.ErrNoProgress
				}
				continue
			default:
				rr.empty = 0
			}
		}
		rr.process()
	}
	n := copy(p, rr.out)
	rr.out = rr.out[n:]
	return n, nil
}

// process moves what can be decided from in to out, keeping a tail that
// needs more input (an incomplete UTF-8 sequence or tag name).
func (rr *recoverReader) process() {
	in := rr.in
	i := 0
	for i < len(in) {
		c := in[i]
		switch {
		case c < utf8.RuneSelf && c != '<':
			rr.out = append(rr.out, c)
			i++
		case c == '<':
			tag, decided := opensTag(in[i+1:], rr.eof)
			if !decided {
				rr.in = append(rr.in[:0], in[i:]...)
				return
			}
			if tag {
				rr.out = append(rr.out, '<')
			} else {
				rr.out = append(rr.out, "&lt;"...)
				rr.escaped++
			}
			i++
		default:
			if !utf8.FullRune(in[i:]) && !rr.eof {
				rr.in = append(rr.in[:0], in[i:]...)
				return
			}
			r, size := utf8.DecodeRune(in[i:])
			if r == utf8.RuneError && size <= 1 {
				rr.dropped++
				i++
				continue
			}
			rr.out = append(rr.out, in[i:i+size]...)
			i += size
		}
	}
	rr.in = rr.in[:0]
}

// opensTag reports whether the bytes after a "<" make it the start of
// markup; decided is false when more input is needed to tell.
func opensTag(b []byte, eof bool) (tag, decided bool) {
	if len(b) == 0 {
		return false, eof
	}
	switch b[0] {
	case '/', '!', '?':
		return true, true
	}
	if !isNameStart(b[0]) {
		return false, true
	}
	for i := 1; i < len(b); i++ {
		if i >= maxLookahead {
			return true, true
		}
		c := b[i]
		if isNameByte(c) {
			continue
		}
		return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '>' || c == '/', true
	}
	return false, eof
}

func isNameStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == ':' || c >= utf8.RuneSelf
}

func isNameByte(c byte) bool {
	return isNameStart(c) || c >= '0' && c <= '9' || c == '-' || c == '.'
}
