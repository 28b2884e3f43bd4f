package dmarc_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/finding"
)

// The rows of the package doc's table of differences between RFC 9989
// and RFC 7489, each run in both modes. Expected values come from the
// RFC texts cited on each case.

// discoveryCase is a policy discovery for one From domain in one mode.
type discoveryCase struct {
	name      string
	zone      string
	from      string
	mode      dmarc.Mode
	domain    string          // PolicyDomain; "" for none
	discovery dmarc.Discovery // how it was found
	org       string          // OrgDomain
	policy    dmarc.Policy    // AppliedPolicy; "" for no record
	tag       string
	queries   []string // _dmarc names asked, in order; nil: not checked
}

func runDiscovery(t *testing.T, tests []discoveryCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name+"/"+tt.mode.String(), func(t *testing.T) {
			fake := domainauth.MustFakeResolver(tt.zone)
			lr, err := (&dmarc.Checker{Resolver: fake, Mode: tt.mode}).Lookup(context.Background(), tt.from)
			if err != nil {
				t.Fatal(err)
			}
			if lr.Mode != tt.mode {
				t.Errorf("Mode = %v, want %v", lr.Mode, tt.mode)
			}
			if lr.PolicyDomain != tt.domain || lr.Discovery != tt.discovery {
				t.Errorf("policy at %q via %v, want %q via %v", lr.PolicyDomain, lr.Discovery, tt.domain, tt.discovery)
			}
			if tt.org != "" && lr.OrgDomain != tt.org {
				t.Errorf("OrgDomain = %q, want %q", lr.OrgDomain, tt.org)
			}
			if p, tag := lr.AppliedPolicy(); p != tt.policy || tag != tt.tag {
				t.Errorf("applied %s=%s, want %s=%s", tag, p, tt.tag, tt.policy)
			}
			if tt.queries != nil {
				var got []string
				for _, l := range fake.Lookups() {
					if strings.HasPrefix(l.Name, "_dmarc.") {
						got = append(got, strings.TrimSuffix(l.Name, "."))
					}
				}
				if !slices.Equal(got, tt.queries) {
					t.Errorf("queries %v, want %v", got, tt.queries)
				}
			}
		})
	}
}

