package domainauth_test

import (
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/spf"
)

// The real client against hostile servers on 127.0.0.1: an answer that is
// not an answer to the question asked must never read as "not found", one
// bad datagram must not spoil the exchange, and a cancelled context ends
// the lookup at once.

// replyFunc is a hostile server's behaviour: given a query (parsed, and its
// bytes), the datagrams or TCP messages to send back, in order.
type replyFunc func(q *dns.Msg, raw []byte) [][]byte

// hostileServer serves udp (and tcp when not nil) on one port of 127.0.0.1,
// writing back whatever the functions return, bytes as they are.
func hostileServer(t *testing.T, udp, tcp replyFunc) string {
	t.Helper()
	pc, ln := listenBoth(t, tcp != nil)
	var wg sync.WaitGroup
	wg.Go(func() {
		buf := make([]byte, 65535)
		for {
			n, from, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			raw := append([]byte(nil), buf[:n]...)
			q := new(dns.Msg)
			if q.Unpack(raw) != nil {
				continue
			}
			for _, b := range udp(q, raw) {
				pc.WriteTo(b, from)
			}
		}
	})
	var conns sync.Map
	if ln != nil {
		wg.Go(func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				conns.Store(c, true)
				wg.Go(func() {
					defer c.Close()
					for {
						var l [2]byte
						if _, err := io.ReadFull(c, l[:]); err != nil {
							return
						}
						raw := make([]byte, binary.BigEndian.Uint16(l[:]))
						if _, err := io.ReadFull(c, raw); err != nil {
							return
						}
						q := new(dns.Msg)
						if q.Unpack(raw) != nil {
							return
						}
						for _, b := range tcp(q, raw) {
							c.Write(binary.BigEndian.AppendUint16(nil, uint16(len(b))))
							c.Write(b)
						}
					}
				})
			}
		})
	}
	t.Cleanup(func() {
		pc.Close()
		if ln != nil {
			ln.Close()
		}
		conns.Range(func(c, _ any) bool { c.(net.Conn).Close(); return true })
		wg.Wait()
	})
	return pc.LocalAddr().String()
}

// listenBoth binds UDP on 127.0.0.1 and, when withTCP, TCP on the same
// port, trying a few ports in case another process holds the TCP one.
func listenBoth(t *testing.T, withTCP bool) (net.PacketConn, net.Listener) {
	t.Helper()
	for range 20 {
		pc, err := net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		if !withTCP {
			return pc, nil
		}
		ln, err := net.Listen("tcp", pc.LocalAddr().String())
		if err == nil {
			return pc, ln
		}
		pc.Close()
	}
	t.Skip("cannot bind UDP and TCP on one loopback port")
	return nil, nil
}

func pack(m *dns.Msg) []byte {
	b, err := m.Pack()
	if err != nil {
		panic(err)
	}
	return b
}

// answer is the honest reply to q: one TXT record at the name asked.
func answer(q *dns.Msg) *dns.Msg {
	m := new(dns.Msg)
	m.SetReply(q)
	m.Answer = []dns.RR{&dns.TXT{
		Hdr: dns.RR_Header{Name: q.Question[0].Name, Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 300},
		Txt: []string{"v=spf1 -all"},
	}}
	return m
}

// nxdomain is a NXDOMAIN reply to q.
func nxdomain(q *dns.Msg) *dns.Msg {
	m := new(dns.Msg)
	m.SetRcode(q, dns.RcodeNameError)
	return m
}

