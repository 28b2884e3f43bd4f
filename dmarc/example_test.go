package dmarc_test

import (
	"context"
	"fmt"
	"net/mail"
	"strings"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/dmarc"
)

func ExampleParse() {
	r, err := dmarc.Parse("v=DMARC1; p=quarantine; pct=25; ruf=mailto:reporting@example.com;")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("policy:", r.Policy, "subdomains:", r.SubdomainPolicy)
	fmt.Println("pct:", r.Percent, "set:", r.Present.Has(dmarc.TagPct))
	fmt.Println("adkim:", r.ADKIM, "set:", r.Present.Has(dmarc.TagADKIM))
	fmt.Println("failure reports to:", r.RUF[0].Address)
	fmt.Println(r)
	for _, f := range r.Findings() {
		fmt.Println("finding:", f.Code, f.Tag)
	}

	_, err = dmarc.Parse("v=DMARC1; p=block")
	fmt.Println(err)
	// Output:
	// policy: quarantine subdomains: quarantine
	// pct: 25 set: true
	// adkim: r set: false
	// failure reports to: mailto:reporting@example.com
	// v=DMARC1; p=quarantine; pct=25; ruf=mailto:reporting@example.com
	// finding: rfc9989-removed-tag pct
	// dmarc: tag "p" at offset 10: invalid value "block"
}

func ExampleLookup() {
	resolver := domainauth.MustFakeResolver(`$ORIGIN example.com.
_dmarc 300 IN TXT "v=DMARC1; p=reject; sp=quarantine; rua=mailto:dmarc@example.com"
`)
	ctx := context.Background()
	for _, from := range []string{"example.com", "news.example.com", "example.org"} {
		lr, err := dmarc.Lookup(ctx, resolver, from)
		switch {
		case dmarc.IsTemporary(err):
			fmt.Println(from, "temporary DNS failure, try again later:", err)
		case err != nil:
			fmt.Println(from, "unusable record:", err)
		case lr.Record == nil:
			fmt.Println(from, "no DMARC policy")
		default:
			fmt.Printf("%s: policy at %s (%s): %s\n", from, lr.PolicyDomain, lr.Discovery, lr.Record)
		}
	}
	// Output:
	// example.com: policy at example.com (author-domain): v=DMARC1; p=reject; sp=quarantine; rua=mailto:dmarc@example.com
	// news.example.com: policy at example.com (organizational-domain): v=DMARC1; p=reject; sp=quarantine; rua=mailto:dmarc@example.com
	// example.org no DMARC policy
}

func ExampleEvaluate() {
	resolver := domainauth.MustFakeResolver(`$ORIGIN example.com.
_dmarc 300 IN TXT "v=DMARC1; p=reject; sp=quarantine; pct=50"
`)
	ctx := context.Background()
	lr, err := dmarc.Lookup(ctx, resolver, "news.example.com")
	if err != nil {
		fmt.Println(err)
		return
	}
	// The ESP signed with its own domain and used its own bounce domain:
	// nothing aligns with the customer's From domain.
	msg := dmarc.Input{
		FromDomain: "news.example.com",
		SPF:        dmarc.SPFResult{Domain: "bounces.esp.example.net", Result: dmarc.AuthPass},
		DKIM:       []dmarc.DKIMResult{{Domain: "esp.example.net", Selector: "s1", Result: dmarc.AuthPass}},
	}
	// A fixed random draw makes pct sampling deterministic: 70 >= 50,
	// so this message is outside the sample.
	res := dmarc.Evaluate(lr, msg, dmarc.WithRand(fixedRand(70)))
	fmt.Println(res.Status, res.PolicyTag, res.Policy, "->", res.Disposition)
	fmt.Println(res.Reason)

	// With a DKIM signature by the customer's domain it passes.
	msg.DKIM = append(msg.DKIM, dmarc.DKIMResult{Domain: "example.com", Selector: "esp1", Result: dmarc.AuthPass})
	res = dmarc.Evaluate(lr, msg)
	fmt.Println(res.Status, res.AlignedBy, res.AlignedDomain, res.AlignedSelector, "->", res.Disposition)
	// Output:
	// fail sp quarantine -> none
	// no aligned SPF or DKIM pass for news.example.com; policy sp=quarantine, message outside pct=50: none
	// pass dkim example.com esp1 -> none
}

// The domain DMARC evaluates comes from the message's From header field;
// pass every From field net/mail read, so that a message with two is
// caught.
func ExampleFromDomain() {
	msg, err := mail.ReadMessage(strings.NewReader("From: =?utf-8?q?J=C3=B6rg?= <jorg@News.Example.COM>\r\nSubject: hi\r\n\r\nbody\r\n"))
	if err != nil {
		fmt.Println(err)
		return
	}
	from, err := dmarc.FromDomain(msg.Header["From"])
	fmt.Println(from, err)

	_, err = dmarc.FromDomain([]string{"a@example.com, b@example.net"})
	fmt.Println(err)
	// Output:
	// news.example.com <nil>
	// From addresses in different domains: example.com and example.net
}
