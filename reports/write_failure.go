package reports

import (
	"bufio"
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/netip"
	"net/textproto"
	"regexp"
	"strings"
	"time"
)

// FailureMessage is what a receiver knows about a message that failed
// DMARC, and the envelope of the failure report it sends about it.
type FailureMessage struct {
	// The report e-mail.
	From      string    // the report's From address
	To        string    // the ruf mailto address, without "mailto:"
	Date      time.Time // the report's Date; zero writes the current time
	MessageID string    // the report's Message-ID without <>; "" for none
	Boundary  string    // the MIME boundary; random when empty

	// The ARF fields (RFC 5965, RFC 6591, RFC 7489 section 7.3).
	UserAgent             string     // User-Agent; "domainauth" when empty
	ReportedDomain        string     // Reported-Domain: the From domain
	SourceIP              netip.Addr // Source-IP
	Arrival               time.Time  // Arrival-Date
	OriginalMailFrom      string     // Original-Mail-From
	OriginalRcptTo        string     // Original-Rcpt-To
	AuthFailure           string     // Auth-Failure; "dmarc" when empty
	DeliveryResult        string     // Delivery-Result: delivered, spam, policy, reject or other
	AuthenticationResults string     // Authentication-Results (without the field name)
	DKIMDomain            string     // DKIM-Domain, for a DKIM failure
	DKIMIdentity          string     // DKIM-Identity
	DKIMSelector          string     // DKIM-Selector
	SPFDNS                string     // SPF-DNS
	IdentityAlignment     string     // Identity-Alignment: none, dkim, spf, or dkim,spf

	// Message is the failed message. HeadersOnly sends only its header as
	// text/rfc822-headers (RFC 6591 section 3.2), never the body.
	Message     []byte
	HeadersOnly bool
	// Redact, when set, replaces the local part of every recipient
	// address (Original-Rcpt-To, and To, Cc, Delivered-To and
	// X-Original-To in the reported header), as RFC 6590 describes.
	// RedactWith gives a keyed hash that keeps equal addresses equal.
	Redact func(local string) string
}

// RedactWith returns a redaction function for FailureMessage.Redact: the
// local part becomes the first 16 hex digits of HMAC-SHA256(key, local),
// so that the report receiver can correlate reports about one recipient
// without learning who it is (RFC 6590 section 4).
func RedactWith(key []byte) func(string) string {
	return func(local string) string {
		m := hmac.New(sha256.New, key)
		io.WriteString(m, strings.ToLower(local))
		return hex.EncodeToString(m.Sum(nil))[:16]
	}
}

var addrSpec = regexp.MustCompile(`([A-Za-z0-9!#$%&'*+/=?^_{|}~.-]+)@([A-Za-z0-9.-]+)`)

// redactAddrs replaces the local parts of the addresses in s.
func redactAddrs(s string, f func(string) string) string {
	return addrSpec.ReplaceAllStringFunc(s, func(m string) string {
		i := strings.LastIndexByte(m, '@')
		return f(m[:i]) + m[i:]
	})
}

// redactedFields are the header fields of the reported message whose
// addresses are redacted.
var redactedFields = map[string]bool{"to": true, "cc": true, "delivered-to": true, "x-original-to": true}

// redactHeader redacts the recipient fields of a header block, keeping
// its folding and line ends.
func redactHeader(hdr []byte, f func(string) string) []byte {
	var out bytes.Buffer
	redacting := false
	for _, line := range bytes.SplitAfter(hdr, []byte("\n")) {
		if len(line) > 0 && line[0] != ' ' && line[0] != '\t' {
			name, _, _ := bytes.Cut(line, []byte(":"))
			redacting = redactedFields[strings.ToLower(strings.TrimSpace(string(name)))]
		}
		if redacting {
			out.WriteString(redactAddrs(string(line), f))
		} else {
			out.Write(line)
		}
	}
	return out.Bytes()
}

