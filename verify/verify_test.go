package verify_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/records"
	"github.com/domainauth/domainauth/verify"
)

// Two RSA-2048 public keys (DER SubjectPublicKeyInfo, base64): the
// account's key and an older one.
const (
	keyA  = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwxcIyCrnG5qjcYIwf78XNAJeQld+D5f88YUtArVSGaG9BmSzTwyU2FK9wjfiHOCuGTpVTDwquRv7SB88EcBzM48PzGzvyQ4F+0MZJoLLYdclSY67h2sSGtFhv8EvZwkXiN0MQPu0mCy4GSC/lNfVXgjxltYs4Rmx4j2FfFGu+e5I49DH9XdRTQ53Jl5hH+MhEA7U5ETaC0JpntYniPl1q5MQUM15kLgY9qQKUPubvHx6Z9Kz/QPDZpT3GvGMwbXcDZlw/TNRlPo9G2RKEZQm6/OQASS0HlSfn+os5bWkl71rTjyiCM0lsUCtZVdaBFIur/Mpb3qeSPDniSWCnwYIfwIDAQAB"
	keyB  = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA2Ln4EpKl6x+b00k6hyIa8cXhfR7l7/KkxckkXb9NnkQrdBoDoXBfJ8imLM21Wm79w90ZzRvuzersNjXv66cbSf/Y/77fo/1oyLPaieraRvVx8f8nd8t1zUQjELl2WG6t2gNOJU+f2nDFchhBvmOlGiP7c2WyLXD0h0h2rju5keP9fckSqMV0ApbC+xyBE4MalMxZPC9wZeK7a44RME+YJ65hEt+4Xl7v1EueIRdHuQV5KL5orRYLTFjRlJ7J3halCqFQxqhAgatLa1AgGMxx7imBu69Qj6ZV9KyeRn7xmKJuVdgu0LctZrdHNGx12sbvm7jlW0faTeGiIZnPpMhFcwIDAQAB"
	dkimA = "v=DKIM1; k=rsa; p=" + keyA
)

// now is the test clock; the domain was added an hour before.
var now = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// accountSet is what the account must publish for example.com: the
// Customer.io-style record set (MX and SPF on the account subdomain, DKIM
// key under it), plus optional DMARC and tracking records.
func accountSet() records.Set {
	return records.Set{
		Domain:      "example.com",
		Zone:        "example.com",
		FromAddress: "news@example.com",
		ReturnPath:  "cio123.example.com",
		Provider:    "test",
		AddedAt:     now.Add(-time.Hour),
		Records: []records.Record{
			{Purpose: records.PurposeReturnPath, FQDN: "cio123.example.com", Name: "cio123", Type: records.TypeMX,
				Values: []string{"mxa.provider.net", "mxb.provider.net"}, Priority: 10, Required: true},
			{Purpose: records.PurposeSPF, FQDN: "cio123.example.com", Name: "cio123", Type: records.TypeTXT,
				Values: []string{"v=spf1 include:_spf.provider.net ~all"}, Required: true},
			{Purpose: records.PurposeDKIM, FQDN: "krs._domainkey.cio123.example.com", Name: "krs._domainkey.cio123", Type: records.TypeTXT,
				Values: []string{dkimA}, Required: true},
			{Purpose: records.PurposeDMARC, FQDN: "_dmarc.example.com", Name: "_dmarc", Type: records.TypeTXT,
				Values: []string{"v=DMARC1; p=none"}},
			{Purpose: records.PurposeTracking, FQDN: "link.example.com", Name: "link", Type: records.TypeCNAME,
				Values: []string{"e.provider.net"}},
		},
	}
}

// The provider's side of DNS, the same in every test.
const providerZone = `
_spf.provider.net.  TXT "v=spf1 ip4:198.51.100.0/24 ~all"
mxa.provider.net.   A   198.51.100.1
mxb.provider.net.   A   198.51.100.2
e.provider.net.     A   198.51.100.3
e-eu.provider.net.  A   198.51.100.4
`

// Correct pieces of the customer's zone, combined with one broken piece
// per test.
const (
	origin  = "$ORIGIN example.com.\n"
	okMX    = "cio123 MX 10 mxa.provider.net.\ncio123 MX 10 mxb.provider.net.\n"
	okSPF   = "cio123 TXT \"v=spf1 include:_spf.provider.net ~all\"\n"
	okDMARC = "_dmarc TXT \"v=DMARC1; p=none\"\n"
	okLink  = "link CNAME e.provider.net.\n"
)

// okDKIM is the account's key record, split into strings of at most 255
// characters as a zone file needs.
var okDKIM = "krs._domainkey.cio123 TXT " + txtStrings(dkimA) + "\n"

// txtStrings writes s as zone-file character-strings of at most 255 bytes.
func txtStrings(s string) string {
	var parts []string
	for len(s) > 255 {
		parts = append(parts, `"`+s[:255]+`"`)
		s = s[255:]
	}
	return strings.Join(append(parts, `"`+s+`"`), " ")
}

func fakeZone(t testing.TB, parts ...string) *domainauth.FakeResolver {
	t.Helper()
	return domainauth.MustFakeResolver(providerZone + origin + strings.Join(parts, ""))
}

// arrange builds the fake DNS of one table case (zone pieces, then the
// injected failures) and the account's set with the case's changes.
func arrange(t *testing.T, zone []string, fail func(*domainauth.FakeResolver), mod func(*records.Set)) (*domainauth.FakeResolver, records.Set) {
	t.Helper()
	r := fakeZone(t, zone...)
	if fail != nil {
		fail(r)
	}
	set := accountSet()
	if mod != nil {
		mod(&set)
	}
	return r, set
}

