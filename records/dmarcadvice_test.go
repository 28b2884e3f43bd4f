package records_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/records"
)

func accountWith(r *dmarc.Record) records.Account {
	return records.Account{Domain: "example.com", ID: "12345", From: "news@example.com", DKIMKey: rfc8463Key, DMARC: r}
}

func dmarcValue(t *testing.T, s *records.Set) string {
	t.Helper()
	for _, r := range s.Records {
		if r.Purpose == records.PurposeDMARC {
			return r.Values[0]
		}
	}
	t.Fatalf("no DMARC record in %+v", s.Records)
	return ""
}

func mailtoURI(a string) []dmarc.URI { return []dmarc.URI{{Address: "mailto:" + a}} }

// Account.DMARC expresses every tag of the SES seed's DMARC tag guide
// (../shared/seeds/002_*.txt); the recommended value is the guide's text
// (without the trailing ";", optional in both ABNFs), and the warnings say
// what receivers of the other RFC do differently.
func TestAccountDMARC(t *testing.T) {
	tests := []struct {
		name  string
		rec   dmarc.Record
		want  string
		warns []string // parts of the warnings, in order
	}{
		{"guide: neutral policy", dmarc.Record{Policy: dmarc.None}, "v=DMARC1; p=none", nil},
		{"guide: quarantine policy with failure reporting",
			dmarc.Record{Policy: dmarc.Quarantine, Percent: 25, RUF: mailtoURI("reporting@example.com")},
			"v=DMARC1; p=quarantine; pct=25; ruf=mailto:reporting@example.com",
			[]string{"pct=25: receivers following RFC 7489 apply p=quarantine to that share of failing mail, but those following RFC 9989"}},
		{"pct=99 is sampling too", dmarc.Record{Policy: dmarc.Quarantine, Percent: 99},
			"v=DMARC1; p=quarantine; pct=99", []string{"pct=99: receivers following RFC 7489"}},
		{"guide: strict policy with aggregate reporting",
			dmarc.Record{Policy: dmarc.Reject, RUA: mailtoURI("reporting@example.com")},
			"v=DMARC1; p=reject; rua=mailto:reporting@example.com", nil},
		{"sp, np, fo, relaxed alignment spelled out",
			dmarc.Record{Policy: dmarc.Reject, SubdomainPolicy: dmarc.Quarantine, NPolicy: dmarc.Reject,
				ADKIM: dmarc.Relaxed, ASPF: dmarc.Relaxed, Present: dmarc.TagADKIM | dmarc.TagASPF,
				FailureOptions: dmarc.FailureDKIM | dmarc.FailureSPF, RUF: mailtoURI("f@example.com")},
			"v=DMARC1; p=reject; sp=quarantine; np=reject; adkim=r; aspf=r; fo=d:s; ruf=mailto:f@example.com", nil},
		{"strict alignment fails the provider's mail",
			dmarc.Record{Policy: dmarc.Reject, ADKIM: dmarc.Strict, ASPF: dmarc.Strict},
			"v=DMARC1; p=reject; adkim=s; aspf=s", []string{"adkim=s and aspf=s (strict alignment): the provider's mail uses cio12345.example.com"}},
		{"testing for both kinds of receivers: no warning",
			dmarc.Record{Policy: dmarc.Reject, Testing: true, Present: dmarc.TagPct},
			"v=DMARC1; p=reject; pct=0; t=y", nil},
		{"t=y alone", dmarc.Record{Policy: dmarc.Quarantine, Testing: true},
			"v=DMARC1; p=quarantine; t=y", []string{"t=y without pct=0: receivers following RFC 7489"}},
		{"pct=0 alone", dmarc.Record{Policy: dmarc.Reject, Present: dmarc.TagPct},
			"v=DMARC1; p=reject; pct=0", []string{"pct=0 without t=y"}},
		{"p=none with pct: nothing to soften", dmarc.Record{Policy: dmarc.None, Percent: 50},
			"v=DMARC1; p=none; pct=50", nil},
		{"reports to another domain, once per domain",
			dmarc.Record{Policy: dmarc.None, RUA: mailtoURI("a@reports.example.net"), RUF: mailtoURI("b@reports.example.net")},
			"v=DMARC1; p=none; rua=mailto:a@reports.example.net; ruf=mailto:b@reports.example.net",
			[]string{"example.com._report._dmarc.reports.example.net"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.rec
			s, err := records.Generate(records.MailgunStyle(), accountWith(&r))
			if err != nil {
				t.Fatal(err)
			}
			if got := dmarcValue(t, s); got != tt.want {
				t.Errorf("DMARC value %q, want %q", got, tt.want)
			}
			if len(s.Findings) != len(tt.warns) {
				t.Fatalf("findings %v, want %d", s.Findings, len(tt.warns))
			}
			for _, f := range s.Findings {
				if e, ok := finding.Lookup(f.Code); !ok || !slices.Contains(e.Producers, "records") || f.Subject != "_dmarc.example.com TXT" {
					t.Errorf("finding %+v: not a records code of the catalogue about the DMARC record", f)
				}
			}
			for i, w := range tt.warns {
				if !strings.Contains(text(s.Findings[i]), w) {
					t.Errorf("finding %q does not say %q", text(s.Findings[i]), w)
				}
			}
			// What is recommended is what receivers read.
			rfc7489 := dmarc.Checker{Mode: dmarc.RFC7489}
			if p, err := rfc7489.Parse(tt.want); err != nil {
				t.Errorf("recommended record: %v", err)
			} else if len(p.Discarded) != 0 {
				t.Errorf("recommended record has discarded tags: %v", p.Discarded)
			}
		})
	}
}

