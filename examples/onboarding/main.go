// Command onboarding is the tour of domainauth, the README's first command:
//
//	go run ./examples/onboarding
//
// It plays both sides of an ESP's "add these DNS records" page on loopback,
// with no network:
//
//  1. A customer zone is served by a real DNS server on 127.0.0.1
//     (github.com/miekg/dns), and every lookup below goes through the real
//     client over UDP/TCP.
//  2. The record set for account 12345 on example.com is generated with the
//     Mailgun-style preset and printed as a table and as a zone file.
//  3. The zone holds the mistakes customers make (the name doubled by the
//     DNS host, SPF at the apex, a proxied tracking CNAME, an old DKIM key);
//     verification reports each with its fix.
//  4. The fixes are applied and the zone verifies again: Verified.
//  5. A message is signed with the account's DKIM key and checked as a
//     receiver would: DKIM pass, SPF pass for the provider's IP, DMARC pass
//     with relaxed alignment; the results are printed as the
//     Authentication-Results field a receiver writes (package authres).
//
// The exit status is 0 only when the final state is Verified and the
// message passes DMARC.
package main

import (
	"context"
	"crypto"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/authres"
	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/records"
	"github.com/domainauth/domainauth/spf"
	"github.com/domainauth/domainauth/verify"
)

// world is the part of DNS that is not the customer's: the provider's SPF
// record and the hosts the records point to.
const world = `
$TTL 300
mailgun.org.             TXT   "v=spf1 ip4:198.51.100.0/24 ~all"
mxa.mailgun.org.         A     198.51.100.10
mxb.mailgun.org.         A     198.51.100.11
e.customeriomail.com.    A     203.0.113.80
`

// customerBefore is the customer's zone as first published, with typical
// mistakes. %s is the (old) DKIM key value.
const customerBefore = `
$ORIGIN example.com.
$TTL 300
@                        MX    10 mail.example.com.
@                        TXT   "v=spf1 include:mailgun.org ~all"
mail                     A     192.0.2.25
; the DNS host appended the zone again
cio12345.example.com     MX    10 mxa.mailgun.org.
cio12345.example.com     MX    10 mxb.mailgun.org.
; an old DKIM key, from a previous setup
krs._domainkey.cio12345  TXT   %s
; the tracking CNAME is proxied: addresses answer instead of the CNAME
links                    A     104.16.0.1
_dmarc                   TXT   "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com"
`

// customerKeep is the customer's own records that stay after the fix.
const customerKeep = `
$ORIGIN example.com.
$TTL 300
@                        MX    10 mail.example.com.
mail                     A     192.0.2.25
_dmarc                   TXT   "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com"
`

func main() {
	ok, err := run(os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "onboarding:", err)
		os.Exit(1)
	}
	if !ok {
		os.Exit(1)
	}
}

func run(out io.Writer) (bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	// The account's DKIM key, and an old one the customer still has.
	signer, key, err := dkim.GenerateKey(dkim.KeyRSA, 2048, rand.Reader)
	if err != nil {
		return false, err
	}
	_, oldKey, err := dkim.GenerateKey(dkim.KeyRSA, 2048, rand.Reader)
	if err != nil {
		return false, err
	}

	// Serve the customer's zone, mistakes included, on loopback.
	fake, err := domainauth.NewFakeResolver(world + fmt.Sprintf(customerBefore, quoteTXT(oldKey.String())))
	if err != nil {
		return false, err
	}
	srv, err := fake.Serve()
	if err != nil {
		return false, err
	}
	defer srv.Close()
	client := &domainauth.StubResolver{Servers: []string{srv.Addr()}}
	v := &verify.Verifier{Resolver: client}

	section(out, "1. The records account 12345 must publish for example.com (Mailgun-style preset)")
	account := records.Account{
		Domain:       "example.com",
		ID:           "12345",
		From:         "news@example.com",
		DKIMKey:      key.String(),
		TrackingHost: "links",
		AddedAt:      time.Now().Add(-2 * time.Hour),
	}
	// What the domain already publishes decides whether SPF is merged and
	// whether a DMARC record is proposed.
	existing, err := records.Gather(ctx, client, records.MailgunStyle(), account)
	if err != nil {
		return false, err
	}
	account.Existing = &existing
	set, err := records.Generate(records.MailgunStyle(), account)
	if err != nil {
		return false, err
	}
	fmt.Fprintln(out, set.Table())
	fmt.Fprintln(out, "As a zone file:")
	fmt.Fprintln(out, set.ZoneFile())
	section(out, "2. Verify the zone as the customer first published it (DNS server "+srv.Addr()+")")
	rep, err := v.Verify(ctx, *set)
	if err != nil {
		return false, err
	}
	if err := rep.WriteText(out); err != nil {
		return false, err
	}

	section(out, "3. The customer applies the fixes; verify again")
	fixed, err := domainauth.NewFakeResolver(world + customerKeep + set.ZoneFile() + "links.example.com. 300 CNAME e.customeriomail.com.\n")
	if err != nil {
		return false, fmt.Errorf("the generated zone file does not load: %w", err)
	}
	srv.Close()
	srv, err = fixed.Serve()
	if err != nil {
		return false, err
	}
	defer srv.Close()
	client = &domainauth.StubResolver{Servers: []string{srv.Addr()}}
	v.Resolver = client
	rep, err = v.Verify(ctx, *set)
	if err != nil {
		return false, err
	}
	if err := rep.WriteText(out); err != nil {
		return false, err
	}

	section(out, "4. A message signed for the account, checked as a receiver would")
	pass, err := receive(ctx, out, client, set, signer)
	if err != nil {
		return false, err
	}
	verified := rep.Status == verify.Verified
	fmt.Fprintf(out, "\nFinal state: %s; DMARC pass: %v\n", rep.Status, pass)
	return verified && pass, nil
}

