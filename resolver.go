package domainauth

import (
	"context"
	"errors"
	"net"
	"net/netip"

	"github.com/miekg/dns"

	"github.com/domainauth/domainauth/internal/dnserr"
)

// Resolver is the DNS contract every package of domainauth builds on: the
// union of the small interfaces that spf, dkim, dmarc, verify and tracking
// declare. It is a subset of [net.Resolver]'s method set, so
// [net.DefaultResolver] satisfies it, as do [*StubResolver] and
// [*FakeResolver].
//
// Errors follow the standard library: a name or record that does not exist
// (NXDOMAIN and NODATA alike) is a [*net.DNSError] with IsNotFound set; any
// other failure (timeout, SERVFAIL, REFUSED, a cancelled context) is a
// temporary failure and never reports IsNotFound. Use [IsNotFound] and
// [IsTemporary] to tell them apart: SPF temperror, DMARC "no policy" and
// verify's Undetermined status all depend on it.
//
// Host names in results (MX hosts, CNAME targets, PTR names) are fully
// qualified and end with a dot, as net.Resolver returns them. LookupTXT
// joins the character-strings of one TXT record into one string.
type Resolver interface {
	LookupTXT(ctx context.Context, name string) ([]string, error)
	LookupMX(ctx context.Context, name string) ([]*net.MX, error)
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
	LookupAddr(ctx context.Context, addr string) ([]string, error)
	LookupCNAME(ctx context.Context, host string) (string, error)
}

// Querier is the optional raw query that [*StubResolver] and [*FakeResolver]
// offer beside the Resolver methods, for what the net.Resolver shape hides:
// NXDOMAIN versus NODATA, TTLs, the AD bit, how a TXT record is split into
// character-strings, a CNAME at the name, or records of the obsolete SPF
// type (99). Packages use it by interface assertion when it is there.
//
// The response code is data, not an error: NXDOMAIN comes back as a message
// with Rcode [dns.RcodeNameError] and a nil error, and so does SERVFAIL
// ([dns.RcodeServerFailure]). The error reports only that no answer was had
// at all (a timeout, a network failure, a cancelled context, a CNAME chain
// the client gave up following); it is then a temporary [*net.DNSError].
// CNAME chains appear in the Answer section the way a recursive server
// returns them.
type Querier interface {
	Query(ctx context.Context, name string, qtype uint16) (*dns.Msg, error)
}

// Compile-time checks that the implementations keep the contract.
var (
	_ Resolver = (*net.Resolver)(nil)
	_ Resolver = (*StubResolver)(nil)
	_ Resolver = (*FakeResolver)(nil)
	_ Querier  = (*StubResolver)(nil)
	_ Querier  = (*FakeResolver)(nil)
)

// IsNotFound reports whether err says that the name or the record does not
// exist (NXDOMAIN or NODATA): a [*net.DNSError] with IsNotFound set.
func IsNotFound(err error) bool { return dnserr.IsNotFound(err) }

// IsTemporary reports whether err is a DNS or context failure other than
// "not found": a timeout, SERVFAIL, REFUSED, a CNAME chain too long, a
// network error (a [*net.DNSError] or a [net.Error] anywhere in its
// chain), or a cancelled or expired context. Such an answer may change on
// retry and must never be taken as the absence of a record. Anything else
// (an SPF syntax error, an invalid DMARC record) is not temporary: it is a
// property of the data, the same on every retry.
//
// dmarc.IsTemporary is the same function.
func IsTemporary(err error) bool { return dnserr.IsTemporary(err) }

// IsTimeout reports whether err is a lookup that timed out (including a
// context deadline).
func IsTimeout(err error) bool {
	var de *net.DNSError
	if errors.As(err, &de) {
		return de.IsTimeout
	}
	return errors.Is(err, context.DeadlineExceeded)
}

func errNotFound(name, server string) error {
	return &net.DNSError{Err: "no such host", Name: name, Server: server, IsNotFound: true}
}

func errTimeout(name, server string) error {
	return &net.DNSError{Err: "i/o timeout", Name: name, Server: server, IsTimeout: true, IsTemporary: true}
}

func errRcode(name, server string, rcode int) error {
	msg := "server misbehaving"
	if rcode != dns.RcodeServerFailure {
		msg = "server answered " + dnserr.RcodeName(rcode)
	}
	return &net.DNSError{Err: msg, Name: name, Server: server, IsTemporary: true}
}

// errCNAMEChain is a CNAME chain that the client gave up following: a
// temporary failure matching ErrCNAMEChain.
func errCNAMEChain(name, server, what string) error {
	return &net.DNSError{Err: "CNAME chain " + what, Name: name, Server: server, IsTemporary: true, UnwrapErr: ErrCNAMEChain}
}

// errContext turns a done context into the DNSError shape net.Resolver uses,
// keeping the context error reachable through errors.Is.
func errContext(ctx context.Context, name, server string) error {
	err := ctx.Err()
	if err == nil {
		// Called when the deadline has passed but the context's timer
		// has not fired yet.
		err = context.DeadlineExceeded
	}
	de := dnserr.Temporary(name, err)
	de.Server = server
	return de
}
