// Package dnschain follows a CNAME chain within one DNS answer: the one
// walk that the root resolvers (for every lookup) and dkim's key cache
// (which reads raw answers for their TTL) must make alike. An answer may
// come from a hostile server, so the walk costs time in proportion to the
// answer's size however long the chain, and it reports a chain that loops
// instead of following it.
package dnschain

import (
	"math"
	"strings"

	"github.com/miekg/dns"
)

// Chain is what Follow found in an answer.
type Chain struct {
	// Records are the records of the type asked for that the chain's
	// last name owns, in the order of the answer, each of the Go type
	// miekg/dns has for it (never *dns.RFC3597 for a type it knows).
	Records []dns.RR
	// End is the chain's last name, fully qualified and in lower case:
	// the name asked for when it has no CNAME.
	End string
	// TTL is the smallest TTL of the CNAMEs on the chain and of Records,
	// how long the whole answer may be kept; math.MaxUint32 when there
	// are neither.
	TTL uint32
	// Hops is the number of CNAMEs followed.
	Hops int
	// Loop reports a chain that does not end: its last name still has a
	// CNAME after as many hops as the answer holds CNAME owners. Records
	// is then empty.
	Loop bool
}

// Follow follows the CNAME chain in m's answer section from name, where
// the first CNAME of an owner counts, as a resolver takes it, and owner
// names match without regard to case. For qtype CNAME it follows no
// chain: the CNAME record is the answer.
func Follow(m *dns.Msg, name string, qtype uint16) Chain {
	c := Chain{End: strings.ToLower(dns.Fqdn(name)), TTL: math.MaxUint32}
	if qtype != dns.TypeCNAME {
		type link struct {
			target string
			ttl    uint32
		}
		// One map, so that a long chain costs time in proportion to its
		// length (a hostile answer may hold thousands of CNAMEs).
		var links map[string]link
		for _, rr := range m.Answer {
			if cn, ok := rr.(*dns.CNAME); ok {
				if links == nil {
					links = make(map[string]link)
				}
				owner := strings.ToLower(dns.Fqdn(cn.Hdr.Name))
				if _, dup := links[owner]; !dup {
					links[owner] = link{strings.ToLower(dns.Fqdn(cn.Target)), cn.Hdr.Ttl}
				}
			}
		}
		for range len(links) {
			l, ok := links[c.End]
			if !ok {
				break
			}
			c.End, c.TTL = l.target, min(c.TTL, l.ttl)
			c.Hops++
		}
		if _, more := links[c.End]; more {
			c.Loop = true
			return c
		}
	}
	for _, rr := range m.Answer {
		if rr == nil {
			continue // only a hand-built answer has one
		}
		h := rr.Header()
		if _, opaque := rr.(*dns.RFC3597); opaque && dns.TypeToRR[h.Rrtype] != nil {
			// A type miekg/dns knows, kept as opaque data: only a
			// hand-built answer has one, and it is not a record of that
			// type to read.
			continue
		}
		if h.Rrtype == qtype && strings.EqualFold(dns.Fqdn(h.Name), c.End) {
			c.Records = append(c.Records, rr)
			c.TTL = min(c.TTL, h.Ttl)
		}
	}
	return c
}
