package domainauth

import (
	"cmp"
	"context"
	"net"
	"net/netip"
	"slices"
	"strings"

	"github.com/miekg/dns"

	"github.com/domainauth/domainauth/internal/dnschain"
	"github.com/domainauth/domainauth/internal/dnstxt"
)

// The net.Resolver-shaped methods are written once, on top of a raw query,
// so that the real client and the fake give the same answers for the same
// DNS data.

// queryFunc is a raw query: the response message, or an error when no
// response was had.
type queryFunc func(ctx context.Context, name string, qtype uint16) (*dns.Msg, error)

// lookupRR queries name for qtype and returns the records of that type at
// the end of the CNAME chain, applying the error rule of the Resolver
// contract.
func lookupRR(ctx context.Context, q queryFunc, server, name string, qtype uint16) ([]dns.RR, error) {
	if _, ok := dns.IsDomainName(name); !ok || name == "" {
		// net.Resolver treats a malformed name as one that cannot exist.
		return nil, errNotFound(name, server)
	}
	m, err := q(ctx, name, qtype)
	if err != nil {
		return nil, err
	}
	switch m.Rcode {
	case dns.RcodeSuccess:
	case dns.RcodeNameError:
		return nil, errNotFound(name, server)
	default:
		return nil, errRcode(name, server, m.Rcode)
	}
	rrs := dnschain.Follow(m, name, qtype).Records
	if len(rrs) == 0 {
		return nil, errNotFound(name, server)
	}
	return rrs, nil
}

func lookupTXT(ctx context.Context, q queryFunc, server, name string) ([]string, error) {
	rrs, err := lookupRR(ctx, q, server, name, dns.TypeTXT)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(rrs))
	for _, rr := range rrs {
		// Like net.Resolver: the character-strings of one record are joined,
		// as the bytes on the wire (miekg/dns keeps them escaped).
		out = append(out, dnstxt.Join(rr.(*dns.TXT).Txt))
	}
	return out, nil
}

func lookupMX(ctx context.Context, q queryFunc, server, name string) ([]*net.MX, error) {
	rrs, err := lookupRR(ctx, q, server, name, dns.TypeMX)
	if err != nil {
		return nil, err
	}
	out := make([]*net.MX, 0, len(rrs))
	for _, rr := range rrs {
		mx := rr.(*dns.MX)
		out = append(out, &net.MX{Host: dns.Fqdn(mx.Mx), Pref: mx.Preference})
	}
	// net.Resolver shuffles hosts of equal preference; a stable order keeps
	// results reproducible.
	slices.SortStableFunc(out, func(a, b *net.MX) int {
		return cmp.Or(cmp.Compare(a.Pref, b.Pref), strings.Compare(a.Host, b.Host))
	})
	return out, nil
}

func lookupNetIP(ctx context.Context, q queryFunc, server, network, host string) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{a}, nil
	}
	var types []uint16
	switch network {
	case "ip":
		types = []uint16{dns.TypeA, dns.TypeAAAA}
	case "ip4":
		types = []uint16{dns.TypeA}
	case "ip6":
		types = []uint16{dns.TypeAAAA}
	default:
		return nil, &net.DNSError{Err: "unknown network " + network, Name: host, Server: server}
	}
	var out []netip.Addr
	var firstErr error
	for _, t := range types {
		rrs, err := lookupRR(ctx, q, server, host, t)
		if err != nil {
			// A temporary failure outranks "not found" when nothing was had.
			if firstErr == nil || IsNotFound(firstErr) && !IsNotFound(err) {
				firstErr = err
			}
			continue
		}
		for _, rr := range rrs {
			switch r := rr.(type) {
			case *dns.A:
				if a, ok := netip.AddrFromSlice(r.A.To4()); ok {
					out = append(out, a)
				}
			case *dns.AAAA:
				if a, ok := netip.AddrFromSlice(r.AAAA.To16()); ok {
					out = append(out, a)
				}
			}
		}
	}
	if len(out) == 0 {
		if firstErr == nil {
			firstErr = errNotFound(host, server)
		}
		return nil, firstErr
	}
	return out, nil
}

func lookupAddr(ctx context.Context, q queryFunc, server, addr string) ([]string, error) {
	rev, err := dns.ReverseAddr(addr)
	if err != nil {
		return nil, &net.DNSError{Err: "unrecognized address", Name: addr, Server: server}
	}
	rrs, err := lookupRR(ctx, q, server, rev, dns.TypePTR)
	if err != nil {
		return nil, err
	}
	out := make([]string, 0, len(rrs))
	for _, rr := range rrs {
		out = append(out, dns.Fqdn(rr.(*dns.PTR).Ptr))
	}
	return out, nil
}

// lookupCNAME returns the canonical name of host: the end of its CNAME
// chain, or host itself when it has addresses but no CNAME (the quirk of
// net.Resolver that callers such as the tracking check rely on).
func lookupCNAME(ctx context.Context, q queryFunc, server, host string) (string, error) {
	if _, ok := dns.IsDomainName(host); !ok || host == "" {
		return "", errNotFound(host, server)
	}
	var firstErr error
	for _, t := range []uint16{dns.TypeA, dns.TypeAAAA} {
		m, err := q(ctx, host, t)
		if err != nil {
			return "", err
		}
		c := dnschain.Follow(m, host, t)
		rrs, canonical := c.Records, c.End
		if canonical != strings.ToLower(dns.Fqdn(host)) {
			// A CNAME chain: its end is the answer even when the target
			// has no address (a dangling CNAME is still a CNAME).
			return canonical, nil
		}
		switch m.Rcode {
		case dns.RcodeSuccess:
			if len(rrs) > 0 {
				return dns.Fqdn(host), nil
			}
		case dns.RcodeNameError:
			return "", errNotFound(host, server)
		default:
			if firstErr == nil {
				firstErr = errRcode(host, server, m.Rcode)
			}
		}
	}
	if firstErr != nil {
		return "", firstErr
	}
	return "", errNotFound(host, server)
}
