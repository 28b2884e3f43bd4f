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
