package records_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/internal/dnsname"
	"github.com/domainauth/domainauth/records"
)

// mailgunAccount is a valid account for MailgunStyle; the table edits it.
func mailgunAccount() records.Account {
	return records.Account{Domain: "example.com", ID: "12345", From: "news@example.com", DKIMKey: rfc8463Key}
}

func sesAccount() records.Account {
	return records.Account{Domain: "example.com", Region: "us-east-1", DKIMSelectors: []string{"tok1", "tok2", "tok3"}}
}

func TestGenerateErrors(t *testing.T) {
	long := strings.Repeat("a", 63)
	// A valid 246-character domain; "cio12345." in front makes 255 > 253.
	longDomain := long + "." + long + "." + long + "." + strings.Repeat("b", 50) + ".com"
	tests := []struct {
		name    string
		p       records.Provider
		edit    func(*records.Account)
		field   string
		wantErr error
	}{
		{"empty domain", records.MailgunStyle(), func(a *records.Account) { a.Domain = " " }, "Account.Domain", records.ErrRequired},
		{"top-level domain", records.MailgunStyle(), func(a *records.Account) { a.Domain = "com" }, "Account.Domain", dnsname.ErrPublicSuffix},
		{"public suffix", records.MailgunStyle(), func(a *records.Account) { a.Domain = "co.uk" }, "Account.Domain", dnsname.ErrPublicSuffix},
		{"space in domain", records.MailgunStyle(), func(a *records.Account) { a.Domain = "exa mple.com" }, "Account.Domain", dnsname.ErrInvalidChar},
		{"label too long", records.MailgunStyle(), func(a *records.Account) { a.Domain = long + "a.com" }, "Account.Domain", dnsname.ErrLabelTooLong},
		{"bad IDN", records.MailgunStyle(), func(a *records.Account) { a.Domain = "a\u05d0.com" /* RTL and LTR mixed in one label, RFC 5893 */ }, "Account.Domain", dnsname.ErrIDNA},
		{"URL instead of domain", records.MailgunStyle(), func(a *records.Account) { a.Domain = "https://example.com" }, "Account.Domain", dnsname.ErrInvalidChar},
		{"generated name too long", records.MailgunStyle(), func(a *records.Account) { a.Domain = longDomain; a.From = "" }, "Provider.ReturnPath.Host", dnsname.ErrNameTooLong},
		{"account label too long", records.MailgunStyle(), func(a *records.Account) { a.ID = strings.Repeat("9", 61) }, "Account.ID", records.ErrInvalid},
		{"account id adds a label", records.MailgunStyle(), func(a *records.Account) { a.ID = "1.evil" }, "Account.ID", records.ErrInvalid},
		{"account id missing", records.MailgunStyle(), func(a *records.Account) { a.ID = "" }, "Account.ID", records.ErrRequired},
		{"unknown region", records.MailgunStyle(), func(a *records.Account) { a.Region = "ap" }, "Account.Region", records.ErrUnknownRegion},
		{"from outside domain", records.MailgunStyle(), func(a *records.Account) { a.From = "news@example.net" }, "Account.From", records.ErrOutsideDomain},
		{"from at look-alike", records.MailgunStyle(), func(a *records.Account) { a.From = "news@notexample.com" }, "Account.From", records.ErrOutsideDomain},
		{"from at parent of sending subdomain", records.MailgunStyle(), func(a *records.Account) { a.Domain = "mail.example.com" }, "Account.From", records.ErrOutsideDomain},
		{"from not an address", records.MailgunStyle(), func(a *records.Account) { a.From = "news at example.com" }, "Account.From", records.ErrInvalid},
		{"dkim key missing", records.MailgunStyle(), func(a *records.Account) { a.DKIMKey = "" }, "Account.DKIMKey", records.ErrRequired},
		{"dkim key escaped semicolon", records.MailgunStyle(), func(a *records.Account) {
			a.DKIMKey = `v=DKIM1\; k=ed25519\; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=`
		}, "Account.DKIMKey", dkim.ErrKeyEscapedSemicolon},
		{"dkim key quoted", records.MailgunStyle(), func(a *records.Account) { a.DKIMKey = `"` + rfc8463Key + `"` }, "Account.DKIMKey", dkim.ErrKeyQuoted},
		{"dkim key revoked", records.MailgunStyle(), func(a *records.Account) { a.DKIMKey = "v=DKIM1; p=" }, "Account.DKIMKey", records.ErrInvalid},
		{"dkim key twice", records.MailgunStyle(), func(a *records.Account) { a.DKIMPublicKey = []byte{1} }, "Account.DKIMKey", records.ErrInvalid},
		{"tracking at apex", records.MailgunStyle(), func(a *records.Account) { a.TrackingHost = "example.com" }, "Account.TrackingHost", records.ErrConflict},
		{"tracking outside zone", records.MailgunStyle(), func(a *records.Account) { a.TrackingHost = "links.example.net" }, "Account.TrackingHost", records.ErrOutsideDomain},
		{"tracking on return path", records.MailgunStyle(), func(a *records.Account) { a.TrackingHost = "cio12345" }, "Account.TrackingHost", records.ErrConflict},
		{"dmarc policy", records.MailgunStyle(), func(a *records.Account) { a.DMARCPolicy = "block" }, "Account.DMARCPolicy", records.ErrInvalid},
		{"dmarc report with semicolon", records.MailgunStyle(), func(a *records.Account) { a.DMARCReports = []string{"a;b@example.com"} }, "Account.DMARCReports[0]", records.ErrInvalid},
		{"reserved variable", records.MailgunStyle(), func(a *records.Account) { a.Vars = map[string]string{"account": "1"} }, "Account.Vars[account]", records.ErrInvalid},
		{"zone not above domain", records.MailgunStyle(), func(a *records.Account) { a.Zone = "example.net" }, "Account.Zone", records.ErrOutsideDomain},

		{"ses region missing", records.SESStyle(), func(a *records.Account) { *a = sesAccount(); a.Region = "" }, "Account.Region", records.ErrRequired},
		{"ses two tokens", records.SESStyle(), func(a *records.Account) { *a = sesAccount(); a.DKIMSelectors = a.DKIMSelectors[:2] }, "Account.DKIMSelectors", records.ErrRequired},
		{"ses token with dot", records.SESStyle(), func(a *records.Account) { *a = sesAccount(); a.DKIMSelectors[2] = "a.b" }, "Account.DKIMSelectors[2]", records.ErrInvalid},
		{"ses given a key", records.SESStyle(), func(a *records.Account) { *a = sesAccount(); a.DKIMKey = rfc8463Key }, "Account.DKIMKey", records.ErrNotApplicable},
		{"sendgrid user missing", records.SendGridStyle(), func(a *records.Account) {
			*a = records.Account{Domain: "example.com", ID: "1", Vars: map[string]string{"wl": "1"}}
		}, "Account.Vars[user]", records.ErrRequired},

		{"provider without name", func() records.Provider { p := records.MailgunStyle(); p.Name = ""; return p }(), nil, "Provider.Name", records.ErrRequired},
		{"provider +all", func() records.Provider { p := records.MailgunStyle(); p.SPF.All = "+all"; return p }(), nil, "Provider.SPF.All", records.ErrInvalid},
		{"provider bad mechanism", func() records.Provider {
			p := records.MailgunStyle()
			p.SPF.Mechanisms = []string{"ip4:300.1.1.1"}
			return p
		}(), nil, "Provider.SPF", records.ErrInvalid},
		{"provider MX and CNAME", func() records.Provider {
			p := records.MailgunStyle()
			p.ReturnPath.CNAME = "x.example.net"
			return p
		}(), nil, "Provider.ReturnPath", records.ErrConflict},
		{"provider dkim host without selector", func() records.Provider {
			p := records.MailgunStyle()
			p.DKIM.Host = "_domainkey.{label}"
			return p
		}(), nil, "Provider.DKIM.Host", records.ErrInvalid},
		{"provider unclosed brace", func() records.Provider {
			p := records.MailgunStyle()
			p.ReturnPath.MX = []string{"mx.{region.example.net"}
			return p
		}(), nil, "Provider.ReturnPath.MX[0]", records.ErrInvalid},
		{"provider return path at apex", func() records.Provider {
			p := records.MailgunStyle()
			p.ReturnPath.Host = "@"
			return p
		}(), nil, "Provider.ReturnPath.Host", records.ErrConflict},
		{"provider CNAME return path with SPF", func() records.Provider {
			p := records.SendGridStyle()
			p.SPF.Includes = []string{"sendgrid.net"}
			return p
		}(), func(a *records.Account) {
			*a = records.Account{Domain: "example.com", ID: "1", Vars: map[string]string{"user": "2", "wl": "3"}}
		},
			"Provider.ReturnPath.Host", records.ErrConflict},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := mailgunAccount()
			if tt.edit != nil {
				tt.edit(&a)
			}
			s, err := records.Generate(tt.p, a)
			if err == nil {
				t.Fatalf("Generate succeeded, want error on %s; set:\n%s", tt.field, s.ZoneFile())
			}
			var fe *records.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T) is not a *FieldError", err, err)
			}
			if fe.Field != tt.field {
				t.Errorf("error names field %q, want %q: %v", fe.Field, tt.field, err)
			}
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("error %v does not wrap %v", err, tt.wantErr)
			}
			if !strings.HasPrefix(err.Error(), "records: "+tt.field) {
				t.Errorf("message %q does not start with the field", err)
			}
		})
	}
}

