// Package tagvalue parses the tag=value lists that DKIM (RFC 6376 section
// 3.2) and DMARC (RFC 7489 section 6.4) share:
//
//	v=DKIM1; k=rsa; p=MIGfMA0...
//
// Tags are separated by semicolons; whitespace, including folded CRLF
// whitespace, may surround names, equals signs and values; a trailing
// semicolon (an empty last tag) is allowed. Values keep their inner
// whitespace, which callers remove where the grammar says it is not
// significant (base64 in DKIM's p= and b=).
package tagvalue

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Tag is one name=value pair and where it starts in the input.
type Tag struct {
	Name   string // the tag name as written; names are case-sensitive
	Value  string // the value without surrounding whitespace, inner whitespace kept; may be empty
	Offset int    // byte offset of the tag name in the parsed text
}

// List is the parsed tags in their order of appearance.
type List []Tag

// Get returns the value of the first tag named name.
func (l List) Get(name string) (string, bool) {
	for _, t := range l {
		if t.Name == name {
			return t.Value, true
		}
	}
	return "", false
}

// Errors wrapped by *SyntaxError.
var (
	ErrMissingEquals = errors.New(`missing "=" after tag name`)
	ErrBadName       = errors.New("invalid tag name")
	ErrBadValue      = errors.New("invalid character in tag value")
	ErrEmptyTag      = errors.New("empty tag")
	ErrDuplicateTag  = errors.New("duplicate tag")
)

// SyntaxError says what is wrong with a tag list and where.
type SyntaxError struct {
	Tag    string // name of the tag concerned, when known
	Offset int    // byte offset in the input
	Err    error  // one of the Err* values
}

// Error describes the problem, naming what is wrong and where.
func (e *SyntaxError) Error() string {
	if e.Tag != "" {
		return fmt.Sprintf("tag %q at offset %d: %v", e.Tag, e.Offset, e.Err)
	}
	return fmt.Sprintf("offset %d: %v", e.Offset, e.Err)
}

// Unwrap returns the reason, for errors.Is.
func (e *SyntaxError) Unwrap() error { return e.Err }

// MaxTags bounds the number of tags read from one list; a longer list is a
// syntax error. Real records hold about a dozen.
const MaxTags = 64

// Parse splits s into tags. Tag names follow ALPHA *(ALPHA / DIGIT / "_");
// values may hold the characters 0x21-0x3A and 0x3C-0x7E and inner
// whitespace. Parse fails on the first malformed tag. A tag that appears
// twice is reported as ErrDuplicateTag (RFC 6376 section 3.2 makes such a
// list invalid); the returned list is then still complete, so that a caller
// with a more lenient rule can go on.
//
// Parse does not allocate beyond the returned slice: names and values are
// substrings of s. A caller that only walks the tags once can use a
// Scanner instead, which allocates nothing.
func Parse(s string) (List, error) {
	n := strings.Count(s, ";") + 1
	if n > MaxTags {
		n = MaxTags
	}
	return AppendParse(make(List, 0, n), s)
}

// AppendParse is Parse appending the tags to list, which it returns: with
// a list of enough capacity on the caller's stack it allocates nothing.
// Duplicates are looked for among the tags of s only: a tag of one letter
// (most tags of DKIM, DMARC and ARC) against a bit set, a longer one
// against the longer names before it.
func AppendParse(list List, s string) (List, error) {
	base := len(list)
	var letters uint64 // bit c-'A' for each tag c= seen ('A' to 'z' fit)
	var dup error
	sc := NewScanner(s)
	for sc.Next() {
		t := sc.Tag()
		if dup == nil {
			if len(t.Name) == 1 {
				bit := uint64(1) << (t.Name[0] - 'A')
				if letters&bit != 0 {
					dup = &SyntaxError{Tag: t.Name, Offset: t.Offset, Err: ErrDuplicateTag}
				}
				letters |= bit
			} else {
				for _, u := range list[base:] {
					if len(u.Name) > 1 && u.Name == t.Name {
						dup = &SyntaxError{Tag: t.Name, Offset: t.Offset, Err: ErrDuplicateTag}
						break
					}
				}
			}
		}
		list = append(list, t)
	}
	if sc.err != nil {
		return list, sc.err
	}
	if dup != nil {
		return list, dup
	}
	return list, nil
}

