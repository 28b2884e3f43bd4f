package verify

import "github.com/domainauth/domainauth/internal/enumtext"

// Status is the overall verdict on a sending domain, as the "Verify domain"
// button shows it. Its text form (JSON) is the lower-case name.
type Status int

// The overall statuses. Precedence, first match wins: Undetermined (From
// address is a template, or a required record could not be looked up),
// Verified (every required record Found), then Pending, Failed or
// Unverified depending on the pending window.
const (
	// Unverified: a required record is missing or wrong and no pending
	// window applies (the Set has no AddedAt, or the window is disabled).
	Unverified Status = iota
	// Verified: every required record was found with the expected meaning.
	// The domain can send. (Green.)
	Verified
	// Pending: a required record is missing or wrong, but the pending
	// window (72 hours from when the domain was added, by default) is still
	// open: DNS changes may still be propagating. (Yellow.)
	Pending
	// Failed: a required record is missing or wrong and the pending window
	// is over. (Red.) Never the result of a DNS failure.
	Failed
	// Undetermined: the answer cannot be known now: the From address is a
	// template such as "{{ customer.email }}", or a lookup of a required
	// record timed out or failed with SERVFAIL. Retry later.
	Undetermined
	// Regressed: the domain was Verified at the previous check and a
	// required record is now missing or wrong, so mail may bounce or land
	// in spam. Only [Compare] gives it, from the previous report: a single
	// Verify is stateless and says Pending, Failed or Unverified.
	Regressed
)

var statusNames = [...]string{
	Unverified:   "unverified",
	Verified:     "verified",
	Pending:      "pending",
	Failed:       "failed",
	Undetermined: "undetermined",
	Regressed:    "regressed",
}

// String returns the lower-case name of s ("verified").
func (s Status) String() string { return enumtext.String(s, statusNames[:], "Status") }

// MarshalText encodes s as its lower-case name.
func (s Status) MarshalText() ([]byte, error) {
	return enumtext.Marshal(s, statusNames[:], "verify: unknown status")
}

// UnmarshalText decodes a lower-case status name.
func (s *Status) UnmarshalText(b []byte) error {
	return enumtext.Unmarshal(s, b, statusNames[:], "verify: unknown status")
}

// RecordStatus is the verdict on one record of a Set.
type RecordStatus int

// The record statuses.
const (
	// Missing: nothing usable at the expected name (NXDOMAIN, NODATA, or
	// records of the type that are not of this kind, like a TXT record
	// that is not SPF where SPF was expected).
	Missing RecordStatus = iota
	// Found: the record is published with the expected meaning.
	Found
	// Mismatch: a record of the kind is published at the name but it does
	// not mean what was asked (another DKIM key, an SPF record without the
	// provider's include, another CNAME target, ...).
	Mismatch
	// Error: the record could not be looked up (timeout, SERVFAIL): its
	// state is unknown, which is never the same as Missing.
	Error
)

var recordStatusNames = [...]string{
	Missing:  "missing",
	Found:    "found",
	Mismatch: "mismatch",
	Error:    "error",
}

// String returns the lower-case name of s ("found").
func (s RecordStatus) String() string {
	return enumtext.String(s, recordStatusNames[:], "RecordStatus")
}

// MarshalText encodes s as its lower-case name.
func (s RecordStatus) MarshalText() ([]byte, error) {
	return enumtext.Marshal(s, recordStatusNames[:], "verify: unknown record status")
}

// UnmarshalText decodes a lower-case record status name.
func (s *RecordStatus) UnmarshalText(b []byte) error {
	return enumtext.Unmarshal(s, b, recordStatusNames[:], "verify: unknown record status")
}
