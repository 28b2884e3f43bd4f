package domainauth_test

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/domainauth/domainauth"
)

func TestNormalizeDomain(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"example.com", "example.com"},
		{"Example.COM.", "example.com"},
		{"Bücher.Example", "xn--bcher-kva.example"},
		{"xn--bcher-kva.example", "xn--bcher-kva.example"},
		{"_dmarc.example.com", "_dmarc.example.com"},
		{"*.example.com", "*.example.com"},
		{"com", "com"},
		{strings.Repeat("a", 63) + ".example", strings.Repeat("a", 63) + ".example"},
	} {
		got, err := domainauth.NormalizeDomain(c.in)
		if err != nil || got != c.want {
			t.Errorf("NormalizeDomain(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

// Every refusal is a *SyntaxError that names the input, what is wrong and
// where, matches ErrSyntax, and says "domainauth: " once.
func TestNormalizeDomainErrors(t *testing.T) {
	long := strings.Repeat("a", 63)
	for _, c := range []struct {
		in     string
		reason string // in the message
		offset int
	}{
		{"", "empty name", -1},
		{".", "empty name", -1},
		{"example..com", "empty label", 8},
		{".example.com", "empty label", 0},
		{"example.com..", "empty label", 12},
		{strings.Repeat("a", 64) + ".example", "label longer than 63 octets", 0},
		{long + "." + long + "." + long + "." + long + ".com", "name longer than 253 characters", 253},
		{"exa mple.com", "character not allowed", 3},
		{"exa@mple.com", "character not allowed", 3},
		{"a*.example.com", "character not allowed", 1},
		{"-example.com", "starts or ends with a hyphen", 0},
		{"example-.com", "starts or ends with a hyphen", 0},
		{"xn--a.example", "invalid internationalised name", 0},
		{"bü\u200dcher.example", "invalid internationalised name", -1},
		{strings.Repeat("ü", 60) + ".example", "label longer than 63 octets", -1}, // offset would be in the A-label form
	} {
		_, err := domainauth.NormalizeDomain(c.in)
		var se *domainauth.SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("NormalizeDomain(%q): error %v (%T), want a *SyntaxError", c.in, err, err)
			continue
		}
		if !errors.Is(err, domainauth.ErrSyntax) {
			t.Errorf("NormalizeDomain(%q): %v does not match ErrSyntax", c.in, err)
		}
		if se.Input != c.in || se.Offset != c.offset || !strings.Contains(err.Error(), c.reason) || !strings.Contains(err.Error(), fmt.Sprintf("%q", c.in)) {
			t.Errorf("NormalizeDomain(%q): %v (offset %d, input %q), want %q at offset %d", c.in, err, se.Offset, se.Input, c.reason, c.offset)
		}
		if msg := err.Error(); !strings.HasPrefix(msg, "domainauth: ") || strings.Count(msg, "domainauth:") != 1 {
			t.Errorf("NormalizeDomain(%q): %q, want the prefix domainauth: exactly once", c.in, msg)
		}
		if c.offset < 0 && strings.Contains(err.Error(), "offset") || c.offset >= 0 && !strings.HasSuffix(err.Error(), "at offset "+strconv.Itoa(c.offset)) {
			t.Errorf("NormalizeDomain(%q): %q does not give the offset", c.in, err)
		}
	}
	// Other errors are not syntax errors.
	if errors.Is(errors.New("invalid domain name"), domainauth.ErrSyntax) {
		t.Error("a plain error matches ErrSyntax")
	}
}