// Policy discovery: RFC 7489 section 6.6.3 (the From domain, then the
// organizational domain of the public suffix list) and RFC 9989 section
// 4.10.1 (the DNS tree walk of section 4.10, the record of the
// organizational domain of section 4.10.2).
func TestModeDiscovery(t *testing.T) {
	// RFC 9989 section 4.10.2, the example of a.mail.example.com: records
	// at mail.example.com and example.com, none at a.mail.example.com or
	// com: the organizational domain is example.com, so its record is the
	// one applied (section 4.10.1), not the closer one at mail.example.com.
	const threeLevel = `
_dmarc.mail.example.com. 300 TXT "v=DMARC1; p=reject"
_dmarc.example.com.      300 TXT "v=DMARC1; p=none; sp=quarantine"
`
	// The second example: psd=n at mail.example.com names it.
	const psdN = `
_dmarc.mail.example.com. 300 TXT "v=DMARC1; p=reject; psd=n"
_dmarc.example.com.      300 TXT "v=DMARC1; p=none; sp=quarantine"
`
	// The last example: only _dmarc.com, with psd=y: the organizational
	// domain is example.com, which has no record, so the public suffix
	// domain's record applies (section 4.10.1, third location).
	const psdY = `
_dmarc.com. 300 TXT "v=DMARC1; p=reject; sp=quarantine; psd=y"
`
	// RFC 9989 section 4.10 steps 2 and 6: several records at one name
	// are discarded and the walk goes on; RFC 7489 section 6.6.3 step 5:
	// discovery ends with no policy.
	const several = `
_dmarc.mail.example.com. 300 TXT "v=DMARC1; p=reject"
_dmarc.mail.example.com. 300 TXT "v=DMARC1; p=quarantine"
_dmarc.example.com.      300 TXT "v=DMARC1; p=none; sp=quarantine"
`
	runDiscovery(t, []discoveryCase{
		{name: "three-level name", zone: threeLevel, from: "a.mail.example.com", mode: dmarc.RFC9989,
			domain: "example.com", discovery: dmarc.DiscoveryTreeWalk, org: "example.com", policy: dmarc.Quarantine, tag: "sp",
			queries: []string{"_dmarc.a.mail.example.com", "_dmarc.mail.example.com", "_dmarc.example.com", "_dmarc.com"}},
		{name: "three-level name", zone: threeLevel, from: "a.mail.example.com", mode: dmarc.RFC7489,
			domain: "example.com", discovery: dmarc.DiscoveryOrgDomain, org: "example.com", policy: dmarc.Quarantine, tag: "sp",
			queries: []string{"_dmarc.a.mail.example.com", "_dmarc.example.com"}},
		{name: "psd=n", zone: psdN, from: "a.mail.example.com", mode: dmarc.RFC9989,
			domain: "mail.example.com", discovery: dmarc.DiscoveryTreeWalk, org: "mail.example.com", policy: dmarc.Reject, tag: "p",
			queries: []string{"_dmarc.a.mail.example.com", "_dmarc.mail.example.com"}},
		{name: "psd=n", zone: psdN, from: "a.mail.example.com", mode: dmarc.RFC7489,
			domain: "example.com", discovery: dmarc.DiscoveryOrgDomain, org: "example.com", policy: dmarc.Quarantine, tag: "sp"},
		{name: "psd=y", zone: psdY, from: "a.mail.example.com", mode: dmarc.RFC9989,
			domain: "com", discovery: dmarc.DiscoveryPSD, org: "example.com", policy: dmarc.Quarantine, tag: "sp"},
		{name: "psd=y", zone: psdY, from: "a.mail.example.com", mode: dmarc.RFC7489, org: "example.com",
			queries: []string{"_dmarc.a.mail.example.com", "_dmarc.example.com"}},
		{name: "several records at the author domain", zone: several, from: "mail.example.com", mode: dmarc.RFC9989,
			domain: "example.com", discovery: dmarc.DiscoveryTreeWalk, org: "example.com", policy: dmarc.Quarantine, tag: "sp"},
		{name: "several records at the author domain", zone: several, from: "mail.example.com", mode: dmarc.RFC7489,
			domain: "mail.example.com", queries: []string{"_dmarc.mail.example.com"}},
		// The author domain's own record wins in both (RFC 9989 section
		// 4.10.1 first location), even below another record.
		{name: "author domain", zone: threeLevel, from: "mail.example.com", mode: dmarc.RFC9989,
			domain: "mail.example.com", discovery: dmarc.DiscoveryAuthor, org: "example.com", policy: dmarc.Reject, tag: "p"},
		{name: "author domain", zone: threeLevel, from: "mail.example.com", mode: dmarc.RFC7489,
			domain: "mail.example.com", discovery: dmarc.DiscoveryAuthor, org: "example.com", policy: dmarc.Reject, tag: "p"},
		// RFC 9989 section 4.10: more than eight labels: the domain, then
		// its last seven labels, then one fewer each time (section 4.10's
		// own example).
		{name: "deep name", zone: `_dmarc.example.com. 300 TXT "v=DMARC1; p=none"`, from: "a.b.c.d.e.f.g.h.i.j.mail.example.com", mode: dmarc.RFC9989,
			domain: "example.com", discovery: dmarc.DiscoveryTreeWalk, org: "example.com", policy: dmarc.None, tag: "p",
			queries: []string{"_dmarc.a.b.c.d.e.f.g.h.i.j.mail.example.com", "_dmarc.g.h.i.j.mail.example.com", "_dmarc.h.i.j.mail.example.com",
				"_dmarc.i.j.mail.example.com", "_dmarc.j.mail.example.com", "_dmarc.mail.example.com", "_dmarc.example.com", "_dmarc.com"}},
		{name: "deep name", zone: `_dmarc.example.com. 300 TXT "v=DMARC1; p=none"`, from: "a.b.c.d.e.f.g.h.i.j.mail.example.com", mode: dmarc.RFC7489,
			domain: "example.com", discovery: dmarc.DiscoveryOrgDomain, org: "example.com", policy: dmarc.None, tag: "p",
			queries: []string{"_dmarc.a.b.c.d.e.f.g.h.i.j.mail.example.com", "_dmarc.example.com"}},
	})
}

