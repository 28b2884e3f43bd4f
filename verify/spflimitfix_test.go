package verify_test

import (
	"strings"
	"testing"

	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/records"
)

// An SPF record over the lookup limit on the account subdomain carries
// the provider's mail only, and the fix may say to keep only its include;
// on the sending domain itself, or merged into the customer's own record,
// the other includes authorise the customer's other senders (their
// mailbox provider), and keeping only the provider's include would make
// all that mail fail SPF.
func TestSPFLookupLimitKeepsOtherSenders(t *testing.T) {
	const includes = "include:l1.example.net include:l2.example.net include:l3.example.net include:l4.example.net include:l5.example.net " +
		"include:l6.example.net include:l7.example.net include:l8.example.net include:l9.example.net include:l10.example.net"
	var zone strings.Builder
	for _, l := range strings.Fields(includes) {
		zone.WriteString(strings.TrimPrefix(l, "include:") + ". TXT \"v=spf1 -all\"\n")
	}
	cases := []struct {
		name     string
		at       string // owner of the SPF record in the zone
		set      func(*records.Set)
		keepOnly bool // the fix may say to keep only the provider's include
	}{
		{name: "account subdomain", at: "cio123", keepOnly: true},
		{name: "sending domain", at: "@", set: func(s *records.Set) {
			s.Records[1].FQDN, s.Records[1].Name = "example.com", "@"
		}},
		{name: "merged into the customer's record", at: "cio123", set: func(s *records.Set) {
			s.Records[1].Merged = true
			s.Records[1].Values = []string{"v=spf1 " + includes + " include:_spf.provider.net ~all"}
		}},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			r := fakeZone(t, okMX, okDKIM, zone.String(), tt.at+" TXT \"v=spf1 "+includes+" include:_spf.provider.net ~all\"\n")
			set := accountSet()
			if tt.set != nil {
				tt.set(&set)
			}
			rep, err := verifier(r).Verify(t.Context(), set)
			if err != nil {
				t.Fatal(err)
			}
			rr := findRecord(t, rep, records.PurposeSPF)
			fix := fixOf(rr.Findings, finding.CodeSPFLookupLimit)
			if fix == "" {
				t.Fatalf("no spf-lookup-limit finding:\n%s", rep)
			}
			if got := strings.Contains(fix, "keep only the provider's include"); got != tt.keepOnly {
				t.Errorf("fix says to keep only the provider's include: %v, want %v\n%s", got, tt.keepOnly, rep)
			}
		})
	}
}
