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
	"errors"
	"fmt"
)

// Tag is one name=value pair and where it starts in the input.
type Tag struct {
	Name   string
	Value  string
	Offset int // byte offset of the tag name in the parsed text
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
// substrings of s.
func Parse(s string) (List, error) {
	n := 1
	for i := 0; i < len(s); i++ {
		if s[i] == ';' {
			n++
		}
	}
	if n > MaxTags {
		n = MaxTags
	}
	list := make(List, 0, n)
	var dup error
	i := 0
	for i <= len(s) {
		// One tag-spec runs to the next ';' or the end.
		end := i
		for end < len(s) && s[end] != ';' {
			end++
		}
		spec := s[i:end]
		a, b := trim(spec)
		if a == b {
			// Empty tag: allowed only as the last one (a trailing ';').
			if end < len(s) {
				return list, &SyntaxError{Offset: i + a, Err: ErrEmptyTag}
			}
			break
		}
		if len(list) == MaxTags {
			return list, &SyntaxError{Offset: i + a, Err: fmt.Errorf("more than %d tags", MaxTags)}
		}
		body := spec[a:b]
		eq := -1
		for k := 0; k < len(body); k++ {
			if body[k] == '=' {
				eq = k
				break
			}
		}
		if eq < 0 {
			return list, &SyntaxError{Tag: body, Offset: i + a, Err: ErrMissingEquals}
		}
		na, nb := trim(body[:eq])
		name := body[na:nb]
		if !validName(name) {
			return list, &SyntaxError{Tag: name, Offset: i + a + na, Err: ErrBadName}
		}
		va, vb := trim(body[eq+1:])
		value := body[eq+1+va : eq+1+vb]
		for k := 0; k < len(value); k++ {
			c := value[k]
			if c >= 0x21 && c <= 0x7e && c != ';' || isSpace(c) {
				continue
			}
			return list, &SyntaxError{Tag: name, Offset: i + a + eq + 1 + va + k, Err: ErrBadValue}
		}
		if dup == nil {
			for _, t := range list {
				if t.Name == name {
					dup = &SyntaxError{Tag: name, Offset: i + a, Err: ErrDuplicateTag}
					break
				}
			}
		}
		list = append(list, Tag{Name: name, Value: value, Offset: i + a})
		if end >= len(s) {
			break
		}
		i = end + 1
	}
	if dup != nil {
		return list, dup
	}
	return list, nil
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
