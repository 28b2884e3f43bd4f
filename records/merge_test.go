package records_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/records"
)

// spfRecord returns the SPF record of a set, failing if there is not
// exactly one.
func spfRecord(t *testing.T, s *records.Set) records.Record {
	t.Helper()
	var found []records.Record
	for _, r := range s.Records {
		if r.Purpose == records.PurposeSPF {
			found = append(found, r)
		}
	}
	if len(found) != 1 {
		t.Fatalf("set has %d SPF records, want exactly 1", len(found))
	}
	return found[0]
}

func TestSPFMerge(t *testing.T) {
	const at = "cio12345.example.com"
	ten := "v=spf1 include:a.example include:b.example include:c.example include:d.example include:e.example a mx exists:%{i}.x.example include:f.example include:g.example ~all"
	tests := []struct {
		name        string
		existing    []string
		want        string // the one SPF record of the set
		merged      bool
		replaces    string
		lookups     int
		warnings    []string // substrings, one per warning
		description string   // substring of the description
	}{
		{name: "nothing there", existing: nil,
			want: "v=spf1 include:mailgun.org ~all", lookups: 1},
		{name: "other TXT only", existing: []string{"google-site-verification=abc", "v=spf10 nope"},
			want: "v=spf1 include:mailgun.org ~all", lookups: 1},
		{name: "include added before all", existing: []string{"v=spf1 include:_spf.google.com ~all"},
			want: "v=spf1 include:_spf.google.com include:mailgun.org ~all", merged: true, replaces: "v=spf1 include:_spf.google.com ~all", lookups: 2,
			description: "include:mailgun.org added"},
		{name: "customer's -all kept", existing: []string{"v=spf1 ip4:192.0.2.1 -all"},
			want: "v=spf1 ip4:192.0.2.1 include:mailgun.org -all", merged: true, replaces: "v=spf1 ip4:192.0.2.1 -all", lookups: 1},
		{name: "include added once", existing: []string{"v=spf1 include:MAILGUN.org. ~all"},
			want: "v=spf1 include:MAILGUN.org. ~all", merged: true, replaces: "v=spf1 include:MAILGUN.org. ~all", lookups: 1,
			description: "already authorises"},
		{name: "before redirect", existing: []string{"v=spf1 redirect=_spf.example.com"},
			want: "v=spf1 include:mailgun.org redirect=_spf.example.com", merged: true, replaces: "v=spf1 redirect=_spf.example.com", lookups: 2},
		{name: "two records merged into the first", existing: []string{"v=spf1 mx ~all", "v=spf1 a -all"},
			want: "v=spf1 mx include:mailgun.org ~all", merged: true, replaces: "v=spf1 mx ~all", lookups: 2,
			warnings: []string{"2 SPF records"}},
		{name: "broken record replaced", existing: []string{"v=spf1 inclde:x.example ~all"},
			want: "v=spf1 include:mailgun.org ~all", replaces: "v=spf1 inclde:x.example ~all", lookups: 1,
			warnings: []string{"does not parse"}},
		{name: "over the lookup limit", existing: []string{ten},
			want: strings.Replace(ten, " ~all", " include:mailgun.org ~all", 1), merged: true, replaces: ten, lookups: 11,
			warnings: []string{"11 DNS-querying terms"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := records.Existing{TXT: map[string][]string{
				at:                   tt.existing,
				"_dmarc.example.com": {"v=DMARC1; p=none"},
				"example.com":        {"v=spf1 include:other.example -all"}, // the apex is not where the set needs SPF
			}}
			a := mailgunAccount()
			a.Existing = &e
			s, err := records.Generate(records.MailgunStyle(), a)
			if err != nil {
				t.Fatal(err)
			}
			r := spfRecord(t, s)
			got := struct {
				Values   []string
				Merged   bool
				Replaces string
				Lookups  int
			}{r.Values, r.Merged, r.Replaces, r.SPFLookups}
			want := got
			want.Values, want.Merged, want.Replaces, want.Lookups = []string{tt.want}, tt.merged, tt.replaces, tt.lookups
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("SPF record (-want +got):\n%s", diff)
			}
			if r.FQDN != at {
				t.Errorf("SPF at %s, want %s", r.FQDN, at)
			}
			if !strings.Contains(r.Description, tt.description) {
				t.Errorf("description %q lacks %q", r.Description, tt.description)
			}
			// The DMARC warning is always there (existing record); count the others.
			for _, f := range s.Findings {
				if e, ok := finding.Lookup(f.Code); !ok || !slices.Contains(e.Producers, "records") || f.Severity != e.Severity || !strings.HasSuffix(f.Subject, " TXT") {
					t.Errorf("finding %+v: not a records code of the catalogue with its severity, about a TXT record", f)
				}
			}
			var others []string
			for _, w := range texts(s.Findings) {
				if !strings.Contains(w, "DMARC") {
					others = append(others, w)
				}
			}
			if len(others) != len(tt.warnings) {
				t.Fatalf("findings %v, want %d matching %q", others, len(tt.warnings), tt.warnings)
			}
			for i, w := range tt.warnings {
				if !strings.Contains(others[i], w) {
					t.Errorf("warning %q lacks %q", others[i], w)
				}
			}
		})
	}
}

