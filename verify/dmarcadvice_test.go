package verify_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/records"
	"github.com/domainauth/domainauth/verify"
)

// A DMARC record that is there but that receivers do not recognise
// (RFC 7489 section 6.6.3 step 3, RFC 9989 section 4.10: only TXT records
// starting with v=DMARC1 count) must be reported as what it is, not as
// missing: "add a record" would give the domain a second one.
func TestDMARCMalformed(t *testing.T) {
	type tc struct {
		name   string
		zone   string
		from   string // From address; default news@example.com
		status verify.RecordStatus
		codes  []finding.Code
		sev    finding.Severity // severity of every finding but dmarc-p-none
		fix    string           // part of the fix of the first code
		found  []string
		host   string // the host field a fix names; default "_dmarc"
	}
	tests := []tc{
		{name: "escaped semicolon", zone: `_dmarc TXT "v=DMARC1\\; p=none"`,
			status: verify.Mismatch, codes: []finding.Code{finding.CodeTXTEscapedSemicolon}, sev: finding.Error,
			fix: "v=DMARC1; p=none", found: []string{`v=DMARC1\; p=none`}},
		{name: "no semicolons", zone: `_dmarc TXT "v=DMARC1 p=reject"`,
			status: verify.Mismatch, codes: []finding.Code{finding.CodeDMARCInvalid}, sev: finding.Error,
			fix: "v=DMARC1; p=reject", found: []string{"v=DMARC1 p=reject"}},
		{name: "no semicolons, three tags", zone: `_dmarc TXT "v=DMARC1 p=reject rua=mailto:d@example.com"`,
			status: verify.Mismatch, codes: []finding.Code{finding.CodeDMARCInvalid}, sev: finding.Error,
			fix: "v=DMARC1; p=reject; rua=mailto:d@example.com"},
		{name: "literal quotes", zone: `_dmarc TXT "\"v=DMARC1; p=none\""`,
			status: verify.Mismatch, codes: []finding.Code{finding.CodeTXTQuotes}, sev: finding.Error,
			fix: "v=DMARC1; p=none", found: []string{`"v=DMARC1; p=none"`}},
		{name: "leading white space", zone: `_dmarc TXT " v=DMARC1; p=none"`,
			status: verify.Mismatch, codes: []finding.Code{finding.CodeWhitespaceTypo}, sev: finding.Error,
			fix: "v=DMARC1; p=none", found: []string{" v=DMARC1; p=none"}},
		{name: "quotes and escaped semicolon", zone: `_dmarc TXT "\"v=DMARC1\\; p=quarantine\""`,
			status: verify.Mismatch, codes: []finding.Code{finding.CodeTXTQuotes, finding.CodeTXTEscapedSemicolon}, sev: finding.Error,
			fix: "v=DMARC1; p=quarantine"},
		{name: "lower-case version", zone: `_dmarc TXT "v=dmarc1; p=none"`,
			status: verify.Mismatch, codes: []finding.Code{finding.CodeDMARCInvalid}, sev: finding.Error,
			found: []string{"v=dmarc1; p=none"}},
		// The organizational domain's policy applies to a subdomain From
		// when the subdomain's own record is malformed: a warning that says
		// so, not silence.
		{name: "malformed at the author domain, policy at the organizational domain", from: "news@shop.example.com",
			zone:   "_dmarc TXT \"v=DMARC1; p=none\"\n_dmarc.shop TXT \"v=DMARC1 p=reject\"",
			status: verify.Found, codes: []finding.Code{finding.CodeDMARCInvalid, finding.CodeDMARCPNone}, sev: finding.Warning,
			found: []string{"v=DMARC1 p=reject", "v=DMARC1; p=none"}, host: "_dmarc.shop"},
		// Looked for at the organizational domain too: a malformed record
		// there is reported although the Set expects _dmarc.shop, and the
		// fix names its host field in the zone ("_dmarc"), not its full
		// name, which many DNS hosts would append the zone to again.
		{name: "nothing at the author domain, malformed at the organizational domain", from: "news@shop.example.com",
			zone:   `_dmarc TXT "v=DMARC1\\; p=none"`,
			status: verify.Mismatch, codes: []finding.Code{finding.CodeTXTEscapedSemicolon}, sev: finding.Error,
			found: []string{`v=DMARC1\; p=none`}},
		{name: "two records: both in found", zone: "_dmarc TXT \"v=DMARC1; p=none\"\n_dmarc TXT \"v=DMARC1; p=reject\"",
			status: verify.Mismatch, codes: []finding.Code{finding.CodeDMARCInvalid}, sev: finding.Error,
			found: []string{"v=DMARC1; p=none", "v=DMARC1; p=reject"}},
		{name: "two records and a quoted third: each reported", zone: "_dmarc TXT \"v=DMARC1; p=none\"\n_dmarc TXT \"v=DMARC1; p=reject\"\n_dmarc TXT \"\\\"v=DMARC1; p=none\\\"\"",
			status: verify.Mismatch, codes: []finding.Code{finding.CodeDMARCInvalid, finding.CodeTXTQuotes}, sev: finding.Error},
		{name: "other TXT at the name is not DMARC", zone: "_dmarc TXT \"google-site-verification=abc\"",
			status: verify.Missing, codes: []finding.Code{finding.CodeDMARCMissing}, sev: finding.Warning},
	}
	for _, tt := range tests {
		for _, mode := range []dmarc.Mode{dmarc.RFC9989, dmarc.RFC7489} {
			t.Run(tt.name+"/"+mode.String(), func(t *testing.T) {
				r := fakeZone(t, okMX, okSPF, okDKIM, tt.zone+"\n")
				set := accountSet()
				if tt.from != "" {
					set.FromAddress = tt.from
					for i := range set.Records {
						if set.Records[i].Purpose == records.PurposeDMARC {
							set.Records[i].FQDN, set.Records[i].Name = "_dmarc.shop.example.com", "_dmarc.shop"
						}
					}
				}
				rep, rr := verifyDMARC(t, r, set, mode)
				want := slices.Clone(tt.codes)
				slices.Sort(want)
				if rr.Status != tt.status || !slices.Equal(codes(rr.Findings), want) {
					t.Fatalf("%v %v, want %v %v\n%s", rr.Status, codes(rr.Findings), tt.status, want, rep)
				}
				for _, f := range rr.Findings {
					if f.Code == finding.CodeDMARCPNone {
						continue
					}
					if f.Severity != tt.sev || f.Fix == "" || (rr.Status != verify.Missing && strings.Contains(f.Message, "nothing at")) {
						t.Errorf("finding %s: severity %v fix %q message %q; want severity %v and a fix", f.Code, f.Severity, f.Fix, f.Message, tt.sev)
					}
					host := tt.host
					if host == "" {
						host = "_dmarc"
					}
					if strings.Contains(f.Fix, "at host ") && !strings.Contains(f.Fix, "at host "+strconv.Quote(host)) {
						t.Errorf("finding %s: fix %q does not name the host field %q", f.Code, f.Fix, host)
					}
				}
				if tt.fix != "" && !strings.Contains(findingFix(rr.Findings, want[0]), tt.fix) {
					t.Errorf("fix does not give the value %q:\n%s", tt.fix, rep)
				}
				if tt.found != nil && !slices.Equal(rr.Found, tt.found) {
					t.Errorf("found %q, want %q", rr.Found, tt.found)
				}
			})
		}
	}
}

