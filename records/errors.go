package records

import (
	"errors"
	"fmt"
)

// Reasons an input is refused, wrapped by *FieldError so that callers can
// test them with errors.Is. A domain name that does not normalise wraps the
// dnsname sentinels as well (label too long, invalid character, ...).
var (
	// ErrRequired: a value the provider needs is missing.
	ErrRequired = errors.New("required value missing")
	// ErrInvalid: the value has the wrong form.
	ErrInvalid = errors.New("invalid value")
	// ErrOutsideDomain: a name or address lies outside the sending domain
	// (or outside the zone the records go in).
	ErrOutsideDomain = errors.New("outside the sending domain")
	// ErrUnknownRegion: the account's region is not one the provider has.
	ErrUnknownRegion = errors.New("unknown region")
	// ErrUnknownVariable: a template names a variable that no one defines.
	ErrUnknownVariable = errors.New("unknown template variable")
	// ErrConflict: two records of the set cannot coexist (a CNAME shares its
	// name with other data, or two records land on one name and type).
	ErrConflict = errors.New("conflicting records")
	// ErrNotApplicable: a value was given that the provider does not use
	// (for example a DKIM key for a provider that delegates DKIM by CNAME).
	ErrNotApplicable = errors.New("not used by this provider")
)

// FieldError names the input field that is wrong, the value given and why.
// Field uses Go syntax from the caller's point of view, for example
// "Account.Domain", "Account.Vars[user]" or "Provider.DKIM.Host".
type FieldError struct {
	Field string // the input field concerned, in the Go syntax described above
	Value string // the offending value as given; "" when it is missing or not shown
	Err   error  // why: wraps one of the Err* values above or a dnsname error
}

// Error describes the problem, naming what is wrong and where.
func (e *FieldError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("records: %s: %v", e.Field, e.Err)
	}
	return fmt.Sprintf("records: %s %q: %v", e.Field, e.Value, e.Err)
}

// Unwrap returns the reason, for errors.Is and errors.As.
func (e *FieldError) Unwrap() error { return e.Err }

func fieldErr(field, value string, err error) *FieldError {
	return &FieldError{Field: field, Value: value, Err: err}
}

func fieldErrf(field, value string, sentinel error, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Value: value, Err: fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))}
}