func verifier(r verify.Resolver) *verify.Verifier {
	return &verify.Verifier{Resolver: r, Clock: func() time.Time { return now }}
}

func codes(fs []finding.Finding) []finding.Code {
	var out []finding.Code
	for _, f := range fs {
		out = append(out, f.Code)
	}
	slices.Sort(out)
	return out
}

func findRecord(t *testing.T, rep *verify.Report, purpose records.Purpose) verify.RecordResult {
	t.Helper()
	for _, r := range rep.Records {
		if r.Purpose == purpose {
			return r
		}
	}
	t.Fatalf("no result for %s in report:\n%s", purpose, rep)
	return verify.RecordResult{}
}

// verifyDMARC verifies set against r in DMARC mode mode and returns the
// report and its DMARC record's result.
func verifyDMARC(t *testing.T, r *domainauth.FakeResolver, set records.Set, mode dmarc.Mode) (*verify.Report, verify.RecordResult) {
	t.Helper()
	v := verifier(r)
	v.DMARCMode = mode
	rep, err := v.Verify(t.Context(), set)
	if err != nil {
		t.Fatal(err)
	}
	return rep, findRecord(t, rep, records.PurposeDMARC)
}

func TestVerifiedDomain(t *testing.T) {
	r := fakeZone(t, okMX, okSPF, okDKIM, okDMARC, okLink)
	rep, err := verifier(r).Verify(t.Context(), accountSet())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Status != verify.Verified {
		t.Fatalf("status %v, want verified:\n%s", rep.Status, rep)
	}
	for _, rr := range rep.Records {
		if rr.Status != verify.Found {
			t.Errorf("%s %s: %v, want found", rr.Type, rr.FQDN, rr.Status)
		}
	}
	// p=none is advice, the only finding on a correct domain.
	if got := codes(rep.AllFindings()); !slices.Equal(got, []finding.Code{finding.CodeDMARCPNone}) {
		t.Errorf("findings %v, want only dmarc-p-none", got)
	}
	mx := findRecord(t, rep, records.PurposeReturnPath)
	if want := []string{"10 mxa.provider.net", "10 mxb.provider.net"}; !slices.Equal(mx.Found, want) || !slices.Equal(mx.Expected, want) {
		t.Errorf("MX expected %v found %v", mx.Expected, mx.Found)
	}
}

// TestStatus covers every overall status and the precedence between them.
func TestStatus(t *testing.T) {
	tests := []struct {
		name   string
		zone   []string
		set    func(*records.Set)
		fail   func(*domainauth.FakeResolver)
		want   verify.Status
		reason string // a part of the reason
	}{
		{name: "verified", zone: []string{okMX, okSPF, okDKIM},
			want: verify.Verified, reason: "all 3 required records found"},
		{name: "optional records do not count", zone: []string{okMX, okSPF, okDKIM /* no DMARC, no tracking */},
			want: verify.Verified},
		{name: "pending: SPF missing, added an hour ago", zone: []string{okMX, okDKIM},
			want: verify.Pending, reason: "1 of 3 required records missing or wrong (TXT cio123.example.com); still within the check window, which ends 2025-06-04 11:00 UTC"},
		{name: "failed: SPF missing, added 4 days ago", zone: []string{okMX, okDKIM},
			set:  func(s *records.Set) { s.AddedAt = now.Add(-96 * time.Hour) },
			want: verify.Failed, reason: "the check window ended 2025-05-31 12:00 UTC"},
		{name: "failed: window is exactly over", zone: []string{okMX, okDKIM},
			set:  func(s *records.Set) { s.AddedAt = now.Add(-72 * time.Hour) },
			want: verify.Failed},
		{name: "unverified: no AddedAt, no window", zone: []string{okMX, okDKIM},
			set:  func(s *records.Set) { s.AddedAt = time.Time{} },
			want: verify.Unverified, reason: "1 of 3 required records missing or wrong"},
		{name: "mismatch counts as not verified", zone: []string{okMX, okDKIM, "cio123 TXT \"v=spf1 include:other.example ~all\"\n"},
			want: verify.Pending},
		{name: "undetermined: liquid From address", zone: []string{okMX, okSPF, okDKIM},
			set:  func(s *records.Set) { s.FromAddress = "{{ customer.email }}" },
			want: verify.Undetermined, reason: "is a template"},
		{name: "undetermined: liquid tag in the From domain", zone: []string{okMX, okSPF, okDKIM},
			set:  func(s *records.Set) { s.FromAddress = "news@{% if vip %}vip.{% endif %}example.com" },
			want: verify.Undetermined},
		{name: "verified: liquid tag only in the From local part", zone: []string{okMX, okSPF, okDKIM},
			set:  func(s *records.Set) { s.FromAddress = "{% if vip %}vip{% endif %}@example.com" },
			want: verify.Verified},
		{name: "undetermined: SERVFAIL on a required record", zone: []string{okMX, okSPF, okDKIM},
			fail: func(f *domainauth.FakeResolver) {
				f.Fail("krs._domainkey.cio123.example.com", dns.TypeTXT, domainauth.FailServFail)
			},
			want: verify.Undetermined, reason: "DNS lookups failed temporarily for TXT krs._domainkey.cio123.example.com"},
		{name: "undetermined, never failed: timeout after the window", zone: []string{okMX, okDKIM},
			set:  func(s *records.Set) { s.AddedAt = now.Add(-30 * 24 * time.Hour) },
			fail: func(f *domainauth.FakeResolver) { f.Fail("cio123.example.com", 0, domainauth.FailTimeout) },
			want: verify.Undetermined},
		{name: "a failing optional record does not decide", zone: []string{okMX, okSPF, okDKIM},
			fail: func(f *domainauth.FakeResolver) { f.Fail("_dmarc.example.com", dns.TypeTXT, domainauth.FailTimeout) },
			want: verify.Verified},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, set := arrange(t, tt.zone, tt.fail, tt.set)
			rep, err := verifier(r).Verify(t.Context(), set)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Status != tt.want || !strings.Contains(rep.Reason, tt.reason) {
				t.Errorf("got %v (%s), want %v (%q)", rep.Status, rep.Reason, tt.want, tt.reason)
			}
		})
	}
}