// Identifier alignment with the organizational domains of RFC 9989
// section 4.10.2 (tree walk) and RFC 7489 section 3.2 (public suffix
// list): the examples of RFC 9989 Appendix B.4.
func TestModeAlignmentAppendixB4(t *testing.T) {
	const b41 = `
_dmarc.example.com.         300 TXT "v=DMARC1; p=reject"
_dmarc.signing.example.com. 300 TXT "v=DMARC1; p=reject"
`
	const b43 = `
_dmarc.bank.example.       300 TXT "v=DMARC1; p=reject; psd=y"
_dmarc.giant.bank.example. 300 TXT "v=DMARC1; p=quarantine"
`
	tests := []struct {
		name, zone, from, spf, dkim string
		mode                        dmarc.Mode
		policyDomain                string
		spfAligned, dkimAligned     bool
	}{
		// B.4.1: example.com is the organizational domain of example.com
		// and of signing.example.com (fewest labels): both align.
		{"B.4.1", b41, "example.com", "example.com", "signing.example.com", dmarc.RFC9989, "example.com", true, true},
		{"B.4.1", b41, "example.com", "example.com", "signing.example.com", dmarc.RFC7489, "example.com", true, true},
		// B.4.2: the deep Author Domain's organizational domain is
		// example.com, found by the eight-query walk.
		{"B.4.2", b41, "a.b.c.d.e.f.g.h.i.j.k.example.com", "example.com", "signing.example.com", dmarc.RFC9989, "example.com", true, true},
		{"B.4.2", b41, "a.b.c.d.e.f.g.h.i.j.k.example.com", "example.com", "signing.example.com", dmarc.RFC7489, "example.com", true, true},
		// B.4.3: psd=y at bank.example makes giant.bank.example and
		// mega.bank.example organizational domains: SPF
		// (mail.giant.bank.example) aligns, DKIM (mail.mega.bank.example)
		// does not. RFC 7489's public suffix list does not list
		// bank.example, so both share bank.example and DKIM aligns too.
		{"B.4.3", b43, "giant.bank.example", "mail.giant.bank.example", "mail.mega.bank.example", dmarc.RFC9989, "giant.bank.example", true, false},
		{"B.4.3", b43, "giant.bank.example", "mail.giant.bank.example", "mail.mega.bank.example", dmarc.RFC7489, "giant.bank.example", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/"+tt.mode.String(), func(t *testing.T) {
			fake := domainauth.MustFakeResolver(tt.zone)
			in := dmarc.Input{FromDomain: tt.from,
				SPF:  dmarc.SPFResult{Domain: tt.spf, Result: dmarc.AuthPass},
				DKIM: []dmarc.DKIMResult{{Domain: tt.dkim, Selector: "s", Result: dmarc.AuthPass}}}
			res := (&dmarc.Checker{Resolver: fake, Mode: tt.mode}).Verify(context.Background(), in)
			if res.Mode != tt.mode || res.Status != dmarc.StatusPass || res.PolicyDomain != tt.policyDomain ||
				res.SPFAligned != tt.spfAligned || res.DKIMAligned != tt.dkimAligned {
				t.Errorf("%s %s at %q, spf aligned %v, dkim aligned %v; want %s pass at %q, %v, %v (%s)",
					res.Mode, res.Status, res.PolicyDomain, res.SPFAligned, res.DKIMAligned,
					tt.mode, tt.policyDomain, tt.spfAligned, tt.dkimAligned, res.Reason)
			}
		})
	}
}

