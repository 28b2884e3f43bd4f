package verify_test

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/records"
	"github.com/domainauth/domainauth/verify"
)

// TestBudgetEndsWhileWaiting: with one check at a time and the first one
// hanging, the other records wait for their turn until the time budget
// ends. Each is still reported as itself (name, type, purpose), in
// Error for the budget, not as an empty result.
func TestBudgetEndsWhileWaiting(t *testing.T) {
	r := fakeZone(t, okSPF, okDKIM, okDMARC, okLink)
	r.Fail("cio123.example.com", 0, domainauth.FailHang)
	v := verifier(r)
	v.Concurrency = 1
	v.LookupTimeout = -1
	v.Timeout = 200 * time.Millisecond
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	set := accountSet()
	rep, err := v.Verify(ctx, set)
	if err != nil {
		t.Fatal(err)
	}
	for i, rr := range rep.Records {
		want := set.Records[i]
		if rr.FQDN != want.FQDN || rr.Type != want.Type || rr.Purpose != want.Purpose {
			t.Errorf("record %d reported as %s %s (%s), want %s %s (%s)", i, rr.Type, rr.FQDN, rr.Purpose, want.Type, want.FQDN, want.Purpose)
		}
	}
}

// TestOtherTXTRecord: a TXT record of no purpose verify knows (a domain
// verification token a provider asks for) is found when its text is
// there, reported as a stray-space typo when only spaces or quotes
// differ, and as a mismatch otherwise.
func TestOtherTXTRecord(t *testing.T) {
	for _, tt := range []struct {
		published string
		status    verify.RecordStatus
		code      finding.Code
	}{
		{`"token-123"`, verify.Found, ""},
		{`" token-123 "`, verify.Mismatch, finding.CodeWhitespaceTypo},
		{`"\"token-123\""`, verify.Mismatch, finding.CodeWhitespaceTypo},
		{`"token-456"`, verify.Mismatch, "not " + finding.CodeWhitespaceTypo},
	} {
		set := accountSet()
		set.Records = append(set.Records, records.Record{Purpose: "verification", FQDN: "_verify.example.com", Name: "_verify", Type: records.TypeTXT, Values: []string{"token-123"}, Required: true})
		rep, err := verifier(fakeZone(t, okMX, okSPF, okDKIM, okDMARC, "_verify TXT "+tt.published+"\n")).Verify(t.Context(), set)
		if err != nil {
			t.Fatal(err)
		}
		rr := findRecord(t, rep, "verification")
		got := codes(rr.Findings)
		switch {
		case rr.Status != tt.status:
			t.Errorf("%s: %s %v, want %s", tt.published, rr.Status, got, tt.status)
		case tt.code == "" && len(got) != 0:
			t.Errorf("%s: findings %v, want none", tt.published, got)
		case strings.HasPrefix(string(tt.code), "not "):
			if len(got) == 0 || got[0] == finding.CodeWhitespaceTypo {
				t.Errorf("%s: findings %v, want a finding that is not a typo", tt.published, got)
			}
		case tt.code != "" && (len(got) != 1 || got[0] != tt.code):
			t.Errorf("%s: findings %v, want %s", tt.published, got, tt.code)
		}
	}
}

// TestDKIMDoubledName: a DKIM key published with the domain typed twice
// into the host field is found at the doubled name and reported as that.
func TestDKIMDoubledName(t *testing.T) {
	doubled := strings.Replace(okDKIM, "krs._domainkey.cio123 ", "krs._domainkey.cio123.example.com ", 1)
	rep, err := verifier(fakeZone(t, okMX, okSPF, okDMARC, doubled)).Verify(t.Context(), accountSet())
	if err != nil {
		t.Fatal(err)
	}
	rr := findRecord(t, rep, records.PurposeDKIM)
	if got := codes(rr.Findings); len(got) == 0 || got[0] != finding.CodeNameDoubled {
		t.Errorf("findings %v, want %s first\n%s", got, finding.CodeNameDoubled, rep)
	}
}

// TestReportTextInvalidUTF8: a byte that is not UTF-8 in a text the
// report prints (here the domain, as the caller gave it) is written as an
// escape, and a real U+FFFD as itself.
func TestReportTextInvalidUTF8(t *testing.T) {
	rep := &verify.Report{Domain: "bad\xffname\uFFFD.example", Status: verify.Unverified}
	text := rep.String()
	if !utf8.ValidString(text) || !strings.Contains(text, "bad\\xffname\uFFFD.example") {
		t.Errorf("the invalid byte is not escaped, or U+FFFD not kept:\n%q", text)
	}
}

// TestApexMXFixNamesHostField: the provider's MX records published at the
// root of the sending domain must go; the fix names where they are as a
// host field ("@" for the zone's apex, "mail" for mail.example.com in the
// zone example.com), as every other fix does, beside the full name.
func TestApexMXFixNamesHostField(t *testing.T) {
	for _, tt := range []struct {
		set        records.Set
		zone, want string
	}{
		{accountSet(), "@ MX 10 mxa.provider.net.\n@ MX 10 mxb.provider.net.\n", `from the root of the domain (example.com, host "@")`},
		{subdomainSet(), "mail MX 10 mxa.provider.net.\nmail MX 10 mxb.provider.net.\n", `from the root of the domain (mail.example.com, host "mail")`},
	} {
		rep, err := verifier(fakeZone(t, okSPF, okDKIM, tt.zone)).Verify(t.Context(), tt.set)
		if err != nil {
			t.Fatal(err)
		}
		rr := findRecord(t, rep, records.PurposeReturnPath)
		if fix := fixOf(rr.Findings, finding.CodeNameAtApex); !strings.Contains(fix, tt.want) {
			t.Errorf("%s: fix %q, want it to say %q", tt.set.Domain, fix, tt.want)
		}
	}
}

// TestApexFixGivesValue: the fix for an SPF or DKIM record published at
// the root instead of the account subdomain gives the value to publish,
// not only the host: it must be enough on its own.
func TestApexFixGivesValue(t *testing.T) {
	set := accountSet()
	value := func(p records.Purpose) string {
		for _, r := range set.Records {
			if r.Purpose == p {
				return r.Values[0]
			}
		}
		t.Fatalf("no %s record in the set", p)
		return ""
	}
	for _, tt := range []struct {
		purpose records.Purpose
		zone    []string
	}{
		{records.PurposeSPF, []string{okMX, okDKIM, "@ TXT \"v=spf1 include:_spf.provider.net ~all\"\n"}},
		{records.PurposeDKIM, []string{okMX, okSPF, "krs._domainkey TXT " + txtStrings(dkimA) + "\n"}},
	} {
		rep, err := verifier(fakeZone(t, tt.zone...)).Verify(t.Context(), set)
		if err != nil {
			t.Fatal(err)
		}
		fix := fixOf(findRecord(t, rep, tt.purpose).Findings, finding.CodeNameAtApex)
		if !strings.HasSuffix(fix, ": "+value(tt.purpose)) {
			t.Errorf("%s: fix %q does not end with the value to publish", tt.purpose, fix)
		}
	}
}
