package records_test

import (
	"crypto/ed25519"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/records"
)

// rfc8463Key is the Ed25519 key record of RFC 8463 Appendix A.2
// (brisbane._domainkey.football.example.com).
const rfc8463Key = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="

// ignoreDescription leaves out the prose (checked separately for being
// there) so that the sets compare on their data.
var ignoreDescription = cmpopts.IgnoreFields(records.Record{}, "Description")

// The Customer.io page (first seed): records on cio<account>, MX mxa/mxb
// priority 10, SPF include on the subdomain, DKIM krs._domainkey on the
// subdomain, tracking CNAME to e.customeriomail.com (e-eu for EU accounts).
func TestGenerateMailgunStyle(t *testing.T) {
	added := time.Date(2025, 11, 22, 10, 0, 0, 0, time.UTC)
	s, err := records.Generate(records.MailgunStyle(), records.Account{
		Domain:       "Example.COM",
		ID:           "12345",
		From:         "Example News <news@example.com>",
		DKIMKey:      rfc8463Key,
		TrackingHost: "email",
		AddedAt:      added,
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &records.Set{
		Domain:      "example.com",
		Zone:        "example.com",
		FromAddress: "Example News <news@example.com>",
		ReturnPath:  "cio12345.example.com",
		Provider:    "mailgun-style",
		AccountID:   "12345",
		Region:      "us",
		AddedAt:     added,
		Records: []records.Record{
			{Purpose: records.PurposeReturnPath, FQDN: "cio12345.example.com", Name: "cio12345", Type: records.TypeMX,
				Values: []string{"mxa.mailgun.org", "mxb.mailgun.org"}, Priority: 10, TTL: 3600, Required: true},
			{Purpose: records.PurposeSPF, FQDN: "cio12345.example.com", Name: "cio12345", Type: records.TypeTXT,
				Values: []string{"v=spf1 include:mailgun.org ~all"}, TTL: 3600, Required: true, SPFLookups: 1},
			{Purpose: records.PurposeDKIM, FQDN: "krs._domainkey.cio12345.example.com", Name: "krs._domainkey.cio12345", Type: records.TypeTXT,
				Values: []string{rfc8463Key}, TTL: 3600, Required: true},
			{Purpose: records.PurposeDMARC, FQDN: "_dmarc.example.com", Name: "_dmarc", Type: records.TypeTXT,
				Values: []string{"v=DMARC1; p=none"}, TTL: 3600},
			{Purpose: records.PurposeTracking, FQDN: "email.example.com", Name: "email", Type: records.TypeCNAME,
				Values: []string{"e.customeriomail.com"}, TTL: 3600},
		},
	}
	if diff := cmp.Diff(want, s, ignoreDescription); diff != "" {
		t.Errorf("set mismatch (-want +got):\n%s", diff)
	}
	for _, r := range s.Records {
		if r.Description == "" {
			t.Errorf("%s %s has no description", r.Purpose, r.FQDN)
		}
	}

	// The EU region changes only the tracking target.
	eu, err := records.Generate(records.MailgunStyle(), records.Account{
		Domain: "example.com", ID: "12345", Region: "EU", DKIMKey: rfc8463Key, TrackingHost: "email.example.com",
	})
	if err != nil {
		t.Fatal(err)
	}
	last := eu.Records[len(eu.Records)-1]
	if last.Purpose != records.PurposeTracking || last.Values[0] != "e-eu.customeriomail.com" || eu.Region != "eu" {
		t.Errorf("EU tracking record = %+v, region %q; want CNAME to e-eu.customeriomail.com", last, eu.Region)
	}
}

// The SES pattern: three DKIM CNAMEs to <token>.dkim.amazonses.com, MAIL FROM
// subdomain with MX feedback-smtp.<region>.amazonses.com priority 10 and
// SPF include:amazonses.com. The second seed (CustomerGauge) sends from a
// subdomain, whose DMARC coverage comes from the parent's record.
func TestGenerateSESStyle(t *testing.T) {
	tokens := []string{
		"abcdefghijklmnopqrstuvwxyz234567",
		"bcdefghijklmnopqrstuvwxyz2345672",
		"cdefghijklmnopqrstuvwxyz23456723",
	}
	s, err := records.Generate(records.SESStyle(), records.Account{
		Domain:        "feedback.example.com",
		Region:        "eu-west-1",
		From:          "survey@feedback.example.com",
		DKIMSelectors: tokens,
		Vars:          map[string]string{"mailfrom": "bounce"},
		TrackingHost:  "track.feedback.example.com",
		Existing: &records.Existing{TXT: map[string][]string{
			"_dmarc.example.com.":          {"v=DMARC1; p=reject; rua=mailto:dmarc@example.com"},
			"_dmarc.feedback.example.com":  {},
			"bounce.feedback.example.com.": {},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	dkimCNAME := func(tok string) records.Record {
		return records.Record{Purpose: records.PurposeDKIM, FQDN: tok + "._domainkey.feedback.example.com", Name: tok + "._domainkey.feedback",
			Type: records.TypeCNAME, Values: []string{tok + ".dkim.amazonses.com"}, TTL: 1800, Required: true}
	}
	want := &records.Set{
		Domain:      "feedback.example.com",
		Zone:        "example.com",
		FromAddress: "survey@feedback.example.com",
		ReturnPath:  "bounce.feedback.example.com",
		Provider:    "ses-style",
		Region:      "eu-west-1",
		Records: []records.Record{
			{Purpose: records.PurposeReturnPath, FQDN: "bounce.feedback.example.com", Name: "bounce.feedback", Type: records.TypeMX,
				Values: []string{"feedback-smtp.eu-west-1.amazonses.com"}, Priority: 10, TTL: 1800, Required: true},
			{Purpose: records.PurposeSPF, FQDN: "bounce.feedback.example.com", Name: "bounce.feedback", Type: records.TypeTXT,
				Values: []string{"v=spf1 include:amazonses.com ~all"}, TTL: 1800, Required: true, SPFLookups: 1},
			dkimCNAME(tokens[0]), dkimCNAME(tokens[1]), dkimCNAME(tokens[2]),
			{Purpose: records.PurposeTracking, FQDN: "track.feedback.example.com", Name: "track.feedback", Type: records.TypeCNAME,
				Values: []string{"r.eu-west-1.awstrack.me"}, TTL: 1800},
		},
	}
	if diff := cmp.Diff(want, s, ignoreDescription, cmpopts.IgnoreFields(records.Set{}, "Findings")); diff != "" {
		t.Errorf("set mismatch (-want +got):\n%s", diff)
	}
	// The parent's DMARC record applies to the subdomain: no new record,
	// one warning about relaxed alignment.
	if len(s.Findings) != 1 || !hasFinding(s.Findings[0], finding.CodeDMARCExisting, finding.Info, "_dmarc.example.com TXT") || !strings.Contains(text(s.Findings[0]), "_dmarc.example.com") || !strings.Contains(text(s.Findings[0]), "relaxed") {
		t.Errorf("findings = %v, want one about the existing DMARC record keeping relaxed alignment", s.Findings)
	}
}

// The SendGrid pattern: em<id> return-path CNAME to u<user>.wl<n>.sendgrid.net,
// s1/s2 DKIM CNAMEs to s<n>.domainkey.u<user>.wl<n>.sendgrid.net, no SPF record.
func TestGenerateSendGridStyle(t *testing.T) {
	s, err := records.Generate(records.SendGridStyle(), records.Account{
		Domain:       "example.com",
		ID:           "1234",
		Vars:         map[string]string{"user": "5678", "wl": "1"},
		TrackingHost: "url1234",
		Existing:     &records.Existing{TXT: map[string][]string{"_dmarc.example.com": {"v=DMARC1; p=none; adkim=s"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &records.Set{
		Domain:     "example.com",
		Zone:       "example.com",
		ReturnPath: "em1234.example.com",
		Provider:   "sendgrid-style",
		AccountID:  "1234",
		Records: []records.Record{
			{Purpose: records.PurposeReturnPath, FQDN: "em1234.example.com", Name: "em1234", Type: records.TypeCNAME,
				Values: []string{"u5678.wl1.sendgrid.net"}, TTL: 3600, Required: true},
			{Purpose: records.PurposeDKIM, FQDN: "s1._domainkey.example.com", Name: "s1._domainkey", Type: records.TypeCNAME,
				Values: []string{"s1.domainkey.u5678.wl1.sendgrid.net"}, TTL: 3600, Required: true},
			{Purpose: records.PurposeDKIM, FQDN: "s2._domainkey.example.com", Name: "s2._domainkey", Type: records.TypeCNAME,
				Values: []string{"s2.domainkey.u5678.wl1.sendgrid.net"}, TTL: 3600, Required: true},
			{Purpose: records.PurposeTracking, FQDN: "url1234.example.com", Name: "url1234", Type: records.TypeCNAME,
				Values: []string{"sendgrid.net"}, TTL: 3600},
		},
	}
	if diff := cmp.Diff(want, s, ignoreDescription, cmpopts.IgnoreFields(records.Set{}, "Findings")); diff != "" {
		t.Errorf("set mismatch (-want +got):\n%s", diff)
	}
	if len(s.Findings) != 1 || !hasFinding(s.Findings[0], finding.CodeDMARCStrictAlignment, finding.Error, "_dmarc.example.com TXT") || !strings.Contains(text(s.Findings[0]), "adkim=s") {
		t.Errorf("findings = %v, want one naming adkim=s", s.Findings)
	}
}

// A provider defined by the user: SPF at the apex (merged into the
// customer's record), a fixed TXT DKIM selector at the domain, per-account
// variables with a default.
func customProvider() records.Provider {
	return records.Provider{
		Name:     "acme-mail",
		TTL:      300,
		Defaults: map[string]string{"pool": "p1"},
		ReturnPath: records.ReturnPath{
			Host:     "bounces",
			MX:       []string{"in.{pool}.acme-mail.example.net"},
			Priority: 5,
		},
		SPF: records.SPF{
			Host:       "@",
			Mechanisms: []string{"ip4:192.0.2.0/24"},
			Includes:   []string{"{pool}.spf.acme-mail.example.net"},
			All:        "-all",
		},
		DKIM: records.DKIM{Host: "{selector}._domainkey", Selectors: []string{"acme{account}"}},
	}
}

func TestGenerateCustomProvider(t *testing.T) {
	pub, _ := base64.StdEncoding.DecodeString("11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=")
	s, err := records.Generate(customProvider(), records.Account{
		Domain:        "bücher.example",
		ID:            "7",
		DKIMPublicKey: ed25519.PublicKey(pub),
		Vars:          map[string]string{"pool": "P2"},
		DMARCPolicy:   "Quarantine",
		DMARCReports:  []string{"dmarc@bücher.example", "mailto:agg@reports.example.net"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &records.Set{
		Domain:        "xn--bcher-kva.example",
		UnicodeDomain: "bücher.example",
		Zone:          "xn--bcher-kva.example",
		ReturnPath:    "bounces.xn--bcher-kva.example",
		Provider:      "acme-mail",
		AccountID:     "7",
		Records: []records.Record{
			{Purpose: records.PurposeReturnPath, FQDN: "bounces.xn--bcher-kva.example", UnicodeFQDN: "bounces.bücher.example", Name: "bounces",
				Type: records.TypeMX, Values: []string{"in.p2.acme-mail.example.net"}, Priority: 5, TTL: 300, Required: true},
			{Purpose: records.PurposeSPF, FQDN: "xn--bcher-kva.example", UnicodeFQDN: "bücher.example", Name: "@", Type: records.TypeTXT,
				Values: []string{"v=spf1 ip4:192.0.2.0/24 include:p2.spf.acme-mail.example.net -all"}, TTL: 300, Required: true, SPFLookups: 1},
			{Purpose: records.PurposeDKIM, FQDN: "acme7._domainkey.xn--bcher-kva.example", UnicodeFQDN: "acme7._domainkey.bücher.example",
				Name: "acme7._domainkey", Type: records.TypeTXT, Values: []string{rfc8463Key}, TTL: 300, Required: true},
			{Purpose: records.PurposeDMARC, FQDN: "_dmarc.xn--bcher-kva.example", UnicodeFQDN: "_dmarc.bücher.example", Name: "_dmarc", Type: records.TypeTXT,
				Values: []string{"v=DMARC1; p=quarantine; rua=mailto:dmarc@xn--bcher-kva.example,mailto:agg@reports.example.net"}, TTL: 300},
		},
	}
	if diff := cmp.Diff(want, s, ignoreDescription, cmpopts.IgnoreFields(records.Set{}, "Findings")); diff != "" {
		t.Errorf("set mismatch (-want +got):\n%s", diff)
	}
	// reports.example.net must authorise reports for the domain (RFC 7489 section 7.1).
	if len(s.Findings) != 1 || !hasFinding(s.Findings[0], finding.CodeDMARCRUAUnauthorized, finding.Warning, "") || !strings.Contains(text(s.Findings[0]), "xn--bcher-kva.example._report._dmarc.reports.example.net") {
		t.Errorf("findings = %v, want the external report authorisation", s.Findings)
	}
}

// hasFinding reports whether f has the code and severity, and the subject
// unless subject is empty.
func hasFinding(f finding.Finding, code finding.Code, sev finding.Severity, subject string) bool {
	return f.Code == code && f.Severity == sev && (subject == "" || f.Subject == subject)
}
