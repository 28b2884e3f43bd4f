package records_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/records"
)

// Variable names hold at most 32 characters.
func TestVarNameLength(t *testing.T) {
	a := records.Account{Domain: "example.com", ID: "12345", DKIMKey: rfc8463Key}
	a.Vars = map[string]string{strings.Repeat("a", 32): "x"}
	if _, err := records.Generate(records.MailgunStyle(), a); err != nil {
		t.Errorf("32-character variable name: %v", err)
	}
	a.Vars = map[string]string{strings.Repeat("a", 33): "x"}
	if _, err := records.Generate(records.MailgunStyle(), a); !errors.Is(err, records.ErrInvalid) {
		t.Errorf("33-character variable name: %v, want ErrInvalid", err)
	}
}

// Every character of a label value is checked, the first one too.
func TestLabelValueFirstCharacter(t *testing.T) {
	a := records.Account{Domain: "example.com", ID: ".2345", DKIMKey: rfc8463Key}
	if _, err := records.Generate(records.MailgunStyle(), a); !errors.Is(err, records.ErrInvalid) || !strings.Contains(err.Error(), "offset 0") {
		t.Errorf("ID %q: %v, want ErrInvalid at offset 0", a.ID, err)
	}
}

// Zone-file comments turn DEL, like other control characters, into a space.
func TestZoneCommentDEL(t *testing.T) {
	s := records.Set{Domain: "example.com", Provider: "a\x7fb\x1fc"}
	if z := s.ZoneFile(); !strings.Contains(z, "provider a b c") {
		t.Errorf("zone file:\n%s", z)
	}
}

// A CNAME gets the form's Note and CNAMENote, separated by a space.
func TestHostFormNotes(t *testing.T) {
	s := records.Set{Domain: "example.com", Zone: "example.com", Records: []records.Record{
		{Purpose: records.PurposeTracking, FQDN: "link.example.com", Type: records.TypeCNAME, Values: []string{"e.provider.net"}},
		{Purpose: records.PurposeDMARC, FQDN: "_dmarc.example.com", Type: records.TypeTXT, Values: []string{"v=DMARC1; p=none"}},
	}}
	hr := s.ForHost(records.HostForm{Note: "Save each record.", CNAMENote: "DNS only."})
	if len(hr) != 2 || hr[0].Note != "Save each record. DNS only." || hr[1].Note != "Save each record." {
		t.Errorf("notes %+v", hr)
	}
}

// A provider whose tracking target is for every region ("") serves any
// region in the Domain Connect template.
func TestDomainConnectTrackingAnyRegion(t *testing.T) {
	tmpl, err := records.DomainConnect(records.SESStyle(), records.DomainConnectOptions{
		ProviderID: "p.example", ServiceID: "s", Region: "eu-west-1", Tracking: true})
	if err != nil {
		t.Fatalf("%v", err)
	}
	if b, _ := tmpl.MarshalJSONIndent(); !strings.Contains(string(b), "awstrack.me") {
		t.Errorf("no tracking target in\n%s", b)
	}
}

// A FieldError shows the value when there is one, and only then.
func TestFieldErrorText(t *testing.T) {
	with := &records.FieldError{Field: "Account.ID", Value: "a b", Err: records.ErrInvalid}
	without := &records.FieldError{Field: "Provider.Name", Err: records.ErrRequired}
	if got, want := with.Error(), `records: Account.ID "a b": `+records.ErrInvalid.Error(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got, want := without.Error(), "records: Provider.Name: "+records.ErrRequired.Error(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// DKIM selectors without a host are refused, each kind alone; so is a
// negative or too large AccountSelectors, each alone.
func TestDKIMProviderErrors(t *testing.T) {
	for _, c := range []struct {
		name  string
		dkim  records.DKIM
		field string
		want  error
	}{
		{"selectors without host", records.DKIM{Selectors: []string{"s1"}}, "Provider.DKIM.Host", records.ErrRequired},
		{"account selectors without host", records.DKIM{AccountSelectors: 3}, "Provider.DKIM.Host", records.ErrRequired},
		{"CNAME without host", records.DKIM{CNAME: "{selector}.dkim.example.net"}, "Provider.DKIM.Host", records.ErrRequired},
		{"negative account selectors", records.DKIM{Host: "{selector}._domainkey", AccountSelectors: -1}, "Provider.DKIM", records.ErrInvalid},
		{"17 account selectors", records.DKIM{Host: "{selector}._domainkey", AccountSelectors: 17}, "Provider.DKIM", records.ErrInvalid},
	} {
		p := customProvider()
		p.DKIM = c.dkim
		_, err := records.Generate(p, records.Account{Domain: "example.com", ID: "7"})
		var fe *records.FieldError
		if !errors.Is(err, c.want) || !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("%s: %v, want %v at %s", c.name, err, c.want, c.field)
		}
	}
}

// Eight report destinations are allowed, nine are not.
func TestDMARCReportsLimit(t *testing.T) {
	a := mailgunAccount()
	for i := range 8 {
		a.DMARCReports = append(a.DMARCReports, "mailto:r"+strings.Repeat("x", i)+"@example.com")
	}
	if _, err := records.Generate(records.MailgunStyle(), a); err != nil {
		t.Errorf("8 report destinations: %v", err)
	}
	a.DMARCReports = append(a.DMARCReports, "mailto:r9@example.com")
	if _, err := records.Generate(records.MailgunStyle(), a); !errors.Is(err, records.ErrInvalid) {
		t.Errorf("9 report destinations: %v, want ErrInvalid", err)
	}
}

// A Domain Connect template of a provider with one record is fine.
func TestDomainConnectOneRecord(t *testing.T) {
	p := records.Provider{Name: "one", SPF: records.SPF{Host: "@", Includes: []string{"spf.one.example"}}}
	dc, err := records.DomainConnect(p, records.DomainConnectOptions{ProviderID: "one.example", ServiceID: "s"})
	if err != nil || len(dc.Records) != 1 {
		t.Fatalf("DomainConnect: %+v, %v; want one record", dc, err)
	}
}
