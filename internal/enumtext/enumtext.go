// Package enumtext writes the text form of the library's small integer
// enums once: each enum keeps a table of names indexed by value, and its
// String, MarshalText and UnmarshalText call these.
//
// A table may have holes (""): a value whose name is empty has no text
// form, so an enum whose values start at 1 leaves index 0 empty.
package enumtext

import (
	"strconv"
	"strings"
)

// Integer is the underlying type of an enum: any integer type.
type Integer interface {
	~int | ~int8 | ~int16 | ~int32 | ~int64 |
		~uint | ~uint8 | ~uint16 | ~uint32 | ~uint64 | ~uintptr
}

// name returns names[v], and false for a value outside the table or
// without a name.
func name[T Integer](v T, names []string) (string, bool) {
	if v < 0 || uint64(v) >= uint64(len(names)) || names[v] == "" {
		return "", false
	}
	return names[v], true
}

// itoa formats v in decimal, negative values included.
func itoa[T Integer](v T) string {
	if v < 0 {
		return strconv.FormatInt(int64(v), 10)
	}
	return strconv.FormatUint(uint64(v), 10)
}

// String returns names[v], or typ(v), such as "Status(9)", for a value
// outside the table.
func String[T Integer](v T, names []string, typ string) string {
	if n, ok := name(v, names); ok {
		return n
	}
	return typ + "(" + itoa(v) + ")"
}

// StringOr returns names[v], or fallback for a value outside the table:
// for the enums whose String has always printed such values as one of
// the names (tracking's "unknown", spf's "+").
func StringOr[T Integer](v T, names []string, fallback string) string {
	if n, ok := name(v, names); ok {
		return n
	}
	return fallback
}

// Marshal returns names[v], or an error naming what (e.g. "verify:
// unknown status"), the value and the valid names for a value outside
// the table.
func Marshal[T Integer](v T, names []string, what string) ([]byte, error) {
	if n, ok := name(v, names); ok {
		return []byte(n), nil
	}
	return nil, &Error{What: what, Text: itoa(v), Names: names}
}

// Unmarshal sets *p to the value whose name is exactly b. Otherwise it
// leaves *p alone and returns an error naming what, b and the valid
// names.
func Unmarshal[T Integer](p *T, b []byte, names []string, what string) error {
	return unmarshal(p, b, names, what, false)
}

// UnmarshalFold is Unmarshal for a name that may be written in any case,
// where the protocol says names are case-insensitive. Only ASCII letters
// fold: protocol names are ASCII, and Unicode folding would let the Kelvin
// sign stand for "k".
func UnmarshalFold[T Integer](p *T, b []byte, names []string, what string) error {
	return unmarshal(p, b, names, what, true)
}

// unmarshal is Unmarshal, and with fold UnmarshalFold.
func unmarshal[T Integer](p *T, b []byte, names []string, what string, fold bool) error {
	for i, n := range names {
		if n != "" && (n == string(b) || fold && equalFoldASCII(n, b)) {
			*p = T(i)
			return nil
		}
	}
	return &Error{What: what, Text: strconv.Quote(string(b)), Names: names}
}

// equalFoldASCII reports whether s and b are equal when ASCII letters are
// folded to lower case.
func equalFoldASCII(s string, b []byte) bool {
	if len(s) != len(b) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if lower(s[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// Error is a value or a text without a name. Its text is What, the value
// (a number, or the quoted text) and the valid names:
//
//	dmarc: unknown mode "rfc1234" (want rfc9989 or rfc7489)
type Error struct {
	What  string   // what was wrong, with the package prefix: "dmarc: unknown mode"
	Text  string   // the number, or the text as strconv.Quote writes it
	Names []string // the table; its empty entries are not names
}

// Error lists the valid names as "a, b or c".
func (e *Error) Error() string {
	var valid []string
	for _, n := range e.Names {
		if n != "" {
			valid = append(valid, n)
		}
	}
	s := e.What + " " + e.Text
	switch len(valid) {
	case 0:
		return s
	case 1:
		return s + " (want " + valid[0] + ")"
	}
	return s + " (want " + strings.Join(valid[:len(valid)-1], ", ") + " or " + valid[len(valid)-1] + ")"
}
