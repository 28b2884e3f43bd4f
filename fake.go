package domainauth

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"

	"github.com/domainauth/domainauth/internal/enumtext"
	"github.com/miekg/dns"
)

// Failure is a fault that a [FakeResolver] injects for a name and type.
type Failure int

// The failures a FakeResolver can inject.
const (
	// FailTimeout answers at once with a timeout error (a *net.DNSError
	// with IsTimeout and IsTemporary set); the served zone drops the
	// query, so the real client times out.
	FailTimeout Failure = iota + 1
	// FailServFail answers with response code SERVFAIL.
	FailServFail
	// FailRefused answers with response code REFUSED.
	FailRefused
	// FailHang blocks until the caller's context is done, like a server
	// that never answers; the served zone drops the query.
	FailHang
)

var failureNames = [...]string{
	FailTimeout:  "timeout",
	FailServFail: "SERVFAIL",
	FailRefused:  "REFUSED",
	FailHang:     "hang",
}

// String returns the name of the value, as printed in reports.
func (f Failure) String() string { return enumtext.String(f, failureNames[:], "Failure") }

// Lookup is one DNS query seen by a [FakeResolver].
type Lookup struct {
	Name string // canonical: lower case, no trailing dot
	Type uint16 // TypeTXT, TypeMX, ... (the DNS type number)
}

// String returns the name of the value, as printed in reports.
func (l Lookup) String() string {
	return dns.TypeToString[l.Type] + " " + l.Name
}

// maxChain bounds the CNAME hops the fake follows, like a recursive server.
const maxChain = 16

// FakeResolver answers DNS queries from zone-file text held in memory. It is
// the resolver for tests: deterministic, no network, and it behaves like a
// recursive server in front of the zone (CNAME chains followed, wildcards
// expanded, NXDOMAIN and NODATA told apart, empty non-terminals existing).
// Failures can be injected per name and type, and every query is logged so
// that tests can assert lookup budgets.
//
// A FakeResolver implements [Resolver] and [Querier] with the semantics of
// [net.Resolver], and [FakeResolver.Serve] publishes the same data on a
// loopback DNS server for tests of the real client. It is safe for
// concurrent use.
//
//	r := domainauth.MustFakeResolver(`
//	$ORIGIN example.com.
//	@        TXT "v=spf1 include:_spf.provider.net ~all"
//	cio123   MX  10 mxa.provider.net.
//	         MX  10 mxb.provider.net.
//	`)
type FakeResolver struct {
	mu    sync.RWMutex
	rrs   map[string]map[uint16][]dns.RR // owner -> type -> records
	names map[string]bool                // owners and their ancestors
	fail  map[Lookup]Failure             // Type 0: every type
	log   []Lookup
}

// NewFakeResolver returns a fake resolver holding the records of a BIND
// zone file. $ORIGIN, $TTL, relative names, parentheses and multi-string
// TXT records work as in a zone file; $INCLUDE is refused. Without $ORIGIN
// the origin is the root, so names must be absolute (end with a dot). The
// default TTL is 3600.
func NewFakeResolver(zone string) (*FakeResolver, error) {
	f := &FakeResolver{
		rrs:   make(map[string]map[uint16][]dns.RR),
		names: make(map[string]bool),
		fail:  make(map[Lookup]Failure),
	}
	if err := f.AddZone(zone); err != nil {
		return nil, err
	}
	return f, nil
}

// MustFakeResolver is NewFakeResolver for zones written in test code; it
// panics when the zone text does not parse.
func MustFakeResolver(zone string) *FakeResolver {
	f, err := NewFakeResolver(zone)
	if err != nil {
		panic(err)
	}
	return f
}

// AddZone adds the records of zone-file text, as NewFakeResolver reads it.
func (f *FakeResolver) AddZone(zone string) error {
	zp := dns.NewZoneParser(strings.NewReader(zone), ".", "zone")
	zp.SetDefaultTTL(3600)
	var rrs []dns.RR
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		rrs = append(rrs, rr)
	}
	if err := zp.Err(); err != nil {
		return fmt.Errorf("domainauth: fake resolver: %w", err)
	}
	f.AddRR(rrs...)
	return nil
}

