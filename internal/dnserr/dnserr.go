// Package dnserr holds the one reading of resolver errors that every
// domainauth package shares: "not found" (NXDOMAIN or NODATA) is a
// *net.DNSError with IsNotFound set, and a temporary failure is a DNS,
// network or context error (IsTemporary). The root package exports both;
// spf, dkim, dmarc, records, verify and tracking use them without
// importing the root package.
package dnserr

import (
	"context"
	"errors"
	"net"
	"strconv"

	"github.com/miekg/dns"
)

// IsNotFound reports whether err says that the name or the record does not
// exist: a [*net.DNSError] with IsNotFound set, possibly wrapped.
func IsNotFound(err error) bool {
	if de, ok := err.(*net.DNSError); ok {
		return de.IsNotFound // the usual case, without errors.As's allocation
	}
	var de *net.DNSError
	return errors.As(err, &de) && de.IsNotFound
}

// IsTemporary reports whether err is a DNS or context failure other than
// "not found": a [*net.DNSError] or a [net.Error] anywhere in its chain
// (a timeout, SERVFAIL, REFUSED, a network error), or a cancelled or
// expired context. Anything else (a syntax error, an invalid record) is a
// property of the data and not temporary. The root package exports it as
// IsTemporary, and dmarc as its own IsTemporary, so that both agree.
func IsTemporary(err error) bool {
	if err == nil || IsNotFound(err) {
		return false
	}
	var de *net.DNSError
	if errors.As(err, &de) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// Temporary returns err, a failure other than "not found" of the query
// for name (a resolver's plain error, a done context's), in the shape
// net.Resolver gives one: a temporary *net.DNSError, a timeout when err is
// context.DeadlineExceeded, with err reachable through errors.Is and
// errors.As. The root package, dmarc and verify all wrap such failures
// with it.
func Temporary(name string, err error) *net.DNSError {
	return &net.DNSError{Err: err.Error(), Name: name, IsTemporary: true,
		IsTimeout: errors.Is(err, context.DeadlineExceeded), UnwrapErr: err}
}

// RcodeName returns the mnemonic of a response code as a message carries
// it (the header's four bits, extended by the EDNS OPT record), for error
// messages: "SERVFAIL", "BADVERS", or "RCODE<n>" for a code without a name.
//
// Code 16 is BADVERS here (RFC 6891 section 9): miekg/dns names it BADSIG,
// but BADSIG is the same number in a TSIG record's error field (RFC 8945
// section 5.3.2), never the response code of a message.
func RcodeName(rcode int) string {
	if rcode == dns.RcodeBadVers {
		return "BADVERS"
	}
	if s, ok := dns.RcodeToString[rcode]; ok {
		return s
	}
	return "RCODE" + strconv.Itoa(rcode)
}
