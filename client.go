package domainauth

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/domainauth/domainauth/internal/dnschain"
)

// Defaults of a zero StubResolver.
const (
	DefaultTimeout      = 2 * time.Second // per query attempt
	DefaultAttempts     = 2               // rounds over the server list
	DefaultUDPSize      = 4096            // EDNS0 buffer size advertised
	DefaultCNAMEs       = 8               // CNAME hops followed by the client
	DefaultMaxDatagrams = 64              // datagrams read per UDP attempt
)

// ErrCNAMEChain is the cause of a lookup whose CNAME chain is longer than
// the hops the client follows (MaxCNAMEs) or loops. The record may exist
// at the end of the chain, so this is a temporary failure, never "not
// found"; match it with errors.Is.
var ErrCNAMEChain = errors.New("CNAME chain too long or looping")

// StubResolver is the real DNS client: a stub resolver on
// [github.com/miekg/dns] that sends recursive queries to the configured
// servers. It implements [Resolver] and [Querier].
//
// Each query goes over UDP with EDNS0 (a 4096-byte buffer by default) and
// is retried over TCP when the answer is truncated. A server that answers
// SERVFAIL or REFUSED, or does not answer within Timeout, is passed over
// for the next; the list is tried Attempts times. When a server returns a
// CNAME chain without the records at its end (some forwarders do), the
// client asks for the target itself, up to MaxCNAMEs hops; a longer chain
// or a loop is an error matching [ErrCNAMEChain]. The context bounds the
// whole lookup, and cancelling it ends the lookup at once.
//
// Only an answer to the question asked is taken: a datagram with another
// ID, one that is not a response (QR clear), another opcode than QUERY,
// another question (name, type or class), records of another class than
// IN, or bytes that do not parse are ignored, and the client reads on
// until the answer, the attempt's timeout or MaxDatagrams datagrams. A
// blind attacker must therefore guess the query ID as well as the source
// port. An answer still truncated over TCP is a failure, not an empty
// answer.
//
// The zero value is ready to use and reads its servers from
// /etc/resolv.conf on first use. A StubResolver is safe for concurrent use;
// do not change its fields after first use.
type StubResolver struct {
	// Servers are "host:port" addresses (a bare host means port 53). When
	// empty, the nameservers of /etc/resolv.conf are used, or
	// 127.0.0.1:53 when that file cannot be read.
	Servers []string
	// Timeout bounds one query to one server; DefaultTimeout when zero.
	Timeout time.Duration
	// Attempts is how many times the server list is tried;
	// DefaultAttempts when zero.
	Attempts int
	// UDPSize is the EDNS0 buffer size; DefaultUDPSize when zero.
	UDPSize uint16
	// MaxCNAMEs bounds the CNAME hops the client follows itself;
	// DefaultCNAMEs when zero.
	MaxCNAMEs int
	// MaxDatagrams bounds the datagrams read in one UDP attempt while
	// waiting for the answer (the others are ignored);
	// DefaultMaxDatagrams when zero.
	MaxDatagrams int

	once    sync.Once
	servers []string
}

func (r *StubResolver) serverList() []string {
	r.once.Do(func() {
		for _, s := range r.Servers {
			if _, _, err := net.SplitHostPort(s); err != nil {
				s = net.JoinHostPort(strings.Trim(s, "[]"), "53")
			}
			r.servers = append(r.servers, s)
		}
		if len(r.servers) > 0 {
			return
		}
		if cfg, err := dns.ClientConfigFromFile("/etc/resolv.conf"); err == nil {
			for _, s := range cfg.Servers {
				r.servers = append(r.servers, net.JoinHostPort(s, cfg.Port))
			}
		}
		if len(r.servers) == 0 {
			r.servers = []string{"127.0.0.1:53"}
		}
	})
	return r.servers
}

func (r *StubResolver) timeout() time.Duration {
	if r.Timeout > 0 {
		return r.Timeout
	}
	return DefaultTimeout
}

