package domainauth_test

import (
	"fmt"
	"testing"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/arc"
	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/reports"
	"github.com/domainauth/domainauth/spf"
	"github.com/domainauth/domainauth/tracking"
	"github.com/domainauth/domainauth/verify"
)

// TestEnumStrings pins the text of every enum of the module, the values
// outside each enum included: these strings are in JSON, in
// Authentication-Results and Received-SPF fields and in reports, so a
// table written once must say exactly what the hand-written methods said.
func TestEnumStrings(t *testing.T) {
	for _, c := range []struct {
		v    fmt.Stringer
		want string
	}{
		{dkim.Status(0), "Status(0)"}, {dkim.Pass, "pass"}, {dkim.Fail, "fail"}, {dkim.Neutral, "neutral"},
		{dkim.TempError, "temperror"}, {dkim.PermError, "permerror"}, {dkim.Status(6), "Status(6)"}, {dkim.Status(-1), "Status(-1)"},

		{spf.None, "none"}, {spf.Neutral, "neutral"}, {spf.Pass, "pass"}, {spf.Fail, "fail"}, {spf.SoftFail, "softfail"},
		{spf.TempError, "temperror"}, {spf.PermError, "permerror"}, {spf.Result(7), "Result(7)"}, {spf.Result(255), "Result(255)"},
		{spf.QualifierPass, "+"}, {spf.QualifierFail, "-"}, {spf.QualifierSoftFail, "~"}, {spf.QualifierNeutral, "?"},
		{spf.Qualifier(4), "+"}, {spf.Qualifier(200), "+"},
		{spf.Kind(0), "Kind(0)"}, {spf.KindAll, "all"}, {spf.KindInclude, "include"}, {spf.KindA, "a"}, {spf.KindMX, "mx"},
		{spf.KindPTR, "ptr"}, {spf.KindIP4, "ip4"}, {spf.KindIP6, "ip6"}, {spf.KindExists, "exists"},
		{spf.KindRedirect, "redirect"}, {spf.KindExp, "exp"}, {spf.KindModifier, "modifier"}, {spf.Kind(12), "Kind(12)"},

		{arc.ChainStatus(0), "ChainStatus(0)"}, {arc.None, "none"}, {arc.Fail, "fail"}, {arc.Pass, "pass"}, {arc.ChainStatus(4), "ChainStatus(4)"},

		{dmarc.RFC9989, "rfc9989"}, {dmarc.RFC7489, "rfc7489"}, {dmarc.Mode(2), "Mode(2)"}, {dmarc.Mode(255), "Mode(255)"},
		{dmarc.DiscoveryNone, "none"}, {dmarc.DiscoveryAuthor, "author-domain"}, {dmarc.DiscoveryOrgDomain, "organizational-domain"},
		{dmarc.DiscoveryTreeWalk, "tree-walk"}, {dmarc.DiscoveryPSD, "public-suffix-domain"}, {dmarc.Discovery(5), "none"}, {dmarc.Discovery(-1), "none"},

		{finding.Severity(0), "Severity(0)"}, {finding.Info, "info"}, {finding.Warning, "warning"}, {finding.Error, "error"}, {finding.Severity(4), "Severity(4)"},

		{tracking.StatusUnknown, "unknown"}, {tracking.StatusGreen, "green"}, {tracking.StatusRed, "red"}, {tracking.Status(3), "unknown"}, {tracking.Status(-1), "unknown"},
		{tracking.CNAMEUnknown, "unknown"}, {tracking.CNAMEOK, "ok"}, {tracking.CNAMEMissing, "missing"}, {tracking.CNAMEWrongTarget, "wrong-target"},
		{tracking.CNAMEProxied, "proxied"}, {tracking.CNAMEStatus(5), "unknown"},

		{reports.Kind(0), "Kind(0)"}, {reports.KindAggregate, "aggregate"}, {reports.KindFailure, "failure"}, {reports.KindTLS, "smtp_tls"}, {reports.Kind(4), "Kind(4)"},

		{domainauth.Failure(0), "Failure(0)"}, {domainauth.FailTimeout, "timeout"}, {domainauth.FailServFail, "SERVFAIL"},
		{domainauth.FailRefused, "REFUSED"}, {domainauth.FailHang, "hang"}, {domainauth.Failure(5), "Failure(5)"},

		{verify.Unverified, "unverified"}, {verify.Verified, "verified"}, {verify.Pending, "pending"}, {verify.Failed, "failed"},
		{verify.Undetermined, "undetermined"}, {verify.Regressed, "regressed"}, {verify.Status(6), "Status(6)"},
		{verify.Missing, "missing"}, {verify.Found, "found"}, {verify.Mismatch, "mismatch"}, {verify.Error, "error"}, {verify.RecordStatus(4), "RecordStatus(4)"},
	} {
		if got := c.v.String(); got != c.want {
			t.Errorf("%T(%v) = %q, want %q", c.v, c.v, got, c.want)
		}
	}
}

// TestEnumTextCase: dmarc.Mode reads any case, as ParseMode always has;
// the JSON vocabularies of finding and verify read only their own
// spelling. Errors name the valid spellings.
func TestEnumTextCase(t *testing.T) {
	for _, s := range []string{"rfc7489", "RFC7489", "Rfc7489"} {
		if m, err := dmarc.ParseMode(s); err != nil || m != dmarc.RFC7489 {
			t.Errorf("ParseMode(%q) = %v, %v", s, m, err)
		}
	}
	if _, err := dmarc.ParseMode("rfc1234"); err == nil || err.Error() != `dmarc: unknown mode "rfc1234" (want rfc9989 or rfc7489)` {
		t.Errorf("ParseMode(rfc1234): %v", err)
	}
	var sev finding.Severity
	if err := sev.UnmarshalText([]byte("Error")); err == nil || err.Error() != `finding: unknown severity "Error" (want info, warning or error)` {
		t.Errorf("Severity from Error: %v, %v", sev, err)
	}
	if _, err := finding.Severity(0).MarshalText(); err == nil || err.Error() != "finding: invalid severity 0 (want info, warning or error)" {
		t.Errorf("Severity(0).MarshalText: %v", err)
	}
	var st verify.Status
	if err := st.UnmarshalText([]byte("Verified")); err == nil {
		t.Error("verify.Status read Verified")
	}
}
