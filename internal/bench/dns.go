// Package bench holds the comparative benchmarks of domainauth against the
// other Go libraries for SPF, DKIM and DMARC (issue 11). It is a separate
// module so that the main module does not depend on those libraries.
//
// All libraries read the same in-memory DNS data ([Zone]) through thin
// adapters to their resolver interfaces; every answer is precomputed, so a
// lookup costs a map access and, for a name that does not exist, one error
// value, the same for every library.
//
// Run the benchmarks and print the comparison table with ./run; RESULTS.md
// holds the latest table.
package bench

import (
	"context"
	"net"
	"net/netip"
	"strings"

	moxadns "github.com/mjl-/adns"
	moxdns "github.com/mjl-/mox/dns"
)

// Zone is an in-memory DNS data set: names (lower case, no trailing dot)
// to records. Build it with NewZone; it is read-only afterwards.
type Zone struct {
	txt  map[string][]string
	mx   map[string][]*net.MX
	ptr  map[string][]string
	addr map[string]*addrs
}

// addrs holds the address records of one name in every form the resolver
// interfaces ask for, computed once.
type addrs struct {
	v4, v6, all     []netip.Addr
	ip4, ip6, ipAll []net.IP
	ipAddrAll       []net.IPAddr
	hostAll         []string
}

// Records is the input of NewZone.
type Records struct {
	TXT map[string][]string
	A   map[string][]string // IPv4 and IPv6 addresses alike
	MX  map[string][]*net.MX
	PTR map[string][]string
}

func key(name string) string {
	name = strings.TrimSuffix(name, ".")
	for i := 0; i < len(name); i++ {
		if c := name[i]; 'A' <= c && c <= 'Z' {
			return strings.ToLower(name)
		}
	}
	return name
}

// NewZone builds a Zone; it panics on a malformed address (the data is
// written in code).
func NewZone(r Records) *Zone {
	z := &Zone{txt: map[string][]string{}, mx: map[string][]*net.MX{}, ptr: map[string][]string{}, addr: map[string]*addrs{}}
	for n, v := range r.TXT {
		z.txt[key(n)] = v
	}
	for n, v := range r.MX {
		z.mx[key(n)] = v
	}
	for n, v := range r.PTR {
		z.ptr[key(n)] = v
	}
	for n, v := range r.A {
		a := &addrs{}
		for _, s := range v {
			ip := netip.MustParseAddr(s)
			a.all = append(a.all, ip)
			a.ipAll = append(a.ipAll, net.IP(ip.AsSlice()))
			a.ipAddrAll = append(a.ipAddrAll, net.IPAddr{IP: net.IP(ip.AsSlice())})
			a.hostAll = append(a.hostAll, ip.String())
			if ip.Is4() {
				a.v4 = append(a.v4, ip)
				a.ip4 = append(a.ip4, net.IP(ip.AsSlice()))
			} else {
				a.v6 = append(a.v6, ip)
				a.ip6 = append(a.ip6, net.IP(ip.AsSlice()))
			}
		}
		z.addr[key(n)] = a
	}
	return z
}

func notFound(name string) error {
	return &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

// Std is the Zone behind the method set of *net.Resolver, which is what
// domainauth (spf.Resolver, dkim.TXTResolver, dmarc.Resolver) and
// blitiri.com.ar/go/spf (DNSResolver) take.
type Std struct{ Z *Zone }

// LookupTXT returns the TXT records of name.
func (s Std) LookupTXT(ctx context.Context, name string) ([]string, error) {
	if v, ok := s.Z.txt[key(name)]; ok {
		return v, nil
	}
	return nil, notFound(name)
}

// LookupMX returns the MX records of name.
func (s Std) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	if v, ok := s.Z.mx[key(name)]; ok {
		return v, nil
	}
	return nil, notFound(name)
}

// LookupNetIP returns the addresses of host; network is ip, ip4 or ip6.
func (s Std) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	if a, ok := s.Z.addr[key(host)]; ok {
		var v []netip.Addr
		switch network {
		case "ip4":
			v = a.v4
		case "ip6":
			v = a.v6
		default:
			v = a.all
		}
		if len(v) > 0 {
			return v, nil
		}
	}
	return nil, notFound(host)
}

