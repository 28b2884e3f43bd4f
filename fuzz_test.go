package domainauth_test

import (
	"context"
	"strings"
	"testing"

	"github.com/domainauth/domainauth"
	"github.com/miekg/dns"
)

// FuzzFakeResolver feeds arbitrary zone text to the fake and queries every
// owner name it holds: parsing may fail, but nothing may panic, and every
// lookup must keep the error rule (an error is either not-found or
// temporary, never both, and a result comes without an error).
func FuzzFakeResolver(f *testing.F) {
	for _, z := range []string{
		"example.com. TXT \"v=spf1 -all\"",
		"$ORIGIN example.com.\n@ MX 10 mx\nmx A 192.0.2.1\nwww CNAME @\n",
		"a.example. CNAME b.example.\nb.example. CNAME a.example.\n",
		"*.example. TXT \"w\"\nx.y.example. A 192.0.2.1\n",
		"example. TXT \"a\" \"b\" ( \"c\" )\n",
	} {
		f.Add(z, "example.com")
	}
	f.Fuzz(func(t *testing.T, zone, name string) {
		r, err := domainauth.NewFakeResolver(zone)
		if err != nil {
			return
		}
		ctx := context.Background()
		names := []string{name}
		for _, rr := range dnsRRs(zone) {
			names = append(names, rr.Header().Name)
		}
		for _, n := range names {
			check := func(err error, n int) {
				if err != nil && n > 0 {
					t.Fatalf("results and an error together")
				}
				if err != nil && domainauth.IsNotFound(err) == domainauth.IsTemporary(err) {
					t.Fatalf("error %q is neither or both not-found and temporary", err)
				}
			}
			txt, err := r.LookupTXT(ctx, n)
			check(err, len(txt))
			mx, err := r.LookupMX(ctx, n)
			check(err, len(mx))
			ips, err := r.LookupNetIP(ctx, "ip", n)
			check(err, len(ips))
			_, err = r.LookupCNAME(ctx, n)
			check(err, 0)
			if _, err := r.Query(ctx, n, dns.TypeANY); err != nil {
				t.Fatalf("raw query failed without injected failure: %v", err)
			}
		}
	})
}

func dnsRRs(zone string) []dns.RR {
	zp := dns.NewZoneParser(strings.NewReader(zone), ".", "")
	zp.SetDefaultTTL(3600)
	var out []dns.RR
	for rr, ok := zp.Next(); ok && len(out) < 100; rr, ok = zp.Next() {
		out = append(out, rr)
	}
	return out
}
