package spf_test

import (
	"context"
	"net"
	"net/netip"
	"testing"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/spf"
)

var parseInputs = []struct{ name, in string }{
	{"minimal", "v=spf1 -all"},
	{"typical", "v=spf1 ip4:192.0.2.0/24 ip4:198.51.100.0/24 ip6:2001:db8::/32 include:_spf.google.com include:mailgun.org mx a:mail.example.com ~all"},
	{"macros", "v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} a:%{d2}/24//64 redirect=_spf.%{d} exp=explain.%{d}"},
}

var sinkRecord *spf.Record

func BenchmarkParse(b *testing.B) {
	for _, in := range parseInputs {
		b.Run(in.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r, err := spf.Parse(in.in)
				if err != nil {
					b.Fatal(err)
				}
				sinkRecord = r
			}
		})
	}
}

func BenchmarkString(b *testing.B) {
	r := spf.MustParse(parseInputs[1].in)
	b.ReportAllocs()
	for b.Loop() {
		_ = r.String()
	}
}

// The include chain of the CheckHost benchmark: example.com includes three
// providers, each one level deeper, and the client matches in the last.
const chainZone = `
$ORIGIN example.com.
@      TXT "v=spf1 ip4:198.51.100.0/24 include:_spf1.example.com -all"
_spf1  TXT "v=spf1 ip4:203.0.113.0/24 ip6:2001:db8::/32 include:_spf2.example.com ~all"
_spf2  TXT "v=spf1 a:mail.example.com mx include:_spf3.example.com ?all"
_spf3  TXT "v=spf1 ip4:192.0.2.0/24 -all"
@      MX  10 mail
mail   A   198.51.100.200
`

// staticResolver answers from maps with no per-query work, so that the
// benchmark measures spf itself rather than the zone fake's CNAME and
// wildcard machinery.
type staticResolver struct {
	txt  map[string][]string
	mx   map[string][]*net.MX
	addr map[string][]netip.Addr
}

func (s *staticResolver) LookupTXT(_ context.Context, name string) ([]string, error) {
	if v, ok := s.txt[name]; ok {
		return v, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

func (s *staticResolver) LookupMX(_ context.Context, name string) ([]*net.MX, error) {
	if v, ok := s.mx[name]; ok {
		return v, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

func (s *staticResolver) LookupNetIP(_ context.Context, _, name string) ([]netip.Addr, error) {
	if v, ok := s.addr[name]; ok {
		return v, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

func (s *staticResolver) LookupAddr(_ context.Context, name string) ([]string, error) {
	return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

var sinkOutcome spf.Outcome

func BenchmarkCheckHost(b *testing.B) {
	static := &staticResolver{
		txt: map[string][]string{
			"example.com":       {"v=spf1 ip4:198.51.100.0/24 include:_spf1.example.com -all"},
			"_spf1.example.com": {"v=spf1 ip4:203.0.113.0/24 ip6:2001:db8::/32 include:_spf2.example.com ~all"},
			"_spf2.example.com": {"v=spf1 a:mail.example.com mx include:_spf3.example.com ?all"},
			"_spf3.example.com": {"v=spf1 ip4:192.0.2.0/24 -all"},
		},
		mx:   map[string][]*net.MX{"example.com": {{Host: "mail.example.com.", Pref: 10}}},
		addr: map[string][]netip.Addr{"mail.example.com": {netip.MustParseAddr("198.51.100.200")}},
	}
	ip := netip.MustParseAddr("192.0.2.7")
	for _, r := range []struct {
		name string
		res  spf.Resolver
	}{
		{"static", static},
		{"fake", domainauth.MustFakeResolver(chainZone)},
	} {
		b.Run("include-chain/"+r.name, func(b *testing.B) {
			c := spf.Checker{Resolver: r.res}
			b.ReportAllocs()
			for b.Loop() {
				o := c.CheckHost(context.Background(), ip, "example.com", "alice@example.com")
				if o.Result != spf.Pass {
					b.Fatalf("%v %v", o.Result, o.Err)
				}
				sinkOutcome = o
			}
		})
	}
}
