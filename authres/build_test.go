package authres_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/domainauth/domainauth/authres"
	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/spf"
)

func TestSPF(t *testing.T) {
	dnsErr := fmt.Errorf("%w: example.com: timeout", spf.ErrDNS)
	tests := []struct {
		name string
		got  R
		want R
	}{
		// RFC 7208 section 9.2: the results map one to one.
		{"pass, address", authres.SPFMailFrom(spf.Outcome{Result: spf.Pass}, "bounce@esp.example"),
			R{Method: "spf", Value: "pass", Properties: []P{{"smtp", "mailfrom", "bounce@esp.example"}}}},
		{"softfail, domain", authres.SPFMailFrom(spf.Outcome{Result: spf.SoftFail}, "esp.example"),
			R{Method: "spf", Value: "softfail", Properties: []P{{"smtp", "mailfrom", "esp.example"}}}},
		{"none, no identity", authres.SPFMailFrom(spf.Outcome{}, ""),
			R{Method: "spf", Value: "none"}},
		{"helo", authres.SPFHELO(spf.Outcome{Result: spf.Neutral}, "mta1.esp.example"),
			R{Method: "spf", Value: "neutral", Properties: []P{{"smtp", "helo", "mta1.esp.example"}}}},
		{"temperror says why", authres.SPFMailFrom(spf.Outcome{Result: spf.TempError, Err: dnsErr}, "a@example.com"),
			R{Method: "spf", Value: "temperror", Reason: dnsErr.Error(), Properties: []P{{"smtp", "mailfrom", "a@example.com"}}}},
		{"fail: the explanation is not copied", authres.SPFMailFrom(spf.Outcome{Result: spf.Fail, Explanation: "go away"}, "a@example.com"),
			R{Method: "spf", Value: "fail", Properties: []P{{"smtp", "mailfrom", "a@example.com"}}}},
		// Only temperror and permerror carry the error as a reason; an
		// error state without an error carries none.
		{"fail: an error is not the reason", authres.SPFMailFrom(spf.Outcome{Result: spf.Fail, Err: dnsErr}, "a@example.com"),
			R{Method: "spf", Value: "fail", Properties: []P{{"smtp", "mailfrom", "a@example.com"}}}},
		{"temperror without an error", authres.SPFMailFrom(spf.Outcome{Result: spf.TempError}, ""),
			R{Method: "spf", Value: "temperror"}},
		{"unknown result", authres.SPFMailFrom(spf.Outcome{Result: spf.Result(42)}, ""),
			R{Method: "spf", Value: "permerror", Reason: "unknown SPF result Result(42)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if d := cmp.Diff(tc.want, tc.got); d != "" {
				t.Errorf("mismatch (-want +got):\n%s", d)
			}
			roundTrip(t, &H{AuthServID: "mx.example", Results: []R{tc.got}})
		})
	}
}