// notAnswers are datagrams with the query's ID that are no answer to it:
// each would read as "not found" (or as data of another class) if taken.
var notAnswers = []struct {
	name  string
	reply func(q *dns.Msg, raw []byte) []byte
}{
	{"query echoed back (QR=0)", func(q *dns.Msg, raw []byte) []byte { return raw }},
	{"QR=0 with NXDOMAIN", func(q *dns.Msg, raw []byte) []byte {
		m := nxdomain(q)
		m.Response = false
		return pack(m)
	}},
	{"opcode NOTIFY", func(q *dns.Msg, raw []byte) []byte {
		m := nxdomain(q)
		m.Opcode = dns.OpcodeNotify
		return pack(m)
	}},
	{"opcode UPDATE", func(q *dns.Msg, raw []byte) []byte {
		m := nxdomain(q)
		m.Opcode = dns.OpcodeUpdate
		return pack(m)
	}},
	{"question of class CHAOS", func(q *dns.Msg, raw []byte) []byte {
		m := nxdomain(q)
		m.Question[0].Qclass = dns.ClassCHAOS
		return pack(m)
	}},
	{"question of another type", func(q *dns.Msg, raw []byte) []byte {
		m := nxdomain(q)
		m.Question[0].Qtype = dns.TypeA
		return pack(m)
	}},
	{"question of another name", func(q *dns.Msg, raw []byte) []byte {
		m := nxdomain(q)
		m.Question[0].Name = "other.example."
		return pack(m)
	}},
	{"no question", func(q *dns.Msg, raw []byte) []byte {
		m := nxdomain(q)
		m.Question = nil
		return pack(m)
	}},
	{"answer record of class CHAOS", func(q *dns.Msg, raw []byte) []byte {
		m := answer(q)
		m.Answer[0].Header().Class = dns.ClassCHAOS
		return pack(m)
	}},
	{"wrong ID", func(q *dns.Msg, raw []byte) []byte {
		m := nxdomain(q)
		m.Id = q.Id + 1
		return pack(m)
	}},
	{"garbage", func(q *dns.Msg, raw []byte) []byte { return []byte("\x00\x01 not a DNS message") }},
	{"the query's ID and header, then garbage", func(q *dns.Msg, raw []byte) []byte {
		m := nxdomain(q)
		return append(pack(m)[:12], 0xff, 0xff, 0xff)
	}},
	{"answer count beyond the data", func(q *dns.Msg, raw []byte) []byte {
		b := pack(answer(q))
		binary.BigEndian.PutUint16(b[6:8], 100)
		return b
	}},
}

// TestHostileNotAnAnswer: a datagram that is not an answer to the question
// (an echo, another opcode or class, another ID, garbage) is ignored. Alone
// it leaves the lookup a temporary failure, never "not found" and never
// data; followed by the real answer, the real answer is the result.
func TestHostileNotAnAnswer(t *testing.T) {
	for _, na := range notAnswers {
		t.Run(na.name+"/alone", func(t *testing.T) {
			addr := hostileServer(t, func(q *dns.Msg, raw []byte) [][]byte {
				return [][]byte{na.reply(q, raw)}
			}, nil)
			// Short: the lookup is expected to end by this timeout.
			r := &domainauth.StubResolver{Servers: []string{addr}, Timeout: 200 * time.Millisecond, Attempts: 1}
			txt, err := r.LookupTXT(context.Background(), "example.com")
			if err == nil || domainauth.IsNotFound(err) || !domainauth.IsTemporary(err) || len(txt) > 0 {
				t.Errorf("got %q, %v; want no record and a temporary error, not not-found", txt, err)
			}
			var de *net.DNSError
			if !errors.As(err, &de) || de.Name != "example.com" || de.Server != addr {
				t.Errorf("error %#v; want a *net.DNSError naming example.com and %s", err, addr)
			}
			if !strings.Contains(err.Error(), "datagrams ignored: 1,") {
				t.Errorf("error %q does not say that a datagram was ignored", err)
			}
		})
		t.Run(na.name+"/then the answer", func(t *testing.T) {
			addr := hostileServer(t, func(q *dns.Msg, raw []byte) [][]byte {
				return [][]byte{na.reply(q, raw), pack(answer(q))}
			}, nil)
			r := &domainauth.StubResolver{Servers: []string{addr}, Timeout: 10 * time.Second, Attempts: 1}
			txt, err := r.LookupTXT(context.Background(), "example.com")
			if err != nil || len(txt) != 1 || txt[0] != "v=spf1 -all" {
				t.Errorf("got %q, %v; want the answer that followed", txt, err)
			}
		})
	}
}

