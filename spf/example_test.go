package spf_test

import (
	"context"
	"errors"
	"fmt"
	"net/netip"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/spf"
)

func ExampleParse() {
	r, err := spf.Parse("v=spf1 +mx ip4:192.0.2.0/24 include:_spf.example.net ~all")
	if err != nil {
		panic(err)
	}
	for _, t := range r.Terms {
		fmt.Printf("%-8s %-2s %s\n", t.Kind, t.Qualifier, t.String())
	}
	r.AddInclude("mail.esp.example")
	r.SetAll(spf.QualifierFail)
	fmt.Println(r)

	_, err = spf.Parse("v=spf1 ip4:192.0.2.0/33 -all")
	var se *spf.SyntaxError
	if errors.As(err, &se) {
		fmt.Printf("offset %d: %v\n", se.Offset, se.Err)
	}
	// Output:
	// mx       +  mx
	// ip4      +  ip4:192.0.2.0/24
	// include  +  include:_spf.example.net
	// all      ~  ~all
	// v=spf1 mx ip4:192.0.2.0/24 include:_spf.example.net include:mail.esp.example -all
	// offset 21: invalid CIDR length
}

func ExampleChecker_CheckHost() {
	dns := domainauth.MustFakeResolver(`
$ORIGIN example.com.
@     TXT "v=spf1 mx include:_spf.esp.example -all exp=why.example.com"
@     MX  10 mail
mail  A   192.0.2.10
why   TXT "%{i} may not send mail for %{d}"
$ORIGIN esp.example.
_spf  TXT "v=spf1 ip4:198.51.100.0/24 ~all"
`)
	c := spf.Checker{Resolver: dns, HELO: "client.example.org"}
	for _, ip := range []string{"192.0.2.10", "198.51.100.7", "203.0.113.5"} {
		o := c.CheckHost(context.Background(), netip.MustParseAddr(ip), "example.com", "alice@example.com")
		fmt.Printf("%-12s %-4s matched %-24s lookups %d", ip, o.Result, o.Term, o.Lookups)
		if o.Explanation != "" {
			fmt.Printf(" (%s)", o.Explanation)
		}
		fmt.Println()
	}
	// Output:
	// 192.0.2.10   pass matched mx                       lookups 1
	// 198.51.100.7 pass matched include:_spf.esp.example lookups 2
	// 203.0.113.5  fail matched -all                     lookups 2 (203.0.113.5 may not send mail for example.com)
}

func ExampleAnalyze() {
	dns := domainauth.MustFakeResolver(`
$ORIGIN example.com.
@     TXT "v=spf1 ptr include:_spf.example.com include:_spf.example.com ?all"
_spf  TXT "v=spf1 a:gone.example.com ip4:192.0.2.0/24 -all"
`)
	a, err := spf.Analyze(context.Background(), dns, "example.com")
	if err != nil {
		panic(err)
	}
	fmt.Println("lookups", a.Lookups, "void", a.VoidLookups)
	for _, f := range a.Findings {
		fmt.Println(f.Severity, f.Code, f.Subject)
	}
	// Output:
	// lookups 5 void 2
	// warning spf-ptr example.com
	// warning spf-duplicate-include _spf.example.com
	// warning spf-neutral-all example.com
}