func (r *StubResolver) attempts() int {
	if r.Attempts > 0 {
		return r.Attempts
	}
	return DefaultAttempts
}

func (r *StubResolver) udpSize() uint16 {
	if r.UDPSize > 0 {
		return r.UDPSize
	}
	return DefaultUDPSize
}

func (r *StubResolver) maxCNAMEs() int {
	if r.MaxCNAMEs > 0 {
		return r.MaxCNAMEs
	}
	return DefaultCNAMEs
}

func (r *StubResolver) maxDatagrams() int {
	if r.MaxDatagrams > 0 {
		return r.MaxDatagrams
	}
	return DefaultMaxDatagrams
}

func (r *StubResolver) serverName() string {
	s := r.serverList()
	return s[0]
}

// Query sends one question and returns the response, following a CNAME
// chain that the server left unfinished. The response code is data; the
// error means no usable answer came back (every server timed out or
// failed, the CNAME chain is too long or loops, or ctx is done).
func (r *StubResolver) Query(ctx context.Context, name string, qtype uint16) (*dns.Msg, error) {
	m, err := r.exchange(ctx, name, qtype)
	if err != nil || qtype == dns.TypeCNAME || qtype == dns.TypeANY || m.Rcode != dns.RcodeSuccess {
		return m, err
	}
	// Finish a chain the server did not: ask for its last name ourselves.
	seen := map[string]bool{strings.ToLower(dns.Fqdn(name)): true}
	for hops := 0; ; hops++ {
		c := dnschain.Follow(m, name, qtype)
		rrs, end := c.Records, c.End
		if c.Loop {
			return nil, errCNAMEChain(name, r.serverName(), "loops")
		}
		if len(rrs) > 0 || seen[end] {
			// The records, or the end of the chain: a name asked
			// already that has no CNAME.
			return m, nil
		}
		if hops == r.maxCNAMEs() {
			return nil, errCNAMEChain(name, r.serverName(), fmt.Sprintf("is longer than %d hops", hops))
		}
		seen[end] = true
		next, err := r.exchange(ctx, end, qtype)
		if err != nil {
			return nil, err
		}
		m.Answer = append(m.Answer, next.Answer...)
		m.Rcode = next.Rcode
		m.AuthenticatedData = m.AuthenticatedData && next.AuthenticatedData
		if next.Rcode != dns.RcodeSuccess {
			return m, nil
		}
	}
}

// exchange asks the servers in turn, over UDP then TCP on truncation.
func (r *StubResolver) exchange(ctx context.Context, name string, qtype uint16) (*dns.Msg, error) {
	servers := r.serverList()
	q := new(dns.Msg)
	q.SetQuestion(dns.Fqdn(name), qtype)
	q.RecursionDesired = true
	q.AuthenticatedData = true // RFC 6840 section 5.7: ask for the AD bit
	q.SetEdns0(r.udpSize(), false)
	wire, err := q.Pack()
	if err != nil {
		// SetQuestion does not check the name; a label over 63 bytes
		// or a name over 255 does not pack.
		return nil, &net.DNSError{Err: err.Error(), Name: name, Server: r.serverName(), IsTemporary: true, UnwrapErr: err}
	}

	var lastResp *dns.Msg
	var lastErr error
	lastServer := r.serverName()
	for range r.attempts() {
		for _, server := range servers {
			if ctx.Err() != nil {
				return nil, errContext(ctx, name, server)
			}
			resp, err := r.exchangeOne(ctx, q, wire, server)
			if err != nil {
				if ctxExpired(ctx) {
					return nil, errContext(ctx, name, server)
				}
				lastErr, lastServer = err, server
				continue
			}
			if resp.Rcode == dns.RcodeServerFailure || resp.Rcode == dns.RcodeRefused {
				// Another server may do better; keep this answer in case
				// none does.
				lastResp = resp
				continue
			}
			return resp, nil
		}
	}
	if lastResp != nil {
		return lastResp, nil
	}
	var de *net.DNSError
	if errors.As(lastErr, &de) {
		e := *de
		e.Name, e.Server = name, lastServer
		return nil, &e
	}
	var ne net.Error
	if lastErr == nil || errors.As(lastErr, &ne) && ne.Timeout() {
		return nil, errTimeout(name, lastServer)
	}
	return nil, &net.DNSError{Err: lastErr.Error(), Name: name, Server: lastServer, IsTemporary: true, UnwrapErr: lastErr}
}