// TestFindings has one case per code of the catalogue (docs/FINDINGS.md) that verify reports:
// the customer's broken zone, the verdict on the record concerned, and the
// finding codes on it.
func TestFindings(t *testing.T) {
	type tc struct {
		name    string
		zone    []string
		fail    func(*domainauth.FakeResolver)
		set     func(*records.Set)
		purpose records.Purpose
		status  verify.RecordStatus
		codes   []finding.Code
		fix     string // a part of the fix text of the first code
	}
	tests := []tc{
		{name: "record-missing", zone: []string{okMX, okDKIM},
			purpose: records.PurposeSPF, status: verify.Missing, codes: []finding.Code{finding.CodeRecordMissing},
			fix: `Add a TXT record with host "cio123"`},
		{name: "name-doubled (GoDaddy)", zone: []string{okSPF, okDKIM,
			"cio123.example.com MX 10 mxa.provider.net.\ncio123.example.com MX 10 mxb.provider.net.\n"},
			purpose: records.PurposeReturnPath, status: verify.Missing,
			codes: []finding.Code{finding.CodeNameDoubled, finding.CodeRecordMissing}},
		{name: "name-at-apex: SPF include at the root", zone: []string{okMX, okDKIM,
			"@ TXT \"v=spf1 include:_spf.google.com include:_spf.provider.net ~all\"\n_spf.google.com. TXT \"v=spf1 ~all\"\n"},
			purpose: records.PurposeSPF, status: verify.Missing,
			codes: []finding.Code{finding.CodeNameAtApex, finding.CodeRecordMissing},
			fix:   "The records at the root can stay as they are"},
		// MX at the root takes in the customer's own mail: the fix must say
		// to remove them there, not that they can stay.
		{name: "name-at-apex: MX at the root", zone: []string{okSPF, okDKIM,
			"@ MX 10 mxa.provider.net.\n@ MX 10 mxb.provider.net.\n"},
			purpose: records.PurposeReturnPath, status: verify.Missing,
			codes: []finding.Code{finding.CodeNameAtApex, finding.CodeRecordMissing},
			fix:   `remove the MX records for mxa.provider.net and mxb.provider.net from the root of the domain (example.com, host "@")`},
		{name: "name-at-apex: DKIM key under the root", zone: []string{okMX, okSPF,
			"krs._domainkey TXT " + txtStrings(dkimA) + "\n"},
			purpose: records.PurposeDKIM, status: verify.Missing,
			codes: []finding.Code{finding.CodeNameAtApex, finding.CodeRecordMissing}},
		{name: "spf-type-99", zone: []string{okMX, okDKIM, "cio123 SPF \"v=spf1 include:_spf.provider.net ~all\"\n"},
			purpose: records.PurposeSPF, status: verify.Missing,
			codes: []finding.Code{finding.CodeRecordMissing, finding.CodeSPFType99}},
		{name: "spf-multiple", zone: []string{okMX, okDKIM, okSPF, "cio123 TXT \"v=spf1 include:_spf.other.example ~all\"\n"},
			purpose: records.PurposeSPF, status: verify.Mismatch, codes: []finding.Code{finding.CodeSPFMultiple},
			fix: "v=spf1 include:_spf.provider.net include:_spf.other.example ~all"},
		{name: "spf-include-missing", zone: []string{okMX, okDKIM, "cio123 TXT \"v=spf1 include:_spf.other.example ~all\"\n_spf.other.example. TXT \"v=spf1 ~all\"\n"},
			purpose: records.PurposeSPF, status: verify.Mismatch, codes: []finding.Code{finding.CodeSPFIncludeMissing},
			fix: "v=spf1 include:_spf.other.example include:_spf.provider.net ~all"},
		{name: "spf-include-missing: wrong qualifier", zone: []string{okMX, okDKIM, "cio123 TXT \"v=spf1 -include:_spf.provider.net ~all\"\n"},
			purpose: records.PurposeSPF, status: verify.Mismatch, codes: []finding.Code{finding.CodeSPFIncludeMissing}},
		{name: "extra mechanisms are fine", zone: []string{okMX, okDKIM,
			"cio123 TXT \"v=spf1 ip4:203.0.113.0/24 INCLUDE:_SPF.Provider.net. -all\"\n"},
			purpose: records.PurposeSPF, status: verify.Found},
		{name: "spf-lookup-limit", zone: []string{okMX, okDKIM,
			"cio123 TXT \"v=spf1 include:_spf.provider.net include:l1.example.net include:l2.example.net include:l3.example.net include:l4.example.net include:l5.example.net include:l6.example.net include:l7.example.net include:l8.example.net include:l9.example.net include:l10.example.net ~all\"\n" +
				"l1.example.net. TXT \"v=spf1 -all\"\nl2.example.net. TXT \"v=spf1 -all\"\nl3.example.net. TXT \"v=spf1 -all\"\nl4.example.net. TXT \"v=spf1 -all\"\nl5.example.net. TXT \"v=spf1 -all\"\n" +
				"l6.example.net. TXT \"v=spf1 -all\"\nl7.example.net. TXT \"v=spf1 -all\"\nl8.example.net. TXT \"v=spf1 -all\"\nl9.example.net. TXT \"v=spf1 -all\"\nl10.example.net. TXT \"v=spf1 -all\"\n"},
			purpose: records.PurposeSPF, status: verify.Mismatch, codes: []finding.Code{finding.CodeSPFLookupLimit}},
		{name: "spf-lookup-limit: void lookups", zone: []string{okMX, okDKIM,
			"cio123 TXT \"v=spf1 a:gone1.example.net a:gone2.example.net a:gone3.example.net include:_spf.provider.net ~all\"\n"},
			purpose: records.PurposeSPF, status: verify.Mismatch, codes: []finding.Code{finding.CodeSPFLookupLimit}},
		{name: "spf-syntax", zone: []string{okMX, okDKIM, "cio123 TXT \"v=spf1 include:_spf.provider.net ~al\"\n"},
			purpose: records.PurposeSPF, status: verify.Mismatch, codes: []finding.Code{finding.CodeSPFSyntax}},
		{name: "spf-all-position: include after all", zone: []string{okMX, okDKIM, "cio123 TXT \"v=spf1 ~all include:_spf.provider.net\"\n"},
			purpose: records.PurposeSPF, status: verify.Mismatch, codes: []finding.Code{finding.CodeSPFAllPosition}},
		{name: "spf-all-position: +all", zone: []string{okMX, okDKIM, "cio123 TXT \"v=spf1 include:_spf.provider.net +all\"\n"},
			purpose: records.PurposeSPF, status: verify.Found, codes: []finding.Code{finding.CodeSPFAllPosition}},
		{name: "spf-problem: include without a record", zone: []string{okMX, okDKIM, "cio123 TXT \"v=spf1 include:_spf.provider.net include:nothing.example.net ~all\"\n"},
			purpose: records.PurposeSPF, status: verify.Mismatch, codes: []finding.Code{finding.CodeSPFProblem}},
		{name: "txt-quotes on SPF", zone: []string{okMX, okDKIM, `cio123 TXT "\"v=spf1 include:_spf.provider.net ~all\""` + "\n"},
			purpose: records.PurposeSPF, status: verify.Mismatch, codes: []finding.Code{finding.CodeTXTQuotes}},
		{name: "whitespace-typo: space before v=spf1", zone: []string{okMX, okDKIM, `cio123 TXT " v=spf1 include:_spf.provider.net ~all"` + "\n"},
			purpose: records.PurposeSPF, status: verify.Mismatch, codes: []finding.Code{finding.CodeWhitespaceTypo}},
		{name: "whitespace-typo: space after include:", zone: []string{okMX, okDKIM, `cio123 TXT "v=spf1 include: _spf.provider.net ~all"` + "\n"},
			purpose: records.PurposeSPF, status: verify.Mismatch, codes: []finding.Code{finding.CodeWhitespaceTypo}},
		{name: "whitespace-typo: MX host without final dot", zone: []string{okSPF, okDKIM,
			"cio123 MX 10 mxa.provider.net\ncio123 MX 10 mxb.provider.net.\n"},
			purpose: records.PurposeReturnPath, status: verify.Mismatch, codes: []finding.Code{finding.CodeWhitespaceTypo}},
		{name: "mx-missing-host (Route 53)", zone: []string{okSPF, okDKIM, "cio123 MX 10 mxa.provider.net.\n"},
			purpose: records.PurposeReturnPath, status: verify.Mismatch, codes: []finding.Code{finding.CodeMXMissingHost},
			fix: "AWS Route 53 keeps one record set per name"},
		{name: "mx-priority: order changed", zone: []string{okSPF, okDKIM, "cio123 MX 10 mxa.provider.net.\ncio123 MX 20 mxb.provider.net.\n"},
			purpose: records.PurposeReturnPath, status: verify.Mismatch, codes: []finding.Code{finding.CodeMXPriority}},
		{name: "mx-priority: same order, other numbers", zone: []string{okSPF, okDKIM, "cio123 MX 5 mxa.provider.net.\ncio123 MX 5 mxb.provider.net.\n"},
			purpose: records.PurposeReturnPath, status: verify.Found, codes: []finding.Code{finding.CodeMXPriority}},
		{name: "mx-extra-host", zone: []string{okSPF, okDKIM, okMX, "cio123 MX 10 mail.example.com.\n"},
			purpose: records.PurposeReturnPath, status: verify.Found, codes: []finding.Code{finding.CodeMXExtraHost}},
		{name: "dkim-key-mismatch: old key", zone: []string{okMX, okSPF, "krs._domainkey.cio123 TXT " + txtStrings("v=DKIM1; k=rsa; p="+keyB) + "\n"},
			purpose: records.PurposeDKIM, status: verify.Mismatch, codes: []finding.Code{finding.CodeDKIMKeyMismatch}},
		{name: "dkim-key-mismatch: revoked", zone: []string{okMX, okSPF, "krs._domainkey.cio123 TXT \"v=DKIM1; p=\"\n"},
			purpose: records.PurposeDKIM, status: verify.Mismatch, codes: []finding.Code{finding.CodeDKIMKeyMismatch}},
		{name: "same key, other text: tags reordered, p= spaced", zone: []string{okMX, okSPF,
			"krs._domainkey.cio123 TXT " + txtStrings("v=DKIM1;  p="+keyA[:200]+" "+keyA[200:]+" ; k=rsa;") + "\n"},
			purpose: records.PurposeDKIM, status: verify.Found},
		{name: "dkim-key-invalid: v= not first (RFC 6376 section 3.6.1)", zone: []string{okMX, okSPF,
			"krs._domainkey.cio123 TXT " + txtStrings("k=rsa; v=DKIM1; p="+keyA) + "\n"},
			purpose: records.PurposeDKIM, status: verify.Mismatch, codes: []finding.Code{finding.CodeDKIMKeyInvalid}},
		{name: "dkim-key-truncated at 255 characters", zone: []string{okMX, okSPF, "krs._domainkey.cio123 TXT \"" + dkimA[:255] + "\"\n"},
			purpose: records.PurposeDKIM, status: verify.Mismatch, codes: []finding.Code{finding.CodeDKIMKeyTruncated},
			fix: "not as separate records"},
		{name: "dkim-key-truncated: split into two records", zone: []string{okMX, okSPF,
			"krs._domainkey.cio123 TXT \"" + dkimA[:255] + "\"\nkrs._domainkey.cio123 TXT \"" + dkimA[255:] + "\"\n"},
			purpose: records.PurposeDKIM, status: verify.Mismatch, codes: []finding.Code{finding.CodeDKIMKeyTruncated}},
		{name: "dkim-escaped-semicolon", zone: []string{okMX, okSPF,
			"krs._domainkey.cio123 TXT " + txtStrings(`v=DKIM1\\; k=rsa\\; p=`+keyA) + "\n"},
			purpose: records.PurposeDKIM, status: verify.Mismatch, codes: []finding.Code{finding.CodeDKIMEscapedSemicolon},
			fix: `replace each \; with a plain ;`},
		{name: "dkim-quotes", zone: []string{okMX, okSPF,
			"krs._domainkey.cio123 TXT " + txtStrings(`\"`+dkimA+`\"`) + "\n"},
			purpose: records.PurposeDKIM, status: verify.Mismatch, codes: []finding.Code{finding.CodeDKIMQuotes}},
		{name: "dkim-key-invalid: PEM pasted", zone: []string{okMX, okSPF,
			"krs._domainkey.cio123 TXT " + txtStrings("v=DKIM1; k=rsa; p=-----BEGIN PUBLIC KEY-----"+keyA+"-----END PUBLIC KEY-----") + "\n"},
			purpose: records.PurposeDKIM, status: verify.Mismatch, codes: []finding.Code{finding.CodeDKIMKeyInvalid}},
		{name: "dkim-multiple", zone: []string{okMX, okSPF, okDKIM, "krs._domainkey.cio123 TXT " + txtStrings("v=DKIM1; k=rsa; p="+keyB) + "\n"},
			purpose: records.PurposeDKIM, status: verify.Found, codes: []finding.Code{finding.CodeDKIMMultiple}},
		{name: "record-missing on DKIM names underscores", zone: []string{okMX, okSPF},
			purpose: records.PurposeDKIM, status: verify.Missing, codes: []finding.Code{finding.CodeRecordMissing},
			fix: "if your DNS host refuses underscores"},
		{name: "cname-proxied (Cloudflare)", zone: []string{okMX, okSPF, okDKIM, "link A 104.16.1.1\nlink A 104.16.2.1\n"},
			purpose: records.PurposeTracking, status: verify.Mismatch, codes: []finding.Code{finding.CodeCNAMEProxied},
			fix: "DNS only (grey cloud)"},
		{name: "cname-target: wrong region", zone: []string{okMX, okSPF, okDKIM, "link CNAME e-eu.provider.net.\n"},
			purpose: records.PurposeTracking, status: verify.Mismatch, codes: []finding.Code{finding.CodeCNAMETarget},
			fix: "the target differs per region, and only the one of the account's region works"},
		{name: "cname target is compared by its first hop", zone: []string{okMX, okSPF, okDKIM, okLink,
			"e.provider.net. CNAME lb.provider.net.\nlb.provider.net. A 198.51.100.9\n"},
			purpose: records.PurposeTracking, status: verify.Found},
		{name: "whitespace-typo: CNAME target without final dot", zone: []string{okMX, okSPF, okDKIM, "link CNAME e.provider.net\n"},
			purpose: records.PurposeTracking, status: verify.Mismatch, codes: []finding.Code{finding.CodeWhitespaceTypo}},
		{name: "cname-conflict at the return path", zone: []string{okDKIM, "cio123 CNAME example.com.\n@ MX 10 mail.example.com.\n"},
			purpose: records.PurposeReturnPath, status: verify.Mismatch,
			codes: []finding.Code{finding.CodeCNAMEConflict, finding.CodeMXMissingHost}},
		{name: "cname-conflict hides SPF", zone: []string{okDKIM, "cio123 CNAME e.provider.net.\n"},
			purpose: records.PurposeSPF, status: verify.Missing,
			codes: []finding.Code{finding.CodeCNAMEConflict, finding.CodeRecordMissing}},
		{name: "dmarc-missing", zone: []string{okMX, okSPF, okDKIM},
			purpose: records.PurposeDMARC, status: verify.Missing, codes: []finding.Code{finding.CodeDMARCMissing}},
		{name: "dmarc-p-none", zone: []string{okMX, okSPF, okDKIM, okDMARC},
			purpose: records.PurposeDMARC, status: verify.Found, codes: []finding.Code{finding.CodeDMARCPNone}},
		{name: "dmarc-strict-alignment with p=reject", zone: []string{okMX, okSPF, okDKIM, "_dmarc TXT \"v=DMARC1; p=reject; adkim=s; aspf=s\"\n"},
			purpose: records.PurposeDMARC, status: verify.Mismatch, codes: []finding.Code{finding.CodeDMARCStrictAlignment},
			fix: "set adkim=r and aspf=r"},
		{name: "dmarc-strict-alignment: aspf only", zone: []string{okMX, okSPF, okDKIM, "_dmarc TXT \"v=DMARC1; p=quarantine; aspf=s\"\n"},
			purpose: records.PurposeDMARC, status: verify.Found, codes: []finding.Code{finding.CodeDMARCStrictAlignment}},
		{name: "policy of the organizational domain applies to a subdomain From", zone: []string{okMX, okSPF, okDKIM, "_dmarc TXT \"v=DMARC1; p=none; sp=reject\"\n"},
			set:     func(s *records.Set) { s.FromAddress = "Shop <news@shop.example.com>" },
			purpose: records.PurposeDMARC, status: verify.Found},
		{name: "dmarc-invalid: two records", zone: []string{okMX, okSPF, okDKIM, okDMARC, "_dmarc TXT \"v=DMARC1; p=reject\"\n"},
			purpose: records.PurposeDMARC, status: verify.Mismatch, codes: []finding.Code{finding.CodeDMARCInvalid}},
		{name: "dmarc-invalid: bad policy", zone: []string{okMX, okSPF, okDKIM, "_dmarc TXT \"v=DMARC1; p=block\"\n"},
			purpose: records.PurposeDMARC, status: verify.Mismatch, codes: []finding.Code{finding.CodeDMARCInvalid}},
		{name: "dmarc-invalid: at the domain instead of _dmarc", zone: []string{okMX, okSPF, okDKIM, "@ TXT \"v=DMARC1; p=none\"\n"},
			purpose: records.PurposeDMARC, status: verify.Missing, codes: []finding.Code{finding.CodeDMARCInvalid, finding.CodeDMARCMissing}},
		{name: "name-doubled on DMARC", zone: []string{okMX, okSPF, okDKIM, "_dmarc.example.com TXT \"v=DMARC1; p=none\"\n"},
			purpose: records.PurposeDMARC, status: verify.Missing, codes: []finding.Code{finding.CodeDMARCMissing, finding.CodeNameDoubled}},
		{name: "dmarc-rua-unauthorized", zone: []string{okMX, okSPF, okDKIM, "_dmarc TXT \"v=DMARC1; p=quarantine; rua=mailto:agg@reports.example.net\"\n"},
			purpose: records.PurposeDMARC, status: verify.Found, codes: []finding.Code{finding.CodeDMARCRUAUnauthorized}},
		{name: "rua to an authorized domain", zone: []string{okMX, okSPF, okDKIM,
			"_dmarc TXT \"v=DMARC1; p=quarantine; rua=mailto:agg@reports.example.net,mailto:dmarc@example.com\"\n" +
				"example.com._report._dmarc.reports.example.net. TXT \"v=DMARC1\"\n"},
			purpose: records.PurposeDMARC, status: verify.Found},
		{name: "dns-temporary: SERVFAIL", zone: []string{okMX, okSPF, okDKIM},
			fail:    func(f *domainauth.FakeResolver) { f.Fail("cio123.example.com", dns.TypeMX, domainauth.FailServFail) },
			purpose: records.PurposeReturnPath, status: verify.Error, codes: []finding.Code{finding.CodeDNSTemporary}},
		{name: "dns-temporary: timeout", zone: []string{okMX, okSPF, okDKIM},
			fail: func(f *domainauth.FakeResolver) {
				f.Fail("krs._domainkey.cio123.example.com", dns.TypeTXT, domainauth.FailTimeout)
			},
			purpose: records.PurposeDKIM, status: verify.Error, codes: []finding.Code{finding.CodeDNSTemporary}},
		{name: "dns-temporary: SPF include times out", zone: []string{okMX, okSPF, okDKIM},
			fail:    func(f *domainauth.FakeResolver) { f.Fail("_spf.provider.net", 0, domainauth.FailTimeout) },
			purpose: records.PurposeSPF, status: verify.Error, codes: []finding.Code{finding.CodeDNSTemporary}},
		{name: "dns-temporary: hanging server, per-lookup timeout", zone: []string{okMX, okSPF, okDKIM, okLink},
			fail:    func(f *domainauth.FakeResolver) { f.Fail("link.example.com", 0, domainauth.FailHang) },
			purpose: records.PurposeTracking, status: verify.Error, codes: []finding.Code{finding.CodeDNSTemporary}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, set := arrange(t, tt.zone, tt.fail, tt.set)
			v := verifier(r)
			v.LookupTimeout = time.Second // bounds the FailHang case; generous for the healthy lookups
			rep, err := v.Verify(t.Context(), set)
			if err != nil {
				t.Fatal(err)
			}
			rr := findRecord(t, rep, tt.purpose)
			want := slices.Clone(tt.codes)
			slices.Sort(want)
			if rr.Status != tt.status || !slices.Equal(codes(rr.Findings), want) {
				t.Errorf("%s: %v %v, want %v %v\n%s", tt.purpose, rr.Status, codes(rr.Findings), tt.status, want, rep)
			}
			for _, f := range rr.Findings {
				if e, ok := finding.Lookup(f.Code); !ok || !slices.Contains(e.Producers, "verify") || !f.Severity.Valid() {
					t.Errorf("finding %s (%v): not a verify code of the catalogue, or no severity", f.Code, f.Severity)
				}
				if f.Message == "" || f.Subject != rr.FQDN+" "+string(rr.Type) {
					t.Errorf("finding %s: message %q record %q", f.Code, f.Message, f.Subject)
				}
				if f.Severity == finding.Error && f.Fix == "" {
					t.Errorf("finding %s: critical without a fix", f.Code)
				}
			}
			if tt.fix != "" && (len(rr.Findings) == 0 || !strings.Contains(findingFix(rr.Findings, want[0]), tt.fix)) {
				t.Errorf("fix of %s does not mention %q:\n%s", want[0], tt.fix, rep)
			}
		})
	}
}

