package spf

import (
	"errors"
	"fmt"
)

// Syntax errors, found by Parse and wrapped by *SyntaxError. A record with
// any of them evaluates to permerror (RFC 7208 section 4.6).
var (
	ErrSyntax            = errors.New("invalid SPF record") // matches every *SyntaxError
	ErrNotSPF            = errors.New(`record does not start with "v=spf1"`)
	ErrNonASCII          = errors.New("character outside printable ASCII")
	ErrUnknownMechanism  = errors.New("unknown mechanism")
	ErrMissingDomain     = errors.New("missing domain-spec")
	ErrUnexpectedArg     = errors.New("mechanism takes no argument")
	ErrBadDomainSpec     = errors.New("invalid domain-spec")
	ErrBadMacro          = errors.New("invalid macro")
	ErrBadCIDR           = errors.New("invalid CIDR length")
	ErrBadIP             = errors.New("invalid IP address")
	ErrBadModifier       = errors.New("invalid modifier")
	ErrDuplicateModifier = errors.New("redirect or exp given more than once")
)

// Evaluation errors, carried in Outcome.Err with a PermError result.
var (
	ErrLookupLimit     = errors.New("more than the allowed DNS-querying terms (RFC 7208 section 4.6.4)")
	ErrVoidLookupLimit = errors.New("more than the allowed void lookups (RFC 7208 section 4.6.4)")
	ErrMXLimit         = errors.New("mx mechanism with more than the allowed MX names (RFC 7208 section 4.6.4)")
	ErrMultipleRecords = errors.New("more than one SPF record (RFC 7208 section 4.5)")
	ErrIncludeNone     = errors.New("include target has no SPF record (RFC 7208 section 5.2)")
	ErrRedirectNone    = errors.New("redirect target has no SPF record (RFC 7208 section 6.1)")
	ErrIdentityTooLong = errors.New("identity too long to expand (RFC 5321 section 4.5.3.1)")
)

// Lookup errors, carried in Outcome.Err with a TempError result; the
// resolver's error is wrapped too, so errors.As finds a *net.DNSError.
var (
	ErrDNS = errors.New("DNS lookup failed")
)

// SyntaxError describes why Parse refused a record and where.
type SyntaxError struct {
	Input  string // the record text given to Parse
	Offset int    // byte offset in Input where the offending term or character starts
	Term   string // the offending term, when the error is about one term
	Err    error  // one of the syntax sentinels, such as ErrUnknownMechanism
}

// Error returns a message naming the reason, the term and the offset.
func (e *SyntaxError) Error() string {
	if e.Term != "" {
		return fmt.Sprintf("spf: %v in term %q at offset %d", e.Err, e.Term, e.Offset)
	}
	return fmt.Sprintf("spf: %v at offset %d", e.Err, e.Offset)
}

// Unwrap returns the reason, for errors.Is.
func (e *SyntaxError) Unwrap() error { return e.Err }

// Is makes every *SyntaxError match ErrSyntax.
func (e *SyntaxError) Is(target error) bool { return target == ErrSyntax }
