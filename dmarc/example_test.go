package dmarc_test

import (
	"context"
	"fmt"
	"net"
	"net/mail"
	"strings"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/dmarc"
)

func ExampleParse() {
	const txt = "v=DMARC1; p=quarantine; pct=25; ruf=mailto:reporting@example.com;"
	// RFC 9989, the default: pct is no longer a DMARC tag, so it is
	// ignored (and Findings tells the publisher).
	r, err := dmarc.Parse(txt)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Mode, "policy:", r.Policy, "subdomains:", r.SubdomainPolicy)
	fmt.Println("pct:", r.Percent, "set:", r.Present.Has(dmarc.TagPct))
	fmt.Println("adkim:", r.ADKIM, "set:", r.Present.Has(dmarc.TagADKIM))
	fmt.Println("failure reports to:", r.RUF[0].Address)
	fmt.Println(r)
	for _, f := range r.Findings() {
		fmt.Println("finding:", f.Code, f.Subject)
	}

	// RFC 7489 reads pct.
	rfc7489 := dmarc.Checker{Mode: dmarc.RFC7489}
	r, err = rfc7489.Parse(txt)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.Mode, "pct:", r.Percent, "set:", r.Present.Has(dmarc.TagPct))
	fmt.Println(r)

	_, err = dmarc.Parse("v=DMARC1; p=block")
	fmt.Println(err)
	// Output:
	// rfc9989 policy: quarantine subdomains: quarantine
	// pct: 100 set: false
	// adkim: r set: false
	// failure reports to: mailto:reporting@example.com
	// v=DMARC1; p=quarantine; ruf=mailto:reporting@example.com
	// finding: dmarc-rfc9989-removed-tag pct
	// rfc7489 pct: 25 set: true
	// v=DMARC1; p=quarantine; pct=25; ruf=mailto:reporting@example.com
	// dmarc: tag "p" at offset 10: invalid value "block"
}

func ExampleLookup() {
	resolver := domainauth.MustFakeResolver(`$ORIGIN example.com.
_dmarc 300 IN TXT "v=DMARC1; p=reject; sp=quarantine; rua=mailto:dmarc@example.com"
`)
	ctx := context.Background()
	for _, mode := range []dmarc.Mode{dmarc.RFC9989, dmarc.RFC7489} {
		for _, from := range []string{"example.com", "news.example.com", "example.org"} {
			checker := dmarc.Checker{Resolver: resolver, Mode: mode}
			lr, err := checker.Lookup(ctx, from)
			switch {
			case dmarc.IsTemporary(err):
				fmt.Println(from, "temporary DNS failure, try again later:", err)
			case err != nil:
				fmt.Println(from, "unusable record:", err)
			case lr.Record == nil:
				fmt.Println(lr.Mode, from, "no DMARC policy")
			default:
				p, tag := lr.AppliedPolicy()
				fmt.Printf("%s %s: %s=%s from _dmarc.%s (%s)\n", lr.Mode, from, tag, p, lr.PolicyDomain, lr.Discovery)
			}
		}
	}
	// Output:
	// rfc9989 example.com: p=reject from _dmarc.example.com (author-domain)
	// rfc9989 news.example.com: sp=quarantine from _dmarc.example.com (tree-walk)
	// rfc9989 example.org no DMARC policy
	// rfc7489 example.com: p=reject from _dmarc.example.com (author-domain)
	// rfc7489 news.example.com: sp=quarantine from _dmarc.example.com (organizational-domain)
	// rfc7489 example.org no DMARC policy
}

// RFC 9989 applies np to a From domain that does not exist (NXDOMAIN, RFC
// 8020). Telling NXDOMAIN from NODATA needs a raw DNS query, which the
// resolvers of the root domainauth package offer and *net.Resolver does
// not: with it np is not applied, and the result says so.
func ExampleLookup_np() {
	fake := domainauth.MustFakeResolver(`$ORIGIN example.com.
_dmarc 300 IN TXT "v=DMARC1; p=reject; sp=none; np=quarantine"
www    300 IN A   192.0.2.1
`)
	srv, err := fake.Serve() // the zone, served on 127.0.0.1
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	ctx := context.Background()

	// The package's own DNS client (miekg/dns) answers raw queries.
	for _, from := range []string{"www.example.com", "gone.example.com"} {
		lr, err := dmarc.Lookup(ctx, srv.Resolver(), from)
		if err != nil {
			fmt.Println(err)
			return
		}
		p, tag := lr.AppliedPolicy()
		fmt.Printf("%s: %s=%s\n", from, tag, p)
	}

	// The standard library's resolver, asking the same server, cannot tell.
	std := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, srv.Addr())
	}}
	lr, err := dmarc.Lookup(ctx, std, "gone.example.com")
	if err != nil {
		fmt.Println(err)
		return
	}
	p, tag := lr.AppliedPolicy()
	fmt.Printf("gone.example.com with *net.Resolver: %s=%s\n", tag, p)
	fmt.Println(lr.NPUndetermined)
	// Output:
	// www.example.com: sp=none
	// gone.example.com: np=quarantine
	// gone.example.com with *net.Resolver: sp=none
	// the resolver cannot tell NXDOMAIN from NODATA (it has no Query method, as *net.Resolver has none), so whether gone.example.com exists is unknown; np not applied
}

