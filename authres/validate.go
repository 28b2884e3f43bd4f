package authres

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// ErrInvalid is wrapped by the errors of Validate.
var ErrInvalid = errors.New("authres: invalid header")

// Validate reports the first part of h that String cannot write as RFC
// 8601 requires, or that Parse would not read back: a method, result,
// ptype or property that is not a keyword (letters, digits and hyphens,
// not ending in a hyphen), text holding control characters or invalid
// UTF-8, a negative or too long version, or more results, properties or
// bytes (as Field writes it) than Parse accepts. A Header from Parse or
// from the constructors of this package is valid.
func (h Header) Validate() error {
	if err := checkText("authserv-id", h.AuthServID); err != nil {
		return err
	}
	if h.Version < 0 || h.Version > 999999999 {
		return fmt.Errorf("%w: version %d out of range", ErrInvalid, h.Version)
	}
	if len(h.Results) > MaxResults {
		return fmt.Errorf("%w: %d results, more than %d", ErrInvalid, len(h.Results), MaxResults)
	}
	for i := range h.Results {
		r := &h.Results[i]
		where := fmt.Sprintf("result %d", i+1)
		if !isKeyword(r.Method) {
			return fmt.Errorf("%w: %s: method %q is not a keyword", ErrInvalid, where, r.Method)
		}
		where += " (" + r.Method + ")"
		if r.MethodVersion < 0 || r.MethodVersion > 999999999 {
			return fmt.Errorf("%w: %s: method version %d out of range", ErrInvalid, where, r.MethodVersion)
		}
		if !isKeyword(r.Value) {
			return fmt.Errorf("%w: %s: result %q is not a keyword", ErrInvalid, where, r.Value)
		}
		if err := checkText(where+": comment", r.Comment); err != nil {
			return err
		}
		if err := checkText(where+": reason", r.Reason); err != nil {
			return err
		}
		if len(r.Properties) > MaxProperties {
			return fmt.Errorf("%w: %s: %d properties, more than %d", ErrInvalid, where, len(r.Properties), MaxProperties)
		}
		for _, p := range r.Properties {
			if !isKeyword(p.Type) {
				return fmt.Errorf("%w: %s: property type %q is not a keyword", ErrInvalid, where, p.Type)
			}
			if !isKeyword(p.Name) {
				return fmt.Errorf("%w: %s: property name %q is not a keyword", ErrInvalid, where, p.Name)
			}
			if err := checkText(where+": "+p.Type+"."+p.Name, p.Value); err != nil {
				return err
			}
		}
	}
	if n := len(h.Field()); n > MaxLength {
		return fmt.Errorf("%w: field of %d bytes, more than %d", ErrInvalid, n, MaxLength)
	}
	return nil
}

// checkText reports characters a quoted-string or comment cannot hold.
func checkText(what, s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%w: %s: invalid UTF-8", ErrInvalid, what)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; isCtl(c) {
			return fmt.Errorf("%w: %s: control character %q at byte %d", ErrInvalid, what, c, i)
		}
	}
	return nil
}
