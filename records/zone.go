package records

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/domainauth/domainauth/finding"
)

// MaxTXTString is the longest character-string a TXT record can hold
// (RFC 1035 section 3.3: one length octet). Longer values, such as 2048-bit
// DKIM keys, are published as several strings of one record, which
// receivers join without spaces (RFC 7208 section 3.3, RFC 6376 section
// 3.6.2.2).
const MaxTXTString = 255

// SplitTXT cuts a TXT value into character-strings of at most MaxTXTString
// bytes. An empty value gives one empty string.
func SplitTXT(value string) []string {
	if len(value) <= MaxTXTString {
		return []string{value}
	}
	parts := make([]string, 0, len(value)/MaxTXTString+1)
	for len(value) > MaxTXTString {
		parts = append(parts, value[:MaxTXTString])
		value = value[MaxTXTString:]
	}
	return append(parts, value)
}

// QuoteTXT returns a TXT value in zone-file presentation form (RFC 1035
// section 5.1): split into strings of at most 255 bytes, each in double
// quotes, separated by spaces. Inside the quotes `"` and `\` are escaped
// with a backslash and bytes outside printable ASCII are written \DDD.
func QuoteTXT(value string) string {
	return quoteTXT(value, false)
}

func quoteTXT(value string, escapeSemicolons bool) string {
	var b strings.Builder
	for i, part := range SplitTXT(value) {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('"')
		for j := 0; j < len(part); j++ {
			switch c := part[j]; {
			case c == '"' || c == '\\':
				b.WriteByte('\\')
				b.WriteByte(c)
			case c == ';' && escapeSemicolons:
				b.WriteString(`\;`)
			case c < 0x20 || c >= 0x7f:
				fmt.Fprintf(&b, `\%03d`, c)
			default:
				b.WriteByte(c)
			}
		}
		b.WriteByte('"')
	}
	return b.String()
}

// comment makes text safe for a zone-file comment: one line, printable.
func comment(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// priorities returns the MX preference of each value of r.
func (r *Record) priorities() []uint16 {
	ps := make([]uint16, len(r.Values))
	for i := range ps {
		ps[i] = r.Priority
		if len(r.Priorities) == len(r.Values) {
			ps[i] = r.Priorities[i]
		}
	}
	return ps
}

// rdata returns the zone-file data of each value of r.
func (r *Record) rdata(escapeSemicolons bool) []string {
	ps := r.priorities()
	out := make([]string, len(r.Values))
	for i, v := range r.Values {
		switch r.Type {
		case TypeMX:
			out[i] = strconv.Itoa(int(ps[i])) + " " + v + "."
		case TypeCNAME:
			out[i] = v + "."
		default:
			out[i] = quoteTXT(v, escapeSemicolons)
		}
	}
	return out
}

// ZoneFile returns the set as BIND zone-file text (RFC 1035 section 5):
// absolute owner names, an explicit TTL and class on every line, a comment
// before each record saying what it is for and whether it is required, TXT
// values split into quoted strings of at most 255 bytes. The set's findings
// come first, as comments ("; ERROR: ..."). The text can be pasted into a
// zone file or loaded by any RFC 1035 parser (it parses with
// github.com/miekg/dns).
func (s *Set) ZoneFile() string {
	var b strings.Builder
	domain := s.Domain
	if s.UnicodeDomain != "" {
		domain += " (" + s.UnicodeDomain + ")"
	}
	fmt.Fprintf(&b, "; DNS records for %s, provider %s", comment(domain), comment(s.Provider))
	if s.AccountID != "" {
		fmt.Fprintf(&b, ", account %s", comment(s.AccountID))
	}
	fmt.Fprintf(&b, "\n; zone %s.\n", s.Zone)
	for _, f := range s.Findings {
		fmt.Fprintf(&b, "; %s: %s\n", strings.ToUpper(f.Severity.String()), comment(joinFix(f)))
	}
	for i := range s.Records {
		r := &s.Records[i]
		req := "optional"
		if r.Required {
			req = "required"
		}
		fmt.Fprintf(&b, "\n; %s (%s): %s\n", r.Purpose, req, comment(r.Description))
		if r.UnicodeFQDN != "" {
			fmt.Fprintf(&b, "; name in Unicode: %s\n", comment(r.UnicodeFQDN))
		}
		if r.Merged || r.Replaces != "" {
			fmt.Fprintf(&b, "; replaces the existing record: %s\n", comment(r.Replaces))
		}
		for _, data := range r.rdata(false) {
			fmt.Fprintf(&b, "%s.\t%d\tIN\t%s\t%s\n", r.FQDN, r.TTL, r.Type, data)
		}
	}
	return b.String()
}

// JSON returns the set as indented JSON with a final newline. The field
// names are part of the API (see the json tags of Set and Record) and do not
// change; Set round-trips through encoding/json.
func (s *Set) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// joinFix is a finding's message and fix as one text, for the outputs
// that show findings as comments or notes.
func joinFix(f finding.Finding) string {
	if f.Fix == "" {
		return f.Message
	}
	return f.Message + " " + f.Fix
}
