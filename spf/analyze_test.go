package spf_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/spf"
)

func TestAnalyze(t *testing.T) {
	tests := []struct {
		name    string
		zone    string
		codes   []string // the finding codes, in order
		lookups int
		voids   int
	}{
		{name: "clean", zone: "@ TXT \"v=spf1 mx include:_spf.example.com -all\"\n@ MX 10 mail\n_spf TXT \"v=spf1 ip4:192.0.2.0/24 -all\"", lookups: 2},
		{name: "no record", zone: `@ TXT "hello"`, codes: []string{"spf-no-record"}},
		{name: "multiple records", zone: "@ TXT \"v=spf1 -all\"\n@ TXT \"v=spf1 ~all\"", codes: []string{"spf-multiple"}},
		{name: "spf-syntax", zone: `@ TXT "v=spf1 ip4:300.0.0.1 -all"`, codes: []string{"spf-syntax"}},
		{name: "plus all", zone: `@ TXT "v=spf1 +all"`, codes: []string{"spf-plus-all"}},
		{name: "bare all is plus all", zone: `@ TXT "v=spf1 all"`, codes: []string{"spf-plus-all"}},
		{name: "neutral all", zone: `@ TXT "v=spf1 ?all"`, codes: []string{"spf-neutral-all"}},
		{name: "terms after all", zone: `@ TXT "v=spf1 -all ip4:192.0.2.1 ip4:192.0.2.2"`, codes: []string{"spf-terms-after-all"}},
		{name: "redirect with all", zone: "@ TXT \"v=spf1 -all redirect=_spf.example.com\"\n_spf TXT \"v=spf1 -all\"", codes: []string{"spf-terms-after-all", "spf-redirect-ignored"}},
		{name: "ptr", zone: `@ TXT "v=spf1 ptr -all"`, codes: []string{"spf-ptr"}, lookups: 1},
		{name: "include loop", zone: "@ TXT \"v=spf1 include:a.example.com -all\"\na TXT \"v=spf1 include:example.com -all\"", codes: []string{"spf-include-loop"}, lookups: 2},
		{name: "include without record", zone: `@ TXT "v=spf1 include:gone.example.com -all"`, codes: []string{"spf-no-record"}, lookups: 1, voids: 1},
		{name: "duplicate include", zone: "@ TXT \"v=spf1 include:a.example.com include:b.example.com -all\"\na TXT \"v=spf1 include:c.example.com\"\nb TXT \"v=spf1 include:c.example.com\"\nc TXT \"v=spf1 -all\"", codes: []string{"spf-duplicate-include"}, lookups: 4},
		{name: "macro target", zone: `@ TXT "v=spf1 include:%{d1}.example.com exists:%{i}.x.example.com -all"`, codes: []string{"spf-macro-target", "spf-macro-target"}, lookups: 2},
		{name: "voids", zone: `@ TXT "v=spf1 a:v1.example.com mx:v2.example.com exists:v3.example.com -all"`, codes: []string{"spf-void-lookup-limit"}, lookups: 3, voids: 3},
		{name: "lookup limit", zone: "@ TXT \"v=spf1 include:a.example.com include:b.example.com -all\"\na TXT \"v=spf1 ip4:192.0.2.1 " + terms(5, "a:n%d.example.com") + "\"\nb TXT \"v=spf1 " + terms(4, "a:n%d.example.com") + "\"\n" + many(5, "n%d A 192.0.2.%d"), codes: []string{"spf-lookup-limit"}, lookups: 11},
		{name: "mx limit", zone: "@ TXT \"v=spf1 mx -all\"\n" + many(11, "@ MX %d mx%d"), codes: []string{"spf-mx-limit"}, lookups: 1},
		{name: "spf-temperror", zone: "@ TXT \"v=spf1 include:broken.example.com -all\"", codes: []string{"spf-temperror"}, lookups: 1},
		{name: "type 99", zone: "@ TXT \"v=spf1 -all\"\n@ SPF \"v=spf1 -all\"", codes: []string{"spf-type-99"}},
		{name: "long record", zone: "@ TXT \"v=spf1 " + terms(30, "ip4:192.0.2.%d") + " \" \"" + terms(10, "ip4:198.51.100.%d") + " -all\"", codes: []string{"spf-record-too-long"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := zone(t, tt.zone)
			f.Fail("broken.example.com", 0, domainauth.FailServFail)
			a, err := spf.Analyze(context.Background(), f, "Example.COM.")
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, fd := range a.Findings {
				codes = append(codes, string(fd.Code))
				if e, ok := finding.Lookup(fd.Code); !ok || !slices.Contains(e.Producers, "spf") ||
					fd.Severity != e.Severity && fd.Code != finding.CodeSPFType99 { // a warning here, beside spf-no-record
					t.Errorf("finding %s (%v): not an spf code of the catalogue with its severity", fd.Code, fd.Severity)
				}
				if fd.Message == "" || fd.Subject == "" {
					t.Errorf("finding without message or domain: %+v", fd)
				}
			}
			if !slices.Equal(codes, tt.codes) {
				t.Errorf("codes %q, want %q\n%v", codes, tt.codes, a.Findings)
			}
			if a.Lookups != tt.lookups || a.VoidLookups != tt.voids {
				t.Errorf("lookups %d void %d, want %d %d", a.Lookups, a.VoidLookups, tt.lookups, tt.voids)
			}
			if a.Domain != "example.com" || a.Root == nil || a.Root.Domain != "example.com" {
				t.Errorf("root %+v", a.Root)
			}
		})
	}
}

func TestAnalyzeTree(t *testing.T) {
	f := zone(t, "@ TXT \"v=spf1 include:a.example.com redirect=r.example.com\"\na TXT \"v=spf1 a mx -all\"\nr TXT \"v=spf1 -all\"")
	a, err := spf.Analyze(context.Background(), f, "example.com")
	if err != nil {
		t.Fatal(err)
	}
	root := a.Root
	if root.Text != "v=spf1 include:a.example.com redirect=r.example.com" || root.Lookups != 2 || len(root.Children) != 2 {
		t.Fatalf("root %+v", root)
	}
	inc, red := root.Children[0], root.Children[1]
	if inc.Domain != "a.example.com" || inc.Via != spf.KindInclude || inc.Lookups != 2 || inc.Record == nil {
		t.Errorf("include child %+v", inc)
	}
	if red.Domain != "r.example.com" || red.Via != spf.KindRedirect || red.Lookups != 0 {
		t.Errorf("redirect child %+v", red)
	}
	if a.Lookups != 4 {
		t.Errorf("lookups %d, want 4", a.Lookups)
	}
}

func TestAnalyzeStringTooLong(t *testing.T) {
	f := zone(t, "")
	long := "v=spf1 " + strings.Repeat("ip4:192.0.2.1 ", 20) + "-all" // one string over 255 bytes
	f.AddRR(&dns.TXT{Hdr: dns.RR_Header{Name: "example.com.", Rrtype: dns.TypeTXT, Class: dns.ClassINET}, Txt: []string{long}})
	a, err := spf.Analyze(context.Background(), f, "example.com")
	if err != nil {
		t.Fatal(err)
	}
	if !a.Has("spf-string-too-long") {
		t.Errorf("findings %v", a.Findings)
	}
}

func TestAnalyzeErrors(t *testing.T) {
	f := zone(t, `@ TXT "v=spf1 -all"`)
	if _, err := spf.Analyze(context.Background(), f, "bad..name"); err == nil {
		t.Error("no error for an invalid domain")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := spf.Analyze(ctx, f, "example.com"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}