// exchangeOne is one attempt at one server: UDP, then TCP when the UDP
// answer is truncated, both within Timeout.
func (r *StubResolver) exchangeOne(ctx context.Context, q *dns.Msg, wire []byte, server string) (*dns.Msg, error) {
	ctx, cancel := context.WithTimeout(ctx, r.timeout())
	defer cancel()
	resp, err := r.exchangeUDP(ctx, q, wire, server)
	if err != nil || !resp.Truncated {
		return resp, err
	}
	return exchangeTCP(ctx, q, wire, server)
}

// exchangeUDP sends the query in one datagram and reads datagrams until
// one is the answer to it, the deadline passes, ctx is cancelled or
// MaxDatagrams were read.
func (r *StubResolver) exchangeUDP(ctx context.Context, q *dns.Msg, wire []byte, server string) (*dns.Msg, error) {
	var d net.Dialer
	// A connected socket: the kernel drops datagrams from other
	// addresses and ports.
	conn, err := d.DialContext(ctx, "udp", server)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	defer watch(ctx, conn)()
	if _, err := conn.Write(wire); err != nil {
		return nil, err
	}
	// A server must not send more than the size advertised (RFC 6891
	// section 6.2.5); a longer datagram is cut and then fails to parse.
	buf := make([]byte, max(int(r.udpSize()), dns.MinMsgSize))
	var why string
	for read := 0; read < r.maxDatagrams(); read++ {
		n, err := conn.Read(buf)
		if err != nil {
			var ne net.Error
			if read > 0 && errors.As(err, &ne) && ne.Timeout() {
				return nil, &net.DNSError{
					Err:       fmt.Sprintf("i/o timeout; datagrams ignored: %d, the last: %s", read, why),
					IsTimeout: true, IsTemporary: true, UnwrapErr: err,
				}
			}
			return nil, err
		}
		resp, reason := answerTo(q, buf[:n])
		if reason == "" {
			return resp, nil
		}
		why = reason
	}
	return nil, &net.DNSError{
		Err:         fmt.Sprintf("datagrams read: %d, none an answer to the query; the last: %s", r.maxDatagrams(), why),
		IsTemporary: true,
	}
}

// exchangeTCP sends the query over TCP (RFC 1035 section 4.2.2: a
// two-byte length, then the message) and reads one message back.
func exchangeTCP(ctx context.Context, q *dns.Msg, wire []byte, server string) (*dns.Msg, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", server)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	defer watch(ctx, conn)()
	out := binary.BigEndian.AppendUint16(make([]byte, 0, 2+len(wire)), uint16(len(wire)))
	if _, err := conn.Write(append(out, wire...)); err != nil {
		return nil, err
	}
	var l [2]byte
	if _, err := io.ReadFull(conn, l[:]); err != nil {
		return nil, err
	}
	buf := make([]byte, binary.BigEndian.Uint16(l[:]))
	if _, err := io.ReadFull(conn, buf); err != nil {
		return nil, err
	}
	resp, why := answerTo(q, buf)
	if why != "" {
		return nil, &net.DNSError{Err: "answer over TCP: " + why, IsTemporary: true}
	}
	if resp.Truncated {
		// Nothing is left to retry with: the records are not all here,
		// so their absence says nothing.
		return nil, &net.DNSError{Err: "answer over TCP is truncated", IsTemporary: true}
	}
	return resp, nil
}

// watch makes the end of ctx (its deadline or a cancellation) end any read
// or write on conn at once; call the function it returns when done with
// conn.
func watch(ctx context.Context, conn net.Conn) (stop func() bool) {
	return context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
}

