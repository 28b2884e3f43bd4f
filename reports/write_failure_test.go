package reports

import (
	"bytes"
	"net/netip"
	"strings"
	"testing"
	"time"
)

const failedMessage = "Received: from mail.example.net by mx.receiver.example\r\n" +
	"From: Sender <sender@example.com>\r\n" +
	"To: Alice <alice@receiver.example>, bob@receiver.example\r\n" +
	"Cc:\r\n carol@receiver.example\r\n" +
	"Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\n" +
	"Message-ID: <m1@example.com>\r\n" +
	"\r\n" +
	"Secret body text for alice@receiver.example.\r\n"

func failureMessage() *FailureMessage {
	return &FailureMessage{
		From: "dmarc@receiver.example", To: "ruf@example.com", Date: time.Unix(1700000000, 0).UTC(), MessageID: "r1@receiver.example",
		ReportedDomain: "example.com", SourceIP: netip.MustParseAddr("192.0.2.7"), Arrival: time.Unix(1699999990, 0).UTC(),
		OriginalMailFrom: "bounce@mail.example.net", OriginalRcptTo: "alice@receiver.example", DeliveryResult: "reject",
		AuthenticationResults: "mx.receiver.example; dmarc=fail header.from=example.com", DKIMDomain: "example.net", IdentityAlignment: "none",
		Message: []byte(failedMessage), Boundary: "fixed-boundary-1",
	}
}

