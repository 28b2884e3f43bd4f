package authres_test

import (
	"context"
	"fmt"
	"net/netip"
	"strings"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/authres"
	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/spf"
)

// A receiving MTA checks a message and records the results, one line per
// method.
func Example_receiver() {
	dns := domainauth.MustFakeResolver(`
$ORIGIN esp.example.
bounce  TXT "v=spf1 ip4:192.0.2.0/24 -all"
$ORIGIN example.com.
_dmarc  TXT "v=DMARC1; p=reject"
`)
	ctx := context.Background()
	client := netip.MustParseAddr("192.0.2.25")
	mailFrom := "b-123@bounce.esp.example"

	// SPF, from a real check against the zone above.
	checker := spf.Checker{Resolver: dns, HELO: "mta1.esp.example"}
	spfOutcome := checker.CheckMailFrom(ctx, client, mailFrom)

	// DKIM: what dkim.Verify returned (built here by hand).
	sig := &dkim.Signature{Domain: "example.com", Selector: "sel1", Algorithm: dkim.RSASHA256,
		Signature: []byte{0xa0, 0x83, 0x44, 0x3b, 0xc8, 0x60, 0x9f, 0xfc, 0xfd}}
	dkimResults := []dkim.Result{{Status: dkim.Pass, Signature: sig}}

	// DMARC, from the two above.
	dmarcResult := dmarc.Verify(ctx, dns, authres.DMARCInput("example.com", spfOutcome, "bounce.esp.example", dkimResults))

	h := authres.Header{AuthServID: "mx.example.net"}
	h.Results = append(h.Results, authres.SPFMailFrom(spfOutcome, mailFrom))
	h.Results = append(h.Results, authres.DKIM(dkimResults...)...)
	h.Results = append(h.Results, authres.DMARC(dmarcResult))
	// Field folds with CRLF, the line end of mail; shown here as newlines.
	fmt.Println(strings.ReplaceAll(h.Field(), "\r\n", "\n"))
	// Output:
	// Authentication-Results: mx.example.net;
	//	spf=pass smtp.mailfrom=b-123@bounce.esp.example;
	//	dkim=pass header.d=example.com header.s=sel1 header.a=rsa-sha256
	//	header.b=oINEO8hg;
	//	dmarc=pass (p=reject dis=none) header.from=example.com
}

// An ESP reads back the results its own inbound servers wrote on a reply,
// and ignores what anyone else wrote.
func ExampleTrusted() {
	fields := []string{
		"mx.esp.example;\r\n\tspf=pass smtp.mailfrom=customer.example;\r\n\tdkim=fail reason=\"body hash mismatch\" header.d=customer.example header.b=EToRSuvU;\r\n\tdmarc=fail header.from=customer.example",
		"mail.sender.example; dmarc=pass header.from=customer.example",
	}
	headers, err := authres.Trusted(fields, "mx.esp.example")
	if err != nil {
		fmt.Println(err)
	}
	for _, h := range headers {
		for _, r := range h.Results {
			fmt.Printf("%-5s %s", r.Method, r.Value)
			if r.Reason != "" {
				fmt.Printf(" (%s)", r.Reason)
			}
			fmt.Println()
		}
	}
	// Output:
	// spf   pass
	// dkim  fail (body hash mismatch)
	// dmarc fail
}

func ExampleParse() {
	h, err := authres.Parse("Authentication-Results: foo.example.net (foobar) 1 (baz);\r\n" +
		"    dkim (Because I like it) / 1 (One yay) = (wait for it) fail\r\n" +
		"      policy (A dot can go here) . (like that) expired\r\n" +
		"      (this surprised me) = (as I wasn't expecting it) 1362471462")
	if err != nil {
		panic(err)
	}
	r := h.Results[0]
	fmt.Println(h.AuthServID, h.Version, r.Method, r.MethodVersion, r.Value)
	expired, _ := r.Get("policy", "expired")
	fmt.Println("policy.expired =", expired)
	fmt.Println(h)

	_, err = authres.Parse("example.com; dmarc=none action=none header.from=example.com")
	fmt.Println(err)
	// Output:
	// foo.example.net 1 dkim 1 fail
	// policy.expired = 1362471462
	// foo.example.net 1; dkim/1=fail policy.expired=1362471462
	// authres: offset 30: expected '.' after property type "action", found '='
}

func ExampleHeader_String() {
	h := authres.Header{AuthServID: "mx.example.net", Results: []authres.Result{{
		Method: "spf", Value: "pass",
		Properties: []authres.Property{{Type: "smtp", Name: "mailfrom", Value: `"john doe"@example.com`}},
	}, {
		Method: "dkim", Value: "fail", Reason: `key "sel1" revoked`,
		Properties: []authres.Property{{Type: "header", Name: "b", Value: "gfT/i2HB"}},
	}}}
	fmt.Println(h.String())
	fmt.Println(authres.Header{AuthServID: "mx.example.net"})
	// Output:
	// mx.example.net; spf=pass smtp.mailfrom="john doe"@example.com; dkim=fail reason="key \"sel1\" revoked" header.b="gfT/i2HB"
	// mx.example.net; none
}

// The border MTA removes fields that claim its authserv-id before adding
// its own (RFC 8601 section 5).
func ExampleClaims() {
	incoming := []string{
		"mx.example.net; dmarc=pass header.from=bank.example",
		"relay.sender.example; spf=pass smtp.mailfrom=sender.example",
	}
	for _, f := range incoming {
		if authres.Claims(f, "mx.example.net") {
			fmt.Println("remove:", f)
		} else {
			fmt.Println("keep:  ", f)
		}
	}
	// Output:
	// remove: mx.example.net; dmarc=pass header.from=bank.example
	// keep:   relay.sender.example; spf=pass smtp.mailfrom=sender.example
}
