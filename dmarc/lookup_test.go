package dmarc_test

import (
	"context"
	"errors"
	"net"
	"testing"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/finding"
)

// txtOnly hides the fake resolver's Query method, as *net.Resolver has
// none.
type txtOnly struct{ r dmarc.Resolver }

func (t txtOnly) LookupTXT(ctx context.Context, name string) ([]string, error) {
	return t.r.LookupTXT(ctx, name)
}

// rfc9989 is addressable, for the tables that set a mode.
var rfc9989 = dmarc.RFC9989

// errTemporary stands for "a temporary DNS failure" in test tables.
var errTemporary = errors.New("temporary DNS failure")

func TestLookup(t *testing.T) {
	const zone = `$ORIGIN example.
$TTL 300
_dmarc.org            TXT "v=DMARC1; p=reject; sp=quarantine"
_dmarc.mixed          TXT "google-site-verification=abc"
_dmarc.mixed          TXT "v=DMARC1; p=none"
_dmarc.two            TXT "v=DMARC1; p=none"
_dmarc.two            TXT "v=DMARC1; p=reject"
_dmarc.broken         TXT "v=DMARC1; p=maybe"
_dmarc.np             TXT "v=DMARC1; p=reject; sp=none; np=quarantine"
exists.np             A   192.0.2.1
`
	tests := []struct {
		name      string
		from      string
		fail      string // name whose TXT lookup times out
		txtOnly   bool
		mode      *dmarc.Mode // nil: RFC 7489
		domain    string      // policy domain
		discovery dmarc.Discovery
		policy    dmarc.Policy // Record.Policy; "" for no record
		errIs     error
		nonExist  bool
		finding   finding.Code
		queries   []string
	}{
		{name: "author", from: "org.example", domain: "org.example", discovery: dmarc.DiscoveryAuthor, policy: dmarc.Reject,
			queries: []string{"_dmarc.org.example"}},
		{name: "org fallback", from: "a.b.org.example", domain: "org.example", discovery: dmarc.DiscoveryOrgDomain, policy: dmarc.Reject,
			queries: []string{"_dmarc.a.b.org.example", "_dmarc.org.example"}},
		{name: "tree walk", from: "a.b.org.example", mode: &rfc9989, domain: "org.example",
			discovery: dmarc.DiscoveryTreeWalk, policy: dmarc.Reject,
			queries: []string{"_dmarc.a.b.org.example", "_dmarc.b.org.example", "_dmarc.org.example", "_dmarc.example"}},
		{name: "non-DMARC TXT ignored", from: "mixed.example", domain: "mixed.example", discovery: dmarc.DiscoveryAuthor, policy: dmarc.None},
		{name: "no record", from: "none.example", queries: []string{"_dmarc.none.example"}},
		{name: "several records: no policy", from: "two.example", domain: "two.example", finding: finding.CodeDMARCMultiple},
		{name: "invalid record", from: "broken.example", domain: "broken.example", errIs: dmarc.ErrInvalidRecord},
		{name: "temporary failure is not no-policy", from: "org.example", fail: "_dmarc.org.example", errIs: errTemporary},
		{name: "temporary failure at org domain", from: "sub.org.example", fail: "_dmarc.org.example", errIs: errTemporary},
		{name: "np: NXDOMAIN", from: "gone.np.example", mode: &rfc9989, domain: "np.example", discovery: dmarc.DiscoveryTreeWalk, policy: dmarc.Reject, nonExist: true},
		{name: "np: name exists", from: "exists.np.example", mode: &rfc9989, domain: "np.example", discovery: dmarc.DiscoveryTreeWalk, policy: dmarc.Reject},
		{name: "np: resolver without Query", from: "gone.np.example", mode: &rfc9989, txtOnly: true, domain: "np.example",
			discovery: dmarc.DiscoveryTreeWalk, policy: dmarc.Reject, finding: finding.CodeDMARCNPUndetermined},
		{name: "np: unknown to RFC 7489", from: "gone.np.example", domain: "np.example", discovery: dmarc.DiscoveryOrgDomain, policy: dmarc.Reject,
			queries: []string{"_dmarc.gone.np.example", "_dmarc.np.example"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := domainauth.MustFakeResolver(zone)
			if tt.fail != "" {
				fake.Fail(tt.fail, 0, domainauth.FailTimeout)
			}
			var r dmarc.Resolver = fake
			if tt.txtOnly {
				r = txtOnly{fake}
			}
			// The cases are RFC 7489's unless they say otherwise.
			chk := dmarc.Checker{Resolver: r, Mode: dmarc.RFC7489}
			if tt.mode != nil {
				chk.Mode = *tt.mode
			}
			lr, err := chk.Lookup(context.Background(), tt.from)
			if tt.errIs == errTemporary {
				if err == nil {
					t.Fatal("no error, want a temporary one")
				}
			} else if tt.errIs != nil {
				if !errors.Is(err, tt.errIs) {
					t.Fatalf("err = %v, want %v", err, tt.errIs)
				}
			}
			if tt.errIs != nil {
				if tt.errIs == errTemporary {
					var de *net.DNSError
					if !errors.As(err, &de) || !dmarc.IsTemporary(err) {
						t.Errorf("temporary error %v does not reach the *net.DNSError", err)
					}
				}
				if tt.errIs == dmarc.ErrInvalidRecord {
					var pe *dmarc.SyntaxError
					if !errors.As(err, &pe) || pe.Tag != "p" {
						t.Errorf("invalid record error %v does not name tag p", err)
					}
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if lr == nil {
				t.Fatal("nil result")
			}
			if lr.PolicyDomain != tt.domain || lr.Discovery != tt.discovery {
				t.Errorf("policy domain %q via %v, want %q via %v", lr.PolicyDomain, lr.Discovery, tt.domain, tt.discovery)
			}
			var p dmarc.Policy
			if lr.Record != nil {
				p = lr.Record.Policy
			}
			if p != tt.policy {
				t.Errorf("policy %q, want %q", p, tt.policy)
			}
			if lr.NonExistent != tt.nonExist {
				t.Errorf("NonExistent = %v", lr.NonExistent)
			}
			if tt.finding != "" {
				found := false
				for _, f := range lr.Findings {
					found = found || f.Code == tt.finding
				}
				if !found {
					t.Errorf("findings %v lack %s", lr.Findings, tt.finding)
				}
			}
			if tt.queries != nil && !equalStrings(lr.Queries, tt.queries) {
				t.Errorf("queries %v, want %v", lr.Queries, tt.queries)
			}
		})
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestLookupCancelled(t *testing.T) {
	fake := domainauth.MustFakeResolver("_dmarc.example.com. 300 IN TXT \"v=DMARC1; p=reject\"\n")
	fake.Fail("_dmarc.example.com", 0, domainauth.FailHang)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := dmarc.Lookup(ctx, fake, "example.com")
	if !dmarc.IsTemporary(err) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want a temporary error wrapping context.Canceled", err)
	}
}

func TestLookupBadDomain(t *testing.T) {
	fake := domainauth.MustFakeResolver("")
	if _, err := dmarc.Lookup(context.Background(), fake, "bad..example"); err == nil || dmarc.IsTemporary(err) {
		t.Fatalf("err = %v, want a permanent name error", err)
	}
}

func TestEvaluatePolicyAndSampling(t *testing.T) {
	const zone = `$ORIGIN example.
_dmarc.shop  300 TXT "v=DMARC1; p=reject; sp=quarantine; np=reject; pct=30"
_dmarc.test  300 TXT "v=DMARC1; p=reject; t=y"
www.shop     300 A   192.0.2.1
`
	fake := domainauth.MustFakeResolver(zone)
	ctx := context.Background()
	fail := func(from string) dmarc.Input {
		return dmarc.Input{FromDomain: from, SPF: dmarc.SPFResult{Domain: "other.example", Result: dmarc.AuthPass}}
	}
	tests := []struct {
		name        string
		from        string
		draw        int
		mode        dmarc.Mode
		ignorePct   bool
		policy      dmarc.Policy
		tag         string
		disposition dmarc.Policy
		sampled     bool
	}{
		// RFC 7489 section 6.6.4: sampled in, the policy; sampled out, one step weaker.
		{name: "p, sampled in", from: "shop.example", draw: 29, mode: dmarc.RFC7489, policy: dmarc.Reject, tag: "p", disposition: dmarc.Reject, sampled: true},
		{name: "p, sampled out", from: "shop.example", draw: 30, mode: dmarc.RFC7489, policy: dmarc.Reject, tag: "p", disposition: dmarc.Quarantine},
		{name: "RFC 7489 without pct", from: "shop.example", draw: 99, mode: dmarc.RFC7489, ignorePct: true,
			policy: dmarc.Reject, tag: "p", disposition: dmarc.Reject, sampled: true},
		// RFC 9989 has no pct: an unknown tag, ignored.
		{name: "RFC 9989 ignores pct", from: "shop.example", draw: 99, policy: dmarc.Reject, tag: "p", disposition: dmarc.Reject, sampled: true},
		{name: "sp for an existing subdomain", from: "www.shop.example", draw: 0, policy: dmarc.Quarantine, tag: "sp", disposition: dmarc.Quarantine, sampled: true},
		{name: "sp for an existing subdomain, RFC 7489", from: "www.shop.example", draw: 0, mode: dmarc.RFC7489, policy: dmarc.Quarantine, tag: "sp", disposition: dmarc.Quarantine, sampled: true},
		{name: "np for a non-existent subdomain", from: "nope.shop.example", draw: 0, policy: dmarc.Reject, tag: "np", disposition: dmarc.Reject, sampled: true},
		// RFC 7489: np is an unknown tag; sp applies to every subdomain.
		{name: "np unknown to RFC 7489", from: "nope.shop.example", draw: 0, mode: dmarc.RFC7489, policy: dmarc.Quarantine, tag: "sp", disposition: dmarc.Quarantine, sampled: true},
		{name: "t=y weakens reject", from: "test.example", draw: 0, policy: dmarc.Quarantine, tag: "p", disposition: dmarc.Quarantine, sampled: true},
		// RFC 7489: t is an unknown tag; the policy applies as published.
		{name: "t=y unknown to RFC 7489", from: "test.example", draw: 0, mode: dmarc.RFC7489, policy: dmarc.Reject, tag: "p", disposition: dmarc.Reject, sampled: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chk := dmarc.Checker{Resolver: fake, Mode: tt.mode, Rand: fixedRand(tt.draw), IgnorePercent: tt.ignorePct}
			res := chk.Verify(ctx, fail(tt.from))
			if res.Status != dmarc.StatusFail || res.Policy != tt.policy || res.PolicyTag != tt.tag ||
				res.Disposition != tt.disposition || res.Sampled != tt.sampled {
				t.Errorf("got %s policy %s=%s disposition %s sampled %v; want fail %s=%s %s %v (%s)",
					res.Status, res.PolicyTag, res.Policy, res.Disposition, res.Sampled, tt.tag, tt.policy, tt.disposition, tt.sampled, res.Reason)
			}
		})
	}
}

func TestEvaluateAlignedIdentifier(t *testing.T) {
	lr := &dmarc.LookupResult{Domain: "example.com", PolicyDomain: "example.com",
		Record: dmarc.MustParse("v=DMARC1; p=reject; aspf=s")}
	var chk dmarc.Checker
	res := chk.Evaluate(lr, dmarc.Input{
		FromDomain: "example.com",
		SPF:        dmarc.SPFResult{Domain: "bounce.example.com", Result: dmarc.AuthPass}, // strict: not aligned
		DKIM: []dmarc.DKIMResult{
			{Domain: "esp.example.net", Selector: "s1", Result: dmarc.AuthPass},  // not aligned
			{Domain: "mail.example.com", Selector: "s2", Result: dmarc.AuthFail}, // aligned, failed
			{Domain: "mail.example.com", Selector: "s3", Result: dmarc.AuthPass}, // aligned (relaxed), passed
			{Domain: "example.com", Selector: "s4", Result: dmarc.AuthTempError}, // ignored after a pass
		},
	})
	if res.Status != dmarc.StatusPass || res.AlignedBy != dmarc.IdentifierDKIM || res.AlignedSelector != "s3" ||
		res.SPFAligned || !res.DKIMAligned || res.Disposition != dmarc.None {
		t.Errorf("result %+v", res)
	}
	// With only a temporary failure on an aligned identifier: temperror.
	res = chk.Evaluate(lr, dmarc.Input{FromDomain: "example.com",
		DKIM: []dmarc.DKIMResult{{Domain: "example.com", Result: dmarc.AuthTempError}}})
	if res.Status != dmarc.StatusTempError || res.Disposition != dmarc.None {
		t.Errorf("result %+v, want temperror", res)
	}
	if res := new(dmarc.Checker).Evaluate(nil, dmarc.Input{FromDomain: "example.com"}); res.Status != dmarc.StatusNone {
		t.Errorf("nil lookup: %+v", res)
	}
}

func TestAlignedOpenDMARC(t *testing.T) {
	var corpus struct {
		Alignment struct {
			Cases []struct {
				Domain1, Domain2, Mode string
				Aligned                bool
			} `json:"cases"`
		} `json:"alignment"`
	}
	readCorpus(t, "opendmarc-alignment-and-from.json", &corpus)
	// OpenDMARC strips leading and repeated dots; those are not domain
	// names, and we never align an invalid name (a caller normalizes names
	// with dnsname or Lookup first).
	differ := map[string]bool{".mac.com.|mac.com": true, "....mac.com....|mac.com": true}
	var pass, diff int
	for _, c := range corpus.Alignment.Cases {
		mode := dmarc.Relaxed
		if c.Mode == "strict" {
			mode = dmarc.Strict
		}
		want := c.Aligned
		if differ[c.Domain1+"|"+c.Domain2] {
			want = false
		}
		if got := dmarc.Aligned(mode, c.Domain1, c.Domain2); got != want {
			t.Errorf("Aligned(%s, %q, %q) = %v, want %v", mode, c.Domain1, c.Domain2, got, want)
		} else if want != c.Aligned {
			diff++
		} else {
			pass++
		}
	}
	t.Logf("opendmarc alignment: %d cases, %d agree, %d deliberately differ (malformed names never align)", len(corpus.Alignment.Cases), pass, diff)
}

func TestAuthorizeExternal(t *testing.T) {
	const zone = `$ORIGIN example.
$TTL 300
shop.example._report._dmarc.reports  TXT "v=DMARC1"
*._report._dmarc.wild                TXT "v=DMARC1;"
shop.example._report._dmarc.junk     TXT "not dmarc"
`
	fake := domainauth.MustFakeResolver(zone)
	fake.Fail("shop.example._report._dmarc.slow.example", 0, domainauth.FailTimeout)
	tests := []struct {
		uri  string
		ok   bool
		temp bool
	}{
		{"mailto:dmarc@shop.example", true, false},         // same domain: no query
		{"mailto:dmarc@reports.shop.example", true, false}, // same organizational domain
		{"mailto:agg@reports.example", true, false},        // explicit authorization
		{"mailto:agg@wild.example", true, false},           // wildcard authorization
		{"mailto:agg@junk.example", false, false},          // TXT without v=DMARC1
		{"mailto:agg@nobody.example", false, false},        // no record
		{"mailto:agg@slow.example", false, true},           // timeout
		{"https://reports.example/dmarc", true, false},     // host of a non-mailto URI
	}
	for _, tt := range tests {
		ok, err := dmarc.AuthorizeExternal(context.Background(), fake, "shop.example", dmarc.URI{Address: tt.uri})
		if ok != tt.ok || dmarc.IsTemporary(err) != tt.temp || (!tt.temp && err != nil) {
			t.Errorf("AuthorizeExternal(%s) = %v, %v; want %v (temporary error %v)", tt.uri, ok, err, tt.ok, tt.temp)
		}
	}
}

func TestVerifyTreeWalkTemporaryOrgDomain(t *testing.T) {
	fake := domainauth.MustFakeResolver(`_dmarc.example.com. 300 IN TXT "v=DMARC1; p=reject"` + "\n")
	fake.Fail("_dmarc.mail.example.com", 0, domainauth.FailServFail)
	in := dmarc.Input{FromDomain: "example.com",
		DKIM: []dmarc.DKIMResult{{Domain: "mail.example.com", Selector: "s", Result: dmarc.AuthPass}}}
	res := dmarc.Verify(context.Background(), fake, in)
	if res.Status != dmarc.StatusTempError || !dmarc.IsTemporary(res.Err) {
		t.Fatalf("result %s (%v), want temperror: the DKIM domain's organizational domain is unknown", res.Status, res.Err)
	}
	fake.Fail("_dmarc.mail.example.com", 0, 0)
	if res := dmarc.Verify(context.Background(), fake, in); res.Status != dmarc.StatusPass {
		t.Fatalf("result %s, want pass once DNS answers", res.Status)
	}
}

// Verify is Lookup then Evaluate: the organizational domain it reuses from
// Lookup changes no result.
func TestVerifyIsLookupThenEvaluate(t *testing.T) {
	const zone = `$ORIGIN example.
_dmarc.shop         300 TXT "v=DMARC1; p=reject; sp=quarantine; adkim=r; aspf=s"
_dmarc.news.shop    300 TXT "v=DMARC1; p=quarantine; adkim=s"
_dmarc.co.uk.       300 TXT "v=DMARC1; p=none"
_dmarc.shop.co.uk.  300 TXT "v=DMARC1; p=reject"
`
	fake := domainauth.MustFakeResolver(zone)
	ctx := context.Background()
	froms := []string{"shop.example", "www.shop.example", "a.b.shop.example", "news.shop.example", "x.news.shop.example",
		"shop.co.uk", "mail.shop.co.uk", "other.example", "SHOP.example.", "192.0.2.1"}
	auths := []string{"shop.example", "mail.shop.example", "news.shop.example", "esp.example", "example", "co.uk",
		"shop.co.uk", "m.shop.co.uk", "evil.co.uk", "", "Mail.Shop.Example.", "bad..shop.example"}
	for _, from := range froms {
		for _, spf := range auths {
			for _, dk := range auths {
				in := dmarc.Input{FromDomain: from,
					SPF:  dmarc.SPFResult{Domain: spf, Result: dmarc.AuthPass},
					DKIM: []dmarc.DKIMResult{{Domain: dk, Selector: "s", Result: dmarc.AuthPass}}}
				for _, mode := range []dmarc.Mode{dmarc.RFC7489, dmarc.RFC9989} {
					chk := dmarc.Checker{Resolver: fake, Mode: mode}
					got := chk.Verify(ctx, in)
					lr, err := chk.Lookup(ctx, from)
					if err != nil {
						if got.Err == nil || got.Err.Error() != err.Error() {
							t.Errorf("%+v: Verify error %v, Lookup error %v", in, got.Err, err)
						}
						continue
					}
					if mode == dmarc.RFC9989 && lr.Record != nil {
						continue // under the tree walk Verify also walks for the identifiers' organizational domains
					}
					want := chk.Evaluate(lr, in)
					if got.Status != want.Status || got.AlignedBy != want.AlignedBy || got.AlignedDomain != want.AlignedDomain ||
						got.SPFAligned != want.SPFAligned || got.DKIMAligned != want.DKIMAligned || got.Reason != want.Reason {
						t.Errorf("%+v %s: Verify %+v, Lookup+Evaluate %+v", in, mode, got, want)
					}
				}
			}
		}
	}
}

// A lookup that fails leaves no policy to sample: Sampled stays true, as
// it is for every result that pct sampling did not leave out.
func TestVerifyLookupFailureNotSampledOut(t *testing.T) {
	fake := domainauth.MustFakeResolver(`_dmarc.example.com. 300 IN TXT "v=DMARC1; p=reject; pct=0"` + "\n")
	fake.Fail("_dmarc.example.com", 0, domainauth.FailTimeout)
	res := dmarc.Verify(context.Background(), fake, dmarc.Input{FromDomain: "example.com"})
	if res.Status != dmarc.StatusTempError || res.Disposition != dmarc.None || !res.Sampled {
		t.Fatalf("result %s, disposition %q, sampled %v; want temperror, none, true", res.Status, res.Disposition, res.Sampled)
	}
}

// IsRecord is RFC 7489 section 6.6.3 step 3: records not starting with the
// v=DMARC1 tag are ignored; the tag value is case-sensitive (section 6.3).
func TestIsRecord(t *testing.T) {
	for txt, want := range map[string]bool{
		"v=DMARC1; p=none":         true,
		"v=DMARC1":                 true,
		"v = DMARC1 ;p=reject":     true,
		"  v = DMARC1 ;p=reject":   false, // the ABNF of both RFCs starts with dmarc-version
		"V=DMARC1; p=none":         true,  // tag names are case-insensitive
		"v=DMARC1 ; p=none":        true,
		"v=dmarc1; p=none":         false,
		"v=DMARC10; p=none":        false,
		"p=none; v=DMARC1":         false,
		"v=spf1 -all":              false,
		`"v=DMARC1; p=none"`:       false, // pasted quotes
		"":                         false,
		"google-site-verification": false,
	} {
		if got := dmarc.IsRecord(txt); got != want {
			t.Errorf("IsRecord(%q) = %v, want %v", txt, got, want)
		}
	}
}

// TestAppliedPolicy checks which tag applies (RFC 7489 section 6.6.3 step
// 5, RFC 9989 np) for a From domain with its own record, a subdomain, a
// subdomain that does not exist, and records without sp or np.
func TestAppliedPolicy(t *testing.T) {
	r := domainauth.MustFakeResolver(`$ORIGIN example.
_dmarc.all     TXT "v=DMARC1; p=reject; sp=quarantine; np=none; t=y"
_dmarc.ponly   TXT "v=DMARC1; p=quarantine"
_dmarc.sponly  TXT "v=DMARC1; p=reject; sp=none"
live.all       A   192.0.2.1
live.ponly     A   192.0.2.1
`)
	for _, c := range []struct {
		from   string
		policy dmarc.Policy
		tag    string
	}{
		{"all.example", dmarc.Reject, "p"},
		{"live.all.example", dmarc.Quarantine, "sp"},
		{"gone.all.example", dmarc.None, "np"},
		{"live.ponly.example", dmarc.Quarantine, "p"},
		{"gone.ponly.example", dmarc.Quarantine, "p"},
		{"gone.sponly.example", dmarc.None, "sp"},
		{"norecord.example", "", ""},
	} {
		lr, err := dmarc.Lookup(context.Background(), r, c.from)
		if err != nil {
			t.Fatalf("%s: %v", c.from, err)
		}
		if p, tag := lr.AppliedPolicy(); p != c.policy || tag != c.tag {
			t.Errorf("%s: AppliedPolicy() = %q, %q; want %q, %q", c.from, p, tag, c.policy, c.tag)
		}
	}
}