// TestHostileNoiseThenAnswer: several bad datagrams in a row, then the
// answer: the client reads on until it has it.
func TestHostileNoiseThenAnswer(t *testing.T) {
	addr := hostileServer(t, func(q *dns.Msg, raw []byte) [][]byte {
		var out [][]byte
		for _, na := range notAnswers {
			out = append(out, na.reply(q, raw))
		}
		return append(out, pack(answer(q)))
	}, nil)
	r := &domainauth.StubResolver{Servers: []string{addr}, Timeout: 10 * time.Second, Attempts: 1}
	txt, err := r.LookupTXT(context.Background(), "example.com")
	if err != nil || len(txt) != 1 || txt[0] != "v=spf1 -all" {
		t.Errorf("got %q, %v; want the answer after %d bad datagrams", txt, err, len(notAnswers))
	}
}

// TestHostileDatagramFlood: a flood of datagrams that are no answer ends
// the attempt after MaxDatagrams of them, before its timeout, with a
// temporary error that says what happened.
func TestHostileDatagramFlood(t *testing.T) {
	const limit = 10
	addr := hostileServer(t, func(q *dns.Msg, raw []byte) [][]byte {
		m := nxdomain(q)
		m.Id = q.Id + 1
		out := make([][]byte, 10*limit)
		for i := range out {
			out[i] = pack(m)
		}
		return out
	}, nil)
	// A timeout far longer than the test: only the datagram bound can end
	// the lookup with the error checked below.
	r := &domainauth.StubResolver{Servers: []string{addr}, Timeout: time.Minute, Attempts: 1, MaxDatagrams: limit}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := r.LookupTXT(ctx, "example.com")
	if !domainauth.IsTemporary(err) || domainauth.IsTimeout(err) || ctx.Err() != nil {
		t.Fatalf("error %v; want a temporary error that is not a timeout", err)
	}
	if !strings.Contains(err.Error(), "datagrams") {
		t.Errorf("error %q does not say that too many datagrams came", err)
	}
}

// TestHostileTruncatedOverTCP: an answer still truncated over TCP is no
// answer: a temporary error, not NODATA.
func TestHostileTruncatedOverTCP(t *testing.T) {
	truncated := func(q *dns.Msg, raw []byte) [][]byte {
		m := new(dns.Msg)
		m.SetReply(q)
		m.Truncated = true
		return [][]byte{pack(m)}
	}
	for _, tc := range []struct {
		name string
		tcp  replyFunc
	}{
		{"TC=1 again", truncated},
		{"echo over TCP", func(q *dns.Msg, raw []byte) [][]byte { return [][]byte{raw} }},
		{"NOTIFY over TCP", func(q *dns.Msg, raw []byte) [][]byte {
			m := nxdomain(q)
			m.Opcode = dns.OpcodeNotify
			return [][]byte{pack(m)}
		}},
		{"wrong ID over TCP", func(q *dns.Msg, raw []byte) [][]byte {
			m := nxdomain(q)
			m.Id++
			return [][]byte{pack(m)}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			addr := hostileServer(t, truncated, tc.tcp)
			r := &domainauth.StubResolver{Servers: []string{addr}, Timeout: 5 * time.Second, Attempts: 1}
			txt, err := r.LookupTXT(context.Background(), "example.com")
			if err == nil || domainauth.IsNotFound(err) || len(txt) > 0 {
				t.Errorf("got %q, %v; want a temporary error, not not-found", txt, err)
			}
		})
	}
	// The honest case still works: TC=1 over UDP, the answer over TCP.
	addr := hostileServer(t, truncated, func(q *dns.Msg, raw []byte) [][]byte { return [][]byte{pack(answer(q))} })
	r := &domainauth.StubResolver{Servers: []string{addr}, Timeout: 5 * time.Second, Attempts: 1}
	if txt, err := r.LookupTXT(context.Background(), "example.com"); err != nil || len(txt) != 1 {
		t.Errorf("TCP retry: got %q, %v", txt, err)
	}
}