func sigBytes(t *testing.T, b64 string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDKIM(t *testing.T) {
	if d := cmp.Diff([]R{{Method: "dkim", Value: "none"}}, authres.DKIM()); d != "" {
		t.Errorf("no signature (-want +got):\n%s", d)
	}

	// RFC 6008 Appendix A.1: two signatures by newyork.example.com, told
	// apart by the first 8 characters of b=.
	good := &dkim.Signature{Domain: "newyork.example.com", Selector: "s1", Algorithm: dkim.RSASHA256, Signature: sigBytes(t, "oINEO8hgn/z9aM1v")}
	bad := &dkim.Signature{Domain: "newyork.example.com", Selector: "s2", Identity: "news@newyork.example.com", Algorithm: dkim.Ed25519SHA256, Signature: sigBytes(t, "EToRSuvUkJs=")}
	got := authres.DKIM(
		dkim.Result{Status: dkim.Pass, Signature: good},
		dkim.Result{Status: dkim.Fail, Signature: bad, Err: dkim.ErrBodyHashMismatch},
	)
	want := []R{
		{Method: "dkim", Value: "pass", Properties: []P{{"header", "d", "newyork.example.com"}, {"header", "s", "s1"}, {"header", "a", "rsa-sha256"}, {"header", "b", "oINEO8hg"}}},
		{Method: "dkim", Value: "fail", Reason: dkim.ErrBodyHashMismatch.Error(), Properties: []P{{"header", "d", "newyork.example.com"}, {"header", "i", "news@newyork.example.com"}, {"header", "s", "s2"}, {"header", "a", "ed25519-sha256"}, {"header", "b", "EToRSuvU"}}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("RFC 6008 pair (-want +got):\n%s", d)
	}
	roundTrip(t, &H{AuthServID: "mail-router.example.net", Results: got})

	// Signatures with the same first 8 characters get longer prefixes,
	// just long enough to differ; a short signature is given whole.
	got = authres.DKIM(
		dkim.Result{Status: dkim.Pass, Signature: &dkim.Signature{Domain: "a.example", Signature: sigBytes(t, "AAAAAAAAAAAB")}},
		dkim.Result{Status: dkim.Pass, Signature: &dkim.Signature{Domain: "a.example", Signature: sigBytes(t, "AAAAAAAAAAAC")}},
		dkim.Result{Status: dkim.Pass, Signature: &dkim.Signature{Domain: "a.example", Signature: sigBytes(t, "AAAAAAAAzzzz")}},
		dkim.Result{Status: dkim.Pass, Signature: &dkim.Signature{Domain: "a.example", Signature: sigBytes(t, "AAAA")}},
	)
	var bs []string
	for _, r := range got {
		b, _ := r.Get("header", "b")
		bs = append(bs, b)
	}
	if d := cmp.Diff([]string{"AAAAAAAAAAAB", "AAAAAAAAAAAC", "AAAAAAAAz", "AAAA"}, bs); d != "" {
		t.Errorf("header.b prefixes (-want +got):\n%s", d)
	}

	// A field too broken to parse: no properties, the error as reason; an
	// unknown status is neutral, RFC 8601's catch-all.
	got = authres.DKIM(
		dkim.Result{Status: dkim.PermError, Err: dkim.ErrSignatureSyntax},
		dkim.Result{},
	)
	// A signature with one property known has that one.
	if d := cmp.Diff([]R{{Method: "dkim", Value: "pass", Properties: []P{{"header", "d", "a.example"}}}},
		authres.DKIM(dkim.Result{Status: dkim.Pass, Signature: &dkim.Signature{Domain: "a.example"}})); d != "" {
		t.Errorf("one property (-want +got):\n%s", d)
	}
	want = []R{
		{Method: "dkim", Value: "permerror", Reason: dkim.ErrSignatureSyntax.Error()},
		{Method: "dkim", Value: "neutral"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("broken and unknown (-want +got):\n%s", d)
	}
}

func TestDMARC(t *testing.T) {
	perm := errors.New("dmarc: p=bogus")
	tests := []struct {
		name string
		in   dmarc.Result
		want R
	}{
		{"pass", dmarc.Result{Status: dmarc.StatusPass, FromDomain: "example.com", Policy: dmarc.Reject, PolicyTag: "p", Disposition: dmarc.None},
			R{Method: "dmarc", Value: "pass", Comment: "p=reject dis=none", Properties: []P{{"header", "from", "example.com"}}}},
		{"fail under sp", dmarc.Result{Status: dmarc.StatusFail, FromDomain: "news.example.com", Policy: dmarc.Quarantine, PolicyTag: "sp", Disposition: dmarc.Quarantine},
			R{Method: "dmarc", Value: "fail", Comment: "sp=quarantine dis=quarantine", Properties: []P{{"header", "from", "news.example.com"}}}},
		{"none", dmarc.Result{Status: dmarc.StatusNone, FromDomain: "example.org"},
			R{Method: "dmarc", Value: "none", Properties: []P{{"header", "from", "example.org"}}}},
		{"permerror says why", dmarc.Result{Status: dmarc.StatusPermError, FromDomain: "example.org", Err: perm},
			R{Method: "dmarc", Value: "permerror", Reason: "dmarc: p=bogus", Properties: []P{{"header", "from", "example.org"}}}},
		{"zero value", dmarc.Result{}, R{Method: "dmarc", Value: "none"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := authres.DMARC(tc.in)
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("mismatch (-want +got):\n%s", d)
			}
			roundTrip(t, &H{AuthServID: "mx.example", Results: []R{got}})
		})
	}
}