func findingFix(fs []finding.Finding, c finding.Code) string {
	var all []string
	for _, f := range fs {
		all = append(all, f.Fix)
	}
	return strings.Join(all, "\n")
}

func TestFromTemplatedFinding(t *testing.T) {
	r := fakeZone(t, okMX, okSPF, okDKIM)
	set := accountSet()
	set.FromAddress = "{{ customer.domain }}"
	rep, err := verifier(r).Verify(t.Context(), set)
	if err != nil {
		t.Fatal(err)
	}
	if got := codes(rep.Findings); !slices.Equal(got, []finding.Code{finding.CodeFromTemplated}) {
		t.Errorf("domain findings %v, want from-templated", got)
	}
	// The records are still checked, so the customer sees their state.
	if r := findRecord(t, rep, records.PurposeSPF); r.Status != verify.Found {
		t.Errorf("SPF %v, want found", r.Status)
	}
	if rep.Status != verify.Undetermined {
		t.Errorf("status %v", rep.Status)
	}
}

// A template only in the local part leaves the domain known: verify checks
// it like a literal address (records.IsTemplated, the one rule).
func TestFromLocalTemplate(t *testing.T) {
	for _, from := range []string{"${user}@example.com", "{{user}}@example.com", "{{ user }}@example.com"} {
		r := fakeZone(t, okMX, okSPF, okDKIM)
		set := accountSet()
		set.FromAddress = from
		rep, err := verifier(r).Verify(t.Context(), set)
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(codes(rep.Findings), finding.CodeFromTemplated) || rep.Status == verify.Undetermined {
			t.Errorf("From %q: status %v, findings %v; want no from-templated", from, rep.Status, codes(rep.Findings))
		}
	}
}

