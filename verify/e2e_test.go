package verify_test

import (
	"context"
	"testing"
	"time"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/records"
	"github.com/domainauth/domainauth/verify"
)

// TestGeneratedZoneVerifies is the end-to-end promise of records and
// verify: for every preset, the zone file records writes, served by a real
// DNS server on loopback and read through the real client, verifies as
// Verified.
func TestGeneratedZoneVerifies(t *testing.T) {
	// The provider's side of DNS that the records point into.
	const world = `
mailgun.org.          300 TXT "v=spf1 ip4:198.51.100.0/24 ~all"
amazonses.com.        300 TXT "v=spf1 ip4:199.255.192.0/22 ~all"
`
	tests := []struct {
		name     string
		provider records.Provider
		account  records.Account
	}{
		{"mailgun-style", records.MailgunStyle(), records.Account{
			Domain: "example.com", ID: "12345", From: "news@example.com",
			DKIMKey:      "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
			TrackingHost: "links",
		}},
		{"ses-style", records.SESStyle(), records.Account{
			Domain: "example.org", Region: "eu-west-1", From: "hello@example.org",
			DKIMSelectors: []string{"tok1", "tok2", "tok3"},
		}},
		{"sendgrid-style", records.SendGridStyle(), records.Account{
			Domain: "bücher.example", ID: "1234", From: "shop@bücher.example",
			Vars: map[string]string{"user": "5678", "wl": "1"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := records.Generate(tt.provider, tt.account)
			if err != nil {
				t.Fatal(err)
			}
			fake, err := domainauth.NewFakeResolver(world + set.ZoneFile())
			if err != nil {
				t.Fatalf("the generated zone file does not load: %v\n%s", err, set.ZoneFile())
			}
			srv, err := fake.Serve()
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			v := &verify.Verifier{Resolver: srv.Resolver(), Clock: func() time.Time { return time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC) }}
			rep, err := v.Verify(context.Background(), *set)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Status != verify.Verified {
				t.Errorf("status %s (%s), want verified\n%s\nzone:\n%s", rep.Status, rep.Reason, rep, set.ZoneFile())
			}
			for _, rr := range rep.Records {
				if rr.Status != verify.Found {
					t.Errorf("%s %s: %s", rr.Type, rr.FQDN, rr.Status)
				}
			}
		})
	}
}