// Tags of one generation are unknown tags to the other, and unknown tags
// MUST be ignored (RFC 7489 section 6.3; RFC 9989 section 4.7).
func TestModeTags(t *testing.T) {
	const zone = `
_dmarc.np.example. 300 TXT "v=DMARC1; p=reject; sp=none; np=quarantine"
_dmarc.t.example.  300 TXT "v=DMARC1; p=reject; t=y"
_dmarc.pct.example. 300 TXT "v=DMARC1; p=reject; pct=0"
_dmarc.psd.example. 300 TXT "v=DMARC1; p=reject; psd=y"
`
	tests := []struct {
		name, from string
		mode       dmarc.Mode
		policy     dmarc.Policy // Result.Policy
		tag        string
		disp       dmarc.Policy // Result.Disposition
	}{
		// np (RFC 9989 section 4.7) for a From domain that does not exist
		// (section 3.2.13: NXDOMAIN).
		{"np", "gone.np.example", dmarc.RFC9989, dmarc.Quarantine, "np", dmarc.Quarantine},
		{"np", "gone.np.example", dmarc.RFC7489, dmarc.None, "sp", dmarc.None},
		// t=y (RFC 9989 section 4.7): one step weaker.
		{"t=y", "t.example", dmarc.RFC9989, dmarc.Quarantine, "p", dmarc.Quarantine},
		{"t=y", "t.example", dmarc.RFC7489, dmarc.Reject, "p", dmarc.Reject},
		// pct (RFC 7489 sections 6.3 and 6.6.4): pct=0 samples every
		// message out, to the next weaker policy; RFC 9989 removed it
		// (Appendix A.6).
		{"pct=0", "pct.example", dmarc.RFC9989, dmarc.Reject, "p", dmarc.Reject},
		{"pct=0", "pct.example", dmarc.RFC7489, dmarc.Reject, "p", dmarc.Quarantine},
		// psd on the Author Domain's own record changes nothing for it.
		{"psd=y", "psd.example", dmarc.RFC9989, dmarc.Reject, "p", dmarc.Reject},
		{"psd=y", "psd.example", dmarc.RFC7489, dmarc.Reject, "p", dmarc.Reject},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/"+tt.mode.String(), func(t *testing.T) {
			fake := domainauth.MustFakeResolver(zone)
			in := dmarc.Input{FromDomain: tt.from, SPF: dmarc.SPFResult{Domain: "esp.example", Result: dmarc.AuthPass}}
			res := (&dmarc.Checker{Resolver: fake, Mode: tt.mode, Rand: fixedRand(0)}).Verify(context.Background(), in)
			if res.Mode != tt.mode || res.Status != dmarc.StatusFail || res.Policy != tt.policy || res.PolicyTag != tt.tag || res.Disposition != tt.disp {
				t.Errorf("%s %s %s=%s -> %s; want %s fail %s=%s -> %s (%s)", res.Mode, res.Status, res.PolicyTag, res.Policy, res.Disposition,
					tt.mode, tt.tag, tt.policy, tt.disp, res.Reason)
			}
		})
	}

	// What each mode keeps of a record with every tag.
	const all = "v=DMARC1; p=reject; sp=quarantine; np=none; pct=50; rf=afrf; ri=3600; psd=n; t=y; rua=mailto:a@example.com"
	r9 := dmarc.MustParse(all)
	r7 := mustParse(dmarc.RFC7489, all)
	want9 := dmarc.TagV | dmarc.TagP | dmarc.TagSP | dmarc.TagNP | dmarc.TagPSD | dmarc.TagT | dmarc.TagRUA
	want7 := dmarc.TagV | dmarc.TagP | dmarc.TagSP | dmarc.TagPct | dmarc.TagRF | dmarc.TagRI | dmarc.TagRUA
	if r9.Present != want9 || r9.Percent != 100 || r9.Interval != 86400 || !r9.Testing || r9.PSD != dmarc.PSDNo || r9.NPolicy != dmarc.None {
		t.Errorf("RFC 9989 reading: present %v, pct %d, ri %d, t %v, psd %s, np %s", r9.Present, r9.Percent, r9.Interval, r9.Testing, r9.PSD, r9.NPolicy)
	}
	if r7.Present != want7 || r7.Percent != 50 || r7.Interval != 3600 || r7.Testing || r7.PSD != dmarc.PSDUnknown || r7.NPolicy != dmarc.Quarantine {
		t.Errorf("RFC 7489 reading: present %v, pct %d, ri %d, t %v, psd %s, np %s", r7.Present, r7.Percent, r7.Interval, r7.Testing, r7.PSD, r7.NPolicy)
	}
	// Both tell the publisher about the tags the other generation reads.
	if a, b := codes(r9.Findings()), codes(r7.Findings()); !slices.Equal(a, b) {
		t.Errorf("findings differ: RFC 9989 %v, RFC 7489 %v", a, b)
	}
}

func codes(fs []finding.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, string(f.Code)+":"+f.Subject)
	}
	return out
}

