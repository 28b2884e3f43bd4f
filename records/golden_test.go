package records_test

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/domainauth/domainauth/records"
)

// -update rewrites the golden files from the current output. Off by
// default; review every rewritten file by eye (against the seed documents
// and the provider docs) before committing it.
var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update once to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from %s:\n--- got ---\n%s\n--- want ---\n%s", name, path, got, want)
	}
}

// goldenSets are the sets the goldens are made from: one per preset, with
// existing records for the merge and DMARC paths.
func goldenSets(t *testing.T) map[string]*records.Set {
	t.Helper()
	mg := mailgunAccount()
	mg.TrackingHost = "email"
	mg.Existing = &records.Existing{TXT: map[string][]string{
		"cio12345.example.com": {"v=spf1 include:_spf.google.com ~all"},
		"_dmarc.example.com":   {},
	}}
	mailgun, err := records.Generate(records.MailgunStyle(), mg)
	if err != nil {
		t.Fatal(err)
	}
	ses, err := records.Generate(records.SESStyle(), records.Account{
		Domain: "feedback.example.com", Region: "us-east-1", From: "survey@feedback.example.com",
		DKIMSelectors: []string{"abcdefghijklmnopqrstuvwxyz234567", "bcdefghijklmnopqrstuvwxyz2345672", "cdefghijklmnopqrstuvwxyz23456723"},
		Existing:      &records.Existing{TXT: map[string][]string{"_dmarc.example.com": {"v=DMARC1; p=reject; aspf=s"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	sg, err := records.Generate(records.SendGridStyle(), records.Account{
		Domain: "bücher.example", ID: "1234", Vars: map[string]string{"user": "5678", "wl": "1"}, TrackingHost: "url1234",
		DMARCPolicy: "quarantine", DMARCReports: []string{"dmarc@bücher.example"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*records.Set{"mailgun": mailgun, "ses": ses, "sendgrid": sg}
}

func TestGolden(t *testing.T) {
	for name, s := range goldenSets(t) {
		t.Run(name, func(t *testing.T) {
			golden(t, name+".zone", []byte(s.ZoneFile()))
			j, err := s.JSON()
			if err != nil {
				t.Fatal(err)
			}
			golden(t, name+".json", j)
			golden(t, name+".table", []byte(s.Table()))
			golden(t, name+".godaddy", []byte(s.HostTable(records.GoDaddyForm())))
			golden(t, name+".route53", []byte(s.HostTable(records.Route53Form())))
			golden(t, name+".escaped", []byte(s.HostTable(records.EscapedSemicolonForm())))
			golden(t, name+".cloudflare", []byte(s.HostTable(records.CloudflareForm())))
		})
	}
	for name, p := range map[string]records.Provider{"mailgun": records.MailgunStyle(), "ses": records.SESStyle(), "sendgrid": records.SendGridStyle()} {
		t.Run(name+"/domainconnect", func(t *testing.T) {
			dc, err := records.DomainConnect(p, records.DomainConnectOptions{
				ProviderID: "esp.example", ServiceID: "sending-" + name, ProviderName: "Example ESP", Tracking: true,
			})
			if err != nil {
				t.Fatal(err)
			}
			b, err := dc.MarshalJSONIndent()
			if err != nil {
				t.Fatal(err)
			}
			golden(t, name+".domainconnect.json", b)
		})
	}
}
