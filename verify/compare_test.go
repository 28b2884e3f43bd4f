package verify_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/verify"
)

// reverify verifies the account set against the zone, then applies edit to
// the customer's DNS and verifies again a day later, as a periodic
// re-verification does.
func reverify(t *testing.T, edit func(f *domainauth.FakeResolver)) (prev, cur *verify.Report) {
	t.Helper()
	r := domainauth.MustFakeResolver(providerZone + origin + okMX + okSPF + okDKIM + okDMARC + okLink)
	clock := now
	v := &verify.Verifier{Resolver: r, Clock: func() time.Time { return clock }}
	prev, err := v.Verify(context.Background(), accountSet())
	if err != nil {
		t.Fatal(err)
	}
	if prev.Status != verify.Verified {
		t.Fatalf("first check: %s, want verified\n%s", prev.Status, prev)
	}
	edit(r)
	clock = now.Add(24 * time.Hour * 5) // past the pending window
	cur, err = v.Verify(context.Background(), accountSet())
	if err != nil {
		t.Fatal(err)
	}
	return prev, cur
}

func kinds(c *verify.Comparison) []string {
	var out []string
	for _, ch := range c.Changes {
		out = append(out, ch.Kind.String()+" "+ch.Record)
	}
	return out
}

// Seed: "If you have already verified a domain but the DNS records are
// removed at a later point, this can result in your emails bouncing back
// or being filtered to spam." A removed required record is a regression
// (not "failed", which is about first verification), at error severity,
// with the fix that puts it back.
func TestCompareRecordRemoved(t *testing.T) {
	prev, cur := reverify(t, func(f *domainauth.FakeResolver) {
		f.Remove("krs._domainkey.cio123.example.com", domainauth.TypeTXT)
	})
	c := verify.Compare(prev, cur)
	if c.Status != verify.Regressed || !c.Regressed() || c.Before != verify.Verified || c.After != verify.Failed {
		t.Errorf("status %s (before %s, after %s), want regressed (verified, failed)", c.Status, c.Before, c.After)
	}
	if len(c.Changes) == 0 {
		t.Fatal("no changes")
	}
	ch := c.Changes[0]
	if ch.Kind != verify.RecordRemoved || ch.Severity != finding.Error || ch.Record != "krs._domainkey.cio123.example.com TXT" {
		t.Errorf("first change %+v, want record-removed, error, of the DKIM record", ch)
	}
	if !strings.Contains(ch.Message, "bounce or be filtered to spam") || !strings.Contains(ch.Fix, `host "krs._domainkey.cio123"`) {
		t.Errorf("message %q / fix %q: want the consequence and the host to publish at", ch.Message, ch.Fix)
	}
	if ch.Before == nil || ch.After != nil {
		t.Errorf("before %v after %v: want the old value and nothing now", ch.Before, ch.After)
	}
	// record-removed already says what the record-missing finding says:
	// it is not listed a second time.
	for _, ch := range c.Changes {
		if ch.Code == finding.CodeRecordMissing {
			t.Errorf("record-missing repeated as %s", ch.Kind)
		}
	}
}

// An optional record removed is a warning, and the domain stays verified.
func TestCompareOptionalRemoved(t *testing.T) {
	prev, cur := reverify(t, func(f *domainauth.FakeResolver) {
		f.Remove("link.example.com", domainauth.TypeCNAME)
	})
	c := verify.Compare(prev, cur)
	if c.Status != verify.Verified {
		t.Errorf("status %s, want verified", c.Status)
	}
	if len(c.Changes) == 0 || c.Changes[0].Kind != verify.RecordRemoved || c.Changes[0].Severity != finding.Warning {
		t.Errorf("changes %v, want record-removed as a warning first", kinds(c))
	}
}

// A changed value that no longer verifies (the DKIM key replaced by an old
// one) is record-changed, error.
func TestCompareRecordChanged(t *testing.T) {
	prev, cur := reverify(t, func(f *domainauth.FakeResolver) {
		f.Remove("krs._domainkey.cio123.example.com", domainauth.TypeTXT)
		if err := f.AddZone("krs._domainkey.cio123.example.com. TXT " + txtStrings("v=DKIM1; k=rsa; p="+keyB) + "\n"); err != nil {
			t.Fatal(err)
		}
	})
	c := verify.Compare(prev, cur)
	if c.Status != verify.Regressed {
		t.Errorf("status %s, want regressed", c.Status)
	}
	ch := c.Changes[0]
	if ch.Kind != verify.RecordChanged || ch.Severity != finding.Error || ch.Fix == "" {
		t.Errorf("first change %+v, want record-changed, error, with a fix", ch)
	}
}

