package verify_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/records"
	"github.com/domainauth/domainauth/verify"
)

// subdomainSet is accountSet for the sending domain mail.example.com in
// the zone example.com: every Name is relative to the zone
// ("cio123.mail"), and the organizational domain's _dmarc record is
// outside the sending domain but inside the zone.
func subdomainSet() records.Set {
	set := accountSet()
	set.Domain = "mail.example.com"
	set.FromAddress = "news@mail.example.com"
	set.ReturnPath = "cio123.mail.example.com"
	for i := range set.Records {
		r := &set.Records[i]
		r.FQDN = strings.Replace(r.FQDN, "example.com", "mail.example.com", 1)
		if r.Name == "_dmarc" || r.Name == "link" {
			r.Name += ".mail"
		} else {
			r.Name = strings.Replace(r.Name, "cio123", "cio123.mail", 1)
		}
	}
	return set
}

var (
	fixHost  = regexp.MustCompile(`at host "([^"]*)"`)
	fixValue = regexp.MustCompile(`(?i:for example|reads exactly): (v=DMARC1[^ ]*(?: [^ ]+)*)$`)
)

// A customer who does what a DMARC finding's fix says, in a DNS host's
// form that appends the zone to the host field, ends up with a DMARC
// policy that verifies: the fix names the host field relative to the zone
// (a full name there becomes _dmarc.example.com.example.com) and the
// record to type, and it is the record that is broken that it names (for
// a subdomain From, the organizational domain's record may be the one at
// fault). The fix is applied as a person would: the TXT records at the
// named host are replaced by the value given, or for strict alignment the
// adkim and aspf tags are taken out of the record there.
func TestDMARCFixThenReverify(t *testing.T) {
	cases := []struct {
		name string
		sub  bool // the sending domain is mail.example.com
		zone string
		code finding.Code // the finding whose fix is followed
	}{
		{name: "invalid policy", zone: `_dmarc TXT "v=DMARC1; p=block"`, code: finding.CodeDMARCInvalid},
		{name: "duplicate tag", zone: `_dmarc TXT "v=DMARC1; p=none; p=reject"`, code: finding.CodeDMARCInvalid},
		{name: "unusable, no policy", zone: `_dmarc TXT "v=DMARC1; rua=nobody"`, code: finding.CodeDMARCInvalid},
		{name: "strict alignment", zone: `_dmarc TXT "v=DMARC1; p=reject; adkim=s; aspf=s"`, code: finding.CodeDMARCStrictAlignment},
		{name: "two records", zone: "_dmarc TXT \"v=DMARC1; p=none\"\n_dmarc TXT \"v=DMARC1; p=reject\"", code: finding.CodeDMARCInvalid},
		{name: "escaped semicolon", zone: `_dmarc TXT "v=DMARC1\\; p=none"`, code: finding.CodeTXTEscapedSemicolon},
		{name: "no semicolons", zone: `_dmarc TXT "v=DMARC1 p=reject"`, code: finding.CodeDMARCInvalid},
		{name: "at the organizational domain: invalid policy", sub: true, zone: `_dmarc TXT "v=DMARC1; p=block"`, code: finding.CodeDMARCInvalid},
		{name: "at the organizational domain: strict alignment", sub: true, zone: `_dmarc TXT "v=DMARC1; p=reject; adkim=s; aspf=s"`, code: finding.CodeDMARCStrictAlignment},
		// A subdomain From with nothing of its own: the records at fault
		// are the organizational domain's, not the set's (_dmarc.mail).
		// RFC 9989 receivers pass over a record they cannot use: no policy
		// applies, and the record is why, not "nothing".
		{name: "at the organizational domain: duplicate tag", sub: true, zone: `_dmarc TXT "v=DMARC1; p=none; p=reject"`, code: finding.CodeDMARCInvalid},
		{name: "at the organizational domain: two records", sub: true, zone: "_dmarc TXT \"v=DMARC1; p=none\"\n_dmarc TXT \"v=DMARC1; p=reject\"", code: finding.CodeDMARCInvalid},
		{name: "at the organizational domain: quotes", sub: true, zone: `_dmarc TXT "\"v=DMARC1; p=none\""`, code: finding.CodeTXTQuotes},
		{name: "at the sending domain: strict alignment", sub: true, zone: `_dmarc.mail TXT "v=DMARC1; p=reject; adkim=s; aspf=s"`, code: finding.CodeDMARCStrictAlignment},
		{name: "at the sending domain: invalid policy", sub: true, zone: `_dmarc.mail TXT "v=DMARC1; p=block"`, code: finding.CodeDMARCInvalid},
	}
	for _, tt := range cases {
		for _, mode := range []dmarc.Mode{dmarc.RFC9989, dmarc.RFC7489} {
			t.Run(tt.name+"/"+mode.String(), func(t *testing.T) {
				set := accountSet()
				if tt.sub {
					set = subdomainSet()
				}
				r := fakeZone(t, okMX, okSPF, okDKIM, tt.zone+"\n")
				rep, rr := verifyDMARC(t, r, set, mode)
				fix := fixOf(rr.Findings, tt.code)
				if fix == "" {
					t.Fatalf("no %s finding with a fix:\n%s", tt.code, rep)
				}
				m := fixHost.FindStringSubmatch(fix)
				if m == nil {
					t.Fatalf("fix %q names no host field", fix)
				}
				name := m[1] + ".example.com" // what a DNS host appending the zone makes of it
				old, _ := r.LookupTXT(t.Context(), name)
				if len(old) == 0 {
					t.Errorf("fix %q: nothing at %s to edit; the broken record is elsewhere", fix, name)
				}
				var value string
				if tt.code == finding.CodeDMARCStrictAlignment {
					if len(old) != 1 {
						t.Fatalf("fix %q: %d TXT records at %s to edit, want the one with the strict tags", fix, len(old), name)
					}
					var tags []string
					for tag := range strings.SplitSeq(old[0], ";") {
						if k := strings.TrimSpace(tag); !strings.HasPrefix(k, "adkim=") && !strings.HasPrefix(k, "aspf=") {
							tags = append(tags, k)
						}
					}
					value = strings.Join(tags, "; ")
				} else {
					mv := fixValue.FindStringSubmatch(fix)
					if mv == nil {
						t.Fatalf("fix %q gives no DMARC record to type", fix)
					}
					value = mv[1]
				}
				r.Remove(name, domainauth.TypeTXT)
				if err := r.AddZone(name + `. TXT "` + value + `"`); err != nil {
					t.Fatal(err)
				}
				again, after := verifyDMARC(t, r, set, mode)
				for _, f := range after.Findings {
					if f.Severity > finding.Info {
						t.Errorf("after following %q (TXT %q at %s), still %s %s: %s", fix, value, name, f.Severity, f.Code, f.Message)
					}
				}
				if after.Status != verify.Found {
					t.Errorf("after following %q (TXT %q at %s): %s, want found\n%s", fix, value, name, after.Status, again)
				}
			})
		}
	}
}