// An invalid sp or np: RFC 9989 section 4.10.1 (p=none with a valid rua,
// else no DMARC processing) for both; RFC 7489 section 6.6.3 step 6 for
// sp, while np is an unknown tag and its value does not matter.
func TestModeInvalidSubdomainPolicy(t *testing.T) {
	tests := []struct {
		txt      string
		mode     dmarc.Mode
		usable   bool
		fallback bool
		policy   dmarc.Policy
	}{
		{"v=DMARC1; p=reject; np=bogus", dmarc.RFC9989, false, false, ""},
		{"v=DMARC1; p=reject; np=bogus; rua=mailto:d@example.com", dmarc.RFC9989, true, true, dmarc.None},
		{"v=DMARC1; p=reject; np=bogus", dmarc.RFC7489, true, false, dmarc.Reject},
		{"v=DMARC1; p=reject; np=bogus; rua=mailto:d@example.com", dmarc.RFC7489, true, false, dmarc.Reject},
		{"v=DMARC1; p=reject; sp=bogus", dmarc.RFC9989, false, false, ""},
		{"v=DMARC1; p=reject; sp=bogus", dmarc.RFC7489, false, false, ""},
		{"v=DMARC1; p=reject; sp=bogus; rua=mailto:d@example.com", dmarc.RFC9989, true, true, dmarc.None},
		{"v=DMARC1; p=reject; sp=bogus; rua=mailto:d@example.com", dmarc.RFC7489, true, true, dmarc.None},
	}
	for _, tt := range tests {
		r, err := (&dmarc.Checker{Mode: tt.mode}).Parse(tt.txt)
		if (err == nil) != tt.usable {
			t.Errorf("%s Parse(%q) error %v, want usable %v", tt.mode, tt.txt, err, tt.usable)
			continue
		}
		if err == nil && (r.Fallback != tt.fallback || r.Policy != tt.policy || r.SubdomainPolicy != tt.policy) {
			t.Errorf("%s Parse(%q): fallback %v, p %s, sp %s; want %v, %s", tt.mode, tt.txt, r.Fallback, r.Policy, r.SubdomainPolicy, tt.fallback, tt.policy)
		}
	}
}

// Record syntax is the same in both (RFC 7489 section 6.4, RFC 9989
// section 4.8): the record begins with v=DMARC1, "DMARC1" in upper case,
// white space allowed around "=" and ";"; IsRecord is the test discovery
// applies before parsing.
func TestModeRecordSyntax(t *testing.T) {
	tests := []struct {
		txt string
		ok  bool
	}{
		{"v=DMARC1; p=none", true},
		{"v = DMARC1 ; p = none ;", true},
		{"V=DMARC1;p=none", true},
		{" v=DMARC1; p=none", false},
		{"\tv=DMARC1; p=none", false},
		{"v=dmarc1; p=none", false},
		{"v=DMARC1 p=none", false},
		{"v=DMARC10; p=none", false},
	}
	for _, tt := range tests {
		if got := dmarc.IsRecord(tt.txt); got != tt.ok {
			t.Errorf("IsRecord(%q) = %v, want %v", tt.txt, got, tt.ok)
		}
		for _, m := range []dmarc.Mode{dmarc.RFC9989, dmarc.RFC7489} {
			_, err := (&dmarc.Checker{Mode: m}).Parse(tt.txt)
			if (err == nil) != tt.ok {
				t.Errorf("%s Parse(%q) = %v, want ok %v", m, tt.txt, err, tt.ok)
			}
		}
	}
}

// Issue 19 item 4: a record without p but with a valid rua falls back to
// p=none (RFC 7489 section 6.6.3 step 6, RFC 9989 section 4.10.1), and the
// finding says so rather than "no valid rua".
func TestFallbackFindingMessage(t *testing.T) {
	for _, txt := range []string{"v=DMARC1; rua=mailto:a@example.com", "v=DMARC1; p=block; rua=mailto:a@example.com"} {
		r, err := dmarc.Parse(txt)
		if err != nil {
			t.Fatal(err)
		}
		fs := r.Findings()
		if len(fs) != 1 || fs[0].Code != finding.CodeDMARCPolicyFallback {
			t.Fatalf("Parse(%q).Findings() = %v, want one %s", txt, fs, finding.CodeDMARCPolicyFallback)
		}
		if msg := fs[0].Message; strings.Contains(msg, "no valid rua") || !strings.Contains(msg, "p=none") || !strings.Contains(msg, "valid rua") {
			t.Errorf("Parse(%q): fallback message %q; want it to say the valid rua makes it p=none", txt, msg)
		}
	}
	// Without a valid rua the record is unusable, and that error says so.
	_, err := dmarc.Parse("v=DMARC1; rua=bogus")
	if err == nil || !strings.Contains(err.Error(), "no valid rua") {
		t.Errorf("Parse without p or valid rua: %v", err)
	}
}