func ExampleChecker_Evaluate() {
	resolver := domainauth.MustFakeResolver(`$ORIGIN example.com.
_dmarc 300 IN TXT "v=DMARC1; p=reject; sp=quarantine; pct=50"
`)
	ctx := context.Background()
	// pct sampling is RFC 7489's; RFC 9989 has no pct.
	lr, err := (&dmarc.Checker{Resolver: resolver, Mode: dmarc.RFC7489}).Lookup(ctx, "news.example.com")
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
	// so this message is outside the sample. Evaluate follows the mode
	// of the lookup.
	checker := dmarc.Checker{Resolver: resolver, Mode: dmarc.RFC7489, Rand: fixedRand(70)}
	res := checker.Evaluate(lr, msg)
	fmt.Println(res.Mode, res.Status, res.PolicyTag, res.Policy, "->", res.Disposition)
	fmt.Println(res.Reason)

	// With a DKIM signature by the customer's domain it passes.
	msg.DKIM = append(msg.DKIM, dmarc.DKIMResult{Domain: "example.com", Selector: "esp1", Result: dmarc.AuthPass})
	res = checker.Evaluate(lr, msg)
	fmt.Println(res.Status, res.AlignedBy, res.AlignedDomain, res.AlignedSelector, "->", res.Disposition)

	// In RFC 9989 mode pct is an unknown tag: the policy applies to
	// every failing message.
	msg.DKIM = msg.DKIM[:1]
	checker.Mode = dmarc.RFC9989
	res = checker.Verify(ctx, msg)
	fmt.Println(res.Mode, res.Status, res.PolicyTag, res.Policy, "->", res.Disposition)
	// Output:
	// rfc7489 fail sp quarantine -> none
	// no aligned SPF or DKIM pass for news.example.com; policy sp=quarantine, message outside pct=50: none
	// pass dkim example.com esp1 -> none
	// rfc9989 fail sp quarantine -> quarantine
}

// A receiver keeps one Checker, configured once (here the zero value's
// RFC 9989 with the resolver to use), and calls Verify for each message
// with the SPF and DKIM results it has: Verify discovers the policy and
// applies it. Temporary DNS failures are results (temperror), not errors.
func ExampleChecker() {
	resolver := domainauth.MustFakeResolver(`$ORIGIN example.com.
_dmarc 300 IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@example.com"
`)
	checker := dmarc.Checker{Resolver: resolver}
	ctx := context.Background()

	msg := dmarc.Input{
		FromDomain: "example.com",
		SPF:        dmarc.SPFResult{Domain: "bounces.esp.example.net", Result: dmarc.AuthPass},
		DKIM:       []dmarc.DKIMResult{{Domain: "example.com", Selector: "s1", Result: dmarc.AuthPass}},
	}
	res := checker.Verify(ctx, msg)
	fmt.Println(res.Status, res.AlignedBy, res.AlignedDomain, "->", res.Disposition)

	msg.DKIM[0].Result = dmarc.AuthFail
	res = checker.Verify(ctx, msg)
	fmt.Println(res.Status, res.PolicyTag, res.Policy, "->", res.Disposition)

	resolver.Fail("_dmarc.example.com", 0, domainauth.FailTimeout)
	res = checker.Verify(ctx, msg)
	fmt.Println(res.Status, dmarc.IsTemporary(res.Err))
	// Output:
	// pass dkim example.com -> none
	// fail p reject -> reject
	// temperror true
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
	// dmarc: From addresses in different domains: example.com and example.net
}

// A record to publish: fill in the tags to set, Build checks them, String
// prints them. pct is for RFC 7489 receivers and t for RFC 9989 ones; this
// record asks both for the next weaker policy while the owner tests
// p=reject.
func ExampleBuild() {
	rec, err := dmarc.Build(dmarc.Record{
		Policy:  dmarc.Reject,
		Testing: true,         // t=y
		Present: dmarc.TagPct, // pct=0: Percent's zero value, spelled out
		RUA:     []dmarc.URI{{Address: "mailto:dmarc@example.com"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rec.String())

	_, err = dmarc.Build(dmarc.Record{Policy: dmarc.None, RUA: []dmarc.URI{{Address: "reporting@example.com"}}})
	fmt.Println(err)
	// Output:
	// v=DMARC1; p=reject; pct=0; t=y; rua=mailto:dmarc@example.com
	// dmarc: Record.RUA[0] (tag rua) "reporting@example.com": want a mailto: URI such as mailto:dmarc@example.com
}
