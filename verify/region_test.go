package verify

import (
	"context"
	"strings"
	"testing"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/records"
)

func TestRegionSwap(t *testing.T) {
	for _, c := range []struct {
		want, got, region string
		ok                bool
	}{
		// Amazon SES MAIL FROM hosts of two regions.
		{"feedback-smtp.us-east-1.amazonses.com", "feedback-smtp.eu-west-1.amazonses.com", "eu-west-1", true},
		{"feedback-smtp.eu-west-1.amazonses.com", "feedback-smtp.ap-southeast-2.amazonses.com", "ap-southeast-2", true},
		// An ESP's US and EU tracking targets.
		{"e.customeriomail.com", "e-eu.customeriomail.com", "eu", true},
		{"e-eu.customeriomail.com", "e-us.customeriomail.com", "us", true},
		{"r.us-east-1.awstrack.me", "r.eu-central-1.awstrack.me", "eu-central-1", true},
		// Not a region: another host of the same region, a typo, another
		// provider, the same name, another shape.
		// Back to the provider's default region, whose names carry none.
		{"e-eu.customeriomail.com", "e.customeriomail.com", "", true},
		{"eu-west-1.mx.example", "mx.mx.example", "", false},
		{"e-eu.customeriomail.com", "e2.customeriomail.com", "", false},
		{"mxa.mailgun.org", "mxb.mailgun.org", "", false},
		{"feedback-smtp.us-east-1.amazonses.com", "feedback-smtp.us-east-1.amazonses.co", "", false},
		{"feedback-smtp.us-east-1.amazonses.com", "feedback-smtp.us-east-1.amazonses.com", "", false},
		{"feedback-smtp.us-east-1.amazonses.com", "inbound-smtp.eu-west-1.amazonses.com", "", false},
		{"mx.example.net", "mx.eu.example.net", "", false},
		// Not AWS region names: a part missing its digits or its name.
		{"feedback-smtp.us-east-1.amazonses.com", "feedback-smtp.me-south-.amazonses.com", "", false},
		{"feedback-smtp.us-east-1.amazonses.com", "feedback-smtp.me--1.amazonses.com", "", false},
		{"feedback-smtp.us-east-1.amazonses.com", "feedback-smtp.me-south-x1.amazonses.com", "", false},
		{"feedback-smtp.us-east-1.amazonses.com", "feedback-smtp.me-south-1.amazonses.com", "me-south-1", true},
		{"e.provider.net", "e-eu.other.net", "", false},
		{"net", "eu", "", false},
	} {
		region, ok := regionSwap(c.want, c.got)
		if region != c.region || ok != c.ok {
			t.Errorf("regionSwap(%q, %q) = %q, %v; want %q, %v", c.want, c.got, region, ok, c.region, c.ok)
		}
	}
}

// The SES seed: an account in us-east-1 whose customer copied the MAIL
// FROM MX of eu-west-1. One mistake, said as such: the host of another
// region, the account's region and the replacement; not "missing" plus
// "extra host".
func TestWrongRegionMX(t *testing.T) {
	set, err := records.Generate(records.SESStyle(), records.Account{
		Domain: "example.com", ID: "1", Region: "us-east-1",
		DKIMSelectors: []string{"tok1", "tok2", "tok3"},
	})
	if err != nil {
		t.Fatal(err)
	}
	zone := `amazonses.com. TXT "v=spf1 ip4:199.255.192.0/22 ~all"
mail.example.com. MX 10 feedback-smtp.eu-west-1.amazonses.com.
mail.example.com. TXT "v=spf1 include:amazonses.com ~all"
tok1._domainkey.example.com. CNAME tok1.dkim.amazonses.com.
tok2._domainkey.example.com. CNAME tok2.dkim.amazonses.com.
tok3._domainkey.example.com. CNAME tok3.dkim.amazonses.com.
`
	v := &Verifier{Resolver: domainauth.MustFakeResolver(zone)}
	rep, err := v.Verify(context.Background(), *set)
	if err != nil {
		t.Fatal(err)
	}
	var mx *RecordResult
	for i := range rep.Records {
		if rep.Records[i].Type == records.TypeMX {
			mx = &rep.Records[i]
		}
	}
	if mx == nil || mx.Status != Mismatch {
		t.Fatalf("MX result %+v, want mismatch", mx)
	}
	if len(mx.Findings) != 1 {
		t.Fatalf("%d findings, want one:\n%s", len(mx.Findings), rep)
	}
	f := mx.Findings[0]
	for _, s := range []string{"feedback-smtp.eu-west-1.amazonses.com", "region eu-west-1", "this account's region is us-east-1"} {
		if !strings.Contains(f.Message, s) {
			t.Errorf("message %q lacks %q", f.Message, s)
		}
	}
	if !strings.Contains(f.Fix, "replace feedback-smtp.eu-west-1.amazonses.com with feedback-smtp.us-east-1.amazonses.com") {
		t.Errorf("fix %q does not name the replacement", f.Fix)
	}
}
