package records

import (
	"fmt"
	"strings"
	"text/tabwriter"
)

// HostForm says how a DNS host's control panel wants records typed in. The
// zero HostForm gives fully qualified host names without trailing dots, one
// record per MX value with a separate priority, and TXT values as plain
// text: what most web forms expect.
type HostForm struct {
	// RelativeNames writes the host relative to the zone ("cio12345", "@"
	// for the apex) for hosts that append the domain themselves: typing the
	// full name there publishes "cio12345.example.com.example.com" (GoDaddy
	// and many others).
	RelativeNames bool
	// CombineMX writes all MX values of a name as one record whose value
	// holds one "priority host" per line: AWS Route 53 allows a single
	// record set per name and type.
	CombineMX bool
	// QuoteTXT writes TXT values in double quotes, split into strings of at
	// most 255 bytes (Route 53, zone-file style editors).
	QuoteTXT bool
	// EscapeSemicolons writes ";" in TXT values as "\;", for hosts whose
	// forms refuse a bare semicolon. Do not use it elsewhere: the backslash
	// would be published literally and break DKIM keys.
	EscapeSemicolons bool
	// TrailingDot ends host names in values (MX, CNAME) and, unless
	// RelativeNames, record names with a dot.
	TrailingDot bool
	// Note is advice in words for the person typing every record into
	// this host's form (a quirk of its panel), copied to HostRecord.Note.
	Note string
	// CNAMENote is further advice for CNAME records only, added after Note
	// (on Cloudflare: a proxied CNAME answers with the proxy's addresses
	// instead of the alias, so it must be set to "DNS only").
	CNAMENote string
}

// GoDaddyForm is the form for hosts that append the domain to the host
// field (GoDaddy, Namecheap and many registrar panels).
func GoDaddyForm() HostForm { return HostForm{RelativeNames: true} }

// Route53Form is the form AWS Route 53 asks for: fully qualified names,
// both MX values in one record, TXT values quoted.
func Route53Form() HostForm {
	return HostForm{CombineMX: true, QuoteTXT: true, TrailingDot: true}
}

// EscapedSemicolonForm is GoDaddyForm with semicolons escaped, for hosts
// that reject ";" in TXT values.
func EscapedSemicolonForm() HostForm { return HostForm{RelativeNames: true, EscapeSemicolons: true} }

// CloudflareForm is the form of Cloudflare's DNS panel: names relative to
// the zone ("@" for the apex; Cloudflare appends the domain), MX priority
// in its own field, TXT values as plain text (Cloudflare splits values
// over 255 bytes itself), and every CNAME with its proxy status set to
// "DNS only": a proxied CNAME is flattened to Cloudflare's own addresses,
// so receivers and the provider never see the alias.
func CloudflareForm() HostForm {
	return HostForm{
		RelativeNames: true,
		CNAMENote:     `Proxy status: DNS only (grey cloud). A proxied CNAME hides the target, so the record cannot be verified and DKIM keys or tracked links behind it stop working.`,
	}
}

// HostRecord is one record as typed into a DNS host's form.
type HostRecord struct {
	Purpose Purpose // what the record is for, as in Record.Purpose
	// Host is the record name as the form wants it: Record.Name under
	// RelativeNames, otherwise Record.FQDN, with a final dot under
	// TrailingDot.
	Host string
	Type Type // the record type: TypeMX, TypeTXT or TypeCNAME
	// Priority is the MX preference, 0 for other types and for combined MX
	// records (whose Value holds the priorities).
	Priority uint16
	// Value is one record value in the form's syntax: a host name for MX
	// and CNAME (with a final dot under TrailingDot), TXT text quoted or
	// escaped as the form asks, or for a combined MX record one
	// "priority host" line per value.
	Value    string
	TTL      uint32 // time to live in seconds, as in Record.TTL
	Required bool   // Record.Required: needed for the domain to be Verified, not advice
	// Note is the form's advice for this record in words (HostForm.Note,
	// and HostForm.CNAMENote for a CNAME), empty when the form has none.
	Note string
}