// WriteFailureReport writes an ARF failure report (RFC 5965 with the
// RFC 6591 auth-failure fields and the DMARC fields of RFC 7489 section
// 7.3): a multipart/report with a text/plain part, the
// message/feedback-report part and the message (message/rfc822) or its
// header (text/rfc822-headers).
func WriteFailureReport(w io.Writer, m *FailureMessage) error {
	if m.From == "" || m.To == "" || m.ReportedDomain == "" {
		return fmt.Errorf("reports: %w: a failure report needs From, To and ReportedDomain", ErrWrite)
	}
	for _, s := range []string{m.From, m.To, m.MessageID, m.UserAgent, m.ReportedDomain, m.OriginalMailFrom, m.OriginalRcptTo, m.AuthFailure,
		m.DeliveryResult, m.AuthenticationResults, m.DKIMDomain, m.DKIMIdentity, m.DKIMSelector, m.SPFDNS, m.IdentityAlignment} {
		if strings.ContainsAny(s, "\r\n") {
			return fmt.Errorf("reports: %w: line break in a field value %q", ErrWrite, s)
		}
	}
	date := m.Date
	if date.IsZero() {
		date = time.Now()
	}
	hdr, body := m.Message, []byte(nil)
	if i := headerEnd(m.Message); i >= 0 {
		hdr, body = m.Message[:i], m.Message[i:]
	}
	rcptTo := m.OriginalRcptTo
	if m.Redact != nil {
		hdr = redactHeader(hdr, m.Redact)
		rcptTo = redactAddrs(rcptTo, m.Redact)
	}
	bw := bufio.NewWriter(w)
	mw := multipart.NewWriter(bw)
	if m.Boundary != "" {
		if err := mw.SetBoundary(m.Boundary); err != nil {
			return fmt.Errorf("reports: %w: %w", ErrWrite, err)
		}
	}
	ip := ""
	if m.SourceIP.IsValid() {
		ip = m.SourceIP.String()
	}
	h := func(k, v string) { fmt.Fprintf(bw, "%s: %s\r\n", k, v) }
	h("From", m.From)
	h("To", m.To)
	subject := "DMARC failure report for " + m.ReportedDomain
	if ip != "" {
		subject += " from " + ip
	}
	h("Subject", mime.QEncoding.Encode("utf-8", subject))
	h("Date", date.Format(time.RFC1123Z))
	if m.MessageID != "" {
		h("Message-ID", "<"+m.MessageID+">")
	}
	h("MIME-Version", "1.0")
	h("Content-Type", "multipart/report; report-type=feedback-report;\r\n\tboundary=\""+mw.Boundary()+"\"")
	bw.WriteString("\r\n")

	tp, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {"text/plain; charset=utf-8"}, "Content-Transfer-Encoding": {"7bit"}})
	if err != nil {
		return err
	}
	fmt.Fprintf(tp, "This is an authentication failure report for a message claiming to be from %s.\r\n", m.ReportedDomain)

	fp, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {"message/feedback-report"}, "Content-Transfer-Encoding": {"7bit"}})
	if err != nil {
		return err
	}
	f := func(k, v string) {
		if v != "" {
			fmt.Fprintf(fp, "%s: %s\r\n", k, v)
		}
	}
	f("Feedback-Type", "auth-failure")
	f("User-Agent", or(m.UserAgent, "domainauth"))
	f("Version", "1")
	f("Original-Mail-From", m.OriginalMailFrom)
	f("Original-Rcpt-To", rcptTo)
	if !m.Arrival.IsZero() {
		f("Arrival-Date", m.Arrival.Format(time.RFC1123Z))
	}
	f("Source-IP", ip)
	f("Reported-Domain", m.ReportedDomain)
	f("Auth-Failure", or(m.AuthFailure, "dmarc"))
	f("Delivery-Result", m.DeliveryResult)
	f("Authentication-Results", m.AuthenticationResults)
	f("DKIM-Domain", m.DKIMDomain)
	f("DKIM-Identity", m.DKIMIdentity)
	f("DKIM-Selector", m.DKIMSelector)
	f("SPF-DNS", m.SPFDNS)
	f("Identity-Alignment", m.IdentityAlignment)

	if len(m.Message) > 0 {
		ct := "message/rfc822"
		if m.HeadersOnly {
			ct = "text/rfc822-headers"
		}
		op, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {ct}})
		if err != nil {
			return err
		}
		op.Write(hdr)
		if !m.HeadersOnly {
			op.Write(body)
		}
	}
	if err := mw.Close(); err != nil {
		return err
	}
	return bw.Flush()
}
