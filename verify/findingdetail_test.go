package verify_test

import (
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/records"
	"github.com/domainauth/domainauth/verify"
)

// An SPF record that does not parse is reported with where it breaks:
// the term the parser stopped at and the offset of the offending
// character (spf.SyntaxError: "al", after the qualifier, at 34), so the
// customer can find the typo, in the finding's own words: not a Go
// error with its package prefix ("spf: ...").
func TestSPFSyntaxNamesTerm(t *testing.T) {
	rep, err := verifier(fakeZone(t, okMX, okDKIM, "cio123 TXT \"v=spf1 include:_spf.provider.net ~al\"\n")).Verify(t.Context(), accountSet())
	if err != nil {
		t.Fatal(err)
	}
	rr := findRecord(t, rep, records.PurposeSPF)
	if len(rr.Findings) != 1 || rr.Findings[0].Code != finding.CodeSPFSyntax {
		t.Fatalf("findings %+v, want one spf-syntax", rr.Findings)
	}
	msg := rr.Findings[0].Message
	if !strings.Contains(msg, `"~al"`) || !strings.Contains(msg, "offset 34") {
		t.Errorf("message %q, want the offending term \"~al\" and the offset of \"al\" (34)", msg)
	}
	if strings.Contains(msg, "spf:") {
		t.Errorf("message %q carries the Go package prefix", msg)
	}
}

// chunks255 splits s into TXT character-strings of at most 255 bytes.
func chunks255(s string) []string {
	var out []string
	for len(s) > 255 {
		out = append(out, s[:255])
		s = s[255:]
	}
	return append(out, s)
}

// A DKIM record published with literal quotes is reported as such; the
// message adds that the key itself is right only when the record, once
// the quotes are gone, holds the account's key, and not for another
// sender's (or an older) key.
func TestDKIMQuotedKeyNote(t *testing.T) {
	for _, tt := range []struct {
		name  string
		key   string
		right bool
	}{
		{"the account's key", keyA, true},
		{"another key", keyB, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := fakeZone(t, okMX, okSPF)
			f.AddRR(&dns.TXT{
				Hdr: dns.RR_Header{Name: "krs._domainkey.cio123.example.com.", Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 300},
				Txt: chunks255(`"v=DKIM1; k=rsa; p=` + tt.key + `"`),
			})
			rep, err := verifier(f).Verify(t.Context(), accountSet())
			if err != nil {
				t.Fatal(err)
			}
			rr := findRecord(t, rep, records.PurposeDKIM)
			if len(rr.Findings) != 1 || rr.Findings[0].Code != finding.CodeDKIMQuotes {
				t.Fatalf("findings %+v, want one dkim-quotes", rr.Findings)
			}
			if got := strings.Contains(rr.Findings[0].Message, "the key itself is right"); got != tt.right {
				t.Errorf("message %q: says the key is right: %v, want %v", rr.Findings[0].Message, got, tt.right)
			}
		})
	}
}

// A DMARC record that receivers cannot use, found at the organizational
// domain for a From subdomain (RFC 7489 section 6.6.3), is reported at
// that name, and the fix names that record's host field in the zone
// ("_dmarc", not the full name that DNS hosts appending the zone would
// double) and gives the account's record as the example.
func TestDMARCUnusableAtOrgDomain(t *testing.T) {
	set := accountSet()
	set.Domain = "mail.example.com"
	set.FromAddress = "news@mail.example.com"
	for i, r := range set.Records {
		if r.Purpose == records.PurposeDMARC {
			set.Records[i].FQDN = "_dmarc.mail.example.com"
			set.Records[i].Name = "_dmarc.mail"
		}
	}
	rep, err := verifier(fakeZone(t, okMX, okSPF, okDKIM, "_dmarc TXT \"v=DMARC1; rua=nobody\"\n")).Verify(t.Context(), set)
	if err != nil {
		t.Fatal(err)
	}
	rr := findRecord(t, rep, records.PurposeDMARC)
	if rr.Status != verify.Mismatch || len(rr.Findings) == 0 || rr.Findings[0].Code != finding.CodeDMARCInvalid {
		t.Fatalf("%s %+v, want mismatch dmarc-invalid\n%s", rr.Status, rr.Findings, rep)
	}
	fx := rr.Findings[0]
	if !strings.Contains(fx.Message, "_dmarc.example.com") {
		t.Errorf("message %q, want the org domain's record named", fx.Message)
	}
	if want := `Replace the TXT record at host "_dmarc" with a valid one, for example: v=DMARC1; p=none`; fx.Fix != want {
		t.Errorf("fix %q, want %q", fx.Fix, want)
	}
}
