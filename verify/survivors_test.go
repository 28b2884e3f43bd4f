package verify_test

import (
	"strings"
	"testing"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/records"
	"github.com/domainauth/domainauth/verify"
)

// A TXT record made of a single quote character is neither quoted SPF nor
// a crash.
func TestSPFLoneQuote(t *testing.T) {
	rep, err := verifier(fakeZone(t, okMX, okSPF, okDKIM, `cio123 TXT "\""`+"\n")).Verify(t.Context(), accountSet())
	if err != nil {
		t.Fatal(err)
	}
	if rr := findRecord(t, rep, records.PurposeSPF); rr.Status != verify.Found {
		t.Errorf("SPF %s:\n%s", rr.Status, rep)
	}
}

// Messages name the record by its purpose: "no SPF record", not "no TXT
// record".
func TestMissingNamesPurpose(t *testing.T) {
	rep, err := verifier(fakeZone(t, okMX, okDKIM)).Verify(t.Context(), accountSet())
	if err != nil {
		t.Fatal(err)
	}
	rr := findRecord(t, rep, records.PurposeSPF)
	if len(rr.Findings) == 0 || !strings.Contains(rr.Findings[0].Message, "no SPF record found at cio123.example.com") {
		t.Errorf("findings %+v", rr.Findings)
	}
}

// redirect= stands in for the include only when the record has no "all"
// (RFC 7208 section 6.1: redirect is ignored when all is present), also
// when all is the first term.
func TestSPFRedirectIgnoredAfterAll(t *testing.T) {
	rep, err := verifier(fakeZone(t, okMX, okDKIM, `cio123 TXT "v=spf1 -all redirect=_spf.provider.net"`+"\n")).Verify(t.Context(), accountSet())
	if err != nil {
		t.Fatal(err)
	}
	rr := findRecord(t, rep, records.PurposeSPF)
	if rr.Status != verify.Mismatch || len(rr.Findings) == 0 || rr.Findings[0].Code != finding.CodeSPFIncludeMissing {
		t.Errorf("%s %v, want mismatch spf-include-missing\n%s", rr.Status, codes(rr.Findings), rep)
	}
}

// A removed record's change carries the fix of the finding that explains
// it (record-missing, with the DNS hosts' quirks), not only a generic one.
func TestCompareFixFromFinding(t *testing.T) {
	prev, cur := reverify(t, func(f *domainauth.FakeResolver) {
		f.Remove("cio123.example.com", domainauth.TypeMX)
	})
	c := verify.Compare(prev, cur)
	rr := findRecord(t, cur, records.PurposeReturnPath)
	if len(c.Changes) == 0 || len(rr.Findings) == 0 || c.Changes[0].Fix != rr.Findings[0].Fix {
		t.Errorf("changes %+v, want the fix %q", c.Changes, rr.Findings)
	}
}