// hopServer answers like a forwarder that does not follow CNAMEs: one hop
// per answer, from chain (owner -> target, lower case, fully qualified);
// the end of the chain has one TXT record, "v=spf1 -all" or txt.
func hopServer(t *testing.T, chain map[string]string, txt ...string) string {
	return hostileServer(t, func(q *dns.Msg, raw []byte) [][]byte {
		name := strings.ToLower(q.Question[0].Name)
		if target, ok := chain[name]; ok {
			m := new(dns.Msg)
			m.SetReply(q)
			m.Answer = []dns.RR{&dns.CNAME{
				Hdr:    dns.RR_Header{Name: q.Question[0].Name, Rrtype: dns.TypeCNAME, Class: dns.ClassINET, Ttl: 300},
				Target: target,
			}}
			return [][]byte{pack(m)}
		}
		m := answer(q)
		if len(txt) > 0 {
			m.Answer[0].(*dns.TXT).Txt = txt
		}
		return [][]byte{pack(m)}
	}, nil)
}

// chainOf is c0.chain.test -> c1.chain.test -> ... -> c<n>.chain.test.
func chainOf(n int) map[string]string {
	m := map[string]string{}
	for i := range n {
		m[hop(i)] = hop(i + 1)
	}
	return m
}

func hop(i int) string { return "c" + string(rune('0'+i/10)) + string(rune('0'+i%10)) + ".chain.test." }

// TestHostileCNAMEChainTooLong: a chain longer than MaxCNAMEs that the
// server leaves for the client to follow is an error, not "not found":
// the record may well be at its end.
func TestHostileCNAMEChainTooLong(t *testing.T) {
	addr := hopServer(t, chainOf(domainauth.DefaultCNAMEs+1))
	r := &domainauth.StubResolver{Servers: []string{addr}, Timeout: 5 * time.Second, Attempts: 1}
	ctx := context.Background()
	txt, err := r.LookupTXT(ctx, hop(0))
	if err == nil || domainauth.IsNotFound(err) || !errors.Is(err, domainauth.ErrCNAMEChain) {
		t.Errorf("LookupTXT: got %q, %v; want an error matching ErrCNAMEChain, not not-found", txt, err)
	}
	if m, err := r.Query(ctx, hop(0), dns.TypeTXT); !errors.Is(err, domainauth.ErrCNAMEChain) {
		t.Errorf("Query: got %v, %v; want an error matching ErrCNAMEChain", m, err)
	}
	if _, err := r.LookupNetIP(ctx, "ip4", hop(0)); err == nil || domainauth.IsNotFound(err) {
		t.Errorf("LookupNetIP: %v; want a temporary error", err)
	}

	// One more hop allowed, and the record at the end is found.
	r = &domainauth.StubResolver{Servers: []string{addr}, Timeout: 5 * time.Second, Attempts: 1, MaxCNAMEs: domainauth.DefaultCNAMEs + 1}
	if txt, err := r.LookupTXT(ctx, hop(0)); err != nil || len(txt) != 1 {
		t.Errorf("MaxCNAMEs %d: got %q, %v; want the record at the end of the chain", domainauth.DefaultCNAMEs+1, txt, err)
	}
}

