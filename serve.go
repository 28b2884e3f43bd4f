package domainauth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"
)

// Server publishes the data of a [FakeResolver] on a loopback DNS server
// (UDP and TCP on 127.0.0.1, the same random port), so that examples and
// integration tests go through the real client and a real wire protocol.
// Injected failures apply: SERVFAIL and REFUSED are answered, a timeout or
// hang is a query that gets no answer. Answers larger than the client's
// buffer (512 bytes, or its EDNS0 size) are truncated, so the client must
// retry over TCP.
type Server struct {
	fake    *FakeResolver
	addr    string
	running []*dns.Server
	queries atomic.Int64
}

// Serve starts a loopback server for the fake's data. Close it when done.
func (f *FakeResolver) Serve() (*Server, error) {
	s := &Server{fake: f}
	var pc net.PacketConn
	var ln net.Listener
	var err error
	// UDP and TCP on the same port: take a UDP port, then try for TCP on
	// it; another process may hold it, so try a few times.
	for range 20 {
		pc, err = net.ListenPacket("udp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("domainauth: serve zone: %w", err)
		}
		ln, err = net.Listen("tcp", pc.LocalAddr().String())
		if err == nil {
			break
		}
		pc.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("domainauth: serve zone: %w", err)
	}
	s.addr = pc.LocalAddr().String()
	udp := &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(s.handle)}
	tcp := &dns.Server{Listener: ln, Handler: dns.HandlerFunc(s.handle)}
	for _, srv := range []*dns.Server{udp, tcp} {
		started := make(chan struct{})
		srv.NotifyStartedFunc = func() { close(started) }
		errc := make(chan error, 1)
		go func() { errc <- srv.ActivateAndServe() }()
		select {
		case <-started:
			s.running = append(s.running, srv)
		case err := <-errc:
			s.Close()
			pc.Close()
			ln.Close()
			return nil, fmt.Errorf("domainauth: serve zone: %w", err)
		}
	}
	return s, nil
}

// Addr returns the server's "127.0.0.1:port" address.
func (s *Server) Addr() string { return s.addr }

// Queries returns how many queries the server has received.
func (s *Server) Queries() int64 { return s.queries.Load() }

// Resolver returns a real client ([*StubResolver]) that queries this
// server, with a short timeout suited to loopback.
func (s *Server) Resolver() *StubResolver {
	return &StubResolver{Servers: []string{s.addr}, Timeout: 500 * time.Millisecond, Attempts: 1}
}

// Close stops both listeners and waits for them to finish.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var errs []error
	for _, srv := range s.running {
		if err := srv.ShutdownContext(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	s.running = nil
	return errors.Join(errs...)
}

func (s *Server) handle(w dns.ResponseWriter, req *dns.Msg) {
	s.queries.Add(1)
	if len(req.Question) != 1 || req.Opcode != dns.OpcodeQuery {
		m := new(dns.Msg)
		m.SetRcode(req, dns.RcodeFormatError)
		w.WriteMsg(m)
		return
	}
	q := req.Question[0]
	qname := q.Name
	f := s.fake
	f.mu.Lock()
	f.log = append(f.log, Lookup{Name: canonicalName(qname), Type: q.Qtype})
	f.mu.Unlock()
	var m *dns.Msg
	switch f.failure(canonicalName(qname), q.Qtype) {
	case FailTimeout, FailHang:
		return // no answer: the client times out
	case FailServFail:
		m = f.rcodeMsg(qname, q.Qtype, dns.RcodeServerFailure)
	case FailRefused:
		m = f.rcodeMsg(qname, q.Qtype, dns.RcodeRefused)
	default:
		m = f.answer(dns.CanonicalName(qname), q.Qtype)
	}
	m.Id = req.Id
	m.Question = req.Question // keep the client's case
	m.RecursionDesired = req.RecursionDesired
	size := dns.MinMsgSize
	if opt := req.IsEdns0(); opt != nil {
		size = int(opt.UDPSize())
		m.SetEdns0(opt.UDPSize(), false)
	}
	if _, isTCP := w.RemoteAddr().(*net.TCPAddr); isTCP {
		size = dns.MaxMsgSize
	}
	m.Truncate(size)
	w.WriteMsg(m)
}
