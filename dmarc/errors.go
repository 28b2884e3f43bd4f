package dmarc

import (
	"errors"
	"fmt"
)

// Parse errors, wrapped by *ParseError and checked with errors.Is.
var (
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
	// ErrSyntax means a tag is malformed (no "=", bad name, bad character).
	ErrSyntax = errors.New("malformed tag")
	// ErrDuplicateTag means a known tag appears twice; the record is then
	// ambiguous and rejected.
	ErrDuplicateTag = errors.New("duplicate tag")
)

// ParseError says what is wrong in a DMARC record and where. Parse returns
// it for unusable records; Record.Discarded holds the ones Parse recovered
// from.
type ParseError struct {
	Tag    string // the tag name as written; "" when the problem is not one tag
	Offset int    // byte offset in the text where the problem starts
	Value  string // the offending value, when there is one
	Err    error  // one of the Err* sentinels, possibly wrapping a cause
}

// Error describes the problem, naming what is wrong and where.
func (e *ParseError) Error() string {
	switch {
	case e.Tag != "" && e.Value != "":
		return fmt.Sprintf("dmarc: tag %q at offset %d: %v %q", e.Tag, e.Offset, e.Err, e.Value)
	case e.Tag != "":
		return fmt.Sprintf("dmarc: tag %q at offset %d: %v", e.Tag, e.Offset, e.Err)
	}
	return fmt.Sprintf("dmarc: offset %d: %v", e.Offset, e.Err)
}

// Unwrap returns the reason, for errors.Is.
func (e *ParseError) Unwrap() error { return e.Err }

// Lookup errors.
var (
	// ErrTemporary marks a DNS failure that may go away on retry (timeout,
	// SERVFAIL, refused, cancelled context). DMARC evaluation must then
	// report temperror, never "no policy". errors.As still reaches the
	// resolver's *net.DNSError or the context error.
	ErrTemporary = errors.New("temporary DNS failure")
	// ErrInvalidRecord marks a DMARC record that was found but cannot be
	// used (see ParseError); evaluation reports permerror.
	ErrInvalidRecord = errors.New("invalid DMARC record")
)

// DNSError is a temporary DNS failure while looking up Name.
// errors.Is(err, ErrTemporary) is true for it.
type DNSError struct {
	Name string // the name queried
	Err  error  // the resolver's error
}

// Error describes the problem, naming what is wrong and where.
func (e *DNSError) Error() string {
	return fmt.Sprintf("dmarc: lookup %s: %v", e.Name, e.Err)
}

// Unwrap returns the resolver's error.
func (e *DNSError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrTemporary) true.
func (e *DNSError) Is(target error) bool { return target == ErrTemporary }

// IsTemporary reports whether err is a temporary DNS failure.
func IsTemporary(err error) bool { return errors.Is(err, ErrTemporary) }

// RecordError is an unusable DMARC record found at Name.
// errors.Is(err, ErrInvalidRecord) is true for it, and errors.As reaches
// the *ParseError.
type RecordError struct {
	Name string // the DNS name of the record, _dmarc.<domain>
	TXT  string // the record text
	Err  error  // the *ParseError
}

// Error describes the problem, naming what is wrong and where.
func (e *RecordError) Error() string {
	return fmt.Sprintf("dmarc: record at %s: %v", e.Name, e.Err)
}

// Unwrap returns the parse error.
func (e *RecordError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrInvalidRecord) true.
func (e *RecordError) Is(target error) bool { return target == ErrInvalidRecord }
