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
