package spf_test

import (
	"context"
	"net"
	"net/netip"
	"testing"

	"github.com/domainauth/domainauth/spf"
)

var sinkAnalysis *spf.Analysis

// BenchmarkAnalyze walks a typical tree (a customer's record, two
// provider includes, one of them with its own include, a and mx terms)
// from a resolver that answers at once: the cost of the walk itself,
// which verify pays for every domain it checks.
func BenchmarkAnalyze(b *testing.B) {
	r := &staticResolver{
		txt: map[string][]string{
			"example.com":       {"v=spf1 mx a:mail.example.com include:_spf1.example.com include:_spf2.example.com ~all"},
			"_spf1.example.com": {"v=spf1 ip4:203.0.113.0/24 ip6:2001:db8::/32 include:_spf3.example.com ~all"},
			"_spf2.example.com": {"v=spf1 a:out.example.com exists:%{i}._spf.example.com ?all"},
			"_spf3.example.com": {"v=spf1 ip4:192.0.2.0/24 -all"},
		},
		mx: map[string][]*net.MX{"example.com": {{Host: "mail.example.com.", Pref: 10}}},
		addr: map[string][]netip.Addr{
			"mail.example.com": {netip.MustParseAddr("198.51.100.200")},
			"out.example.com":  {netip.MustParseAddr("198.51.100.201")},
		},
	}
	b.ReportAllocs()
	for b.Loop() {
		a, err := spf.Analyze(context.Background(), r, "example.com")
		if err != nil || a.Lookups != 7 {
			b.Fatalf("%v, %d lookups", err, a.Lookups)
		}
		sinkAnalysis = a
	}
}
