package verify_test

import (
	"strings"
	"testing"

	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/records"
	"github.com/domainauth/domainauth/spf"
	"github.com/domainauth/domainauth/verify"
)

// TestSPFSyntaxFixKeepsOtherSenders: a record that does not parse often
// holds other senders' includes beside one bad term (a cut "~al", a
// mistyped address). The fix must not replace it with the provider's
// record alone, which would drop the customer's mailbox provider from
// SPF: it keeps every term that parses, leaves out the bad one (and says
// so), adds the provider's include and an all when the bad term was the
// all. Following the fix must verify.
func TestSPFSyntaxFixKeepsOtherSenders(t *testing.T) {
	tests := []struct {
		name, txt string
		keep      []string // terms the fix must keep
		dropped   string   // the bad terms the fix names
		want      string   // the record it suggests
	}{
		{"cut all", "v=spf1 include:_spf.google.com include:_spf.provider.net ~al", []string{"include:_spf.google.com", "~all"}, `"~al"`,
			"v=spf1 include:_spf.google.com include:_spf.provider.net ~all"},
		// The customer's own -all stays, the only all.
		{"bad address", "v=spf1 include:_spf.google.com ip4:999.1.1.1 include:_spf.provider.net -all", []string{"include:_spf.google.com", "-all"}, `"ip4:999.1.1.1"`,
			"v=spf1 include:_spf.google.com include:_spf.provider.net -all"},
		{"provider include missing too", "v=spf1 mx include:_spf.google.com ~alll", []string{"mx", "include:_spf.google.com", "~all"}, `"~alll"`,
			"v=spf1 mx include:_spf.google.com include:_spf.provider.net ~all"},
		{"two bad terms", "v=spf1 ip4:1.2.3 include:_spf.google.com include:_spf.provider.net ip6:zz ~all", []string{"include:_spf.google.com", "~all"}, `"ip4:1.2.3" and "ip6:zz"`,
			"v=spf1 include:_spf.google.com include:_spf.provider.net ~all"},
	}
	const google = "_spf.google.com. TXT \"v=spf1 ip4:192.0.2.0/24 ~all\"\n"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep, err := verifier(fakeZone(t, okMX, okDKIM, okDMARC, google, "cio123 TXT \""+tt.txt+"\"\n")).Verify(t.Context(), accountSet())
			if err != nil {
				t.Fatal(err)
			}
			rr := findRecord(t, rep, records.PurposeSPF)
			fix := fixOf(rr.Findings, finding.CodeSPFSyntax)
			if rr.Status != verify.Mismatch || fix == "" {
				t.Fatalf("%s %v, want mismatch with spf-syntax\n%s", rr.Status, codes(rr.Findings), rep)
			}
			_, value, ok := strings.Cut(fix, " to: ")
			if !ok {
				t.Fatalf("fix %q gives no record", fix)
			}
			value, _, _ = strings.Cut(value, " (")
			r, err := spf.Parse(value)
			if err != nil {
				t.Fatalf("the suggested record %q does not parse: %v", value, err)
			}
			if value != tt.want {
				t.Errorf("suggested %q, want %q", value, tt.want)
			}
			for _, k := range append(tt.keep, "include:_spf.provider.net") {
				if !strings.Contains(" "+r.String()+" ", " "+k+" ") {
					t.Errorf("suggested record %q lacks %s", r, k)
				}
			}
			if !strings.Contains(fix, tt.dropped) {
				t.Errorf("fix %q does not name the term it leaves out, %q", fix, tt.dropped)
			}
			// Follow the fix: the record verifies.
			rep, err = verifier(fakeZone(t, okMX, okDKIM, okDMARC, google, "cio123 TXT \""+value+"\"\n")).Verify(t.Context(), accountSet())
			if err != nil {
				t.Fatal(err)
			}
			if rr := findRecord(t, rep, records.PurposeSPF); rr.Status != verify.Found {
				t.Errorf("after the fix: %s %v\n%s", rr.Status, codes(rr.Findings), rep)
			}
		})
	}
}

// TestSPFFixNoPassAll: a record ending in +all (or a bare all) that also
// lacks the provider's include gets a fix with the provider's all
// qualifier in place of +all: a suggested record that authorises every
// server would be one verify itself flags (spf-plus-all).
func TestSPFFixNoPassAll(t *testing.T) {
	for _, txt := range []string{"v=spf1 +all", "v=spf1 mx all"} {
		rep, err := verifier(fakeZone(t, okMX, okDKIM, okDMARC, "cio123 TXT \""+txt+"\"\n")).Verify(t.Context(), accountSet())
		if err != nil {
			t.Fatal(err)
		}
		rr := findRecord(t, rep, records.PurposeSPF)
		fix := fixOf(rr.Findings, finding.CodeSPFIncludeMissing)
		_, value, ok := strings.Cut(fix, " to: ")
		if !ok {
			t.Fatalf("%s: include-missing fix %q gives no record\n%s", txt, fix, rep)
		}
		r, err := spf.Parse(value)
		if err != nil {
			t.Fatalf("%s: suggested %q: %v", txt, value, err)
		}
		for _, term := range r.Terms {
			if term.Kind == spf.KindAll && term.Qualifier == spf.QualifierPass {
				t.Errorf("%s: suggested record %q ends in +all", txt, value)
			}
		}
		if !strings.HasSuffix(value, " ~all") {
			t.Errorf("%s: suggested record %q, want the provider's ~all", txt, value)
		}
	}
}

// fixOf returns the fix of the first finding with code c.
func fixOf(fs []finding.Finding, c finding.Code) string {
	for _, f := range fs {
		if f.Code == c {
			return f.Fix
		}
	}
	return ""
}
