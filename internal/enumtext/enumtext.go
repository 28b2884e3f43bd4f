// Package enumtext writes the text form of the library's small integer
// enums once: each enum keeps a table of names indexed by value, and its
// String, MarshalText and UnmarshalText call these.
package enumtext

import "fmt"

// String returns names[v], or typ(v) for a value outside the table.
func String[T ~int](v T, names []string, typ string) string {
	if v >= 0 && int(v) < len(names) && names[v] != "" {
		return names[v]
	}
	return fmt.Sprintf("%s(%d)", typ, int(v))
}

// Marshal returns names[v], or an error naming what (e.g. "verify:
// unknown status") for a value outside the table.
func Marshal[T ~int](v T, names []string, what string) ([]byte, error) {
	if v < 0 || int(v) >= len(names) || names[v] == "" {
		return nil, fmt.Errorf("%s %d", what, int(v))
	}
	return []byte(names[v]), nil
}

// Unmarshal sets *p to the value whose name is b, or returns an error
// naming what and b.
func Unmarshal[T ~int](p *T, b []byte, names []string, what string) error {
	for i, n := range names {
		if n != "" && n == string(b) {
			*p = T(i)
			return nil
		}
	}
	return fmt.Errorf("%s %q", what, b)
}