// A provider whose SPF goes at the apex merges into the customer's main
// record, mechanisms included, and never adds a second one.
func TestSPFMergeApex(t *testing.T) {
	s, err := records.Generate(customProvider(), records.Account{Domain: "example.com", ID: "7", DKIMKey: rfc8463Key,
		Existing: &records.Existing{TXT: map[string][]string{
			"EXAMPLE.COM.": {"v=spf1 include:_spf.google.com ip4:192.0.2.0/24 -all", "MS=ms12345"},
		}}})
	if err != nil {
		t.Fatal(err)
	}
	r := spfRecord(t, s)
	want := "v=spf1 include:_spf.google.com ip4:192.0.2.0/24 include:p1.spf.acme-mail.example.net -all"
	if r.Values[0] != want || !r.Merged || r.Name != "@" {
		t.Errorf("merged record %q (merged %v, name %q), want %q at @", r.Values[0], r.Merged, r.Name, want)
	}
}

func TestDMARCRecommendation(t *testing.T) {
	tests := []struct {
		name     string
		domain   string
		existing map[string][]string // nil: Account.Existing not set
		want     string              // the recommended record, "" for none
		warning  string              // substring of the one warning, "" for none
	}{
		{name: "unknown existing", domain: "example.com", want: "v=DMARC1; p=none"},
		{name: "none published", domain: "example.com", existing: map[string][]string{"_dmarc.example.com": {}}, want: "v=DMARC1; p=none"},
		{name: "only other TXT", domain: "example.com", existing: map[string][]string{"_dmarc.example.com": {"hello"}}, want: "v=DMARC1; p=none"},
		{name: "relaxed by default", domain: "example.com", existing: map[string][]string{"_dmarc.example.com": {"v=DMARC1; p=reject"}},
			warning: "must keep relaxed alignment"},
		{name: "explicitly relaxed", domain: "example.com", existing: map[string][]string{"_dmarc.example.com": {"v=DMARC1; p=quarantine; aspf=r; adkim=r"}},
			warning: "must keep relaxed alignment"},
		{name: "strict aspf", domain: "example.com", existing: map[string][]string{"_dmarc.example.com": {"v=DMARC1; p=reject; aspf=s"}},
			warning: "aspf=s (strict alignment)"},
		{name: "strict both", domain: "example.com", existing: map[string][]string{"_dmarc.example.com": {"v=DMARC1;p=reject;aspf=s;adkim=s"}},
			warning: "aspf=s and adkim=s"},
		{name: "strict, tag names in upper case", domain: "example.com", existing: map[string][]string{"_dmarc.example.com": {"v=DMARC1; p=reject; ASPF=s"}},
			warning: "aspf=s (strict alignment)"},
		{name: "organizational domain covers subdomain", domain: "news.example.co.uk",
			existing: map[string][]string{"_dmarc.news.example.co.uk": {}, "_dmarc.example.co.uk": {"v=DMARC1; p=none"}},
			warning:  "_dmarc.example.co.uk"},
		{name: "subdomain without any", domain: "news.example.co.uk",
			existing: map[string][]string{"_dmarc.news.example.co.uk": {}, "_dmarc.example.co.uk": {}}, want: "v=DMARC1; p=none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := mailgunAccount()
			a.Domain, a.From = tt.domain, ""
			if tt.existing != nil {
				a.Existing = &records.Existing{TXT: tt.existing}
			}
			s, err := records.Generate(records.MailgunStyle(), a)
			if err != nil {
				t.Fatal(err)
			}
			var got []records.Record
			for _, r := range s.Records {
				if r.Purpose == records.PurposeDMARC {
					got = append(got, r)
				}
			}
			switch {
			case tt.want == "" && len(got) != 0:
				t.Errorf("DMARC record %q proposed, want none", got[0].Values)
			case tt.want != "" && (len(got) != 1 || got[0].Values[0] != tt.want || got[0].FQDN != "_dmarc."+tt.domain || got[0].Required):
				t.Errorf("DMARC records %+v, want one optional %q at _dmarc.%s", got, tt.want, tt.domain)
			}
			if tt.warning == "" && len(s.Findings) != 0 || tt.warning != "" && (len(s.Findings) != 1 || !strings.Contains(text(s.Findings[0]), tt.warning)) {
				t.Errorf("findings %v, want one with %q", s.Findings, tt.warning)
			}
		})
	}
}

// text is a finding's message and fix, as the zone and host outputs show
// them.
func text(f finding.Finding) string { return f.Message + " " + f.Fix }

func texts(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, text(f))
	}
	return out
}
