package domainauth

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/domainauth/domainauth/internal/dnsname"
)

// ErrSyntax matches every *SyntaxError (errors.Is).
var ErrSyntax = errors.New("invalid domain name")

// SyntaxError describes a domain name that NormalizeDomain refused: what
// is wrong with it and where.
type SyntaxError struct {
	Input  string // the name as given
	Offset int    // byte offset in Input where the problem starts, or -1 when it concerns the whole name (or an internationalised one)
	Err    error  // the reason, such as "empty label" or "label longer than 63 octets"
}

// Error returns a message naming the name, the reason and the offset.
func (e *SyntaxError) Error() string {
	if e.Offset >= 0 {
		return fmt.Sprintf("domainauth: invalid domain name %q: %v at offset %d", e.Input, e.Err, e.Offset)
	}
	return fmt.Sprintf("domainauth: invalid domain name %q: %v", e.Input, e.Err)
}

// Unwrap returns the reason.
func (e *SyntaxError) Unwrap() error { return e.Err }

// Is makes every *SyntaxError match ErrSyntax.
func (e *SyntaxError) Is(target error) bool { return target == ErrSyntax }

// NormalizeDomain returns a domain name that a person typed in the form
// every package of this module uses and compares: ASCII, with
// internationalised labels as A-labels ("Bücher.example" becomes
// "xn--bcher-kva.example"), lower case, without the trailing dot.
//
// Labels may hold letters, digits, hyphens and underscores (service labels
// such as _dmarc), or be a lone "*"; a label may not be empty or start or
// end with a hyphen, and an A-label ("xn--") must decode. A label holds at
// most 63 octets and the name at most 253 characters (RFC 1035 section
// 2.3.4), counted in A-labels. Anything else fails with a *SyntaxError
// naming what is wrong, which matches ErrSyntax.
func NormalizeDomain(s string) (string, error) {
	n, err := dnsname.Normalize(s)
	if err != nil {
		e := err.(*dnsname.Error)
		off := e.Offset
		if strings.ContainsFunc(s, func(r rune) bool { return r >= utf8.RuneSelf }) {
			off = -1 // e.Offset is in the A-label form, not in s
		}
		return "", &SyntaxError{Input: s, Offset: off, Err: e.Err}
	}
	return n, nil
}
