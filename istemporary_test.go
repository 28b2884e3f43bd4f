package domainauth_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/spf"
)

// IsTemporary means one thing: a DNS or context failure that may change on
// retry. Errors about the data itself (an SPF record that does not parse,
// an invalid DMARC record) are not temporary, whatever else they are.
func TestIsTemporaryMeansDNSOrContext(t *testing.T) {
	_, spfErr := spf.Parse("v=spf1 foo:bar")
	_, dmarcErr := dmarc.Parse("v=DMARC1; p=maybe")
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"not found", &net.DNSError{Err: "no such host", IsNotFound: true}, false},
		{"timeout", &net.DNSError{Err: "i/o timeout", IsTimeout: true}, true},
		{"SERVFAIL, wrapped", fmt.Errorf("lookup: %w", &net.DNSError{Err: "server misbehaving"}), true},
		{"network error", &net.OpError{Op: "read", Net: "udp", Err: errors.New("connection refused")}, true},
		{"cancelled", fmt.Errorf("lookup: %w", context.Canceled), true},
		{"deadline", context.DeadlineExceeded, true},
		{"SPF syntax error", spfErr, false},
		{"invalid DMARC record", dmarcErr, false},
		{"other", errors.New("something else"), false},
	} {
		if c.err == nil && c.name != "nil" {
			t.Fatalf("%s: the parser accepted the bad record", c.name)
		}
		if got := domainauth.IsTemporary(c.err); got != c.want {
			t.Errorf("%s: IsTemporary(%v) = %v, want %v", c.name, c.err, got, c.want)
		}
	}
}
