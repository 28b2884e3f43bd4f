package authres

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/spf"
)

// Every SPF result maps to the DMARC auth result of the same name (RFC
// 7208 section 2.6 names them; RFC 7489 section 11.2 takes them as they
// are).
func TestSPFForDMARC(t *testing.T) {
	for r, want := range map[spf.Result]dmarc.AuthResult{
		spf.None: dmarc.AuthNone, spf.Neutral: dmarc.AuthNeutral, spf.Pass: dmarc.AuthPass,
		spf.Fail: dmarc.AuthFail, spf.SoftFail: dmarc.AuthSoftFail,
		spf.TempError: dmarc.AuthTempError, spf.PermError: dmarc.AuthPermError,
	} {
		got := SPFForDMARC(spf.Outcome{Result: r}, "bounce.example.com")
		if got != (dmarc.SPFResult{Domain: "bounce.example.com", Result: want}) {
			t.Errorf("%v: %+v, want %s", r, got, want)
		}
		if string(want) != r.String() {
			t.Errorf("%v prints %q, DMARC result %q", r, r.String(), want)
		}
	}
}

// Each DKIM status maps to its RFC 8601 result; a result whose signature
// could not be parsed (no domain) is left out, since it cannot align.
func TestDKIMForDMARC(t *testing.T) {
	sig := func(d string) *dkim.Signature { return &dkim.Signature{Domain: d, Selector: "s1"} }
	got := DKIMForDMARC(
		dkim.Result{Status: dkim.Pass, Signature: sig("a.example")},
		dkim.Result{Status: dkim.Fail, Signature: sig("b.example")},
		dkim.Result{Status: dkim.PermError},
		dkim.Result{Status: dkim.PermError, Signature: &dkim.Signature{}},
		dkim.Result{Status: dkim.TempError, Signature: sig("c.example")},
		dkim.Result{Status: dkim.PermError, Signature: sig("d.example")},
		dkim.Result{Status: dkim.Neutral, Signature: sig("e.example")},
		dkim.Result{Signature: sig("f.example")},
	)
	want := []dmarc.DKIMResult{
		{Domain: "a.example", Selector: "s1", Result: dmarc.AuthPass},
		{Domain: "b.example", Selector: "s1", Result: dmarc.AuthFail},
		{Domain: "c.example", Selector: "s1", Result: dmarc.AuthTempError},
		{Domain: "d.example", Selector: "s1", Result: dmarc.AuthPermError},
		{Domain: "e.example", Selector: "s1", Result: dmarc.AuthNeutral},
		{Domain: "f.example", Selector: "s1", Result: dmarc.AuthNone},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	in := DMARCInput("example.com", spf.Outcome{Result: spf.Pass}, "bounce.example.com", []dkim.Result{{Status: dkim.Pass, Signature: sig("example.com")}})
	wantIn := dmarc.Input{FromDomain: "example.com", SPF: dmarc.SPFResult{Domain: "bounce.example.com", Result: dmarc.AuthPass},
		DKIM: []dmarc.DKIMResult{{Domain: "example.com", Selector: "s1", Result: dmarc.AuthPass}}}
	if diff := cmp.Diff(wantIn, in); diff != "" {
		t.Errorf("DMARCInput (-want +got):\n%s", diff)
	}
}
