package records_test

import (
	"context"
	"fmt"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/records"
)

// The Customer.io pattern: everything on the account subdomain
// cio<account id>.
func ExampleMailgunStyle() {
	s, err := records.Generate(records.MailgunStyle(), records.Account{
		Domain:       "example.com",
		ID:           "12345",
		From:         "news@example.com",
		DKIMKey:      "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
		TrackingHost: "email",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range s.ForHost(records.GoDaddyForm()) {
		fmt.Printf("%-5s %-23s %2d %s\n", r.Type, r.Host, r.Priority, r.Value)
	}
	// Output:
	// MX    cio12345                10 mxa.mailgun.org
	// MX    cio12345                10 mxb.mailgun.org
	// TXT   cio12345                 0 v=spf1 include:mailgun.org ~all
	// TXT   krs._domainkey.cio12345  0 v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=
	// TXT   _dmarc                   0 v=DMARC1; p=none
	// CNAME email                    0 e.customeriomail.com
}

// Amazon SES: Easy DKIM tokens and a custom MAIL FROM domain. The existing
// records come from DNS (here the fake resolver): the domain already has a
// DMARC policy, so none is proposed, and a warning says to keep it relaxed.
func ExampleSESStyle() {
	dns := domainauth.MustFakeResolver(`
$ORIGIN example.com.
@       3600 IN TXT "v=spf1 include:_spf.google.com -all"
_dmarc  3600 IN TXT "v=DMARC1; p=quarantine"
`)
	p := records.SESStyle()
	a := records.Account{
		Domain:        "example.com",
		Region:        "us-east-1",
		DKIMSelectors: []string{"tok1", "tok2", "tok3"},
	}
	existing, err := records.Gather(context.Background(), dns, p, a)
	if err != nil {
		fmt.Println(err)
		return
	}
	a.Existing = &existing
	s, err := records.Generate(p, a)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(s.HostTable(records.Route53Form()))
	fmt.Println(len(s.Findings), "finding")
	// Output:
	// TYPE   HOST                          PRIORITY  TTL   REQUIRED  VALUE
	// MX     mail.example.com.                       1800  yes       10 feedback-smtp.us-east-1.amazonses.com.
	// TXT    mail.example.com.                       1800  yes       "v=spf1 include:amazonses.com ~all"
	// CNAME  tok1._domainkey.example.com.            1800  yes       tok1.dkim.amazonses.com.
	// CNAME  tok2._domainkey.example.com.            1800  yes       tok2.dkim.amazonses.com.
	// CNAME  tok3._domainkey.example.com.            1800  yes       tok3.dkim.amazonses.com.
	// 1 finding
}

// SendGrid: every record is a CNAME into SendGrid's zone.
func ExampleSendGridStyle() {
	s, err := records.Generate(records.SendGridStyle(), records.Account{
		Domain: "example.com",
		ID:     "1234",
		Vars:   map[string]string{"user": "5678", "wl": "1"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(s.ZoneFile()[len("; DNS records for example.com, provider sendgrid-style, account 1234\n; zone example.com.\n"):])
	// Output:
	//
	// ; return-path (required): Return path (bounce domain) delegated to the provider: u5678.wl1.sendgrid.net then serves the bounce MX and SPF records for em1234.example.com.
	// em1234.example.com.	3600	IN	CNAME	u5678.wl1.sendgrid.net.
	//
	// ; dkim (required): DKIM selector s1 delegated to the provider, which publishes and rotates the public key at s1.domainkey.u5678.wl1.sendgrid.net.
	// s1._domainkey.example.com.	3600	IN	CNAME	s1.domainkey.u5678.wl1.sendgrid.net.
	//
	// ; dkim (required): DKIM selector s2 delegated to the provider, which publishes and rotates the public key at s2.domainkey.u5678.wl1.sendgrid.net.
	// s2._domainkey.example.com.	3600	IN	CNAME	s2.domainkey.u5678.wl1.sendgrid.net.
	//
	// ; dmarc (optional): DMARC: tells receivers what to do with mail that fails authentication (p=none) and keeps alignment relaxed (no adkim/aspf tags), which the provider's subdomains need. Publish it only if the domain has no DMARC record yet; otherwise keep the existing one.
	// _dmarc.example.com.	3600	IN	TXT	"v=DMARC1; p=none"
}

// An existing SPF record at the name where the set needs one is merged:
// one record, the include added once.
func ExampleGenerate_existing() {
	s, err := records.Generate(records.MailgunStyle(), records.Account{
		Domain: "example.com", ID: "12345",
		DKIMKey: "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
		Existing: &records.Existing{TXT: map[string][]string{
			"cio12345.example.com": {"v=spf1 include:_spf.google.com ~all"},
		}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	r := s.Records[1]
	fmt.Println(r.Values[0])
	fmt.Println("replaces:", r.Replaces, "| lookups:", r.SPFLookups)
	// Output:
	// v=spf1 include:_spf.google.com include:mailgun.org ~all
	// replaces: v=spf1 include:_spf.google.com ~all | lookups: 2
}
