package verify_test

import (
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/finding"
)

// TestDMARCForeignRecordFix: under RFC 9989 the tree walk reads the
// record of the public suffix (_dmarc.com) when the domain has none. What
// is wrong with that record is worth saying, but the customer cannot edit
// it: every fix must tell them to publish their own record at their host
// field (which receivers read first), never to edit _dmarc.com.
func TestDMARCForeignRecordFix(t *testing.T) {
	for _, rec := range []string{
		`"v=DMARC1; p=block"`,                 // unusable
		`"v=DMARC1; p=none; adkim=s; aspf=s"`, // strict alignment
		`"v=DMARC1; p=none; rua=nobody"`,      // bad tag
		`"v=DMARC1; p=none" "; pct=150"`,      // bad value
	} {
		rep, rr := verifyDMARC(t, fakeZone(t, okMX, okSPF, okDKIM, "_dmarc.com. TXT "+rec+"\n"), accountSet(), dmarc.RFC9989)
		n := 0
		for _, f := range rr.Findings {
			if f.Fix == "" || f.Code == finding.CodeDMARCPNone {
				continue
			}
			n++
			if strings.Contains(f.Fix, "_dmarc.com\"") || strings.Contains(f.Fix, "Edit the TXT record at _dmarc.com") || !strings.Contains(f.Fix, `host "_dmarc"`) {
				t.Errorf("%s: finding %s: fix %q, want one that publishes the customer's own record at host \"_dmarc\"", rec, f.Code, f.Fix)
			}
		}
		if n == 0 {
			t.Errorf("%s: no finding with a fix\n%s", rec, rep)
		}
	}
}
