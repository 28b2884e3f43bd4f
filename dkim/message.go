package dkim

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/domainauth/domainauth/internal/dkimbridge"
)

// Default limits on the header section a Signer or Verifier reads.
const (
	DefaultMaxHeaderBytes  = 1 << 20
	DefaultMaxHeaderFields = 1000
)

// ErrHeaderTooLarge is returned when the header section of a message
// exceeds the configured size or field count.
var ErrHeaderTooLarge = errors.New("dkim: message header too large")

// field is one header field of the message: raw holds name, colon, value
// and continuation lines exactly as they arrived, with the final line end.
type field struct {
	name string // as written, without surrounding whitespace
	raw  string
}

// headerParser accumulates the header section from arbitrary writes.
type headerParser struct {
	maxBytes, maxFields int
	buf                 []byte
	done                bool
	sized               bool // buf has been given the capacity for the header
	// out is the room for the fields, which the caller may set to a
	// pooled slice before the first write; split is set when the write
	// that took the whole header in one copy also split it into out, in
	// the same pass as it looked for the header's end.
	out   []field
	split bool
}

// write appends p to the header and reports how many bytes of p belong to
// it; once the blank line that ends the header has been seen, done is set
// and the rest of p is body.
func (h *headerParser) write(p []byte) (int, error) {
	if !h.sized && len(p) > 0 {
		// buf may hold a pooled buffer, to use if large enough.
		h.sized = true
		if out, end, blank := splitHeader(p, h.out[:0], h.maxFields); end >= 0 && end <= h.maxBytes && len(h.buf) == 0 {
			// The whole header is in p: one copy, no line by line, and
			// the fields found on the way, moved over to the copy.
			h.buf = append(h.buf, p[:end]...)
			rebaseFields(out, bytesString(h.buf))
			h.out, h.split, h.done = out, true, true
			return end + blank, nil
		}
		if n := headerCap(p, h.maxBytes); cap(h.buf) < n {
			h.buf = make([]byte, 0, n)
		}
	}
	used := 0
	for used < len(p) && !h.done {
		i := bytes.IndexByte(p[used:], '\n')
		if i < 0 {
			h.buf = append(h.buf, p[used:]...)
			used = len(p)
			break
		}
		line := p[used : used+i+1]
		used += i + 1
		// A line holding only the line end, at the start of a line, ends
		// the header.
		lineStart := len(h.buf) == 0 || h.buf[len(h.buf)-1] == '\n'
		if lineStart && (len(line) == 1 || len(line) == 2 && line[0] == '\r') {
			h.done = true
			break
		}
		if !lineStart && len(line) == 1 {
			// "\r" ended the previous write and this is its "\n": an
			// empty line if the CR stood alone on its line.
			n := len(h.buf)
			if h.buf[n-1] == '\r' && (n == 1 || h.buf[n-2] == '\n') {
				h.buf = h.buf[:n-1]
				h.done = true
				break
			}
		}
		h.buf = append(h.buf, line...)
	}
	if len(h.buf) > h.maxBytes {
		return used, fmt.Errorf("%w: more than %d bytes", ErrHeaderTooLarge, h.maxBytes)
	}
	return used, nil
}

// splitHeader returns the length of the header section at the start of
// p, when p holds the empty line that ends it, and the length of that
// line (1 for LF, 2 for CRLF); -1 and 0 when it does not, or when p
// starts with CR or LF (an empty header, or a line that only a
// byte-wise reading can judge). On the way it splits the header into
// fields, appended to dst, as appendFields would, in the same pass over
// its lines; end is also -1 when it has more than maxFields fields (for
// appendFields to report). The fields point into p; rebaseFields moves
// them to a copy.
func splitHeader(p []byte, dst []field, maxFields int) (fields []field, end, blank int) {
	if len(p) == 0 || p[0] == '\n' || p[0] == '\r' {
		return dst, -1, 0
	}
	s := bytesString(p)
	start := 0 // of the current field
	for i := 0; ; {
		nl := strings.IndexByte(s[i:], '\n')
		if nl < 0 {
			return dst, -1, 0
		}
		i += nl + 1 // the start of the next line
		switch {
		case i < len(s) && s[i] == '\n':
			end, blank = i, 1
		case i+1 < len(s) && s[i] == '\r' && s[i+1] == '\n':
			end, blank = i, 2
		case i < len(s) && (s[i] == ' ' || s[i] == '\t'):
			continue // a continuation line: the field goes on
		}
		// The field ends with this line. (When the line that follows is
		// not in p, it may be a continuation: then so is the header's
		// end, and the result is -1 anyway.)
		if len(dst) == maxFields {
			return dst, -1, 0
		}
		dst = append(dst, newField(s[start:i]))
		start = i
		if end > 0 {
			return dst, end, blank
		}
	}
}