// np under a resolver that cannot tell NXDOMAIN from NODATA: the result
// says np was not applied and why.
func TestModeNPUndetermined(t *testing.T) {
	fake := domainauth.MustFakeResolver(`_dmarc.example.com. 300 TXT "v=DMARC1; p=reject; sp=none; np=quarantine"`)
	in := dmarc.Input{FromDomain: "gone.example.com", SPF: dmarc.SPFResult{Domain: "esp.example", Result: dmarc.AuthPass}}
	res := dmarc.Verify(context.Background(), txtOnly{fake}, in)
	if res.PolicyTag != "sp" || res.Policy != dmarc.None || !strings.Contains(res.NPUndetermined, "NXDOMAIN") ||
		!strings.Contains(res.Reason, "np not applied") {
		t.Errorf("%s=%s, NPUndetermined %q, reason %q; want sp=none and why np was not applied", res.PolicyTag, res.Policy, res.NPUndetermined, res.Reason)
	}
	res = dmarc.Verify(context.Background(), fake, in)
	if res.PolicyTag != "np" || res.Policy != dmarc.Quarantine || res.NPUndetermined != "" {
		t.Errorf("with Query: %s=%s, NPUndetermined %q; want np=quarantine", res.PolicyTag, res.Policy, res.NPUndetermined)
	}
	// The From domain's own record: np does not apply, nothing to say.
	lr, err := dmarc.Lookup(context.Background(), txtOnly{fake}, "example.com")
	if err != nil || lr.NPUndetermined != "" {
		t.Errorf("author domain: NPUndetermined %q (%v)", lr.NPUndetermined, err)
	}
}

func TestModeText(t *testing.T) {
	for _, m := range []dmarc.Mode{dmarc.RFC9989, dmarc.RFC7489} {
		b, err := m.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		got, err := dmarc.ParseMode(strings.ToUpper(string(b)))
		if err != nil || got != m || m.String() != string(b) {
			t.Errorf("%v: text %q, back %v (%v)", m, b, got, err)
		}
	}
	if _, err := dmarc.ParseMode("rfc1234"); err == nil {
		t.Error("ParseMode(rfc1234): no error")
	}
	if _, err := dmarc.Mode(7).MarshalText(); err == nil || dmarc.Mode(7).String() != "Mode(7)" {
		t.Errorf("Mode(7): %q, %v", dmarc.Mode(7).String(), err)
	}
	var zero dmarc.Mode
	if zero != dmarc.RFC9989 {
		t.Error("the zero Mode is not RFC 9989")
	}
}

// RFC 9989 section 4.10.2: Verify walks the tree only for identifiers
// that can align: a pass (or a temporary failure, which can make the
// result temperror) under relaxed alignment.
func TestVerifyWalksOnlyForIdentifiersThatMatter(t *testing.T) {
	fake := domainauth.MustFakeResolver(`
_dmarc.example.com. 300 TXT "v=DMARC1; p=reject; adkim=s"
`)
	in := dmarc.Input{FromDomain: "example.com",
		SPF: dmarc.SPFResult{Domain: "bounce.spf-fail.example", Result: dmarc.AuthFail},
		DKIM: []dmarc.DKIMResult{
			{Domain: "mail.example.com", Selector: "s", Result: dmarc.AuthPass}, // strict: compared by name
			{Domain: "other.example", Selector: "s", Result: dmarc.AuthFail},
		}}
	res := dmarc.Verify(context.Background(), fake, in)
	if res.Status != dmarc.StatusFail {
		t.Fatalf("%s (%s), want fail", res.Status, res.Reason)
	}
	var got []string
	for _, l := range fake.Lookups() {
		got = append(got, strings.TrimSuffix(l.Name, "."))
	}
	if want := []string{"_dmarc.example.com", "_dmarc.com"}; !slices.Equal(got, want) {
		t.Errorf("queries %v, want only the From domain's walk %v", got, want)
	}
	// Relaxed SPF with a pass: its walk is needed.
	fake.ResetLookups()
	in.SPF = dmarc.SPFResult{Domain: "bounce.example.com", Result: dmarc.AuthPass}
	if res := dmarc.Verify(context.Background(), fake, in); res.Status != dmarc.StatusPass || !res.SPFAligned {
		t.Errorf("%s, spf aligned %v (%s); want pass by SPF", res.Status, res.SPFAligned, res.Reason)
	}
	// example.com and com for the From domain, then only
	// bounce.example.com: the walks share their answers.
	if n := fake.LookupCount(); n != 3 {
		t.Errorf("%d queries, want 3: %v", n, fake.Lookups())
	}
}
