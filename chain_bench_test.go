package domainauth

import (
	"fmt"
	"testing"

	"github.com/miekg/dns"
)

// BenchmarkChainAnswersLong follows a chain of 4,000 CNAMEs in one answer,
// about what a 64 KiB TCP message can hold: the cost must grow with the
// chain's length, not with its square.
func BenchmarkChainAnswersLong(b *testing.B) {
	const n = 4000
	m := new(dns.Msg)
	for i := range n {
		m.Answer = append(m.Answer, &dns.CNAME{
			Hdr:    dns.RR_Header{Name: fmt.Sprintf("c%d.example.", i), Rrtype: dns.TypeCNAME, Class: dns.ClassINET},
			Target: fmt.Sprintf("c%d.example.", i+1),
		})
	}
	b.ReportAllocs()
	for b.Loop() {
		chainAnswers(m, "c0.example.", dns.TypeTXT)
	}
}