// newField returns the field whose raw text is raw: its name is what
// comes before the first colon (all of raw without one), without the
// white space at its end.
func newField(raw string) field {
	name := raw
	if c := strings.IndexByte(raw, ':'); c >= 0 {
		name = raw[:c]
	}
	for len(name) > 0 && isWSPorEOL(name[len(name)-1]) {
		name = name[:len(name)-1]
	}
	return field{name: name, raw: raw}
}

// rebaseFields makes the fields that splitHeader found point into s, a
// copy of the header they were found in: their raw texts are the whole
// header, one after the other, and each name starts its raw text.
func rebaseFields(fields []field, s string) {
	at := 0
	for i := range fields {
		f := &fields[i]
		raw := s[at : at+len(f.raw)]
		*f = field{name: raw[:len(f.name)], raw: raw}
		at += len(raw)
	}
}

// headerCap returns the size of the header section at the start of p, or
// len(p) when its end is not in p, at most maxBytes+1: the capacity to
// give the header buffer so that it need not grow.
func headerCap(p []byte, maxBytes int) int {
	n := len(p)
	if i := bytes.Index(p, []byte("\n\r\n")); i >= 0 {
		n = i + 1
	}
	if i := bytes.Index(p[:n], []byte("\n\n")); i >= 0 {
		n = i + 1
	}
	return min(n, maxBytes+1)
}

// fields splits the accumulated header into fields.
// The fields share h.buf's memory, which is not written again once the
// header is complete: no copy.
func (h *headerParser) fields() ([]field, error) { return h.appendFields(nil) }

// appendFields is fields appending to dst[:0]; when the header came in
// one write that also split it (h.split), the fields are that write's,
// in h.out, not in dst.
func (h *headerParser) appendFields(dst []field) ([]field, error) {
	if h.split {
		return h.out, nil
	}
	s := bytesString(h.buf)
	// A field takes at least one line: one allocation for all of them,
	// none when dst has room.
	out := dst[:0]
	if n := min(strings.Count(s, "\n")+1, h.maxFields+1); cap(out) < n {
		out = make([]field, 0, n)
	}
	for len(s) > 0 {
		// A field runs until a line that does not start with WSP.
		end := 0
		for {
			i := strings.IndexByte(s[end:], '\n')
			if i < 0 {
				end = len(s)
				break
			}
			end += i + 1
			if end >= len(s) || (s[end] != ' ' && s[end] != '\t') {
				break
			}
		}
		raw := s[:end]
		s = s[end:]
		if len(out) == h.maxFields {
			return nil, fmt.Errorf("%w: more than %d fields", ErrHeaderTooLarge, h.maxFields)
		}
		out = append(out, newField(raw))
	}
	return out, nil
}

// readHeader reads the header section from r, up to and including the
// blank line, and leaves r at the first byte of the body.
func readHeader(r *bufio.Reader, maxBytes, maxFields int) ([]field, error) {
	return readHeaderInto(r, maxBytes, maxFields, nil)
}

// readHeaderInto is readHeader appending the fields to dst[:0].
func readHeaderInto(r *bufio.Reader, maxBytes, maxFields int, dst []field) ([]field, error) {
	h := headerParser{maxBytes: maxBytes, maxFields: maxFields, out: dst}
	// What r has read already, the whole header of most messages, goes in
	// one write, which sizes the buffer; the rest line by line.
	r.Peek(1)
	if p, _ := r.Peek(r.Buffered()); len(p) > 0 {
		used, err := h.write(p)
		if err != nil {
			return nil, err
		}
		r.Discard(used)
	}
	for !h.done {
		line, err := r.ReadSlice('\n')
		if len(line) > 0 {
			if _, werr := h.write(line); werr != nil {
				return nil, werr
			}
		}
		if err == io.EOF {
			break // a message without body
		}
		if err != nil && err != bufio.ErrBufferFull {
			return nil, err
		}
	}
	return h.appendFields(dst)
}

// readHeaderBytes is readHeaderInto for a message held whole in msg: it
// also returns the length of the header section with the empty line
// that ends it (all of msg when it has no body). It writes msg to the
// parser in pieces of readBufSize, as readHeaderInto reads it: one piece
// holds the whole header of most messages, and a header without end, or
// too long, is refused after as many bytes as there.
func readHeaderBytes(msg []byte, maxBytes, maxFields int, dst []field) ([]field, int, error) {
	h := headerParser{maxBytes: maxBytes, maxFields: maxFields, out: dst}
	used := 0
	for !h.done && used < len(msg) {
		n, err := h.write(msg[used:min(len(msg), used+readBufSize)])
		used += n
		if err != nil {
			return nil, used, err
		}
	}
	fields, err := h.appendFields(dst)
	return fields, used, err
}

