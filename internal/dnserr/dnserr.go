// Package dnserr holds the one reading of resolver errors that every
// domainauth package shares: "not found" (NXDOMAIN or NODATA) is a
// *net.DNSError with IsNotFound set, and every other error is a failure
// that may go away on retry. The root package exports it as IsNotFound;
// spf, dkim, dmarc, records, verify and tracking use it without importing
// the root package.
package dnserr

import (
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
