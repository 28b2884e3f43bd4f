package domainauth

import (
	"strings"
	"testing"

	"github.com/miekg/dns"
)

// FuzzAnswerTo feeds arbitrary bytes to the check that a datagram answers
// the query: nothing may panic, and whatever is accepted has the query's
// ID, QR set, opcode QUERY, the query's question and only IN records in
// its answer and authority sections.
func FuzzAnswerTo(f *testing.F) {
	q := new(dns.Msg)
	q.SetQuestion("example.com.", dns.TypeTXT)
	q.Id = 0x1234
	q.SetEdns0(DefaultUDPSize, false)
	wire, err := q.Pack()
	if err != nil {
		f.Fatal(err)
	}
	ok := new(dns.Msg)
	ok.SetReply(q)
	ok.Answer = []dns.RR{&dns.TXT{Hdr: dns.RR_Header{Name: "example.com.", Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 60}, Txt: []string{"v=spf1 -all"}}}
	good, _ := ok.Pack()
	ok.Answer[0].Header().Class = dns.ClassCHAOS
	chaos, _ := ok.Pack()
	ok.Answer[0].Header().Class = dns.ClassINET
	ok.Opcode = dns.OpcodeNotify
	notify, _ := ok.Pack()
	for _, seed := range [][]byte{good, wire, chaos, notify, good[:12], good[:len(good)-3], []byte("garbage")} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, why := answerTo(q, b)
		if (m == nil) == (why == "") {
			t.Fatalf("message %v with reason %q: want exactly one", m, why)
		}
		if m == nil {
			return
		}
		if m.Id != q.Id || !m.Response || m.Opcode != dns.OpcodeQuery || len(m.Question) != 1 ||
			!strings.EqualFold(m.Question[0].Name, "example.com.") || m.Question[0].Qtype != dns.TypeTXT || m.Question[0].Qclass != dns.ClassINET {
			t.Fatalf("accepted a message that does not answer the query:\n%v", m)
		}
		for _, rr := range append(m.Answer, m.Ns...) {
			if rr.Header().Class != dns.ClassINET {
				t.Fatalf("accepted a record of class %d: %v", rr.Header().Class, rr)
			}
		}
	})
}
