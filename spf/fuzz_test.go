package spf_test

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/miekg/dns"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/spf"
)

// FuzzParse checks that Parse never panics, that every error is a
// *SyntaxError with an offset inside the input, and that accepted records
// round-trip: Parse(r.String()) equals r and String is a fixed point.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"v=spf1",
		"v=spf1 -all",
		"v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 include:_spf.example.com ~all",
		"v=spf1 a:%{d}/24//64 mx/0 ptr:example.org exists:%{ir}.%{l1r+-}._spf.%{d} -all",
		"v=spf1 redirect=_spf.example.com exp=explain.%{d} moo.cow-far_out=man:dog/cat",
		"v=spf1 a//129",    // bad CIDR
		"v=spf1 a:%{d0}.x", // bad macro
		"v=spf1 ip4:1.2.3.04",
		"V=SPF1 +ALL",
		"v=spf1 x=%{",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := spf.Parse(s)
		if err != nil {
			se, ok := err.(*spf.SyntaxError)
			if !ok || se.Offset < 0 || se.Offset > len(s) || se.Input != s {
				t.Fatalf("Parse(%q): bad error %#v", s, err)
			}
			return
		}
		out := r.String()
		r2, err := spf.Parse(out)
		if err != nil {
			t.Fatalf("Parse(%q) ok, but its String %q fails: %v", s, out, err)
		}
		if d := cmp.Diff(r, r2, cmpPrefix); d != "" {
			t.Fatalf("round trip of %q via %q (-first +second):\n%s", s, out, d)
		}
		if r2.String() != out {
			t.Fatalf("String not stable: %q then %q", out, r2.String())
		}
	})
}

// FuzzCheckHost lets the fuzzer write the record of a fixed little DNS
// world and checks the evaluation's invariants: a known result, an error
// exactly with temperror and permerror, lookups within the limit plus the
// one that broke it.
func FuzzCheckHost(f *testing.F) {
	for _, s := range []string{
		"v=spf1 include:inc.example.com -all",
		"v=spf1 a mx ptr exists:%{ir}.bl.example.com ~all",
		"v=spf1 redirect=%{l}.example.com",
		"v=spf1 include:example.com",
		"v=spf1 a:a%{d1}.example.com -all exp=exp.example.com",
	} {
		f.Add(s, "192.0.2.1")
	}
	f.Fuzz(func(t *testing.T, record, ip string) {
		addr, err := netip.ParseAddr(ip)
		if err != nil || len(record) > 1000 {
			return
		}
		r := domainauth.MustFakeResolver(`$ORIGIN example.com.
@ A 192.0.2.1
@ MX 10 @
inc TXT "v=spf1 ip4:192.0.2.0/24 ?all"
exp TXT "%{i} %{p} no"
1.2.0.192.bl A 127.0.0.2
`)
		var strs []string
		for len(record) > 255 {
			strs, record = append(strs, record[:255]), record[255:]
		}
		r.AddRR(&dns.TXT{Hdr: dns.RR_Header{Name: "example.com.", Rrtype: dns.TypeTXT, Class: dns.ClassINET}, Txt: append(strs, record)})
		c := spf.Checker{Resolver: r}
		o := c.CheckHost(context.Background(), addr, "example.com", "user@example.com")
		if o.Result > spf.PermError {
			t.Fatalf("result %d", o.Result)
		}
		if (o.Err != nil) != (o.Result == spf.TempError || o.Result == spf.PermError) {
			t.Fatalf("result %v with err %v", o.Result, o.Err)
		}
		if o.Lookups > spf.DefaultMaxLookups+1 || o.VoidLookups > spf.DefaultMaxVoidLookups+1 {
			t.Fatalf("lookups %d void %d", o.Lookups, o.VoidLookups)
		}
		if strings.Contains(o.Explanation, "%{") || len(o.Explanation) > spf.DefaultMaxExplanation {
			t.Fatalf("unexpanded or overlong explanation %q", o.Explanation)
		}
	})
}
