package verify_test

import (
	"context"
	"net"
	"net/netip"
	"strings"
	"testing"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/records"
	"github.com/domainauth/domainauth/verify"
)

// RecordChanged's documentation: a record whose value changed while it
// still verifies is a change, at Info severity ("has a new value that
// still verifies").
func TestCompareValueChangedStillVerifies(t *testing.T) {
	prev, cur := reverify(t, func(f *domainauth.FakeResolver) {
		f.Remove("cio123.example.com", domainauth.TypeTXT)
		if err := f.AddZone(`cio123.example.com. TXT "v=spf1 include:_spf.provider.net -all"` + "\n"); err != nil {
			t.Fatal(err)
		}
	})
	if rr := findRecord(t, cur, records.PurposeSPF); rr.Status != verify.Found {
		t.Fatalf("SPF %s after the edit, want found\n%s", rr.Status, cur)
	}
	c := verify.Compare(prev, cur)
	for _, ch := range c.Changes {
		if ch.Record == "cio123.example.com TXT" && ch.Kind == verify.RecordChanged {
			if ch.Severity != finding.Info || !strings.Contains(ch.Message, "still verifies") {
				t.Errorf("change %+v, want info, still verifies", ch)
			}
			return
		}
	}
	t.Errorf("no record-changed for the SPF record: %v", kinds(c))
}

// lookupOnly is a Resolver without the raw query: verify sees CNAMEs only
// through LookupCNAME, which (as net.Resolver does) returns the name itself
// for a name with addresses and no CNAME.
type lookupOnly struct{ r *domainauth.FakeResolver }

func (l lookupOnly) LookupTXT(ctx context.Context, name string) ([]string, error) {
	return l.r.LookupTXT(ctx, name)
}
func (l lookupOnly) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	return l.r.LookupMX(ctx, name)
}
func (l lookupOnly) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	return l.r.LookupNetIP(ctx, network, host)
}
func (l lookupOnly) LookupAddr(ctx context.Context, addr string) ([]string, error) {
	return l.r.LookupAddr(ctx, addr)
}
func (l lookupOnly) LookupCNAME(ctx context.Context, host string) (string, error) {
	return l.r.LookupCNAME(ctx, host)
}

// Without the raw query: the tracking CNAME to the provider is Found, and a
// name answering with addresses instead (a proxy) is reported as proxied,
// with the addresses, not as a CNAME pointing at itself.
func TestTrackingCNAMEWithoutRawQuery(t *testing.T) {
	for _, tc := range []struct {
		name, zone string
		status     verify.RecordStatus
		code       finding.Code
		found      string
	}{
		{"cname", okLink, verify.Found, "", "e.provider.net"},
		{"proxied", "link A 203.0.113.7\n", verify.Mismatch, finding.CodeCNAMEProxied, "203.0.113.7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := verifier(lookupOnly{fakeZone(t, okMX, okSPF, okDKIM, okDMARC, tc.zone)}).Verify(t.Context(), accountSet())
			if err != nil {
				t.Fatal(err)
			}
			rr := findRecord(t, rep, records.PurposeTracking)
			if rr.Status != tc.status || len(rr.Found) != 1 || rr.Found[0] != tc.found {
				t.Fatalf("%s %v, want %s %s\n%s", rr.Status, rr.Found, tc.status, tc.found, rep)
			}
			if tc.code != "" && (len(rr.Findings) == 0 || rr.Findings[0].Code != tc.code) {
				t.Errorf("findings %v, want %s", codes(rr.Findings), tc.code)
			}
		})
	}
}

// RFC 9989 section 5.3's t=y asks for the next weaker policy; RFC 7489
// receivers do not know t and apply the policy in full, a warning with the
// pct=0 fix. t=n asks for nothing weaker, and other RFC 9989 tags next to
// t=y stay at Info.
func TestDMARCTestingForRFC7489Receivers(t *testing.T) {
	for _, tc := range []struct {
		record, subject string
		sev             finding.Severity
	}{
		{"v=DMARC1; p=reject; t=y", ": t is", finding.Warning},
		{"v=DMARC1; p=reject; t=n", ": t is", finding.Info},
		{"v=DMARC1; p=reject; t=y; np=reject", ": np is", finding.Info},
	} {
		r := fakeZone(t, okMX, okSPF, okDKIM, "_dmarc TXT \""+tc.record+"\"\n")
		_, rr := verifyDMARC(t, r, accountSet(), dmarc.RFC9989)
		var got *finding.Finding
		for i, f := range rr.Findings {
			if f.Code == finding.CodeDMARCModeDifference && strings.Contains(f.Message, tc.subject) {
				got = &rr.Findings[i]
			}
		}
		if got == nil {
			t.Errorf("%s: no mode difference for %s: %+v", tc.record, tc.subject, rr.Findings)
			continue
		}
		if got.Severity != tc.sev {
			t.Errorf("%s: %s severity %v, want %v (%q)", tc.record, tc.subject, got.Severity, tc.sev, got.Message)
		}
		if tc.sev == finding.Warning && (!strings.Contains(got.Message, "in full") || !strings.Contains(got.Fix, "pct=0")) {
			t.Errorf("%s: message %q fix %q, want in full / pct=0", tc.record, got.Message, got.Fix)
		}
	}
}

// RFC 7489 section 3.1.2 (RFC 9989 alike): under aspf=s the return path
// cio123.example.com does not align with example.com, under adkim=s the
// DKIM domain neither. The finding names the tags that cause it, so the
// customer knows what to edit.
func TestDMARCStrictAlignmentNamesTags(t *testing.T) {
	for _, tc := range []struct {
		record   string
		want     []string
		unwanted string
	}{
		{"v=DMARC1; p=none; aspf=s", []string{"has aspf=s", "the return path cio123.example.com does not align"}, "adkim=s"},
		{"v=DMARC1; p=none; adkim=s", []string{"has adkim=s", "the DKIM domain cio123.example.com does not align"}, "aspf=s"},
		{"v=DMARC1; p=none; adkim=s; aspf=s", []string{"has adkim=s and aspf=s"}, ""},
	} {
		r := fakeZone(t, okMX, okSPF, okDKIM, "_dmarc TXT \""+tc.record+"\"\n")
		rep, err := verifier(r).Verify(t.Context(), accountSet())
		if err != nil {
			t.Fatal(err)
		}
		var msg string
		for _, f := range findRecord(t, rep, records.PurposeDMARC).Findings {
			if f.Code == finding.CodeDMARCStrictAlignment {
				msg = f.Message
			}
		}
		for _, w := range tc.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: strict-alignment message %q, want %q in it", tc.record, msg, w)
			}
		}
		if tc.unwanted != "" && strings.Contains(msg, tc.unwanted) {
			t.Errorf("%s: strict-alignment message %q names %s, which the record does not have", tc.record, msg, tc.unwanted)
		}
	}
}