// receive signs a message as the ESP would and evaluates it as a receiver:
// DKIM, SPF for the provider's sending IP, then DMARC.
func receive(ctx context.Context, out io.Writer, r *domainauth.StubResolver, set *records.Set, signer crypto.Signer) (bool, error) {
	msg := "From: Example News <news@example.com>\r\n" +
		"To: reader@example.org\r\n" +
		"Subject: Welcome\r\n" +
		"Date: Mon, 23 Nov 2026 09:00:00 +0000\r\n" +
		"Message-ID: <1@cio12345.example.com>\r\n" +
		"\r\n" +
		"Hello, and thanks for signing up.\r\n"
	var signed strings.Builder
	err := dkim.SignMessage(&signed, strings.NewReader(msg), dkim.SignOptions{
		Domain: set.ReturnPath, Selector: "krs", Key: signer,
	})
	if err != nil {
		return false, err
	}
	dk, err := (&dkim.Verifier{Resolver: r}).Verify(ctx, strings.NewReader(signed.String()))
	if err != nil {
		return false, err
	}
	for _, res := range dk {
		fmt.Fprintf(out, "DKIM   d=%s s=%s: %s\n", res.Signature.Domain, res.Signature.Selector, res.Status)
	}

	ip := netip.MustParseAddr("198.51.100.10") // one of the provider's servers
	o := (&spf.Checker{Resolver: r, HELO: "mxa.mailgun.org"}).CheckHost(ctx, ip, set.ReturnPath, "bounce@"+set.ReturnPath)
	fmt.Fprintf(out, "SPF    %s for %s from %s", o.Result, set.ReturnPath, ip)
	if o.Term != nil {
		fmt.Fprintf(out, " (matched %s)", o.Term)
	}
	fmt.Fprintln(out)

	// The SPF and DKIM results, as they are, are the input of DMARC.
	res := dmarc.Verify(ctx, r, authres.DMARCInput("example.com", o, set.ReturnPath, dk))
	if res.Err != nil && !errors.Is(res.Err, context.Canceled) {
		fmt.Fprintf(out, "DMARC  error: %v\n", res.Err)
	}
	fmt.Fprintf(out, "DMARC  %s (policy %s=%s at _dmarc.%s): %s\n", res.Status, res.PolicyTag, res.Policy, res.PolicyDomain, res.Reason)

	// What the receiving server writes on top of the message for the
	// software behind it (RFC 8601).
	h := authres.Header{AuthServID: "mx.example.org"}
	h.Results = append(h.Results, authres.SPFMailFrom(o, "bounce@"+set.ReturnPath))
	h.Results = append(h.Results, authres.DKIM(dk...)...)
	h.Results = append(h.Results, authres.DMARC(res))
	fmt.Fprintf(out, "\nThe receiver records this as:\n%s\n", strings.ReplaceAll(h.Field(), "\r\n", "\n"))
	return res.Status == dmarc.StatusPass, nil
}

func section(w io.Writer, title string) {
	fmt.Fprintf(w, "\n== %s\n\n", title)
}

// quoteTXT writes a long TXT value as zone-file strings of at most 255
// bytes.
func quoteTXT(v string) string {
	var parts []string
	for len(v) > 255 {
		parts = append(parts, `"`+v[:255]+`"`)
		v = v[255:]
	}
	return strings.Join(append(parts, `"`+v+`"`), " ")
}
