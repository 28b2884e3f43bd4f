package domainauth

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"
)

// Defaults of a zero StubResolver.
const (
	DefaultTimeout  = 2 * time.Second // per query attempt
	DefaultAttempts = 2               // rounds over the server list
	DefaultUDPSize  = 4096            // EDNS0 buffer size advertised
	DefaultCNAMEs   = 8               // CNAME hops followed by the client
)

// StubResolver is the real DNS client: a stub resolver on
// [github.com/miekg/dns] that sends recursive queries to the configured
// servers. It implements [Resolver] and [Querier].
//
// Each query goes over UDP with EDNS0 (a 4096-byte buffer by default) and
// is retried over TCP when the answer is truncated. A server that answers
// SERVFAIL or REFUSED, or does not answer within Timeout, is passed over
// for the next; the list is tried Attempts times. When a server returns a
// CNAME chain without the records at its end (some forwarders do), the
// client asks for the target itself, up to MaxCNAMEs hops. The context
// bounds the whole lookup.
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

	once    sync.Once
	servers []string
}

// NewResolver returns a StubResolver that queries the given servers
// ("host:port", or a host for port 53), or those of /etc/resolv.conf when
// none are given.
func NewResolver(servers ...string) *StubResolver {
	return &StubResolver{Servers: servers}
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

func (r *StubResolver) serverName() string {
	s := r.serverList()
	return s[0]
}

// Query sends one question and returns the response, following a CNAME
// chain that the server left unfinished. The response code is data; the
// error means no usable answer came back (every server timed out or
// failed, or ctx is done).
func (r *StubResolver) Query(ctx context.Context, name string, qtype uint16) (*dns.Msg, error) {
	m, err := r.exchange(ctx, name, qtype)
	if err != nil || qtype == dns.TypeCNAME || qtype == dns.TypeANY || m.Rcode != dns.RcodeSuccess {
		return m, err
	}
	// Finish a chain the server did not: ask for its last name ourselves.
	seen := map[string]bool{strings.ToLower(dns.Fqdn(name)): true}
	for range r.maxCNAMEs() {
		rrs, end := chainAnswers(m, name, qtype)
		if len(rrs) > 0 || seen[end] {
			break
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
			break
		}
	}
	return m, nil
}

// exchange asks the servers in turn, over UDP then TCP on truncation.
func (r *StubResolver) exchange(ctx context.Context, name string, qtype uint16) (*dns.Msg, error) {
	servers := r.serverList()
	q := new(dns.Msg)
	q.SetQuestion(dns.Fqdn(name), qtype)
	q.RecursionDesired = true
	q.AuthenticatedData = true // RFC 6840 section 5.7: ask for the AD bit
	q.SetEdns0(r.udpSize(), false)

	var lastResp *dns.Msg
	var lastErr error
	for range r.attempts() {
		for _, server := range servers {
			if ctx.Err() != nil {
				return nil, errContext(ctx, name, server)
			}
			resp, err := r.exchangeOne(ctx, q, server)
			if err != nil {
				if ctxExpired(ctx) {
					return nil, errContext(ctx, name, server)
				}
				lastErr = err
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
	var ne net.Error
	if lastErr == nil || errors.As(lastErr, &ne) && ne.Timeout() {
		return nil, errTimeout(name, r.serverName())
	}
	return nil, &net.DNSError{Err: lastErr.Error(), Name: name, Server: r.serverName(), IsTemporary: true, UnwrapErr: lastErr}
}

func (r *StubResolver) exchangeOne(ctx context.Context, q *dns.Msg, server string) (*dns.Msg, error) {
	actx, cancel := context.WithTimeout(ctx, r.timeout())
	defer cancel()
	c := &dns.Client{Net: "udp", UDPSize: r.udpSize(), Timeout: r.timeout()}
	resp, _, err := c.ExchangeContext(actx, q, server)
	if err == nil && resp.Truncated {
		c.Net = "tcp"
		resp, _, err = c.ExchangeContext(actx, q, server)
	}
	if err != nil {
		return nil, err
	}
	if len(resp.Question) != 1 || !strings.EqualFold(resp.Question[0].Name, q.Question[0].Name) || resp.Question[0].Qtype != q.Question[0].Qtype {
		return nil, errors.New("answer does not match the question")
	}
	return resp, nil
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
