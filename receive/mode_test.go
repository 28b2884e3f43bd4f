package receive_test

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/receive"
)

// Receiver.DMARC.Mode reaches the DMARC evaluation: a policy with t=y (RFC
// 9989 section 4.7: testing, apply one step milder) quarantines a failing
// message instead of rejecting it under RFC 9989, while RFC 7489 does not
// know t and rejects. The result says which mode produced it.
func TestDMARCMode(t *testing.T) {
	res := domainauth.MustFakeResolver(`
example.com.        300 IN TXT "v=spf1 -all"
_dmarc.example.com. 300 IN TXT "v=DMARC1; p=reject; t=y"
`)
	msg := "From: a@example.com\r\nSubject: hi\r\n\r\nbody\r\n"
	env := receive.Envelope{IP: netip.MustParseAddr("203.0.113.9"), HELO: "mx.other.example", MailFrom: "a@example.com"}
	for _, c := range []struct {
		mode dmarc.Mode
		want dmarc.Policy
	}{
		{dmarc.RFC9989, dmarc.Quarantine},
		{dmarc.RFC7489, dmarc.Reject},
	} {
		r := &receive.Receiver{AuthServID: "mx.example.net", Resolver: res, DMARC: dmarc.Checker{Mode: c.mode}, SkipARC: true}
		got, err := r.Authenticate(context.Background(), strings.NewReader(msg), env)
		if err != nil {
			t.Fatal(err)
		}
		if got.DMARC.Status != dmarc.StatusFail || got.DMARC.Disposition != c.want || got.DMARC.Mode != c.mode {
			t.Errorf("%s: status %s disposition %s mode %s; want fail, %s, %s", c.mode, got.DMARC.Status, got.DMARC.Disposition, got.DMARC.Mode, c.want, c.mode)
		}
	}
}

// fixedDraw is a pct sampling source that always draws n.
type fixedDraw int

func (f fixedDraw) IntN(int) int { return int(f) }

// Receiver.DMARC is the whole dmarc.Checker: its Resolver, when set, is
// the one DMARC asks (the Receiver's otherwise), and its Rand and
// IgnorePercent drive pct sampling (RFC 7489 section 6.6.4: a message
// outside the sample gets the next weaker policy).
func TestDMARCChecker(t *testing.T) {
	const zone = `
example.com.        300 IN TXT "v=spf1 -all"
_dmarc.example.com. 300 IN TXT "v=DMARC1; p=reject; pct=50"
`
	msg := "From: a@example.com\r\nSubject: hi\r\n\r\nbody\r\n"
	env := receive.Envelope{IP: netip.MustParseAddr("203.0.113.9"), HELO: "mx.other.example", MailFrom: "a@example.com"}
	noPolicy := domainauth.MustFakeResolver(`example.com. 300 IN TXT "v=spf1 -all"`)
	for _, c := range []struct {
		name     string
		resolver domainauth.Resolver // Receiver.Resolver
		checker  dmarc.Checker
		status   dmarc.Status
		want     dmarc.Policy
	}{
		{"receiver's resolver, sampled in", domainauth.MustFakeResolver(zone), dmarc.Checker{Mode: dmarc.RFC7489, Rand: fixedDraw(10)}, dmarc.StatusFail, dmarc.Reject},
		{"receiver's resolver, sampled out", domainauth.MustFakeResolver(zone), dmarc.Checker{Mode: dmarc.RFC7489, Rand: fixedDraw(90)}, dmarc.StatusFail, dmarc.Quarantine},
		{"pct ignored", domainauth.MustFakeResolver(zone), dmarc.Checker{Mode: dmarc.RFC7489, Rand: fixedDraw(90), IgnorePercent: true}, dmarc.StatusFail, dmarc.Reject},
		// The Receiver's resolver wins over DMARC's own, as it does over
		// those of SPF, DKIM and ARC: one message, one view of the DNS.
		{"receiver's resolver over DMARC's own", noPolicy, dmarc.Checker{Resolver: domainauth.MustFakeResolver(zone), Mode: dmarc.RFC7489, Rand: fixedDraw(10)}, dmarc.StatusNone, dmarc.None},
		{"no policy at the receiver's resolver", noPolicy, dmarc.Checker{Mode: dmarc.RFC7489}, dmarc.StatusNone, dmarc.None},
	} {
		r := &receive.Receiver{AuthServID: "mx.example.net", Resolver: c.resolver, DMARC: c.checker, SkipARC: true}
		got, err := r.Authenticate(context.Background(), strings.NewReader(msg), env)
		if err != nil {
			t.Fatal(err)
		}
		if got.DMARC.Status != c.status || got.DMARC.Disposition != c.want {
			t.Errorf("%s: status %s disposition %s; want %s, %s (%s)", c.name, got.DMARC.Status, got.DMARC.Disposition, c.status, c.want, got.DMARC.Reason)
		}
	}
}
