package authres

import (
	"errors"
	"strconv"
	"strings"

	"github.com/domainauth/domainauth/internal/ascii"
)

// FieldError is a trusted field that Trusted could not parse.
type FieldError struct {
	Index int   // index of the field in the values given to Trusted
	Err   error // the *SyntaxError from Parse
}

// Error returns "authres: field N: ...".
func (e *FieldError) Error() string {
	return "authres: field " + strconv.Itoa(e.Index) + ": " + strings.TrimPrefix(e.Err.Error(), "authres: ")
}

// Unwrap returns the parse error.
func (e *FieldError) Unwrap() error { return e.Err }

// Trusted returns the Authentication-Results fields a consumer may act
// on: those among values (the values of every Authentication-Results
// field of a message, in any order) whose authserv-id is one of ids,
// compared without a trailing dot and without case for ASCII letters only
// (a non-ASCII letter that Unicode folds to an ASCII one, such as KELVIN
// SIGN for "k", makes another id). Every other field is
// skipped unread, since anyone can write one (RFC 8601 section 5); so is
// a field whose authserv-id cannot be read. A field with a trusted
// authserv-id that does not parse is left out and reported in the error,
// a *FieldError per field joined with errors.Join; the fields that did
// parse are returned with it.
//
// Trusted is only as safe as the border: it assumes that the MTA that
// writes fields with these authserv-ids removed, on arrival, every field
// claiming one of them (see Claims). Without that, a sender can write
// "Authentication-Results: your.mx; dmarc=pass" and Trusted will believe
// it.
func Trusted(values []string, ids ...string) ([]*Header, error) {
	var out []*Header
	var errs []error
	for i, v := range values {
		id, err := AuthServID(v)
		if err != nil || !matchID(id, ids, ascii.EqualFold) {
			continue
		}
		h, err := Parse(v)
		if err != nil {
			errs = append(errs, &FieldError{Index: i, Err: err})
			continue
		}
		out = append(out, h)
	}
	return out, errors.Join(errs...)
}

// Claims reports whether an incoming Authentication-Results field must be
// removed by the MTA whose authserv-ids are ids, before it adds its own
// field: when the field names one of ids (compared as Trusted compares
// them, or under Unicode case folding), or when its authserv-id cannot be
// read at all. RFC 8601 section 5 requires a border MTA to delete or
// rename fields that claim its authserv-id, so that consumers behind it
// can trust the ones that remain; a field no parser can attribute, or
// that a reader folding Unicode case would take for yours, is removed
// too, since a lenient reader downstream might attribute it to you.
func Claims(value string, ids ...string) bool {
	id, err := AuthServID(value)
	return err != nil || matchID(id, ids, strings.EqualFold)
}

// matchID reports whether id is one of ids, without a trailing dot, when
// compared with equal. Trusted compares ASCII letters without case and
// every other byte as it is, as a border MTA removing the fields that
// claim its authserv-id does (RFC 4343): "m\u212a.example" (KELVIN SIGN)
// is not "mk.example". Claims also removes a field whose id equals one of
// ids under Unicode case folding, where it is, since a reader downstream
// may fold that way.
func matchID(id string, ids []string, equal func(a, b string) bool) bool {
	id = strings.TrimSuffix(id, ".")
	for _, t := range ids {
		if t = strings.TrimSuffix(t, "."); t != "" && equal(id, t) {
			return true
		}
	}
	return false
}