// Inputs that look odd but are fine.
func TestGenerateAccepts(t *testing.T) {
	tests := []struct {
		name string
		edit func(*records.Account)
	}{
		{"templated From", func(a *records.Account) { a.From = "{{ customer.email }}" }},
		{"From on a subdomain", func(a *records.Account) { a.From = "a@news.example.com" }},
		{"From with display name", func(a *records.Account) { a.From = `"Ex, Inc." <a@EXAMPLE.com>` }},
		{"no From yet", func(a *records.Account) { a.From = "" }},
		{"trailing dot and case", func(a *records.Account) { a.Domain = "EXAMPLE.com." }},
		{"surrounding spaces", func(a *records.Account) { a.Domain = " example.com\t" }},
		{"63-byte account label", func(a *records.Account) { a.ID = strings.Repeat("9", 60) }},
		{"tracking with trailing dot", func(a *records.Account) { a.TrackingHost = "links.example.com." }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := mailgunAccount()
			tt.edit(&a)
			if _, err := records.Generate(records.MailgunStyle(), a); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// IDN input appears as A-labels in the records and in both forms for display.
func TestGenerateIDN(t *testing.T) {
	a := mailgunAccount()
	a.Domain = "Bücher.Example"
	a.From = "info@bücher.example"
	s, err := records.Generate(records.MailgunStyle(), a)
	if err != nil {
		t.Fatal(err)
	}
	if s.Domain != "xn--bcher-kva.example" || s.UnicodeDomain != "bücher.example" {
		t.Errorf("domain %q / %q, want xn--bcher-kva.example / bücher.example", s.Domain, s.UnicodeDomain)
	}
	r := s.Records[0]
	if r.FQDN != "cio12345.xn--bcher-kva.example" || r.UnicodeFQDN != "cio12345.bücher.example" || r.Name != "cio12345" {
		t.Errorf("record names %q %q %q", r.FQDN, r.UnicodeFQDN, r.Name)
	}
	if tbl := s.Table(); !strings.Contains(tbl, "xn--bcher-kva.example (bücher.example)") {
		t.Errorf("table does not show both forms:\n%s", tbl)
	}
}
