package verify_test

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/records"
	"github.com/domainauth/domainauth/spf"
	"github.com/domainauth/domainauth/verify"
)

// Every record in Error carries its cause in Err, and Error is its text:
// a temporary failure deep in the SPF include tree reaches the resolver's
// *net.DNSError through errors.As, and a record verify cannot check
// carries the reason (the expected SPF record's syntax error).
func TestRecordErrorCarriesCause(t *testing.T) {
	r := domainauth.MustFakeResolver(providerZone + origin + okMX + okDKIM + okDMARC + okLink +
		"cio123 TXT \"v=spf1 include:_spf.provider.net include:_spf.broken.example ~all\"\n")
	r.Fail("_spf.broken.example", domainauth.TypeTXT, domainauth.FailServFail)
	set := accountSet()
	set.Records = append(set.Records, records.Record{Purpose: records.PurposeSPF, FQDN: "other.example.com", Name: "other",
		Type: records.TypeTXT, Values: []string{"v=spf1 foo:bar ~all"}})
	rep, err := (&verify.Verifier{Resolver: r, Clock: func() time.Time { return now }}).Verify(context.Background(), set)
	if err != nil {
		t.Fatal(err)
	}
	errs := 0
	for _, rr := range rep.Records {
		if rr.Status != verify.Error {
			continue
		}
		errs++
		if rr.Err == nil || rr.Error != rr.Err.Error() {
			t.Errorf("%s %s: Err %v, Error %q: want the cause and its text", rr.Type, rr.FQDN, rr.Err, rr.Error)
			continue
		}
		switch rr.FQDN {
		case "cio123.example.com":
			var de *net.DNSError
			if !errors.As(rr.Err, &de) || de.IsNotFound {
				t.Errorf("SPF temperror: %v does not reach the lookup's *net.DNSError", rr.Err)
			}
		case "other.example.com":
			var se *spf.SyntaxError
			if !errors.As(rr.Err, &se) {
				t.Errorf("unparsable expected SPF record: %v is not a *spf.SyntaxError", rr.Err)
			}
		}
	}
	if errs != 2 {
		t.Errorf("%d records in error, want 2 (the SPF tree and the unparsable record)\n%s", errs, rep)
	}
}
