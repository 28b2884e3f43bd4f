package finding

import "github.com/domainauth/domainauth/internal/enumtext"

// Severity says how much a Finding matters. The zero value is unset: it
// prints as "Severity(0)" and refuses to marshal, so a producer that
// forgets to set it is caught by its first JSON test.
type Severity int

// The severities, from least to most serious. Producers compare them with
// < and >, so the order is part of the contract.
const (
	// Info is advice or a fact worth knowing: nothing is broken.
	Info Severity = iota + 1
	// Warning: things work today, but mail (or links) may suffer for some
	// receivers, or the state is unknown for now.
	Warning
	// Error: the record (or host) does not do its job; for verify the
	// domain cannot be verified until it is fixed.
	Error
)

var severityNames = [...]string{Info: "info", Warning: "warning", Error: "error"}

// Valid reports whether s is one of Info, Warning and Error.
func (s Severity) Valid() bool { return s >= Info && s <= Error }

// String returns "info", "warning" or "error", and "Severity(n)" for any
// other value.
func (s Severity) String() string { return enumtext.String(s, severityNames[:], "Severity") }

// MarshalText encodes s as "info", "warning" or "error"; any other value,
// the zero Severity included, is an error.
func (s Severity) MarshalText() ([]byte, error) {
	return enumtext.Marshal(s, severityNames[:], "finding: invalid severity")
}

// UnmarshalText decodes "info", "warning" or "error".
func (s *Severity) UnmarshalText(b []byte) error {
	return enumtext.Unmarshal(s, b, severityNames[:], "finding: unknown severity")
}

// Code identifies a kind of problem. Codes are stable: services store them,
// count them and map them to their own help pages. New codes may be added;
// existing ones keep their text and meaning. Every code is one of the Code*
// constants of this package and has an entry in the catalogue (see
// Catalogue and docs/FINDINGS.md in the repository).
type Code string

// Finding is one problem found (or one fact worth knowing), with what to do
// about it. Every package of the module that reports problems (spf, dmarc,
// records, verify, tracking) reports them in this shape:
//
//	{"code": "name-doubled", "severity": "error",
//	 "subject": "cio123.example.com MX",
//	 "message": "MX record found at cio123.example.com.example.com instead of cio123.example.com",
//	 "fix": "Your DNS host adds the domain by itself (GoDaddy does): ..."}
type Finding struct {
	// Code is the kind of problem, one of the Code* constants.
	Code Code `json:"code"`
	// Severity is Info, Warning or Error; never zero in a producer's
	// output.
	Severity Severity `json:"severity"`
	// Subject is what the finding is about; each producer documents its
	// form: verify and records write the record as "<fqdn> <TYPE>" (empty
	// for the domain as a whole), spf the domain whose record it is, dmarc
	// the tag concerned (empty for the record as a whole), tracking the
	// host checked.
	Subject string `json:"subject,omitempty"`
	// Message says in one line what was found. The wording may change.
	Message string `json:"message"`
	// Fix says what to change, in words a non-expert can follow; empty
	// when there is nothing to do or the producer cannot know.
	Fix string `json:"fix,omitempty"`
}

// String returns "severity code subject: message" (without the subject
// when it is empty).
func (f Finding) String() string {
	s := f.Severity.String() + " " + string(f.Code)
	if f.Subject != "" {
		s += " " + f.Subject
	}
	return s + ": " + f.Message
}