func TestAccountDMARCInvalid(t *testing.T) {
	tests := []struct {
		name string
		mod  func(*records.Account)
		want error
	}{
		{"pct=150", func(a *records.Account) { a.DMARC = &dmarc.Record{Policy: dmarc.Reject, Percent: 150} }, dmarc.ErrBuild},
		{"adkim=x", func(a *records.Account) { a.DMARC = &dmarc.Record{Policy: dmarc.Reject, ADKIM: "x"} }, dmarc.ErrBuild},
		{"rua without mailto", func(a *records.Account) {
			a.DMARC = &dmarc.Record{Policy: dmarc.Reject, RUA: []dmarc.URI{{Address: "reporting@example.com"}}}
		}, dmarc.ErrBuild},
		{"rua with a quote", func(a *records.Account) {
			a.DMARC = &dmarc.Record{Policy: dmarc.Reject, RUA: []dmarc.URI{{Address: `mailto:"a"@example.com`}}}
		}, records.ErrInvalid},
		{"too many destinations", func(a *records.Account) {
			a.DMARC = &dmarc.Record{Policy: dmarc.Reject, RUA: make([]dmarc.URI, 9)}
		}, records.ErrInvalid},
		{"both DMARC and DMARCPolicy", func(a *records.Account) {
			a.DMARC = &dmarc.Record{Policy: dmarc.Reject}
			a.DMARCPolicy = "none"
		}, records.ErrInvalid},
		{"both DMARC and DMARCReports", func(a *records.Account) {
			a.DMARC = &dmarc.Record{Policy: dmarc.Reject}
			a.DMARCReports = []string{"a@example.com"}
		}, records.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := accountWith(nil)
			tt.mod(&a)
			_, err := records.Generate(records.MailgunStyle(), a)
			var fe *records.FieldError
			if !errors.Is(err, tt.want) || !errors.As(err, &fe) || !strings.HasPrefix(fe.Field, "Account.DMARC") {
				t.Errorf("err = %v, want a field error on Account.DMARC wrapping %v", err, tt.want)
			}
		})
	}
}

// An existing DMARC record applies instead: nothing is recommended, as
// with DMARCPolicy.
func TestAccountDMARCExisting(t *testing.T) {
	a := accountWith(&dmarc.Record{Policy: dmarc.Reject})
	a.Existing = &records.Existing{TXT: map[string][]string{"_dmarc.example.com": {"v=DMARC1; p=none"}}}
	s, err := records.Generate(records.MailgunStyle(), a)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range s.Records {
		if r.Purpose == records.PurposeDMARC {
			t.Errorf("DMARC record %q recommended over the existing one", r.Values)
		}
	}
}