// AddRR adds records. Owner names are folded to lower case.
func (f *FakeResolver) AddRR(rrs ...dns.RR) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, rr := range rrs {
		h := rr.Header()
		name := strings.ToLower(dns.Fqdn(h.Name))
		h.Name = name
		byType := f.rrs[name]
		if byType == nil {
			byType = make(map[uint16][]dns.RR)
			f.rrs[name] = byType
		}
		byType[h.Rrtype] = append(byType[h.Rrtype], rr)
		f.addNames(name)
	}
}

// addNames marks name and its ancestors as existing (RFC 8020: a name with
// records below it exists, as an empty non-terminal). Called with f.mu held.
func (f *FakeResolver) addNames(name string) {
	for n := name; !f.names[n]; {
		f.names[n] = true
		i := strings.IndexByte(n, '.')
		if i < 0 || n == "." {
			return
		}
		n = n[i+1:]
		if n == "" {
			n = "."
		}
	}
}

// Remove deletes every record of the given type at name (type 0: all
// types). Names that held them keep existing as empty non-terminals only if
// other records lie below them.
func (f *FakeResolver) Remove(name string, qtype uint16) {
	f.mu.Lock()
	defer f.mu.Unlock()
	name = strings.ToLower(dns.Fqdn(name))
	if qtype == 0 {
		delete(f.rrs, name)
	} else if byType := f.rrs[name]; byType != nil {
		delete(byType, qtype)
		if len(byType) == 0 {
			delete(f.rrs, name)
		}
	}
	f.names = make(map[string]bool)
	for owner := range f.rrs {
		f.addNames(owner)
	}
}

// Fail makes queries for name and qtype fail with kind from now on; qtype
// is one of this package's Type constants ([TypeTXT], ...) or any DNS type
// number, and [AllTypes] applies to every type. Fail with kind 0 removes
// the failure.
func (f *FakeResolver) Fail(name string, qtype uint16, kind Failure) {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := Lookup{Name: canonicalName(name), Type: qtype}
	if kind == 0 {
		delete(f.fail, k)
		return
	}
	f.fail[k] = kind
}

// Lookups returns a copy of the queries seen so far, in order. The
// Resolver methods log one entry per DNS query they make (LookupNetIP with
// network "ip" makes two: A and AAAA).
func (f *FakeResolver) Lookups() []Lookup {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return append([]Lookup(nil), f.log...)
}

// LookupCount returns the number of queries seen so far.
func (f *FakeResolver) LookupCount() int {
	f.mu.RLock()
	defer f.mu.RUnlock()
	return len(f.log)
}

// ResetLookups empties the query log.
func (f *FakeResolver) ResetLookups() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = nil
}

const fakeServer = "fake"

// Query answers one question from the zone like a recursive server: the
// response code is data (NXDOMAIN, SERVFAIL), and only an injected timeout,
// a hang or a done context is an error.
func (f *FakeResolver) Query(ctx context.Context, name string, qtype uint16) (*dns.Msg, error) {
	if err := ctx.Err(); err != nil {
		return nil, errContext(ctx, name, fakeServer)
	}
	qname := strings.ToLower(dns.Fqdn(name))
	f.mu.Lock()
	f.log = append(f.log, Lookup{Name: canonicalName(qname), Type: qtype})
	f.mu.Unlock()
	switch f.failure(qname, qtype) {
	case FailTimeout:
		return nil, errTimeout(name, fakeServer)
	case FailHang:
		<-ctx.Done()
		return nil, errContext(ctx, name, fakeServer)
	case FailServFail:
		return f.rcodeMsg(qname, qtype, dns.RcodeServerFailure), nil
	case FailRefused:
		return f.rcodeMsg(qname, qtype, dns.RcodeRefused), nil
	}
	return f.answer(qname, qtype), nil
}

func (f *FakeResolver) failure(qname string, qtype uint16) Failure {
	f.mu.RLock()
	defer f.mu.RUnlock()
	if len(f.fail) == 0 {
		return 0
	}
	n := canonicalName(qname)
	if k, ok := f.fail[Lookup{Name: n, Type: qtype}]; ok {
		return k
	}
	return f.fail[Lookup{Name: n}]
}

