package verify_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/verify"
)

// TestSPFMXThroughRunCache: the SPF analysis asks its MX questions
// through the run's cache like every other lookup, and gets the answer:
// an mx mechanism naming a host with more MX names than receivers look
// at (10) makes the published record fail, which verify reports as the
// lookup limit.
func TestSPFMXThroughRunCache(t *testing.T) {
	var mx strings.Builder
	for i := range 11 {
		fmt.Fprintf(&mx, "big.example.net. MX 10 mx%d.example.net.\n", i)
	}
	r := fakeZone(t, okMX, okDKIM, okDMARC, okLink, mx.String(),
		"cio123 TXT \"v=spf1 include:_spf.provider.net mx:big.example.net ~all\"\n")
	rep, err := verifier(r).Verify(t.Context(), accountSet())
	if err != nil {
		t.Fatal(err)
	}
	spfRes := rep.Records[1]
	if spfRes.Status != verify.Mismatch || !slices.Contains(codes(spfRes.Findings), finding.CodeSPFLookupLimit) {
		t.Errorf("spf %v %v, want mismatch with %s", spfRes.Status, codes(spfRes.Findings), finding.CodeSPFLookupLimit)
	}
}
