package verify_test

import (
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/records"
)

// adkim=s alone: the finding names the DKIM domain that does not align
// and says SPF alone can pass, in both DMARC modes.
func TestDMARCStrictDKIMOnly(t *testing.T) {
	r := fakeZone(t, okMX, okSPF, okDKIM, `_dmarc TXT "v=DMARC1; p=quarantine; adkim=s"`+"\n")
	for _, mode := range []dmarc.Mode{dmarc.RFC9989, dmarc.RFC7489} {
		v := verifier(r)
		v.DMARCMode = mode
		rep, err := v.Verify(t.Context(), accountSet())
		if err != nil {
			t.Fatal(err)
		}
		if rep.DMARCMode != mode {
			t.Errorf("report mode %v, want %v", rep.DMARCMode, mode)
		}
		got := findRecord(t, rep, records.PurposeDMARC)
		var msg string
		for _, f := range got.Findings {
			if f.Code == finding.CodeDMARCStrictAlignment {
				msg = f.Message
			}
		}
		if !strings.Contains(msg, "adkim=s") || !strings.Contains(msg, "the DKIM domain") || !strings.Contains(msg, "only SPF can pass") {
			t.Errorf("%s: strict-alignment message %q; want it to name the DKIM domain and say only SPF can pass", mode, msg)
		}
	}
}