func (f *FakeResolver) rcodeMsg(qname string, qtype uint16, rcode int) *dns.Msg {
	m := new(dns.Msg)
	m.SetQuestion(qname, qtype)
	m.Response = true
	m.RecursionAvailable = true
	m.Rcode = rcode
	return m
}

// answer builds the response a recursive server would give for the zone.
func (f *FakeResolver) answer(qname string, qtype uint16) *dns.Msg {
	m := f.rcodeMsg(qname, qtype, dns.RcodeSuccess)
	f.mu.RLock()
	defer f.mu.RUnlock()
	cur := qname
	var seenBuf [4]string
	seen := seenBuf[:0] // names of the chain so far, to stop at a loop
	for hop := 0; ; hop++ {
		if hop > maxChain || slices.Contains(seen, cur) {
			// A CNAME loop or an over-long chain: recursive servers give up.
			m.Rcode = dns.RcodeServerFailure
			m.Answer = nil
			return m
		}
		seen = append(seen, cur)
		byType, exists := f.records(cur)
		if !exists {
			m.Rcode = dns.RcodeNameError
			return m
		}
		if qtype != dns.TypeCNAME && qtype != dns.TypeANY {
			if cn := byType[dns.TypeCNAME]; len(cn) > 0 {
				m.Answer = append(m.Answer, cn[0])
				cur = strings.ToLower(dns.Fqdn(cn[0].(*dns.CNAME).Target))
				continue
			}
		}
		if qtype == dns.TypeANY {
			for _, rrs := range byType {
				m.Answer = append(m.Answer, rrs...)
			}
		} else {
			m.Answer = append(m.Answer, byType[qtype]...)
		}
		return m
	}
}

// records returns the records at name, expanding a wildcard when name does
// not exist (RFC 4592: the wildcard at the closest encloser), and whether
// the name exists. Called with f.mu held.
func (f *FakeResolver) records(name string) (map[uint16][]dns.RR, bool) {
	if f.names[name] {
		return f.rrs[name], true
	}
	encloser := name
	for {
		i := strings.IndexByte(encloser, '.')
		if i < 0 || encloser == "." {
			return nil, false
		}
		encloser = encloser[i+1:]
		if encloser == "" {
			encloser = "."
		}
		if f.names[encloser] {
			break
		}
	}
	wild := "*." + encloser
	if encloser == "." {
		wild = "*."
	}
	src, ok := f.rrs[wild]
	if !ok {
		return nil, false
	}
	out := make(map[uint16][]dns.RR, len(src))
	for t, rrs := range src {
		for _, rr := range rrs {
			c := dns.Copy(rr)
			c.Header().Name = name
			out[t] = append(out[t], c)
		}
	}
	return out, true
}

// LookupTXT returns the TXT records of name, the character-strings of each
// record joined.
func (f *FakeResolver) LookupTXT(ctx context.Context, name string) ([]string, error) {
	return lookupTXT(ctx, f.Query, fakeServer, name)
}

// LookupMX returns the MX records of name sorted by preference, host names
// fully qualified with a trailing dot.
func (f *FakeResolver) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	return lookupMX(ctx, f.Query, fakeServer, name)
}

// LookupNetIP returns the addresses of host for network "ip", "ip4" or
// "ip6".
func (f *FakeResolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	return lookupNetIP(ctx, f.Query, fakeServer, network, host)
}

// LookupAddr returns the PTR names of an IP address, fully qualified.
func (f *FakeResolver) LookupAddr(ctx context.Context, addr string) ([]string, error) {
	return lookupAddr(ctx, f.Query, fakeServer, addr)
}

// LookupCNAME returns the canonical name of host (the end of its CNAME
// chain, with a trailing dot), or host itself when it has addresses and no
// CNAME, as net.Resolver does.
func (f *FakeResolver) LookupCNAME(ctx context.Context, host string) (string, error) {
	return lookupCNAME(ctx, f.Query, fakeServer, host)
}

// canonicalName lower-cases a name and strips the trailing dot.
func canonicalName(name string) string {
	if name != "." {
		name = strings.TrimSuffix(name, ".")
	}
	return strings.ToLower(name)
}