// TestCNAMEChainTooLongIsTemporaryForSPFAndDMARC: SPF and DMARC read the
// chain error as a temporary failure (temperror, no verdict), not as a
// domain without a record (none, no policy).
func TestCNAMEChainTooLongIsTemporaryForSPFAndDMARC(t *testing.T) {
	ctx := context.Background()
	addr := hopServer(t, chainOf(domainauth.DefaultCNAMEs+1))
	c := &spf.Checker{Resolver: &domainauth.StubResolver{Servers: []string{addr}, Timeout: 5 * time.Second, Attempts: 1}}
	if out := c.CheckHost(ctx, netip.MustParseAddr("192.0.2.1"), strings.TrimSuffix(hop(0), "."), "a@"+hop(0)); out.Result != spf.TempError {
		t.Errorf("SPF: %s (%v); want temperror", out.Result, out.Err)
	}

	chain := chainOf(domainauth.DefaultCNAMEs + 1)
	chain["_dmarc.example.com."] = hop(0)
	addr = hopServer(t, chain, "v=DMARC1; p=reject")
	r := &domainauth.StubResolver{Servers: []string{addr}, Timeout: 5 * time.Second, Attempts: 1}
	if lr, err := dmarc.Lookup(ctx, r, "example.com"); !dmarc.IsTemporary(err) {
		t.Errorf("DMARC: %+v, %v; want a temporary error", lr, err)
	}
}

// TestHostileCNAMELoop: a loop, whether the client follows it hop by hop
// or the server sends it whole, is an error, not "not found".
func TestHostileCNAMELoop(t *testing.T) {
	ctx := context.Background()
	hopped := hopServer(t, map[string]string{hop(0): hop(1), hop(1): hop(0)})
	whole := hostileServer(t, func(q *dns.Msg, raw []byte) [][]byte {
		m := new(dns.Msg)
		m.SetReply(q)
		for _, p := range [][2]string{{hop(0), hop(1)}, {hop(1), hop(0)}} {
			m.Answer = append(m.Answer, &dns.CNAME{
				Hdr:    dns.RR_Header{Name: p[0], Rrtype: dns.TypeCNAME, Class: dns.ClassINET, Ttl: 300},
				Target: p[1],
			})
		}
		return [][]byte{pack(m)}
	}, nil)
	for _, addr := range []string{hopped, whole} {
		r := &domainauth.StubResolver{Servers: []string{addr}, Timeout: 5 * time.Second, Attempts: 1}
		txt, err := r.LookupTXT(ctx, hop(0))
		if err == nil || domainauth.IsNotFound(err) || !errors.Is(err, domainauth.ErrCNAMEChain) {
			t.Errorf("%s: got %q, %v; want an error matching ErrCNAMEChain, not not-found", addr, txt, err)
		}
	}
}

// TestHostileCancelStopsLookup: cancelling the context ends a lookup that
// waits for a server that never answers at once, not at the end of the
// attempt's timeout.
func TestHostileCancelStopsLookup(t *testing.T) {
	addr, _ := blackHole(t)
	const timeout = time.Minute
	r := &domainauth.StubResolver{Servers: []string{addr}, Timeout: timeout, Attempts: 1}
	for _, l := range allLookups {
		t.Run(l.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(20*time.Millisecond, cancel)
			start := time.Now()
			err := l.run(ctx, r)
			// Generous: a loaded machine may be slow to run the
			// cancellation, but nowhere near the attempt's timeout.
			if d := time.Since(start); d > timeout/6 {
				t.Errorf("returned %v after the start; the cancellation came after 20ms", d)
			}
			if !errors.Is(err, context.Canceled) || !domainauth.IsTemporary(err) {
				t.Errorf("error %v; want a temporary error matching context.Canceled", err)
			}
		})
	}
}

// TestHostileCancelDuringTCP: the TCP retry after a truncated answer also
// stops when the context is cancelled.
func TestHostileCancelDuringTCP(t *testing.T) {
	addr := hostileServer(t, func(q *dns.Msg, raw []byte) [][]byte {
		m := new(dns.Msg)
		m.SetReply(q)
		m.Truncated = true
		return [][]byte{pack(m)}
	}, func(q *dns.Msg, raw []byte) [][]byte { return nil }) // never answers
	const timeout = time.Minute
	r := &domainauth.StubResolver{Servers: []string{addr}, Timeout: timeout, Attempts: 1}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	start := time.Now()
	_, err := r.LookupTXT(ctx, "example.com")
	if d := time.Since(start); d > timeout/6 {
		t.Errorf("returned %v after the start; the cancellation came after 300ms", d)
	}
	if !errors.Is(err, context.Canceled) || !domainauth.IsTemporary(err) {
		t.Errorf("error %v; want a temporary error matching context.Canceled", err)
	}
}