// TestFailureRoundTrip: a written ARF report reads back with its fields.
func TestFailureRoundTrip(t *testing.T) {
	m := failureMessage()
	var buf bytes.Buffer
	if err := WriteFailureReport(&buf, m); err != nil {
		t.Fatal(err)
	}
	fr, err := (&Parser{}).ParseFailure(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ name, got, want string }{
		{"Feedback-Type", fr.FeedbackType, "auth-failure"},
		{"User-Agent", fr.UserAgent, "domainauth"},
		{"Version", fr.Version, "1"},
		{"Reported-Domain", fr.ReportedDomain, "example.com"},
		{"Source-IP", fr.SourceIP.String(), "192.0.2.7"},
		{"Auth-Failure", fr.AuthFailure, "dmarc"},
		{"Delivery-Result", fr.DeliveryResult, "reject"},
		{"Original-Mail-From", fr.OriginalMailFrom, m.OriginalMailFrom},
		{"Original-Rcpt-To", fr.OriginalRcptTo, m.OriginalRcptTo},
		{"Authentication-Results", fr.AuthenticationResults, m.AuthenticationResults},
		{"DKIM-Domain", fr.DKIMDomain, "example.net"},
		{"Identity-Alignment", fr.IdentityAlignment, "none"},
		{"original Subject", fr.OriginalSubject, "Grüße"},
		{"original From", fr.OriginalFrom, "Sender <sender@example.com>"},
		{"report type", fr.Email.ReportType, "feedback-report"},
		{"subject", fr.Email.Subject, "DMARC failure report for example.com from 192.0.2.7"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if !fr.HasARF || !fr.HasMessage || fr.HasHeaders || !fr.Arrival.Equal(m.Arrival) {
		t.Errorf("parts/arrival: %+v", fr)
	}
	if !bytes.Contains(fr.Original, []byte("Secret body text")) {
		t.Error("the message body is missing")
	}
	if !strings.HasPrefix(fr.OriginalHeaders, "Received: ") || !strings.Contains(fr.OriginalHeaders, "Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=") || strings.Contains(fr.OriginalHeaders, "Secret") {
		t.Errorf("OriginalHeaders %q", fr.OriginalHeaders)
	}
	if len(fr.Warnings) > 0 {
		t.Errorf("warnings on a report we wrote: %v", fr.Warnings)
	}
	if !strings.Contains(fr.Text, "authentication failure report for a message claiming to be from example.com") {
		t.Errorf("Text %q", fr.Text)
	}
	if !bytes.Contains(buf.Bytes(), []byte(`boundary="fixed-boundary-1"`)) {
		t.Error("the boundary asked for was not used")
	}
	bad := failureMessage()
	bad.Boundary = "bad boundary\x00"
	if err := WriteFailureReport(&bytes.Buffer{}, bad); err == nil {
		t.Error("an invalid boundary was accepted")
	}
}

// TestFailureRedaction: with HeadersOnly and Redact, no recipient local
// part and no body leaves the receiver; sender addresses stay.
func TestFailureRedaction(t *testing.T) {
	m := failureMessage()
	m.HeadersOnly = true
	m.Redact = RedactWith([]byte("key"))
	var buf bytes.Buffer
	if err := WriteFailureReport(&buf, m); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, secret := range []string{"alice@", "bob@", "carol@", "Secret body"} {
		if strings.Contains(out, secret) {
			t.Errorf("report contains %q:\n%s", secret, out)
		}
	}
	for _, kept := range []string{"sender@example.com", "bounce@mail.example.net", "@receiver.example", "Content-Type: text/rfc822-headers"} {
		if !strings.Contains(out, kept) {
			t.Errorf("report lacks %q", kept)
		}
	}
	fr, err := (&Parser{}).ParseFailure(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	// The same address gets the same pseudonym in the field and the header.
	alias := RedactWith([]byte("key"))("alice")
	if fr.OriginalRcptTo != alias+"@receiver.example" || !strings.Contains(fr.OriginalTo, alias+"@receiver.example") {
		t.Errorf("Original-Rcpt-To %q, To %q, want the alias %s", fr.OriginalRcptTo, fr.OriginalTo, alias)
	}
	if len(alias) != 16 || strings.Trim(alias, "0123456789abcdef") != "" {
		t.Errorf("alias %q, want 16 hex digits", alias)
	}
	if RedactWith([]byte("other"))("alice") == alias {
		t.Error("the key does not change the alias")
	}
	if !fr.HasHeaders || fr.HasMessage {
		t.Errorf("headers only: HasHeaders %v HasMessage %v", fr.HasHeaders, fr.HasMessage)
	}
	bad := failureMessage()
	bad.OriginalRcptTo = "a@b\r\nX: y"
	if err := WriteFailureReport(&buf, bad); err == nil {
		t.Error("a line break in a field was written")
	}
	if err := WriteFailureReport(&buf, &FailureMessage{}); err == nil {
		t.Error("a report without addresses was written")
	}
}

// TestFailureFieldNamesASCII: ARF field names are ASCII and compared
// without ASCII case only. A field whose name Unicode case mapping turns
// into a known one ("Source-\u0130P" lowercases to "source-ip", "DKIM"
// with KELVIN SIGN to "dkim") is another field: it must not stand in for
// the real one, here placed before it.
func TestFailureFieldNamesASCII(t *testing.T) {
	m := failureMessage()
	var buf bytes.Buffer
	if err := WriteFailureReport(&buf, m); err != nil {
		t.Fatal(err)
	}
	forged := strings.Replace(buf.String(), "Source-IP: ", "Source-\u0130P: 198.51.100.9\r\nD\u212aIM-Domain: forged.example\r\nSource-IP: ", 1)
	if forged == buf.String() {
		t.Fatal("no Source-IP field in the written report")
	}
	fr, err := (&Parser{}).ParseFailure(strings.NewReader(forged))
	if err != nil {
		t.Fatal(err)
	}
	if fr.SourceIP.String() != "192.0.2.7" || fr.DKIMDomain != "example.net" {
		t.Errorf("SourceIP %v, DKIMDomain %q; want 192.0.2.7 and example.net from the real fields", fr.SourceIP, fr.DKIMDomain)
	}
	if v, _ := fr.Get("source-ip"); v != "192.0.2.7" {
		t.Errorf("Get(source-ip) = %q, want 192.0.2.7", v)
	}
	if v, _ := fr.Get("dkim-domain"); v != "example.net" {
		t.Errorf("Get(dkim-domain) = %q, want example.net", v)
	}
}
