package receive_test

import (
	"context"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/receive"
	"github.com/domainauth/domainauth/spf"
)

// TestSPFAloneAligns checks that an SPF pass for an aligned MAIL FROM
// domain is enough for DMARC: RFC 7489 section 4.2 and RFC 9989 section
// 4.4 pass a message when either authenticated identifier is aligned. The
// message carries no DKIM-Signature, so SPF is the only way to pass; an
// unaligned envelope domain must fail and take the p=reject policy.
func TestSPFAloneAligns(t *testing.T) {
	w := newWorld(t)
	r := receive.Receiver{AuthServID: "mx.example.net", Resolver: w.res}

	res, err := r.Authenticate(context.Background(), strings.NewReader(authorMessage), authorEnv)
	if err != nil {
		t.Fatal(err)
	}
	if res.SPF.Result != spf.Pass || len(res.DKIM) != 0 {
		t.Fatalf("setup: SPF %v, DKIM %+v; want pass and no signature", res.SPF.Result, res.DKIM)
	}
	if res.DMARC.Status != dmarc.StatusPass || res.DMARC.Disposition != dmarc.None {
		t.Errorf("aligned SPF pass alone: DMARC %+v, want pass with no disposition", res.DMARC)
	}

	// SkipSPF leaves DMARC with no aligned pass at all.
	r.SkipSPF = true
	res, err = r.Authenticate(context.Background(), strings.NewReader(authorMessage), authorEnv)
	if err != nil {
		t.Fatal(err)
	}
	if res.DMARC.Status != dmarc.StatusFail || res.DMARC.Disposition != dmarc.Reject {
		t.Errorf("no SPF, no DKIM: DMARC %+v, want fail with reject", res.DMARC)
	}
}
