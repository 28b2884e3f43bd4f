package reports

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/mail"
	"net/netip"
	"net/textproto"
	"strings"
	"time"

	"github.com/domainauth/domainauth/internal/ascii"
)

// FailureReport is a DMARC failure report (ruf): an ARF message (RFC 5965)
// with the authentication failure extensions of RFC 6591 and the DMARC
// fields of RFC 7489 section 7.3 and RFC 9991, or a plain-text report
// from an MTA that sends none (HasARF false).
//
//	Feedback-Type: auth-failure
//	User-Agent: Lua/1.0
//	Version: 1
//	Original-Mail-From: sharepoint@domain.de
//	Arrival-Date: Mon, 01 Oct 2018 11:20:27 +0200
//	Source-IP: 10.10.10.10
//	Reported-Domain: domain.de
//	Auth-Failure: dmarc
//	Authentication-Results: mx.example; dmarc=fail header.from=domain.de
//
// Fields hold the values as written, unfolded; "" when absent (Fields
// tells absent from empty).
type FailureReport struct {
	Email EmailInfo
	// HasARF says whether a message/feedback-report part was found. When
	// false, the values come from the "Key: value" lines of the text
	// (TextFields) and the headers quoted in it.
	HasARF bool
	// HasMessage and HasHeaders say whether the original message came as
	// message/rfc822 or only its header as text/rfc822-headers.
	HasMessage bool
	HasHeaders bool

	FeedbackType          string     // Feedback-Type: "auth-failure" for DMARC
	UserAgent             string     // User-Agent
	Version               string     // Version: "1" (RFC 5965); "1.0" is common
	ArrivalDate           string     // Arrival-Date (or Received-Date) as written
	Arrival               time.Time  // ArrivalDate parsed; zero when unreadable
	SourceIP              netip.Addr // Source-IP; invalid when absent or unreadable
	ReportedDomain        string     // Reported-Domain (the first, when several)
	AuthFailure           string     // Auth-Failure: dmarc, dkim, spf, adsp, bodyhash, revoked, signature
	DeliveryResult        string     // Delivery-Result: delivered, spam, policy, reject, other
	OriginalMailFrom      string     // Original-Mail-From
	OriginalRcptTo        string     // Original-Rcpt-To (the first, when several)
	OriginalEnvelopeID    string     // Original-Envelope-Id
	AuthenticationResults string     // Authentication-Results
	DKIMDomain            string     // DKIM-Domain
	DKIMIdentity          string     // DKIM-Identity
	DKIMSelector          string     // DKIM-Selector
	SPFDNS                string     // SPF-DNS
	IdentityAlignment     string     // Identity-Alignment (RFC 7489 section 7.3): "none", "dkim", "spf" or "dkim,spf"
	// Fields lists every field of the ARF part (or of the plain text) in
	// order, as written.
	Fields []Field
	// TextFields are the "Key: value" lines of a report without an ARF
	// part (Exim writes "Sender IP Address:", "Received date:", ...).
	TextFields []Field
	// Text is the human-readable first part.
	Text string

	// OriginalHeaders is the header block of the reported message, as
	// received; Original is the whole reported message or header block.
	OriginalHeaders string
	Original        []byte
	OriginalSubject string // its Subject, RFC 2047 decoded
	OriginalFrom    string // its From, as written
	OriginalTo      string // its To, as written
	OriginalID      string // its Message-ID
	OriginalDate    string // its Date, as written

	Warnings []Warning
}

// Field is one "Name: value" line, unfolded.
type Field struct {
	Name  string
	Value string
}

// Get returns the value of the first field named name (case-insensitive)
// and whether there is one.
func (fr *FailureReport) Get(name string) (string, bool) {
	for _, f := range fr.Fields {
		if ascii.EqualFold(f.Name, name) {
			return f.Value, true
		}
	}
	return "", false
}

// maxFields bounds the fields read from an ARF part or a text part.
const maxFields = 1000

// isFailureReport tells a failure report from a message carrying
// aggregate or TLS reports.
func isFailureReport(info *EmailInfo, parts []mimePart) bool {
	for _, p := range parts {
		if p.mediaType == "message/feedback-report" {
			return true
		}
	}
	if info.ContentType != "multipart/report" {
		return false
	}
	if info.ReportType == "feedback-report" {
		return true
	}
	if info.ReportType != "" {
		return false
	}
	// multipart/report without report-type (Exim): a failure report
	// unless a part carries an aggregate or TLS payload.
	for _, p := range parts {
		switch sniff(p.body) {
		case formatGzip, formatZip, formatJSON:
			return false
		case formatXML:
			if p.mediaType != "text/html" {
				return false
			}
		}
	}
	return true
}

