package tracking

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"syscall"
	"time"
)

// ErrForbiddenAddress is returned (wrapped in *AddressError) when the guard
// refuses the address a host name resolved to.
var ErrForbiddenAddress = errors.New("address not allowed")

// AddressError reports an address the guard refused, and for which host.
type AddressError struct {
	Host string     // the name that was being connected to ("" for a literal address)
	Addr netip.Addr // the refused address
	Err  error      // the guard's reason; wraps ErrForbiddenAddress for the built-in guards
}

// Error names the host, the address and the reason.
func (e *AddressError) Error() string {
	if e.Host == "" {
		return fmt.Sprintf("tracking: connecting to %s: %v", e.Addr, e.Err)
	}
	return fmt.Sprintf("tracking: connecting to %s (%s): %v", e.Host, e.Addr, e.Err)
}

// Unwrap returns the guard's reason, for errors.Is(err, ErrForbiddenAddress).
func (e *AddressError) Unwrap() error { return e.Err }

// Guard decides whether the checker may open a connection to addr. It
// returns nil to allow it. Guards see every address after DNS resolution,
// and again at connect time, so a name that resolves to an internal address
// cannot be used to reach it.
type Guard func(addr netip.Addr) error

// AllowLoopback is a Guard for tests: it allows loopback addresses (where
// httptest servers listen) and otherwise behaves like PublicOnly.
func AllowLoopback(addr netip.Addr) error {
	if addr.Unmap().IsLoopback() {
		return nil
	}
	return PublicOnly(addr)
}

// dialer opens every outbound connection of a Checker: it resolves the name
// with the checker's resolver, asks the guard about each address, and dials
// the allowed ones in turn with a timeout. The guard runs again in the
// socket's Control hook, on the address actually connected to.
type dialer struct {
	resolver  Resolver
	guard     Guard
	timeout   time.Duration
	httpPort  int
	httpsPort int
}

// mapPort applies Checker.HTTPPort / HTTPSPort to the standard ports.
func (d *dialer) mapPort(port string) string {
	switch port {
	case "80":
		if d.httpPort != 0 {
			return strconv.Itoa(d.httpPort)
		}
	case "443":
		if d.httpsPort != 0 {
			return strconv.Itoa(d.httpsPort)
		}
	}
	return port
}

// DialContext connects to address ("host:port") over TCP.
func (d *dialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return nil, fmt.Errorf("tracking: network %q not supported", network)
	}
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, fmt.Errorf("tracking: dial %q: %w", address, err)
	}
	port = d.mapPort(port)

	var addrs []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{a}
		host = ""
	} else {
		addrs, err = d.resolver.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return nil, fmt.Errorf("tracking: resolving %s: %w", host, err)
		}
		if len(addrs) == 0 {
			return nil, fmt.Errorf("tracking: resolving %s: no addresses", host)
		}
	}

	// Refuse before any packet is sent; keep the first refusal to report
	// when nothing is left.
	var refused error
	allowed := addrs[:0:0]
	for _, a := range addrs {
		if err := d.guard(a); err != nil {
			if refused == nil {
				refused = &AddressError{Host: host, Addr: a, Err: err}
			}
			continue
		}
		allowed = append(allowed, a.Unmap())
	}
	if len(allowed) == 0 {
		return nil, refused
	}

	nd := net.Dialer{
		Timeout:   d.timeout,
		KeepAlive: -1,
		Control: func(_, raw string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(raw)
			if err != nil {
				return fmt.Errorf("tracking: unexpected socket address %q: %w", raw, err)
			}
			if err := d.guard(ap.Addr()); err != nil {
				return &AddressError{Host: host, Addr: ap.Addr(), Err: err}
			}
			return nil
		},
	}
	var lastErr error
	for i, a := range allowed {
		if i >= maxDialAddrs {
			break
		}
		conn, err := nd.DialContext(ctx, "tcp", net.JoinHostPort(a.String(), port))
		if err == nil {
			return conn, nil
		}
		lastErr = err
		if ctx.Err() != nil {
			break
		}
	}
	return nil, lastErr
}

// maxDialAddrs bounds how many addresses of one name are tried, so a name
// with hundreds of records cannot keep a check busy.
const maxDialAddrs = 4