// answerTo parses b and checks that it answers q (RFC 1035 section 7.3,
// RFC 5452 section 9.1): the same ID, QR set, opcode QUERY, the same
// question, every record the header counts, and records of class IN in
// the answer and authority sections.
// It returns the message, or why b is not the answer.
func answerTo(q *dns.Msg, b []byte) (*dns.Msg, string) {
	// The header first: most noise is rejected before parsing.
	if len(b) < 12 {
		return nil, "shorter than a DNS header"
	}
	if binary.BigEndian.Uint16(b) != q.Id {
		return nil, "another query ID"
	}
	if b[2]&0x80 == 0 {
		return nil, "not a response (QR bit clear)"
	}
	m := new(dns.Msg)
	if err := m.Unpack(b); err != nil {
		return nil, "malformed: " + err.Error()
	}
	// miekg/dns stops quietly where the data ends; the header's counts
	// tell whether records are missing.
	if len(m.Question) != int(binary.BigEndian.Uint16(b[4:])) || len(m.Answer) != int(binary.BigEndian.Uint16(b[6:])) ||
		len(m.Ns) != int(binary.BigEndian.Uint16(b[8:])) || len(m.Extra) != int(binary.BigEndian.Uint16(b[10:])) {
		return nil, "malformed: fewer records than the header counts"
	}
	if m.Opcode != dns.OpcodeQuery {
		return nil, "opcode " + opcodeName(m.Opcode) + ", not QUERY"
	}
	want := q.Question[0]
	if len(m.Question) != 1 {
		return nil, fmt.Sprintf("%d questions, not 1", len(m.Question))
	}
	if got := m.Question[0]; !strings.EqualFold(got.Name, want.Name) || got.Qtype != want.Qtype || got.Qclass != want.Qclass {
		return nil, "another question: " + strings.TrimPrefix(got.String(), ";")
	}
	for _, rrs := range [][]dns.RR{m.Answer, m.Ns} {
		for _, rr := range rrs {
			if c := rr.Header().Class; c != dns.ClassINET {
				return nil, "a record of class " + dns.Class(c).String()
			}
		}
	}
	return m, ""
}

func opcodeName(op int) string {
	if s, ok := dns.OpcodeToString[op]; ok {
		return s
	}
	return strconv.Itoa(op)
}

// ctxExpired reports whether ctx is done or its deadline has passed. The
// socket deadline set from the context can fire a moment before the
// context's own timer, so an I/O timeout at the deadline is the context's.
func ctxExpired(ctx context.Context) bool {
	if ctx.Err() != nil {
		return true
	}
	d, ok := ctx.Deadline()
	return ok && !time.Now().Before(d)
}

// LookupTXT returns the TXT records of name, the character-strings of each
// record joined into one string.
func (r *StubResolver) LookupTXT(ctx context.Context, name string) ([]string, error) {
	return lookupTXT(ctx, r.Query, r.serverName(), name)
}

// LookupMX returns the MX records of name sorted by preference (then host),
// host names fully qualified with a trailing dot.
func (r *StubResolver) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	return lookupMX(ctx, r.Query, r.serverName(), name)
}

// LookupNetIP returns the IPv4 and/or IPv6 addresses of host, for network
// "ip", "ip4" or "ip6". An IP literal is returned as it is.
func (r *StubResolver) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	return lookupNetIP(ctx, r.Query, r.serverName(), network, host)
}

// LookupAddr returns the PTR names of an IPv4 or IPv6 address, fully
// qualified with a trailing dot.
func (r *StubResolver) LookupAddr(ctx context.Context, addr string) ([]string, error) {
	return lookupAddr(ctx, r.Query, r.serverName(), addr)
}

// LookupCNAME returns the canonical name of host: the end of its CNAME
// chain with a trailing dot, or host itself when it has addresses but no
// CNAME (as net.Resolver does).
func (r *StubResolver) LookupCNAME(ctx context.Context, host string) (string, error) {
	return lookupCNAME(ctx, r.Query, r.serverName(), host)
}
