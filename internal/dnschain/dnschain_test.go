package dnschain

import (
	"fmt"
	"math"
	"slices"
	"testing"

	"github.com/miekg/dns"
)

func cname(owner, target string, ttl uint32) dns.RR {
	return &dns.CNAME{Hdr: dns.RR_Header{Name: owner, Rrtype: dns.TypeCNAME, Class: dns.ClassINET, Ttl: ttl}, Target: target}
}

func txt(owner, text string, ttl uint32) dns.RR {
	return &dns.TXT{Hdr: dns.RR_Header{Name: owner, Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: ttl}, Txt: []string{text}}
}

// texts returns the text of each TXT record of rrs.
func texts(rrs []dns.RR) []string {
	var out []string
	for _, rr := range rrs {
		out = append(out, rr.(*dns.TXT).Txt[0])
	}
	return out
}

// TestFollow checks the walk on answers a resolver may give: no chain, a
// chain in any order and case, records off the chain (which do not
// count), a second CNAME for an owner (the first counts), a loop, a
// chain with no records at its end, and a CNAME question.
func TestFollow(t *testing.T) {
	for _, tt := range []struct {
		name   string
		answer []dns.RR
		qname  string
		qtype  uint16
		texts  []string
		end    string
		ttl    uint32
		hops   int
		loop   bool
	}{
		{name: "records, no chain", answer: []dns.RR{txt("a.test.", "one", 300), txt("A.TEST.", "two", 200)},
			qname: "a.test", qtype: dns.TypeTXT, texts: []string{"one", "two"}, end: "a.test.", ttl: 200},
		{name: "chain out of order, in other cases, with strays", answer: []dns.RR{
			txt("c.test.", "end", 600), txt("stray.test.", "stray", 5), cname("B.test.", "C.TEST.", 120),
			cname("a.test.", "b.test.", 900), txt("a.test.", "at a CNAME owner", 1)},
			qname: "A.Test.", qtype: dns.TypeTXT, texts: []string{"end"}, end: "c.test.", ttl: 120, hops: 2},
		{name: "first CNAME of an owner counts", answer: []dns.RR{
			cname("a.test.", "b.test.", 300), cname("a.test.", "c.test.", 300), txt("b.test.", "b", 300), txt("c.test.", "c", 300)},
			qname: "a.test.", qtype: dns.TypeTXT, texts: []string{"b"}, end: "b.test.", ttl: 300, hops: 1},
		{name: "loop", answer: []dns.RR{cname("a.test.", "b.test.", 300), cname("b.test.", "a.test.", 300), txt("a.test.", "x", 300)},
			qname: "a.test.", qtype: dns.TypeTXT, end: "a.test.", ttl: 300, hops: 2, loop: true},
		{name: "self loop", answer: []dns.RR{cname("a.test.", "a.test.", 30)},
			qname: "a.test.", qtype: dns.TypeTXT, end: "a.test.", ttl: 30, hops: 1, loop: true},
		{name: "chain to nothing", answer: []dns.RR{cname("a.test.", "b.test.", 60)},
			qname: "a.test.", qtype: dns.TypeTXT, end: "b.test.", ttl: 60, hops: 1},
		{name: "CNAME question", answer: []dns.RR{cname("a.test.", "b.test.", 60), cname("b.test.", "c.test.", 10)},
			qname: "a.test.", qtype: dns.TypeCNAME, end: "a.test.", ttl: 60},
		{name: "nil record, as only a hand-built answer has", answer: []dns.RR{nil, cname("a.test.", "b.test.", 60), nil, txt("b.test.", "b", 90)},
			qname: "a.test.", qtype: dns.TypeTXT, texts: []string{"b"}, end: "b.test.", ttl: 60, hops: 1},
		{name: "opaque record of a known type, as only a hand-built answer has", answer: []dns.RR{
			&dns.RFC3597{Hdr: dns.RR_Header{Name: "a.test.", Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 5}, Rdata: "0161"}, txt("a.test.", "real", 90)},
			qname: "a.test.", qtype: dns.TypeTXT, texts: []string{"real"}, end: "a.test.", ttl: 90},
		{name: "empty answer", qname: "a.test.", qtype: dns.TypeTXT, end: "a.test.", ttl: math.MaxUint32},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := Follow(&dns.Msg{Answer: tt.answer}, tt.qname, tt.qtype)
			var got []string
			if tt.qtype == dns.TypeTXT {
				got = texts(c.Records)
			} else {
				for _, rr := range c.Records {
					got = append(got, rr.(*dns.CNAME).Target)
				}
				if len(got) != 1 || got[0] != "b.test." {
					t.Errorf("CNAME question: records %v; want the CNAME of a.test.", got)
				}
				got = nil
			}
			if !slices.Equal(got, tt.texts) || c.End != tt.end || c.TTL != tt.ttl || c.Hops != tt.hops || c.Loop != tt.loop {
				t.Errorf("Follow = %v, end %q, TTL %d, %d hops, loop %v; want %v, %q, %d, %d, %v",
					got, c.End, c.TTL, c.Hops, c.Loop, tt.texts, tt.end, tt.ttl, tt.hops, tt.loop)
			}
		})
	}
}

// longChain is a chain of n CNAMEs, c0 → c1 → … → cn, with a TXT record
// at its end.
func longChain(n int) *dns.Msg {
	m := new(dns.Msg)
	for i := range n {
		m.Answer = append(m.Answer, cname(fmt.Sprintf("c%d.example.", i), fmt.Sprintf("c%d.example.", i+1), 300))
	}
	m.Answer = append(m.Answer, txt(fmt.Sprintf("c%d.example.", n), "end", 300))
	return m
}

// TestFollowLong: a chain of 4,000 CNAMEs, about what a 64 KiB TCP
// message holds, is followed to its end.
func TestFollowLong(t *testing.T) {
	c := Follow(longChain(4000), "c0.example.", dns.TypeTXT)
	if c.Hops != 4000 || c.Loop || !slices.Equal(texts(c.Records), []string{"end"}) {
		t.Errorf("4,000 hops: %d hops, loop %v, %v", c.Hops, c.Loop, texts(c.Records))
	}
}

// BenchmarkFollowLong follows the chain of TestFollowLong: the cost must
// grow with the chain's length, not with its square.
func BenchmarkFollowLong(b *testing.B) {
	m := longChain(4000)
	b.ReportAllocs()
	for b.Loop() {
		Follow(m, "c0.example.", dns.TypeTXT)
	}
}

// TestFollowUnknownType: a record of a type miekg/dns does not know is
// opaque data (RFC 3597) however it arrived, and is the answer to a
// question for that type.
func TestFollowUnknownType(t *testing.T) {
	const typ = 65280 // private use
	rr := &dns.RFC3597{Hdr: dns.RR_Header{Name: "b.test.", Rrtype: typ, Class: dns.ClassINET, Ttl: 40}, Rdata: "00"}
	c := Follow(&dns.Msg{Answer: []dns.RR{cname("a.test.", "b.test.", 60), rr}}, "a.test.", typ)
	if len(c.Records) != 1 || c.Records[0] != dns.RR(rr) || c.TTL != 40 {
		t.Errorf("Follow for type %d = %v, TTL %d; want the opaque record, TTL 40", typ, c.Records, c.TTL)
	}
}