// Invalid optional tags leave a working record, but what the customer
// wrote is not what receivers do (RFC 7489 section 6.3, RFC 9989 section
// 4.8: invalid values are replaced by the defaults). Every such tag is
// reported, with the fix.
func TestDMARCTagFindings(t *testing.T) {
	type tc struct {
		name   string
		record string
		mode   dmarc.Mode
		codes  []finding.Code
		sev    finding.Severity // of the first code
		msg    string           // part of the message of the first code
		fix    string           // part of its fix
	}
	tests := []tc{
		{name: "rua without mailto", record: "v=DMARC1; p=quarantine; rua=reporting@example.com",
			codes: []finding.Code{finding.CodeDMARCReportURI}, sev: finding.Warning,
			msg: "no aggregate reports will arrive", fix: "rua=mailto:reporting@example.com"},
		{name: "ruf without mailto next to a good one", record: "v=DMARC1; p=quarantine; ruf=mailto:a@example.com,b@example.com",
			codes: []finding.Code{finding.CodeDMARCReportURI}, sev: finding.Warning,
			msg: "failure reports go only to mailto:a@example.com", fix: "ruf=mailto:b@example.com"},
		// RFC 6068: a mailto URI carries an addr-spec; "mailto:x" reaches
		// nobody, and saying nothing would read as "reports will arrive".
		{name: "rua mailto without a domain", record: "v=DMARC1; p=quarantine; rua=mailto:dmarc",
			codes: []finding.Code{finding.CodeDMARCReportURI}, sev: finding.Warning,
			msg: "no aggregate reports will arrive", fix: "rua=mailto:dmarc@example.com"},
		{name: "adkim=x", record: "v=DMARC1; p=quarantine; adkim=x",
			codes: []finding.Code{finding.CodeDMARCTagInvalid}, sev: finding.Warning, msg: "adkim=x", fix: "r (relaxed) or s (strict)"},
		{name: "pct=abc, RFC 7489", record: "v=DMARC1; p=quarantine; pct=abc", mode: dmarc.RFC7489,
			codes: []finding.Code{finding.CodeDMARCTagInvalid}, sev: finding.Warning, msg: "pct=abc", fix: "a whole number from 0 to 100"},
		// In RFC 9989 pct is an unknown tag, but RFC 7489 receivers still
		// discard the bad value.
		{name: "pct=150, RFC 9989", record: "v=DMARC1; p=quarantine; pct=150",
			codes: []finding.Code{finding.CodeDMARCTagInvalid}, sev: finding.Warning, msg: "receivers following RFC 7489", fix: "a whole number from 0 to 100"},
		{name: "pct=25 for RFC 9989 receivers", record: "v=DMARC1; p=reject; pct=25",
			codes: []finding.Code{finding.CodeDMARCModeDifference}, sev: finding.Warning, msg: "all failing mail", fix: "t=y"},
		{name: "t=y for RFC 7489 receivers", record: "v=DMARC1; p=reject; t=y", mode: dmarc.RFC7489,
			codes: []finding.Code{finding.CodeDMARCModeDifference}, sev: finding.Warning, msg: "in full", fix: "pct=0"},
		{name: "ri: ignored by RFC 9989 receivers", record: "v=DMARC1; p=reject; ri=3600",
			codes: []finding.Code{finding.CodeDMARCModeDifference}, sev: finding.Info, msg: "ri"},
		{name: "p not second", record: "v=DMARC1; rua=mailto:d@example.com; p=reject",
			codes: []finding.Code{finding.CodeDMARCModeDifference}, sev: finding.Warning, msg: "RFC 7489 may refuse"},
		{name: "no p, valid rua: read as p=none", record: "v=DMARC1; rua=mailto:d@example.com",
			codes: []finding.Code{finding.CodeDMARCTagInvalid, finding.CodeDMARCPNone}, sev: finding.Warning, msg: "p=none", fix: "p tag"},
		{name: "malformed tag", record: "v=DMARC1; p=reject; adkim",
			codes: []finding.Code{finding.CodeDMARCTagInvalid}, sev: finding.Warning, msg: "malformed tag", fix: "name=value"},
		{name: "invalid np: RFC 9989 receivers cannot use it", record: "v=DMARC1; p=reject; np=block", mode: dmarc.RFC7489,
			codes: []finding.Code{finding.CodeDMARCModeDifference}, sev: finding.Warning, msg: "RFC 9989 cannot use"},
		{name: "several problems at once", record: "v=DMARC1; p=none; pct=150; adkim=x; rua=reporting@example.com",
			codes: []finding.Code{finding.CodeDMARCPNone, finding.CodeDMARCReportURI, finding.CodeDMARCTagInvalid, finding.CodeDMARCTagInvalid}, sev: finding.Info},
		{name: "clean record: nothing", record: "v=DMARC1; p=reject; rua=mailto:d@example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := fakeZone(t, okMX, okSPF, okDKIM, "_dmarc TXT \""+tt.record+"\"\n")
			rep, rr := verifyDMARC(t, r, accountSet(), tt.mode)
			want := slices.Clone(tt.codes)
			slices.Sort(want)
			if rr.Status != verify.Found || !slices.Equal(codes(rr.Findings), want) {
				t.Fatalf("%v %v, want found %v\n%s", rr.Status, codes(rr.Findings), want, rep)
			}
			if len(tt.codes) == 0 {
				return
			}
			f := rr.Findings[slices.IndexFunc(rr.Findings, func(f finding.Finding) bool { return f.Code == tt.codes[0] })]
			if f.Severity != tt.sev || !strings.Contains(f.Message, tt.msg) || !strings.Contains(f.Fix, tt.fix) {
				t.Errorf("%s: severity %v message %q fix %q; want %v, %q, %q", f.Code, f.Severity, f.Message, f.Fix, tt.sev, tt.msg, tt.fix)
			}
			if f.Severity > finding.Info && (f.Fix == "" || !strings.Contains(f.Fix, `at host "_dmarc"`)) {
				t.Errorf("%s: fix %q does not say where, in the host-field form", f.Code, f.Fix)
			}
		})
	}
}