// ParseFailure reads a failure report e-mail.
func (p *Parser) ParseFailure(r io.Reader) (*FailureReport, error) {
	raw, err := readAllMax(r, p.maxInput())
	if err != nil {
		return nil, &SyntaxError{Offset: -1, Err: err}
	}
	if len(raw) == 0 {
		return nil, &SyntaxError{Offset: 0, Err: ErrEmpty}
	}
	info, parts, err := p.parseEmail(raw, 0)
	if err != nil {
		return nil, err
	}
	if !isFailureReport(info, parts) {
		return nil, &SyntaxError{Offset: -1, Err: fmt.Errorf("%w: the e-mail is not a failure report (%s)", ErrNoReport, info.ContentType)}
	}
	return p.parseFailure(info, parts), nil
}

func (p *Parser) parseFailure(info *EmailInfo, parts []mimePart) *FailureReport {
	fr := &FailureReport{Email: *info}
	var textPart *mimePart
	for i := range parts {
		part := &parts[i]
		switch part.mediaType {
		case "message/feedback-report":
			if fr.HasARF {
				fr.warn("message/feedback-report", "a second ARF part ignored")
				continue
			}
			fr.HasARF = true
			fr.Fields = readFields(part.body)
			if part.encoding != "" && part.encoding != "7bit" && part.encoding != "8bit" {
				fr.warn("message/feedback-report", "transfer encoding %s (RFC 5965 registers 7bit)", part.encoding)
			}
		case "message/rfc822", "text/rfc822-headers":
			if fr.Original != nil {
				continue
			}
			fr.HasMessage = part.mediaType == "message/rfc822"
			fr.HasHeaders = !fr.HasMessage
			fr.setOriginal(part.body)
		case "text/plain":
			if textPart == nil {
				textPart = part
			}
		}
	}
	if textPart != nil {
		fr.Text = string(textPart.body)
	}
	if fr.HasARF {
		fr.fromFields(fr.Fields)
	} else {
		fr.warn("e-mail", "no message/feedback-report part: values read from the text")
		if textPart != nil {
			fields, headers := splitPlainReport(textPart.body)
			fr.TextFields = fields
			if fr.Original == nil && headers != nil {
				fr.setOriginal(headers)
			}
			fr.fromText(fields)
		}
	}
	if info.ContentType != "multipart/report" {
		fr.warn("e-mail", "content type %s, not multipart/report (RFC 6591 section 3.1)", info.ContentType)
	}
	return fr
}

func (fr *FailureReport) warn(path, format string, args ...any) {
	fr.Warnings = append(fr.Warnings, Warning{Path: path, Message: fmt.Sprintf(format, args...)})
}

// readFields reads "Name: value" fields with folded continuation lines,
// CRLF or LF, up to a blank line or maxFields fields.
func readFields(b []byte) []Field {
	var out []Field
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" {
			if len(out) > 0 {
				break
			}
			continue
		}
		if (line[0] == ' ' || line[0] == '\t') && len(out) > 0 {
			f := &out[len(out)-1]
			f.Value = strings.TrimSpace(f.Value + " " + strings.TrimSpace(line))
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(name) == "" {
			continue
		}
		if len(out) >= maxFields {
			break
		}
		out = append(out, Field{Name: strings.TrimSpace(name), Value: strings.TrimSpace(value)})
	}
	return out
}

func (fr *FailureReport) fromFields(fields []Field) {
	seen := map[string]bool{}
	for _, f := range fields {
		key := ascii.Lower(f.Name)
		first := !seen[key]
		seen[key] = true
		v := f.Value
		switch key {
		case "feedback-type":
			set(&fr.FeedbackType, v, first)
		case "user-agent":
			set(&fr.UserAgent, v, first)
		case "version":
			set(&fr.Version, v, first)
		case "arrival-date", "received-date":
			set(&fr.ArrivalDate, v, fr.ArrivalDate == "")
		case "source-ip":
			if first {
				fr.setIP(v)
			}
		case "reported-domain":
			set(&fr.ReportedDomain, v, first)
		case "auth-failure":
			set(&fr.AuthFailure, v, first)
		case "delivery-result":
			set(&fr.DeliveryResult, v, first)
		case "original-mail-from":
			set(&fr.OriginalMailFrom, v, first)
		case "original-rcpt-to":
			set(&fr.OriginalRcptTo, v, first)
		case "original-envelope-id":
			set(&fr.OriginalEnvelopeID, v, first)
		case "authentication-results":
			set(&fr.AuthenticationResults, v, first)
		case "dkim-domain":
			set(&fr.DKIMDomain, v, first)
		case "dkim-identity":
			set(&fr.DKIMIdentity, v, first)
		case "dkim-selector":
			set(&fr.DKIMSelector, v, first)
		case "spf-dns":
			set(&fr.SPFDNS, v, first)
		case "identity-alignment":
			set(&fr.IdentityAlignment, v, first)
		}
	}
	if fr.FeedbackType == "" {
		fr.warn("Feedback-Type", "missing (RFC 5965 section 3.1 requires it)")
	}
	if ascii.EqualFold(fr.FeedbackType, "auth-failure") && fr.AuthFailure == "" {
		fr.warn("Auth-Failure", "missing (RFC 6591 section 3.1 requires it in auth-failure reports)")
	}
	if fr.Version != "" && fr.Version != "1" {
		fr.warn("Version", "%q (RFC 5965 section 3.1 defines 1)", fr.Version)
	}
	switch ascii.Lower(fr.DeliveryResult) {
	case "", "delivered", "spam", "policy", "reject", "other":
	default:
		fr.warn("Delivery-Result", "%q is not an RFC 6591 value", fr.DeliveryResult)
	}
	fr.parseArrival()
}

