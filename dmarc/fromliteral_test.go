package dmarc_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dmarc"
)

// RFC 7489 section 3.1 aligns domain names; an address literal
// (RFC 5322 domain-literal, user@[192.0.2.1]) has none, and the error says
// so rather than calling it a malformed name.
func TestFromAddressLiteral(t *testing.T) {
	for _, from := range []string{"a@[192.0.2.1]", "Someone <a@[198.51.100.7]>"} {
		_, err := dmarc.FromDomain([]string{from})
		if !errors.Is(err, dmarc.ErrBadFrom) || !strings.Contains(err.Error(), "address literal") {
			t.Errorf("FromDomain(%q) = %v, want ErrBadFrom naming the address literal", from, err)
		}
	}
}
