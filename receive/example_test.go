package receive_test

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/receive"
)

// Authenticate an incoming message in one call and prepend the fields.
func ExampleReceiver_Authenticate() {
	// The sender's DNS; in production leave Resolver nil (net.DefaultResolver)
	// or use &domainauth.StubResolver{}.
	key, rec, _ := dkim.GenerateKey(dkim.KeyEd25519, 0, bytes.NewReader(make([]byte, 32)))
	resolver := domainauth.MustFakeResolver(`
example.com.                300 IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
_dmarc.example.com.         300 IN TXT "v=DMARC1; p=reject"
s1._domainkey.example.com.  300 IN TXT "` + rec.String() + `"
`)
	msg := "From: alice@example.com\r\nTo: bob@example.net\r\nSubject: hello\r\n\r\nHi Bob.\r\n"
	sig, _ := dkim.Sign(strings.NewReader(msg), dkim.SignOptions{Domain: "example.com", Selector: "s1", Key: key})
	msg = sig + msg

	r := receive.Receiver{AuthServID: "mx.example.net", Resolver: resolver}
	res, err := r.Authenticate(context.Background(), strings.NewReader(msg), receive.Envelope{
		IP:       netip.MustParseAddr("192.0.2.25"),
		HELO:     "mail.example.com",
		MailFrom: "bounce@example.com",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("spf:", res.SPF.Result, "dkim:", res.DKIM[0].Status, "arc:", res.ARC.Status)
	fmt.Println("dmarc:", res.DMARC.Status, "disposition:", res.DMARC.Disposition)
	msg = res.Fields() + msg // what the MTA delivers
	fmt.Println(strings.SplitN(msg, "\r\n", 2)[0])
	// Output:
	// spf: pass dkim: pass arc: none
	// dmarc: pass disposition: none
	// Authentication-Results: mx.example.net;
}

// Accept mail from a trusted mailing list that broke the author's DKIM
// signature but sealed the message with ARC (RFC 8617 section 7.2).
func ExampleTrustedSealers() {
	r := receive.Receiver{
		AuthServID:  "mx.example.net",
		LocalPolicy: receive.TrustedSealers("lists.example.org"),
	}
	_ = r // r.Authenticate(...): res.Override says when a DMARC fail was overridden, and why.
	fmt.Println(r.LocalPolicy(&receive.Result{}) == nil)
	// Output: true
}