func set(dst *string, v string, ok bool) {
	if ok {
		*dst = v
	}
}

func (fr *FailureReport) setIP(v string) {
	ip, err := netip.ParseAddr(strings.Trim(v, "[] "))
	if err != nil {
		fr.warn("Source-IP", "%q is not an IP address", v)
		return
	}
	fr.SourceIP = ip.Unmap()
}

func (fr *FailureReport) parseArrival() {
	if fr.ArrivalDate == "" {
		return
	}
	t, err := mail.ParseDate(fr.ArrivalDate)
	if err != nil {
		fr.warn("Arrival-Date", "%q is not an RFC 5322 date", fr.ArrivalDate)
		return
	}
	fr.Arrival = t
}

// fromText fills the fields from the lines a plain-text report writes
// (Exim: "Sender Domain:", "Sender IP Address:", "Received date:").
func (fr *FailureReport) fromText(fields []Field) {
	for _, f := range fields {
		switch ascii.Lower(f.Name) {
		case "sender domain", "reported domain", "domain":
			set(&fr.ReportedDomain, f.Value, fr.ReportedDomain == "")
		case "sender ip address", "source ip", "ip address", "source-ip":
			if !fr.SourceIP.IsValid() {
				fr.setIP(f.Value)
			}
		case "received date", "arrival date", "arrival-date":
			set(&fr.ArrivalDate, f.Value, fr.ArrivalDate == "")
		}
	}
	fr.parseArrival()
}

// splitPlainReport reads the "Key: value" lines of a plain-text failure
// report (indented or not, before the quoted headers) and returns the
// quoted header block that follows, if any.
func splitPlainReport(b []byte) ([]Field, []byte) {
	var fields []Field
	lines := bytes.SplitAfter(b, []byte("\n"))
	for i, raw := range lines {
		line := strings.TrimRight(string(raw), "\r\n")
		if strings.HasPrefix(line, "---") && len(fields) > 0 {
			// The quoted headers start at the first header line after
			// the separator.
			for j := i + 1; j < len(lines); j++ {
				l := strings.TrimRight(string(lines[j]), "\r\n")
				if l == "" {
					continue
				}
				if isHeaderLine(l) {
					return fields, bytes.Join(lines[j:], nil)
				}
				break
			}
			return fields, nil
		}
		t := strings.TrimSpace(line)
		name, value, ok := strings.Cut(t, ":")
		if !ok || name == "" || len(name) > 40 || !isTextKey(name) || strings.TrimSpace(value) == "" {
			continue
		}
		if len(fields) < maxFields {
			fields = append(fields, Field{Name: name, Value: strings.TrimSpace(value)})
		}
	}
	return fields, nil
}

func isTextKey(s string) bool {
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == ' ' || c == '-') {
			return false
		}
	}
	return true
}

func isHeaderLine(l string) bool {
	name, _, ok := strings.Cut(l, ":")
	if !ok || name == "" {
		return false
	}
	for _, c := range name {
		if c <= ' ' || c >= 0x7f {
			return false
		}
	}
	return true
}

// setOriginal reads the reported message (or its header).
func (fr *FailureReport) setOriginal(b []byte) {
	fr.Original = b
	hdr := b
	if i := headerEnd(b); i >= 0 {
		hdr = b[:i]
	}
	fr.OriginalHeaders = string(hdr)
	tr := textproto.NewReader(bufio.NewReader(io.MultiReader(bytes.NewReader(hdr), strings.NewReader("\r\n\r\n"))))
	h, err := tr.ReadMIMEHeader()
	if err != nil && len(h) == 0 {
		fr.warn("original message", "header unreadable: %v", err)
		return
	}
	fr.OriginalSubject = decodeHeader(unfoldHeader(h.Get("Subject")))
	fr.OriginalFrom = unfoldHeader(h.Get("From"))
	fr.OriginalTo = unfoldHeader(h.Get("To"))
	fr.OriginalID = unfoldHeader(h.Get("Message-Id"))
	fr.OriginalDate = unfoldHeader(h.Get("Date"))
}

// headerEnd returns the offset of the blank line ending a header block,
// or -1.
func headerEnd(b []byte) int {
	i := bytes.Index(b, []byte("\n\n"))
	j := bytes.Index(b, []byte("\n\r\n"))
	switch {
	case i < 0:
		if j >= 0 {
			return j + 1
		}
		return -1
	case j >= 0 && j < i:
		return j + 1
	}
	return i + 1
}