func TestInvalidSet(t *testing.T) {
	v := verifier(fakeZone(t))
	if _, err := v.Verify(t.Context(), records.Set{}); err == nil {
		t.Error("empty set: no error")
	}
	set := accountSet()
	set.Records = make([]records.Record, verify.MaxRecords+1)
	if _, err := v.Verify(t.Context(), set); err == nil {
		t.Error("oversized set: no error")
	}
	set = accountSet()
	set.Records = append(set.Records, records.Record{FQDN: "bad..name", Type: records.TypeTXT, Values: []string{"x"}},
		records.Record{FQDN: "x.example.com", Type: "SRV", Values: []string{"x"}})
	rep, err := v.Verify(t.Context(), set)
	if err != nil {
		t.Fatal(err)
	}
	for _, rr := range rep.Records[len(rep.Records)-2:] {
		if rr.Status != verify.Error || !slices.Equal(codes(rr.Findings), []finding.Code{finding.CodeRecordUnsupported}) {
			t.Errorf("%q: %v %v, want error record-unsupported", rr.FQDN, rr.Status, codes(rr.Findings))
		}
	}
}

func TestVerifyCancelled(t *testing.T) {
	r := fakeZone(t, okMX, okSPF, okDKIM)
	r.Fail("cio123.example.com", 0, domainauth.FailHang)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		v := verifier(r)
		v.LookupTimeout = -1 // only ctx can end the hanging lookups
		_, err := v.Verify(ctx, accountSet())
		done <- err
	}()
	cancel()
	if err := <-done; err == nil {
		t.Error("cancelled Verify returned no error")
	}
}

