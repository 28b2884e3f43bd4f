package tracking

import (
	"context"
	"net/netip"

	"github.com/domainauth/domainauth/internal/dnserr"
	"github.com/domainauth/domainauth/internal/dnsname"
	"github.com/domainauth/domainauth/internal/enumtext"
	"github.com/miekg/dns"
)

// CNAMEStatus is the state of the tracking host's CNAME record.
type CNAMEStatus int

// CNAME statuses.
const (
	// CNAMEUnknown: the lookup failed temporarily (Err says why).
	CNAMEUnknown CNAMEStatus = iota
	// CNAMEOK: the host is an alias of an expected target.
	CNAMEOK
	// CNAMEMissing: the host has no CNAME and no addresses.
	CNAMEMissing
	// CNAMEWrongTarget: the host is an alias of something else.
	CNAMEWrongTarget
	// CNAMEProxied: the host has addresses but no CNAME, what a DNS host
	// that proxies the record (Cloudflare's orange cloud) publishes
	// instead of the customer's CNAME.
	CNAMEProxied
)

var cnameStatusNames = [...]string{
	CNAMEUnknown:     "unknown",
	CNAMEOK:          "ok",
	CNAMEMissing:     "missing",
	CNAMEWrongTarget: "wrong-target",
	CNAMEProxied:     "proxied",
}

// String returns "unknown", "ok", "missing", "wrong-target" or "proxied";
// "unknown" for a value that is not a CNAMEStatus.
func (s CNAMEStatus) String() string { return enumtext.StringOr(s, cnameStatusNames[:], "unknown") }

// CNAMEResult is what DNS says about the tracking host.
type CNAMEResult struct {
	Status CNAMEStatus // the verdict on the record; CNAMEUnknown when the lookup failed temporarily
	// Target is the name the host is an alias of: the first CNAME target
	// when the resolver offers raw queries, otherwise the end of the
	// chain (what LookupCNAME returns). Normalised, no trailing dot.
	Target string
	// Chain lists every CNAME target from the host on, when the resolver
	// offers raw queries.
	Chain []string
	// Addrs are the addresses found at a proxied host.
	Addrs []netip.Addr
	// Err is the lookup error behind CNAMEUnknown.
	Err error
}

// querier is the optional raw query of the domainauth resolvers, used to
// see each step of a CNAME chain.
type querier interface {
	Query(ctx context.Context, name string, qtype uint16) (*dns.Msg, error)
}

// maxChain bounds the CNAME chain followed in a raw answer.
const maxChain = 16

func (c *Checker) checkCNAME(ctx context.Context, host string, expected []string) CNAMEResult {
	res := c.resolver()
	canon, err := res.LookupCNAME(ctx, host)
	if err != nil {
		if dnserr.IsNotFound(err) {
			return CNAMEResult{Status: CNAMEMissing}
		}
		return CNAMEResult{Status: CNAMEUnknown, Err: err}
	}
	canon = dnsname.Canonical(canon)
	if canon == host {
		// *net.Resolver's quirk: no CNAME but addresses gives the name
		// itself. Are there addresses?
		addrs, err := res.LookupNetIP(ctx, "ip", host)
		switch {
		case err == nil && len(addrs) > 0:
			return CNAMEResult{Status: CNAMEProxied, Addrs: addrs}
		case err == nil || dnserr.IsNotFound(err):
			return CNAMEResult{Status: CNAMEMissing}
		default:
			return CNAMEResult{Status: CNAMEUnknown, Err: err}
		}
	}

	r := CNAMEResult{Status: CNAMEWrongTarget, Target: canon}
	if q, ok := res.(querier); ok {
		if chain := cnameChain(ctx, q, host); len(chain) > 0 {
			r.Chain = chain
			r.Target = chain[0]
		}
	}
	if len(expected) == 0 {
		r.Status = CNAMEOK
		return r
	}
	hops := r.Chain
	if len(hops) == 0 {
		hops = []string{canon}
	}
	for _, h := range hops {
		for _, e := range expected {
			if h == e {
				r.Status = CNAMEOK
				return r
			}
		}
	}
	if r.Chain == nil {
		// Without raw queries only the end of the chain is visible. An
		// expected target that is itself an alias (e.g. of a CDN) ends
		// where the host ends when the host points at it.
		for _, e := range expected {
			ec, err := res.LookupCNAME(ctx, e)
			if err == nil && dnsname.Canonical(ec) == canon && dnsname.Canonical(ec) != e {
				r.Status = CNAMEOK
				return r
			}
		}
	}
	return r
}

// cnameChain returns the CNAME targets from host on, as a recursive
// server's answer for the A record shows them, or nil.
func cnameChain(ctx context.Context, q querier, host string) []string {
	m, err := q.Query(ctx, host, dns.TypeA)
	if err != nil || m == nil {
		return nil
	}
	var chain []string
	cur := host
	for range maxChain {
		next := ""
		for _, rr := range m.Answer {
			if cn, ok := rr.(*dns.CNAME); ok && dnsname.Canonical(cn.Hdr.Name) == cur {
				next = dnsname.Canonical(cn.Target)
				break
			}
		}
		if next == "" {
			break
		}
		chain = append(chain, next)
		cur = next
	}
	return chain
}
