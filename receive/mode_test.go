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

// Receiver.DMARCMode reaches the DMARC evaluation: a policy with t=y (RFC
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
		r := &receive.Receiver{AuthServID: "mx.example.net", Resolver: res, DMARCMode: c.mode, SkipARC: true}
		got, err := r.Authenticate(context.Background(), strings.NewReader(msg), env)
		if err != nil {
			t.Fatal(err)
		}
		if got.DMARC.Status != dmarc.StatusFail || got.DMARC.Disposition != c.want || got.DMARC.Mode != c.mode {
			t.Errorf("%s: status %s disposition %s mode %s; want fail, %s, %s", c.mode, got.DMARC.Status, got.DMARC.Disposition, got.DMARC.Mode, c.want, c.mode)
		}
	}
}
