package dmarc_test

import (
	"context"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/dmarc"
)

// badversA answers every A query with response code 16, as a server that
// refuses the query's EDNS version does.
type badversA struct{ *domainauth.FakeResolver }

func (b badversA) Query(ctx context.Context, name string, qtype uint16) (*dns.Msg, error) {
	m, err := b.FakeResolver.Query(ctx, name, qtype)
	if err == nil && qtype == dns.TypeA {
		m.Rcode = dns.RcodeBadVers
	}
	return m, err
}

// TestExistenceErrorNamesRcode: response code 16 in a message is BADVERS
// (RFC 6891 section 9); BADSIG is that number in a TSIG record only.
func TestExistenceErrorNamesRcode(t *testing.T) {
	fake := domainauth.MustFakeResolver(`_dmarc.np.example. 300 IN TXT "v=DMARC1; p=reject; np=reject"` + "\n")
	_, err := dmarc.Lookup(context.Background(), badversA{fake}, "gone.np.example")
	if err == nil || !strings.Contains(err.Error(), "BADVERS") || strings.Contains(err.Error(), "BADSIG") {
		t.Errorf("error %v; want one naming BADVERS", err)
	}
}