// Scanner reads a tag list one tag at a time, with the syntax and the
// MaxTags limit of Parse, without allocating (only a syntax error is
// allocated). Unlike Parse it does not look for duplicate tags: a caller
// that knows its tag names can do that more cheaply. Use it like
// bufio.Scanner:
//
//	sc := tagvalue.NewScanner(s)
//	for sc.Next() {
//		t := sc.Tag()
//		...
//	}
//	if err := sc.Err(); err != nil { ... }
type Scanner struct {
	s   string
	pos int // start of the next tag-spec; past len(s) when done
	n   int // tags returned so far
	tag Tag
	err *SyntaxError
}

// NewScanner returns a Scanner over s, positioned before the first tag.
func NewScanner(s string) Scanner { return Scanner{s: s} }

// Next advances to the next tag, which Tag then returns. It returns false
// at the end of the list and at the first malformed tag, which Err then
// reports.
func (sc *Scanner) Next() bool {
	// The common case in one pass: name = value followed by ';' or the
	// end. Anything else (an empty or malformed tag, the end, the tag
	// limit) goes to next, which also finds the error.
	s, i := sc.s, sc.pos
	if i >= len(s) || sc.n == MaxTags {
		return sc.next()
	}
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	start := i
	if i == len(s) || !isAlpha(s[i]) {
		return sc.next()
	}
	for i++; i < len(s) && nameChar[s[i]]; i++ {
	}
	nameEnd := i
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	if i == len(s) || s[i] != '=' {
		return sc.next()
	}
	for i++; i < len(s) && isSpace(s[i]); i++ {
	}
	// The value runs to the next ';': every byte of it visible ASCII or
	// white space, without surrounding white space. The test takes one
	// table look-up per byte and no branch.
	vstart := i
	end := strings.IndexByte(s[i:], ';')
	if end < 0 {
		end = len(s)
	} else {
		end += i
	}
	if !isValue(s[i:end]) {
		return sc.next()
	}
	vend := end
	for vend > vstart && isSpace(s[vend-1]) {
		vend--
	}
	i = end
	sc.n++
	sc.tag = Tag{Name: s[start:nameEnd], Value: s[vstart:vend], Offset: start}
	sc.pos = i + 1
	return true
}

// nameChar holds the characters of a tag name after the first.
// isValue reports whether every byte of v is visible ASCII or white
// space. It takes eight bytes at a time, looking at them one by one only
// in a word that has a byte outside 0x21-0x7e (white space, mostly).
func isValue(v string) bool {
	const lsb, msb = 0x0101010101010101, 0x8080808080808080
	var bad byte
	for len(v) >= 8 {
		x := binary.LittleEndian.Uint64([]byte(v[:8]))
		// The top bit of a byte is set in the first term when it is
		// below 0x21, in the second when it is 0x7f or above.
		if ((x-0x21*lsb)&^x|(x+lsb)|x)&msb != 0 {
			for _, c := range []byte(v[:8]) {
				bad |= notValue[c]
			}
		}
		v = v[8:]
	}
	for _, c := range []byte(v) {
		bad |= notValue[c]
	}
	return bad == 0
}

// notValue is 1 for the bytes that may not appear in a tag value: those
// that are neither visible ASCII nor white space.
var notValue = func() (t [256]byte) {
	for c := range t {
		if (c < 0x21 || c > 0x7e) && !isSpace(byte(c)) {
			t[c] = 1
		}
	}
	return t
}()

var nameChar = func() (t [256]bool) {
	for c := range t {
		t[c] = isAlpha(byte(c)) || c >= '0' && c <= '9' || c == '_'
	}
	return t
}()