// ForHost returns the set's records in form f.
func (s *Set) ForHost(f HostForm) []HostRecord {
	var out []HostRecord
	for i := range s.Records {
		r := &s.Records[i]
		host := r.FQDN
		if f.RelativeNames {
			host = r.Name
		} else if f.TrailingDot {
			host += "."
		}
		hr := HostRecord{Purpose: r.Purpose, Host: host, Type: r.Type, TTL: r.TTL, Required: r.Required, Note: f.note(r.Type)}
		dot := ""
		if f.TrailingDot {
			dot = "."
		}
		ps := r.priorities()
		switch {
		case r.Type == TypeMX && f.CombineMX:
			lines := make([]string, len(r.Values))
			for j, v := range r.Values {
				lines[j] = fmt.Sprintf("%d %s%s", ps[j], v, dot)
			}
			hr.Value = strings.Join(lines, "\n")
			out = append(out, hr)
		case r.Type == TypeMX:
			for j, v := range r.Values {
				h := hr
				h.Priority = ps[j]
				h.Value = v + dot
				out = append(out, h)
			}
		case r.Type == TypeCNAME:
			for _, v := range r.Values {
				h := hr
				h.Value = v + dot
				out = append(out, h)
			}
		default:
			for _, v := range r.Values {
				h := hr
				switch {
				case f.QuoteTXT:
					h.Value = quoteTXT(v, f.EscapeSemicolons)
				case f.EscapeSemicolons:
					h.Value = strings.ReplaceAll(v, ";", `\;`)
				default:
					h.Value = v
				}
				out = append(out, h)
			}
		}
	}
	return out
}

// note is the advice of form f for a record of type t.
func (f HostForm) note(t Type) string {
	n := f.Note
	if t == TypeCNAME && f.CNAMENote != "" {
		if n != "" {
			n += " "
		}
		n += f.CNAMENote
	}
	return n
}

// HostTable returns the records in form f as an aligned plain-text table,
// one row per record (a combined MX record takes one line per value). The
// value comes last, so a long DKIM key widens its own row only, and each
// record's note (HostRecord.Note) follows on a line of its own.
func (s *Set) HostTable(f HostForm) string {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TYPE\tHOST\tPRIORITY\tTTL\tREQUIRED\tVALUE")
	for _, r := range s.ForHost(f) {
		prio := ""
		if r.Type == TypeMX && !f.CombineMX {
			prio = fmt.Sprint(r.Priority)
		}
		for i, line := range strings.Split(r.Value, "\n") {
			if i == 0 {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", r.Type, r.Host, prio, r.TTL, yesNo(r.Required), line)
			} else {
				fmt.Fprintf(tw, "\t\t\t\t\t%s\n", line)
			}
		}
		if r.Note != "" {
			fmt.Fprintf(tw, "\t\t\t\t\tNote: %s\n", r.Note)
		}
	}
	tw.Flush()
	return b.String()
}

// Table returns the set as an aligned plain-text table for people: the
// domain (in both forms when it is internationalised), each record with
// its purpose, type, full name, priority, value and whether it is required,
// then the findings ("Error: ...", "Info: ...").
func (s *Set) Table() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Domain:   %s", s.Domain)
	if s.UnicodeDomain != "" {
		fmt.Fprintf(&b, " (%s)", s.UnicodeDomain)
	}
	fmt.Fprintf(&b, "\nProvider: %s\n", s.Provider)
	if s.ReturnPath != "" {
		fmt.Fprintf(&b, "Return path: %s\n", s.ReturnPath)
	}
	b.WriteByte('\n')
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PURPOSE\tTYPE\tNAME\tPRIORITY\tREQUIRED\tVALUE")
	for i := range s.Records {
		r := &s.Records[i]
		ps := r.priorities()
		name := r.FQDN
		if r.UnicodeFQDN != "" {
			name += " (" + r.UnicodeFQDN + ")"
		}
		for j, v := range r.Values {
			prio := ""
			if r.Type == TypeMX {
				prio = fmt.Sprint(ps[j])
			}
			note := ""
			if r.Merged {
				note = " (edit the existing record)"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Purpose, r.Type, name, prio, yesNo(r.Required), v+note)
		}
	}
	tw.Flush()
	for _, f := range s.Findings {
		sev := f.Severity.String()
		fmt.Fprintf(&b, "\n%s: %s\n", strings.ToUpper(sev[:1])+sev[1:], joinFix(f))
	}
	return b.String()
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
