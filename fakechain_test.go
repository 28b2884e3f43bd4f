package domainauth_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/domainauth/domainauth"
)

// chainZone is a CNAME chain of hops links, c0 → c1 → … → c<hops>, and a
// TXT record at its end.
func chainZone(hops int) string {
	var b strings.Builder
	for i := range hops {
		fmt.Fprintf(&b, "c%d.chain.test. 300 CNAME c%d.chain.test.\n", i, i+1)
	}
	fmt.Fprintf(&b, "c%d.chain.test. 300 TXT \"end\"\n", hops)
	return b.String()
}

// TestFakeCNAMEChainLimit: the fake follows at most 16 CNAME hops (the
// package documentation), then answers SERVFAIL with no records, as a
// recursive server does; a loop is SERVFAIL however short.
func TestFakeCNAMEChainLimit(t *testing.T) {
	for _, hops := range []int{1, 15, 16, 17, 40} {
		f := domainauth.MustFakeResolver(chainZone(hops))
		m, err := f.Query(context.Background(), "c0.chain.test", dns.TypeTXT)
		if err != nil {
			t.Fatalf("%d hops: %v", hops, err)
		}
		if hops <= 16 {
			if m.Rcode != dns.RcodeSuccess || len(m.Answer) != hops+1 {
				t.Errorf("%d hops: %s with %d records, want NOERROR with the %d CNAMEs and the TXT", hops, dns.RcodeToString[m.Rcode], len(m.Answer), hops)
			}
			continue
		}
		if m.Rcode != dns.RcodeServerFailure || len(m.Answer) != 0 {
			t.Errorf("%d hops: %s with %d records, want SERVFAIL with none", hops, dns.RcodeToString[m.Rcode], len(m.Answer))
		}
	}
	loop := domainauth.MustFakeResolver("a.loop.test. 300 CNAME b.loop.test.\nb.loop.test. 300 CNAME a.loop.test.\n")
	m, err := loop.Query(context.Background(), "a.loop.test", dns.TypeTXT)
	if err != nil || m.Rcode != dns.RcodeServerFailure || len(m.Answer) != 0 {
		t.Errorf("loop: %v, %v; want SERVFAIL with no records", m, err)
	}
}