func TestDisabledWindowIsUnverified(t *testing.T) {
	r := fakeZone(t, okMX)
	v := verifier(r)
	v.PendingWindow = -1
	rep, err := v.Verify(t.Context(), accountSet())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Status != verify.Unverified || !rep.WindowEnds.IsZero() {
		t.Errorf("status %v window %v, want unverified without window", rep.Status, rep.WindowEnds)
	}
}

func ExampleVerifier_Verify() {
	r := domainauth.MustFakeResolver(`
$ORIGIN example.com.
cio123      MX  10 mxa.provider.net.
cio123      MX  10 mxb.provider.net.
; GoDaddy appended the domain to "cio123.example.com":
cio123.example.com TXT "v=spf1 include:_spf.provider.net ~all"
_spf.provider.net. TXT "v=spf1 ip4:198.51.100.0/24 ~all"
`)
	v := &verify.Verifier{Resolver: r, Clock: func() time.Time { return time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC) }}
	rep, err := v.Verify(context.Background(), records.Set{
		Domain:  "example.com",
		Zone:    "example.com",
		AddedAt: time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC),
		Records: []records.Record{
			{Purpose: records.PurposeReturnPath, FQDN: "cio123.example.com", Name: "cio123", Type: records.TypeMX,
				Values: []string{"mxa.provider.net", "mxb.provider.net"}, Priority: 10, Required: true},
			{Purpose: records.PurposeSPF, FQDN: "cio123.example.com", Name: "cio123", Type: records.TypeTXT,
				Values: []string{"v=spf1 include:_spf.provider.net ~all"}, Required: true},
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rep.Status)
	for _, rr := range rep.Records {
		fmt.Println(rr.Type, rr.FQDN, rr.Status)
		for _, f := range rr.Findings {
			fmt.Println(" ", f.Code, "-", f.Fix)
		}
	}
	// Output:
	// pending
	// MX cio123.example.com found
	// TXT cio123.example.com missing
	//   record-missing - Add a TXT record with host "cio123" and the value v=spf1 include:_spf.provider.net ~all. If your DNS host has no TXT records, ask it to add the record, or move the domain's DNS to a host that has them.
	//   name-doubled - Your DNS host adds example.com to the host name by itself (GoDaddy and many others do): change the host field from "cio123.example.com" to "cio123".
}