// LookupIPAddr returns the addresses of host.
func (s Std) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error) {
	if a, ok := s.Z.addr[key(host)]; ok {
		return a.ipAddrAll, nil
	}
	return nil, notFound(host)
}

// LookupAddr returns the PTR names of addr.
func (s Std) LookupAddr(ctx context.Context, addr string) ([]string, error) {
	if v, ok := s.Z.ptr[addr]; ok {
		return v, nil
	}
	return nil, notFound(addr)
}

// LookupCNAME returns host itself: the data set has no CNAMEs.
func (s Std) LookupCNAME(ctx context.Context, host string) (string, error) {
	return host, nil
}

// TXTFunc is the Zone as the LookupTXT hook of go-msgauth (dkim.VerifyOptions,
// dmarc.LookupOptions).
func (z *Zone) TXTFunc() func(string) ([]string, error) {
	s := Std{z}
	ctx := context.Background()
	return func(name string) ([]string, error) { return s.LookupTXT(ctx, name) }
}

// Mox is the Zone as a github.com/mjl-/mox/dns.Resolver.
type Mox struct{ Z *Zone }

var _ moxdns.Resolver = Mox{}

var noResult moxadns.Result

// LookupPort is not used by the benchmarks.
func (m Mox) LookupPort(ctx context.Context, network, service string) (int, error) {
	return 0, notFound(service)
}

// LookupAddr returns the PTR names of addr.
func (m Mox) LookupAddr(ctx context.Context, addr string) ([]string, moxadns.Result, error) {
	v, err := Std(m).LookupAddr(ctx, addr)
	return v, noResult, err
}

// LookupCNAME reports that no CNAME exists, as mox's resolvers do.
func (m Mox) LookupCNAME(ctx context.Context, host string) (string, moxadns.Result, error) {
	return "", noResult, notFound(host)
}

// LookupHost returns the addresses of host as text.
func (m Mox) LookupHost(ctx context.Context, host string) ([]string, moxadns.Result, error) {
	if a, ok := m.Z.addr[key(host)]; ok {
		return a.hostAll, noResult, nil
	}
	return nil, noResult, notFound(host)
}

// LookupIP returns the addresses of host; network is ip, ip4 or ip6.
func (m Mox) LookupIP(ctx context.Context, network, host string) ([]net.IP, moxadns.Result, error) {
	if a, ok := m.Z.addr[key(host)]; ok {
		var v []net.IP
		switch network {
		case "ip4":
			v = a.ip4
		case "ip6":
			v = a.ip6
		default:
			v = a.ipAll
		}
		if len(v) > 0 {
			return v, noResult, nil
		}
	}
	return nil, noResult, notFound(host)
}

// LookupIPAddr returns the addresses of host.
func (m Mox) LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, moxadns.Result, error) {
	v, err := Std(m).LookupIPAddr(ctx, host)
	return v, noResult, err
}

// LookupMX returns the MX records of name.
func (m Mox) LookupMX(ctx context.Context, name string) ([]*net.MX, moxadns.Result, error) {
	v, err := Std(m).LookupMX(ctx, name)
	return v, noResult, err
}

// LookupNS is not used by the benchmarks.
func (m Mox) LookupNS(ctx context.Context, name string) ([]*net.NS, moxadns.Result, error) {
	return nil, noResult, notFound(name)
}

// LookupSRV is not used by the benchmarks.
func (m Mox) LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, moxadns.Result, error) {
	return "", nil, noResult, notFound(name)
}

// LookupTXT returns the TXT records of name.
func (m Mox) LookupTXT(ctx context.Context, name string) ([]string, moxadns.Result, error) {
	v, err := Std(m).LookupTXT(ctx, name)
	return v, noResult, err
}

// LookupTLSA is not used by the benchmarks.
func (m Mox) LookupTLSA(ctx context.Context, port int, protocol, host string) ([]moxadns.TLSA, moxadns.Result, error) {
	return nil, noResult, notFound(host)
}
