package reports

import (
	"errors"
	"fmt"
)

// Errors, wrapped by *SyntaxError and checked with errors.Is.
var (
	// ErrSyntax matches every *SyntaxError: the input could not be read
	// as a report, for any of the reasons below.
	ErrSyntax = errors.New("report not read")
	// ErrEmpty means the input has no bytes at all.
	ErrEmpty = errors.New("empty input")
	// ErrUnknownFormat means the content is none of XML, JSON, gzip, zip or
	// an e-mail carrying a report.
	ErrUnknownFormat = errors.New("not a report: unknown format")
	// ErrNoReport means an e-mail or archive was read but carries no report.
	ErrNoReport = errors.New("no report found")
	// ErrMalformed means the XML, JSON or e-mail is not well-formed.
	ErrMalformed = errors.New("malformed report")
	// ErrInvalid means the document is well-formed but not a report: wrong
	// root element, a value that cannot be read (a count that is not a
	// number), a required element missing.
	ErrInvalid = errors.New("invalid report")
	// ErrLimit means a limit of [Parser] was reached; the error names which.
	ErrLimit = errors.New("limit exceeded")
)

// SyntaxError says what could not be read and where; it matches
// ErrSyntax, and its Err one of the other sentinels. Line and Column are
// 1-based positions in the decompressed payload (the XML or JSON text);
// zero when unknown. Part names the attachment or archive member, when the
// payload came out of one.
type SyntaxError struct {
	Part   string // attachment or archive member name; "" for a plain payload
	Line   int    // 1-based line of the payload; 0 when unknown
	Column int    // 1-based column; 0 when unknown
	Offset int64  // byte offset in the payload; -1 when unknown
	Err    error  // one of the Err* sentinels wrapping the cause
}

// Error names the problem and its position.
func (e *SyntaxError) Error() string {
	s := "reports: "
	if e.Part != "" {
		s += fmt.Sprintf("%q: ", e.Part)
	}
	if e.Line > 0 {
		s += fmt.Sprintf("line %d, column %d: ", e.Line, e.Column)
	} else if e.Offset >= 0 {
		s += fmt.Sprintf("offset %d: ", e.Offset)
	}
	return s + e.Err.Error()
}

// Unwrap returns the cause.
func (e *SyntaxError) Unwrap() error { return e.Err }

// Is makes every *SyntaxError match ErrSyntax.
func (e *SyntaxError) Is(target error) bool { return target == ErrSyntax }

// LimitError names the limit that was reached.
type LimitError struct {
	Limit string // the Parser field, e.g. "MaxDecompressed"
	Value int64  // the limit in effect
}

// Error names the limit and its value.
func (e *LimitError) Error() string {
	return fmt.Sprintf("%s (%d) exceeded", e.Limit, e.Value)
}

// Is makes errors.Is(err, ErrLimit) true.
func (e *LimitError) Is(target error) bool { return target == ErrLimit }

// Warning is one deviation from the schema that the parser read past: an
// upper-case result, an empty element, a missing optional element, an
// unknown element. The report is still complete; the warning says where a
// value was normalised or defaulted.
type Warning struct {
	Line    int    // 1-based line in the payload; 0 when unknown
	Path    string // the element path, e.g. "record/row/policy_evaluated/dkim"
	Message string // what was wrong and what the parser did
}

// String gives the warning as "line N: path: message".
func (w Warning) String() string {
	if w.Line > 0 {
		return fmt.Sprintf("line %d: %s: %s", w.Line, w.Path, w.Message)
	}
	return w.Path + ": " + w.Message
}