// TestRcodeBADVERS: rcode 16 in a response (EDNS extended rcode, RFC 6891)
// is BADVERS; BADSIG is the same number in a TSIG record's error field
// only (RFC 8945), never in a message header.
func TestRcodeBADVERS(t *testing.T) {
	addr := hostileServer(t, func(q *dns.Msg, raw []byte) [][]byte {
		m := new(dns.Msg)
		m.SetReply(q)
		m.SetEdns0(4096, false)
		m.Rcode = dns.RcodeBadVers // packed as 0 in the header, 1 in the OPT record
		return [][]byte{pack(m)}
	}, nil)
	r := &domainauth.StubResolver{Servers: []string{addr}, Timeout: 5 * time.Second, Attempts: 1}
	_, err := r.LookupTXT(context.Background(), "example.com")
	if !domainauth.IsTemporary(err) || !strings.Contains(err.Error(), "BADVERS") || strings.Contains(err.Error(), "BADSIG") {
		t.Errorf("error %v; want a temporary error naming BADVERS", err)
	}
}

// TestTimeoutWithoutDatagrams: a server that sends nothing gives a plain
// timeout, without talk of ignored datagrams.
func TestTimeoutWithoutDatagrams(t *testing.T) {
	addr, _ := blackHole(t)
	r := &domainauth.StubResolver{Servers: []string{addr}, Timeout: 50 * time.Millisecond, Attempts: 1}
	_, err := r.LookupTXT(context.Background(), "example.com")
	if !domainauth.IsTimeout(err) || strings.Contains(err.Error(), "ignored") {
		t.Errorf("error %v; want a plain timeout", err)
	}
}

// TestQueryNameTooLong: a name that cannot be put in a query (a label over
// 63 bytes, RFC 1035 section 2.3.4) fails at once without a query sent,
// and is no "not found" that a server said.
func TestQueryNameTooLong(t *testing.T) {
	addr, count := blackHole(t)
	r := &domainauth.StubResolver{Servers: []string{addr}, Timeout: time.Minute, Attempts: 1}
	m, err := r.Query(context.Background(), strings.Repeat("a", 64)+".example", dns.TypeTXT)
	if err == nil || domainauth.IsNotFound(err) || m != nil {
		t.Errorf("got %v, %v; want an error", m, err)
	}
	if n := count(); n != 0 {
		t.Errorf("%d queries sent", n)
	}
}

// TestHostileExtraRecordsIgnored: records in the answer section that are
// not of the type asked or not at the name asked (an attempt to slip in
// data for another name) are not returned.
func TestHostileExtraRecordsIgnored(t *testing.T) {
	addr := hostileServer(t, func(q *dns.Msg, raw []byte) [][]byte {
		m := answer(q)
		m.Answer = append(m.Answer,
			&dns.TXT{Hdr: dns.RR_Header{Name: "other.example.", Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 300}, Txt: []string{"v=spf1 +all"}},
			&dns.A{Hdr: dns.RR_Header{Name: q.Question[0].Name, Rrtype: dns.TypeA, Class: dns.ClassINET, Ttl: 300}, A: net.IPv4(192, 0, 2, 1)},
		)
		return [][]byte{pack(m)}
	}, nil)
	r := &domainauth.StubResolver{Servers: []string{addr}, Timeout: 5 * time.Second, Attempts: 1}
	txt, err := r.LookupTXT(context.Background(), "example.com")
	if err != nil || len(txt) != 1 || txt[0] != "v=spf1 -all" {
		t.Errorf("got %q, %v; want only the TXT record at example.com", txt, err)
	}
}