func ExampleVerifier_VerifyAll() {
	r := domainauth.MustFakeResolver(`
$ORIGIN example.com.
_dmarc              TXT "v=DMARC1; p=none"
cio.a               TXT "v=spf1 include:_spf.provider.net ~all"
cio.b               TXT "v=spf1 include:_spf.provider.net ~all"
cio.b               TXT "v=spf1 a ~all"
_spf.provider.net.  TXT "v=spf1 ip4:198.51.100.0/24 ~all"
`)
	r.Fail("cio.c.example.com", 0, domainauth.FailServFail)
	var sets []records.Set
	for _, name := range []string{"a", "b", "c"} {
		d := name + ".example.com"
		sets = append(sets, records.Set{Domain: d, Records: []records.Record{{
			Purpose: records.PurposeSPF, FQDN: "cio." + d, Type: records.TypeTXT,
			Values: []string{"v=spf1 include:_spf.provider.net ~all"}, Required: true,
		}}})
	}
	v := &verify.Verifier{Resolver: r, Concurrency: 2}
	results := make([]string, len(sets))
	stats, err := v.VerifyAll(context.Background(), sets, func(i int, rep *verify.Report, err error) {
		if err != nil {
			results[i] = err.Error()
			return
		}
		results[i] = fmt.Sprintf("%s: %s %v", rep.Domain, rep.Status, codes(rep.AllFindings()))
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range results {
		fmt.Println(s)
	}
	fmt.Println(stats.Domains, "domains")
	// Output:
	// a.example.com: verified []
	// b.example.com: unverified [spf-multiple]
	// c.example.com: undetermined [dns-temporary]
	// 3 domains
}

// TestSPFOwnAllKept: the customer's record may end in -all where the
// provider's ends in ~all (or the other way round): the qualifier of all
// is the domain's choice and is not compared. The fix for a stray space
// keeps the customer's -all rather than falling back to a generic "does
// not parse" with the provider's record, and a record that holds the
// include verifies whatever its all.
func TestSPFOwnAllKept(t *testing.T) {
	rep, err := verifier(fakeZone(t, okMX, okDKIM, `cio123 TXT "v=spf1 include: _spf.provider.net -all"`+"\n")).Verify(t.Context(), accountSet())
	if err != nil {
		t.Fatal(err)
	}
	rr := findRecord(t, rep, records.PurposeSPF)
	if got := codes(rr.Findings); len(got) != 1 || got[0] != finding.CodeWhitespaceTypo {
		t.Fatalf("findings %v, want whitespace-typo only\n%s", got, rep)
	}
	if fix := findingFix(rr.Findings, finding.CodeWhitespaceTypo); !strings.HasSuffix(fix, "v=spf1 include:_spf.provider.net -all") {
		t.Errorf("fix %q, want the customer's record with -all kept", fix)
	}
	rep, err = verifier(fakeZone(t, okMX, okDKIM, `cio123 TXT "v=spf1 include:_spf.provider.net -all"`+"\n")).Verify(t.Context(), accountSet())
	if err != nil {
		t.Fatal(err)
	}
	if rr := findRecord(t, rep, records.PurposeSPF); rr.Status != verify.Found || len(rr.Findings) != 0 {
		t.Errorf("-all instead of ~all: %s %v, want found with no finding", rr.Status, codes(rr.Findings))
	}
}

// TestMissingRecordNamesItsKind: the message for a missing DKIM key names
// it as DKIM, which a customer looks for, not as the TXT type it has; other
// records are named by type.
func TestMissingRecordNamesItsKind(t *testing.T) {
	rep, err := verifier(fakeZone(t, okSPF, okDMARC)).Verify(t.Context(), accountSet())
	if err != nil {
		t.Fatal(err)
	}
	for purpose, want := range map[records.Purpose]string{records.PurposeDKIM: "no DKIM record found at ", records.PurposeReturnPath: "no MX record found at "} {
		rr := findRecord(t, rep, purpose)
		if len(rr.Findings) == 0 || !strings.HasPrefix(rr.Findings[0].Message, want) {
			t.Errorf("%s: findings %+v, want a message starting %q", purpose, rr.Findings, want)
		}
	}
}