// selectFields calls fn, in h= order, for each header field the list
// names: the last field of that name not yet used, searching bottom-up
// (RFC 6376 section 5.4.2). A name with no field left is skipped: it
// stands for a null field, which is how over-signing works.
//
// h= is untrusted and may name tens of thousands of fields within
// MaxSignatureLength, so the work must stay linear: short lists (every
// real one) are matched by direct search, long ones through an index.
func selectFields(fields []field, names []string, fn func(field)) {
	if len(names) > selectDirectMax {
		selectFieldsIndexed(fields, names, fn)
		return
	}
	if len(fields) <= selectKeyedFields {
		selectFieldsKeyed(fields, names, fn)
		return
	}
	// A longer header: the keys are computed as the search goes.
	used := make([]uint64, (len(fields)+63)/64)
	for _, name := range names {
		k := nameKey(name)
		for j := len(fields) - 1; j >= 0; j-- {
			if nameKey(fields[j].name) != k || used[j/64]&(1<<(j%64)) != 0 || !dkimbridge.SameFieldName(fields[j].name, name) {
				continue
			}
			used[j/64] |= 1 << (j % 64)
			fn(fields[j])
			break
		}
	}
}

// selectFieldsKeyed is selectFields for a header of at most
// selectKeyedFields fields, with their keys computed once. Names are
// compared in full only where their keys agree: most pairs differ in
// length or in one of the bytes the key holds. A field once used is
// marked in used, so that the next name of the same kind goes on to the
// one above it. left counts the fields not yet used by a hash of their
// key: a name whose count is zero has no field left (the fields it names
// are missing, or used by the names before it, as over-signing makes
// half the names of most lists) and needs no search.
func selectFieldsKeyed(fields []field, names []string, fn func(field)) {
	var fk [selectKeyedFields]uint64
	var left [64]uint8 // a count of at most selectKeyedFields
	for j, f := range fields {
		fk[j] = nameKey(f.name)
		left[keySlot(fk[j])]++
	}
	var used uint64
	for _, name := range names {
		k := nameKey(name)
		slot := keySlot(k)
		if left[slot] == 0 {
			continue
		}
		for j := len(fields) - 1; j >= 0; j-- {
			if fk[j] != k || used&(1<<j) != 0 || !dkimbridge.SameFieldName(fields[j].name, name) {
				continue
			}
			used |= 1 << j
			left[slot]--
			fn(fields[j])
			break
		}
	}
}

// keySlot hashes a nameKey to one of 64 slots.
func keySlot(k uint64) int { return int((k * 0x9e3779b97f4a7c15) >> 58) }

// selectKeyedFields is the most header fields whose keys selectFields
// computes once, and whose use it marks, on the stack (selectFieldsKeyed,
// whose marks are one word); it computes the keys of longer headers as it
// goes and allocates their marks.
const selectKeyedFields = 64

// nameKey is a fingerprint of a header field name: its length and three
// of its bytes, with the ASCII case bit set. Names that dkimbridge.SameFieldName
// finds equal have the same key, so names whose keys differ need no
// comparison.
func nameKey(s string) uint64 {
	n := len(s)
	if n == 0 {
		return 0
	}
	return uint64(n)<<24 | uint64(s[0]|0x20)<<16 | uint64(s[n/2]|0x20)<<8 | uint64(s[n-1]|0x20)
}

// lowerFieldName is s with its ASCII capitals made small: the form of a
// field name under which dkimbridge.SameFieldName names are equal.
func lowerFieldName(s string) string {
	for i := range len(s) {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] |= 0x20
				}
			}
			return string(b)
		}
	}
	return s
}

// selectDirectMax is the longest h= list selectFields matches by direct
// search, which costs len(names)*(len(names)+len(fields)) comparisons and
// allocates nothing.
const selectDirectMax = 64

// selectFieldsIndexed is selectFields in time linear in the number of
// names and fields: the fields of each name, bottom-up, and how many of
// them each name has used so far.
func selectFieldsIndexed(fields []field, names []string, fn func(field)) {
	byName := make(map[string][]int, len(fields))
	for j := len(fields) - 1; j >= 0; j-- {
		n := lowerFieldName(fields[j].name)
		byName[n] = append(byName[n], j)
	}
	used := make(map[string]int, len(byName))
	for _, name := range names {
		n := lowerFieldName(name)
		idx, ok := byName[n]
		if !ok {
			continue
		}
		if k := used[n]; k < len(idx) {
			used[n] = k + 1
			fn(fields[idx[k]])
		}
	}
}
