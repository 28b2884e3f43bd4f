package records_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/miekg/dns"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/records"
)

func TestGather(t *testing.T) {
	r := domainauth.MustFakeResolver(`
$ORIGIN example.co.uk.
cio12345      3600 IN TXT "v=spf1 include:_spf.google.com ~all"
_dmarc        3600 IN TXT "v=DMARC1; p=reject"
_dmarc        3600 IN TXT "unrelated"
`)
	a := mailgunAccount()
	a.Domain, a.From = "news.example.co.uk", ""
	a.ID = "12345"
	// The SPF host is cio12345.news.example.co.uk: nothing there.
	e, err := records.Gather(context.Background(), r, records.MailgunStyle(), a)
	if err != nil {
		t.Fatal(err)
	}
	want := records.Existing{TXT: map[string][]string{
		"cio12345.news.example.co.uk": {},
		"_dmarc.news.example.co.uk":   {},
		"_dmarc.example.co.uk":        {"v=DMARC1; p=reject", "unrelated"},
	}}
	if diff := cmp.Diff(want, e, cmp.Transformer("sort", sortedCopy)); diff != "" {
		t.Errorf("Existing (-want +got):\n%s", diff)
	}
	if n := r.LookupCount(); n != 3 {
		t.Errorf("%d lookups, want 3", n)
	}
}

func sortedCopy(in []string) []string {
	out := slices.Clone(in)
	slices.Sort(out)
	return out
}

// A temporary failure is an error, never "no record": proposing a second
// SPF record because a lookup timed out would break the customer's mail.
func TestGatherTemporaryFailure(t *testing.T) {
	r := domainauth.MustFakeResolver("example.com. 60 IN A 192.0.2.1\n")
	r.Fail("_dmarc.example.com", dns.TypeTXT, domainauth.FailServFail)
	_, err := records.Gather(context.Background(), r, records.MailgunStyle(), mailgunAccount())
	var de *net.DNSError
	if !errors.As(err, &de) || de.IsNotFound {
		t.Fatalf("err = %v, want the resolver's temporary *net.DNSError", err)
	}
}

func TestGatherCancelled(t *testing.T) {
	r := domainauth.MustFakeResolver("example.com. 60 IN A 192.0.2.1\n")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := records.Gather(ctx, r, records.MailgunStyle(), mailgunAccount()); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n := r.LookupCount(); n != 0 {
		t.Errorf("%d lookups after cancellation, want 0", n)
	}
}

func TestGatherInvalidAccount(t *testing.T) {
	r := domainauth.MustFakeResolver("example.com. 60 IN A 192.0.2.1\n")
	a := mailgunAccount()
	a.Domain = "com"
	var fe *records.FieldError
	if _, err := records.Gather(context.Background(), r, records.MailgunStyle(), a); !errors.As(err, &fe) {
		t.Fatalf("err = %v, want a *FieldError", err)
	}
}

func TestDomainConnect(t *testing.T) {
	if _, err := records.DomainConnect(records.MailgunStyle(), records.DomainConnectOptions{ServiceID: "x"}); !errors.Is(err, records.ErrRequired) {
		t.Errorf("missing providerId: err = %v", err)
	}
	// EU region picks the EU tracking target.
	dc, err := records.DomainConnect(records.MailgunStyle(), records.DomainConnectOptions{ProviderID: "p", ServiceID: "s", Region: "eu", Tracking: true})
	if err != nil {
		t.Fatal(err)
	}
	last := dc.Records[len(dc.Records)-1]
	if last.Host != "%trackinghost%" || last.PointsTo != "e-eu.customeriomail.com" {
		t.Errorf("tracking record %+v", last)
	}
	if _, err := records.DomainConnect(records.MailgunStyle(), records.DomainConnectOptions{ProviderID: "p", ServiceID: "s", Region: "ap", Tracking: true}); !errors.Is(err, records.ErrUnknownRegion) {
		t.Errorf("unknown region: err = %v", err)
	}

	// The variables of one account fill the template.
	a := mailgunAccount()
	a.TrackingHost = "email"
	vars, err := records.DomainConnectVariables(records.MailgunStyle(), a)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"account": "12345", "region": "us", "dkimkey": rfc8463Key, "trackinghost": "email"}
	if diff := cmp.Diff(want, vars); diff != "" {
		t.Errorf("variables (-want +got):\n%s", diff)
	}
	sesVars, err := records.DomainConnectVariables(records.SESStyle(), sesAccount())
	if err != nil {
		t.Fatal(err)
	}
	wantSES := map[string]string{"mailfrom": "mail", "region": "us-east-1", "selector1": "tok1", "selector2": "tok2", "selector3": "tok3"}
	if diff := cmp.Diff(wantSES, sesVars); diff != "" {
		t.Errorf("SES variables (-want +got):\n%s", diff)
	}
}

// Set round-trips through JSON with the documented names.
func TestJSONRoundTrip(t *testing.T) {
	for name, s := range goldenSets(t) {
		b, err := s.JSON()
		if err != nil {
			t.Fatal(err)
		}
		var back records.Set
		if err := jsonUnmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(s, &back); diff != "" {
			t.Errorf("%s: JSON round trip (-orig +back):\n%s", name, diff)
		}
	}
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
