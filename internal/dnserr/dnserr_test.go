package dnserr

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
)

func TestIsNotFound(t *testing.T) {
	nx := &net.DNSError{Err: "no such host", Name: "x.example", IsNotFound: true}
	timeout := &net.DNSError{Err: "i/o timeout", Name: "x.example", IsTimeout: true, IsTemporary: true}
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"NXDOMAIN or NODATA", nx, true},
		{"wrapped", fmt.Errorf("lookup: %w", nx), true},
		{"timeout", timeout, false},
		{"SERVFAIL", &net.DNSError{Err: "server misbehaving", IsTemporary: true}, false},
		{"context", context.DeadlineExceeded, false},
		{"other", errors.New("no such host"), false},
		{"nil", nil, false},
	} {
		if got := IsNotFound(c.err); got != c.want {
			t.Errorf("%s: IsNotFound(%v) = %v, want %v", c.name, c.err, got, c.want)
		}
	}
}

func TestIsNotFoundAllocs(t *testing.T) {
	nx := &net.DNSError{IsNotFound: true}
	if n := testing.AllocsPerRun(100, func() { IsNotFound(nx) }); n != 0 {
		t.Errorf("IsNotFound of a plain *net.DNSError allocates %v times", n)
	}
}

// TestRcodeName: the names of the IANA DNS RCODEs registry (RFC 6895
// section 2.3) as they appear in a message; 16 in a message is BADVERS
// (RFC 6891 section 9).
func TestRcodeName(t *testing.T) {
	for rcode, want := range map[int]string{
		0:    "NOERROR",
		2:    "SERVFAIL",
		3:    "NXDOMAIN",
		5:    "REFUSED",
		16:   "BADVERS",
		23:   "BADCOOKIE",
		3841: "RCODE3841",
	} {
		if got := RcodeName(rcode); got != want {
			t.Errorf("RcodeName(%d) = %q, want %q", rcode, got, want)
		}
	}
}

func TestTemporary(t *testing.T) {
	for _, err := range []error{context.DeadlineExceeded, context.Canceled, errors.New("connection refused")} {
		de := Temporary("x.example", err)
		if de.Name != "x.example" || de.Err != err.Error() || !de.IsTemporary || de.IsNotFound {
			t.Errorf("Temporary(%v) = %+v", err, de)
		}
		if de.IsTimeout != (err == context.DeadlineExceeded) {
			t.Errorf("Temporary(%v).IsTimeout = %v", err, de.IsTimeout)
		}
		if !errors.Is(de, err) || !IsTemporary(de) {
			t.Errorf("Temporary(%v): errors.Is %v, IsTemporary %v", err, errors.Is(de, err), IsTemporary(de))
		}
	}
}
