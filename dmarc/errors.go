package dmarc

import (
	"errors"
	"fmt"
	"net"
	"strings"

	"github.com/domainauth/domainauth/internal/dnserr"
)

// Syntax errors, found by Parse and wrapped by *SyntaxError; errors.Is
// matches the specific one, and ErrSyntax matches them all.
var (
	// ErrSyntax matches every *SyntaxError: the text is not a usable DMARC
	// record, or a tag of it is invalid.
	ErrSyntax = errors.New("invalid DMARC record text")
	// ErrNotDMARC means the text does not start with "v=DMARC1": it is not
	// a DMARC record at all, and policy discovery ignores it (RFC 7489
	// section 6.6.3 step 3).
	ErrNotDMARC = errors.New("not a DMARC record (must start with v=DMARC1)")
	// ErrNoPolicy means the record has no p tag and no valid rua to fall
	// back on (RFC 7489 section 6.6.3 step 6).
	ErrNoPolicy = errors.New("missing p tag and no valid rua")
	// ErrMissingPolicy means the record has no p tag but has a valid rua,
	// so it is read as p=none; Record.Discarded holds it.
	ErrMissingPolicy = errors.New("missing p tag")
	// ErrBadValue means a tag's value is not allowed by the grammar.
	ErrBadValue = errors.New("invalid value")
	// ErrMalformedTag means a tag is malformed (no "=", bad name, bad
	// character).
	ErrMalformedTag = errors.New("malformed tag")
	// ErrDuplicateTag means a known tag appears twice; the record is then
	// ambiguous and rejected.
	ErrDuplicateTag = errors.New("duplicate tag")
)

// SyntaxError says what is wrong in a DMARC record, or in a report URI
// given to ParseURI, and where. Parse returns it for unusable records;
// Record.Discarded holds the ones Parse recovered from. Every
// *SyntaxError matches ErrSyntax.
type SyntaxError struct {
	Tag    string // the tag name as written; "" when the problem is not one tag
	Offset int    // byte offset in the text where the problem starts
	Value  string // the offending value, when there is one
	Err    error  // one of the Err* sentinels, possibly wrapping a cause
}

// Error describes the problem, naming what is wrong and where.
func (e *SyntaxError) Error() string {
	switch {
	case e.Tag != "" && e.Value != "":
		return fmt.Sprintf("dmarc: tag %q at offset %d: %v %q", e.Tag, e.Offset, e.Err, e.Value)
	case e.Tag != "":
		return fmt.Sprintf("dmarc: tag %q at offset %d: %v", e.Tag, e.Offset, e.Err)
	case e.Value != "":
		return fmt.Sprintf("dmarc: %q at offset %d: %v", e.Value, e.Offset, e.Err)
	}
	return fmt.Sprintf("dmarc: offset %d: %v", e.Offset, e.Err)
}

// Unwrap returns the reason, for errors.Is.
func (e *SyntaxError) Unwrap() error { return e.Err }

// Is makes every *SyntaxError match ErrSyntax.
func (e *SyntaxError) Is(target error) bool { return target == ErrSyntax }

// ErrInvalidRecord marks a DMARC record that was found but cannot be used
// (see RecordError); evaluation reports permerror.
var ErrInvalidRecord = errors.New("invalid DMARC record")

// IsTemporary reports whether err is a DNS or context failure other than
// "not found" (a timeout, SERVFAIL, a network error, a cancelled or
// expired context): DMARC evaluation must then report temperror, never
// "no policy". A syntax error or an invalid record is not temporary. It is
// the same function as the root package's domainauth.IsTemporary.
//
// The errors of Lookup, Verify and AuthorizeExternal for a failed query
// wrap a *net.DNSError (the resolver's own, or one made from its error),
// which errors.As reaches.
func IsTemporary(err error) bool { return dnserr.IsTemporary(err) }

// RecordError is an unusable DMARC record found at Name.
// errors.Is(err, ErrInvalidRecord) is true for it, and errors.As reaches
// the *SyntaxError.
type RecordError struct {
	Name string // the DNS name of the record, _dmarc.<domain>
	TXT  string // the record text
	Err  error  // the *SyntaxError
}

// Error describes the problem, naming what is wrong and where.
func (e *RecordError) Error() string {
	return fmt.Sprintf("dmarc: record at %s: %v", e.Name, trimPrefix(e.Err))
}

// Unwrap returns the parse error.
func (e *RecordError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrInvalidRecord) true.
func (e *RecordError) Is(target error) bool { return target == ErrInvalidRecord }

// trimPrefix returns the text of err without a leading "dmarc: ".
func trimPrefix(err error) string {
	return strings.TrimPrefix(err.Error(), "dmarc: ")
}

// lookupError is the error of a failed query for name: the resolver's
// error when it is or wraps a *net.DNSError, else a temporary
// *net.DNSError made from it (the Resolver contract makes every error
// other than "not found" a temporary failure), prefixed with "dmarc: ".
func lookupError(name string, err error) error {
	var de *net.DNSError
	if !errors.As(err, &de) {
		err = dnserr.Temporary(name, err)
	}
	return fmt.Errorf("dmarc: %w", err)
}