// next is Next for every case, one tag-spec at a time.
func (sc *Scanner) next() bool {
	s, i := sc.s, sc.pos
	if i > len(s) {
		return false
	}
	// One tag-spec runs to the next ';' or the end.
	end := len(s)
	if k := strings.IndexByte(s[i:], ';'); k >= 0 {
		end = i + k
	}
	spec := s[i:end]
	a, b := trim(spec)
	if a == b {
		// Empty tag: allowed only as the last one (a trailing ';').
		if end < len(s) {
			return sc.fail("", i+a, ErrEmptyTag)
		}
		sc.pos = len(s) + 1
		return false
	}
	if sc.n == MaxTags {
		return sc.fail("", i+a, fmt.Errorf("more than %d tags", MaxTags))
	}
	body := spec[a:b]
	eq := strings.IndexByte(body, '=')
	if eq < 0 {
		return sc.fail(body, i+a, ErrMissingEquals)
	}
	na, nb := trim(body[:eq])
	name := body[na:nb]
	if !validName(name) {
		return sc.fail(name, i+a+na, ErrBadName)
	}
	va, vb := trim(body[eq+1:])
	value := body[eq+1+va : eq+1+vb]
	for k := 0; k < len(value); k++ {
		if c := value[k]; c < 0x21 || c > 0x7e {
			if !isSpace(c) {
				return sc.fail(name, i+a+eq+1+va+k, ErrBadValue)
			}
		}
	}
	sc.n++
	sc.tag = Tag{Name: name, Value: value, Offset: i + a}
	sc.pos = end + 1
	return true
}

// fail ends the scan with a syntax error.
func (sc *Scanner) fail(tag string, offset int, err error) bool {
	sc.err = &SyntaxError{Tag: tag, Offset: offset, Err: err}
	sc.pos = len(sc.s) + 1
	return false
}

// Resume goes on after the malformed tag that stopped the scan: Next then
// reads the tags after the next ';' as if they were a new list (the
// MaxTags limit counts anew), with offsets still in the whole text. Err is
// nil again. Resume returns false, and does nothing, when the scan did not
// stop at an error or no ';' follows the error.
func (sc *Scanner) Resume() bool {
	if sc.err == nil {
		return false
	}
	k := strings.IndexByte(sc.s[sc.err.Offset:], ';')
	if k < 0 {
		return false
	}
	sc.pos, sc.n, sc.err = sc.err.Offset+k+1, 0, nil
	return true
}

// Tag returns the tag that the last successful Next read. Its name and
// value are substrings of the scanned text.
func (sc *Scanner) Tag() Tag { return sc.tag }

// Err returns the *SyntaxError that stopped the scan, or nil when it
// reached the end of the list (or has not stopped yet).
func (sc *Scanner) Err() error {
	if sc.err == nil {
		return nil
	}
	return sc.err
}

// maxTagText bounds the text TagText quotes.
const maxTagText = 64

// TagText returns how an error names the tag it is about: "name=" for a
// tag name of at most 64 bytes, and otherwise (the text a syntax error
// stopped at, which came from whoever wrote the list) its first 64 bytes
// Go-quoted, with "..." when it was longer, so that a line break, an
// escape sequence or a bidi control in it does not reach a log line or a
// report as it is, and a long one does not fill it.
func TagText(name string) string {
	if len(name) <= maxTagText && validName(name) {
		return name + "="
	}
	if len(name) > maxTagText {
		return strconv.Quote(name[:maxTagText]) + "..."
	}
	return strconv.Quote(name)
}

func validName(s string) bool {
	if s == "" || !isAlpha(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isAlpha(c) && !(c >= '0' && c <= '9') && c != '_' {
			return false
		}
	}
	return true
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// isSpace reports folding whitespace characters: SP, HTAB, CR, LF.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// trim returns the bounds of s without surrounding whitespace.
func trim(s string) (int, int) {
	a, b := 0, len(s)
	for a < b && isSpace(s[a]) {
		a++
	}
	for b > a && isSpace(s[b-1]) {
		b--
	}
	return a, b
}
