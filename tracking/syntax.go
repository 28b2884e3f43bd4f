package tracking

import "errors"

// ErrSyntax matches every *SyntaxError (errors.Is).
var ErrSyntax = errors.New("syntax error")

// SyntaxError describes text that ParseHSTS or ParseLink (and so
// Linker.Verify) could not read. Err is the reason, wrapping one of
// ErrHSTSMaxAge, ErrHSTSDuplicate, ErrHSTSDirective, ErrMalformedLink or
// ErrLinkTooLong.
type SyntaxError struct {
	Input string // the header value or link given
	Err   error  // the reason
}

// Error returns the reason, with the package's prefix.
func (e *SyntaxError) Error() string { return "tracking: " + e.Err.Error() }

// Unwrap returns the reason, for errors.Is.
func (e *SyntaxError) Unwrap() error { return e.Err }

// Is makes every *SyntaxError match ErrSyntax.
func (e *SyntaxError) Is(target error) bool { return target == ErrSyntax }