// A DNS failure at re-verification is not a regression: the record is
// unknown, the domain undetermined.
func TestCompareTemporaryFailure(t *testing.T) {
	prev, cur := reverify(t, func(f *domainauth.FakeResolver) {
		f.Fail("cio123.example.com", domainauth.TypeMX, domainauth.FailServFail)
	})
	c := verify.Compare(prev, cur)
	if c.Status != verify.Undetermined || c.Regressed() {
		t.Errorf("status %s, want undetermined", c.Status)
	}
	if len(c.Changes) == 0 || c.Changes[0].Kind != verify.RecordUnknown || c.Changes[0].Severity != finding.Warning {
		t.Errorf("changes %v, want record-unknown (warning) first", kinds(c))
	}
}

// Comparing the other way round shows the recovery, and the resolved
// finding; an unchanged domain has no changes.
func TestCompareRecoveredAndUnchanged(t *testing.T) {
	prev, cur := reverify(t, func(f *domainauth.FakeResolver) {
		f.Remove("cio123.example.com", domainauth.TypeMX)
	})
	back := verify.Compare(cur, prev)
	if back.Status != verify.Verified {
		t.Errorf("status %s, want verified", back.Status)
	}
	want := []string{"record-recovered cio123.example.com MX"}
	if got := kinds(back); !cmp.Equal(got, want) {
		t.Errorf("changes %v, want %v", got, want)
	}
	for _, ch := range back.Changes {
		if ch.Severity != finding.Info {
			t.Errorf("change %s is %s, want info", ch.Kind, ch.Severity)
		}
	}
	if same := verify.Compare(prev, prev); len(same.Changes) != 0 || same.Status != verify.Verified {
		t.Errorf("a report compared with itself: %s %v", same.Status, kinds(same))
	}
}

// The caller stores the previous report as JSON: a report read back from
// its JSON compares as the original, and the comparison's JSON carries the
// documented strings.
func TestCompareJSON(t *testing.T) {
	prev, cur := reverify(t, func(f *domainauth.FakeResolver) {
		f.Remove("cio123.example.com", domainauth.TypeMX)
	})
	stored, err := json.Marshal(prev)
	if err != nil {
		t.Fatal(err)
	}
	var back verify.Report
	if err := json.Unmarshal(stored, &back); err != nil {
		t.Fatal(err)
	}
	want := verify.Compare(prev, cur)
	got := verify.Compare(&back, cur)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("comparison with the stored report differs (-want +got):\n%s", diff)
	}
	js, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"status":"regressed"`, `"before":"verified"`, `"kind":"record-removed"`, `"severity":"error"`} {
		if !strings.Contains(string(js), s) {
			t.Errorf("JSON lacks %s:\n%s", s, js)
		}
	}
	var round verify.Comparison
	if err := json.Unmarshal(js, &round); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, &round); diff != "" {
		t.Errorf("JSON round trip differs:\n%s", diff)
	}
	if txt := got.String(); !strings.HasPrefix(txt, "example.com: regressed (was verified, now failed)\n") || !strings.Contains(txt, "fix: ") {
		t.Errorf("text form:\n%s", txt)
	}
}

// A DMARC record edited to strict alignment: the optional record changed
// (warning), a new error finding with its fix, and the p=none note is
// resolved. The domain itself stays verified.
func TestCompareFindingNewAndResolved(t *testing.T) {
	prev, cur := reverify(t, func(f *domainauth.FakeResolver) {
		f.Remove("_dmarc.example.com", domainauth.TypeTXT)
		if err := f.AddZone("_dmarc.example.com. TXT \"v=DMARC1; p=reject; adkim=s; aspf=s\"\n"); err != nil {
			t.Fatal(err)
		}
	})
	c := verify.Compare(prev, cur)
	want := []string{
		"record-changed _dmarc.example.com TXT",
		"finding-new _dmarc.example.com TXT",
		"finding-resolved _dmarc.example.com TXT",
	}
	if diff := cmp.Diff(want, kinds(c)); diff != "" {
		t.Fatalf("changes (-want +got):\n%s", diff)
	}
	if c.Status != verify.Verified {
		t.Errorf("status %s, want verified (DMARC is optional here)", c.Status)
	}
	if ch := c.Changes[0]; ch.Severity != finding.Warning {
		t.Errorf("optional record changed: %s, want warning", ch.Severity)
	}
	if ch := c.Changes[1]; ch.Code != finding.CodeDMARCStrictAlignment || ch.Severity != finding.Error || ch.Fix == "" {
		t.Errorf("new finding %+v, want dmarc-strict-alignment, error, with its fix", ch)
	}
	if ch := c.Changes[2]; ch.Code != finding.CodeDMARCPNone || ch.Severity != finding.Info {
		t.Errorf("resolved finding %+v, want dmarc-p-none as info", ch)
	}
}
