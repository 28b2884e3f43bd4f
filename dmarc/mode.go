package dmarc

import "github.com/domainauth/domainauth/internal/enumtext"

// Mode is the DMARC specification a receiver follows: RFC 9989 (the
// default, the zero value) or RFC 7489. The package doc lists every place
// where the two differ.
type Mode uint8

// Modes.
const (
	// RFC9989 reads records and discovers policies as RFC 9989 (DMARCbis,
	// which obsoletes RFC 7489 and RFC 9091) says: the DNS tree walk, the
	// tags np, psd and t, no pct, rf or ri.
	RFC9989 Mode = iota
	// RFC7489 reads records and discovers policies as RFC 7489 says: the
	// organizational domain from the public suffix list, the tags pct, rf
	// and ri, no np, psd or t (they are unknown tags and ignored).
	RFC7489
)

var modeNames = [...]string{RFC9989: "rfc9989", RFC7489: "rfc7489"}

// String returns "rfc9989" or "rfc7489", the spelling ParseMode reads.
func (m Mode) String() string { return enumtext.String(m, modeNames[:], "Mode") }

// ParseMode reads a mode as String writes it ("rfc9989", "rfc7489"; any
// case).
func ParseMode(s string) (Mode, error) {
	var m Mode
	err := m.UnmarshalText([]byte(s))
	return m, err
}

// MarshalText writes the mode as String does, so that the mode appears by
// name in JSON.
func (m Mode) MarshalText() ([]byte, error) {
	return enumtext.Marshal(m, modeNames[:], "dmarc: unknown mode")
}

// UnmarshalText reads a mode as String writes it, in any case.
func (m *Mode) UnmarshalText(b []byte) error {
	return enumtext.UnmarshalFold(m, b, modeNames[:], "dmarc: unknown mode")
}

// tags of the other generation: the tags that mode does not define, which
// Parse then ignores as unknown tags (RFC 7489 section 6.3, RFC 9989
// section 4.7: unknown tags MUST be ignored).
func (m Mode) foreignTags() Tags {
	if m == RFC7489 {
		return TagNP | TagPSD | TagT
	}
	return TagPct | TagRF | TagRI
}
