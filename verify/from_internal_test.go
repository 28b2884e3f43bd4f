package verify

import (
	"testing"

	"github.com/domainauth/domainauth/records"
)

// TestFromDomain checks the From domain verify evaluates DMARC for: the
// address's domain (display names and IDN included), else the Set's own
// domain when the address is missing, templated or unusable.
func TestFromDomain(t *testing.T) {
	for _, c := range []struct{ from, want string }{
		{"news@mail.example.com", "mail.example.com"},
		{"Shop News <news@Mail.Example.com>", "mail.example.com"},
		{"shop@bücher.example", "xn--bcher-kva.example"},
		{"", "example.com"},
		{"{{user}}@example.net", "example.net"}, // a template in the local part only
		{"${user}@Mail.Example.com", "mail.example.com"},
		{"{{ user }}@mail.example.com", "mail.example.com"}, // does not parse as an address
		{"First <{{ user }}@mail.example.com>", "mail.example.com"},
		{"news@{{ domain }}", "example.com"},
		{"{{ customer.email }}", "example.com"},
		{"not an address", "example.com"},
	} {
		set := &records.Set{Domain: "Example.com", FromAddress: c.from}
		if got := fromDomain(set); got != c.want {
			t.Errorf("fromDomain(%q) = %q, want %q", c.from, got, c.want)
		}
	}
}
