package spf

import "github.com/domainauth/domainauth/internal/enumtext"

// Result is the outcome of check_host (RFC 7208 section 2.6). The zero
// value is None.
type Result uint8

// The seven results of RFC 7208 section 2.6; section 8 says what a receiver
// should do with each.
const (
	None      Result = iota // no SPF record, or no valid domain to check (section 8.1)
	Neutral                 // the domain makes no assertion about the client (section 8.2)
	Pass                    // the client is authorized to use the domain (section 8.3)
	Fail                    // the client is explicitly not authorized (section 8.4)
	SoftFail                // probably not authorized; a weak fail (section 8.5)
	TempError               // a transient DNS error; retrying may succeed (section 8.6)
	PermError               // the published records are broken (section 8.7)
)

var resultNames = [...]string{
	None:      "none",
	Neutral:   "neutral",
	Pass:      "pass",
	Fail:      "fail",
	SoftFail:  "softfail",
	TempError: "temperror",
	PermError: "permerror",
}

// String returns the lower-case name used in Received-SPF and
// Authentication-Results header fields ("pass", "softfail", ...).
func (r Result) String() string { return enumtext.String(r, resultNames[:], "Result") }
