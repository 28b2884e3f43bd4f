package verify_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/records"
	"github.com/domainauth/domainauth/verify"
)

// A policy published at a parent of the From domain that is not its
// organizational domain: RFC 7489 discovery (the From domain, then the
// organizational domain from the public suffix list) does not see it; the
// RFC 9989 tree walk (every parent, up to eight names) does.
func TestDMARCTreeWalk(t *testing.T) {
	set := accountSet()
	set.FromAddress = "news@mail.corp.example.com"
	for i, r := range set.Records {
		if r.Purpose == records.PurposeDMARC {
			set.Records[i].FQDN, set.Records[i].Name = "_dmarc.mail.corp.example.com", "_dmarc.mail.corp"
		}
	}
	r := fakeZone(t, okMX, okSPF, okDKIM, `_dmarc.corp TXT "v=DMARC1; p=reject"`+"\n")

	v := verifier(r)
	v.DMARCMode = dmarc.RFC7489
	rep, err := v.Verify(t.Context(), set)
	if err != nil {
		t.Fatal(err)
	}
	if rep.DMARCMode != dmarc.RFC7489 {
		t.Errorf("report mode %v, want rfc7489", rep.DMARCMode)
	}
	got := findRecord(t, rep, records.PurposeDMARC)
	if got.Status != verify.Missing || len(got.Findings) == 0 || got.Findings[0].Code != finding.CodeDMARCMissing {
		t.Fatalf("RFC 7489 discovery: %v %v, want Missing with %s", got.Status, got.Findings, finding.CodeDMARCMissing)
	}
	if msg := got.Findings[0].Message; !strings.Contains(msg, "_dmarc.mail.corp.example.com or _dmarc.example.com") {
		t.Errorf("RFC 7489 discovery: message %q does not name the two names it queried", msg)
	}

	// RFC 9989, the default.
	v = verifier(r)
	rep, err = v.Verify(t.Context(), set)
	if err != nil {
		t.Fatal(err)
	}
	if rep.DMARCMode != dmarc.RFC9989 {
		t.Errorf("report mode %v, want rfc9989", rep.DMARCMode)
	}
	if b, err := json.Marshal(rep); err != nil || !strings.Contains(string(b), `"dmarc_mode":"rfc9989"`) {
		t.Errorf("JSON report %s (%v) does not name the mode", b, err)
	}
	got = findRecord(t, rep, records.PurposeDMARC)
	if got.Status != verify.Found || len(got.Found) != 1 || got.Found[0] != "v=DMARC1; p=reject" {
		t.Fatalf("tree walk: %v %q %v, want Found v=DMARC1; p=reject", got.Status, got.Found, got.Findings)
	}

	// Nothing anywhere: the message names every name the walk asked.
	v.Resolver = fakeZone(t, okMX, okSPF, okDKIM)
	rep, err = v.Verify(t.Context(), set)
	if err != nil {
		t.Fatal(err)
	}
	got = findRecord(t, rep, records.PurposeDMARC)
	want := "_dmarc.mail.corp.example.com, _dmarc.corp.example.com, _dmarc.example.com or _dmarc.com"
	if got.Status != verify.Missing || len(got.Findings) == 0 || !strings.Contains(got.Findings[0].Message, want) {
		t.Errorf("tree walk, no record: %v %v, want Missing naming %s", got.Status, got.Findings, want)
	}
}
