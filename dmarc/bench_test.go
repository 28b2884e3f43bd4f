package dmarc_test

import (
	"context"
	"testing"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/dmarc"
)

var benchRecords = []struct{ name, txt string }{
	{"minimal", "v=DMARC1; p=none"},
	{"typical", "v=DMARC1; p=quarantine; pct=25; rua=mailto:dmarc@example.com; ruf=mailto:forensic@example.com; adkim=s; aspf=r"},
	{"full", "v=DMARC1; p=reject; sp=quarantine; np=reject; pct=50; rua=mailto:a@example.com,mailto:b@reports.example.net!10m; ruf=mailto:f@example.com; adkim=s; aspf=s; fo=0:1:d:s; rf=afrf; ri=3600; psd=n; t=n"},
}

var sinkRecord *dmarc.Record

// BenchmarkParse parses in the default mode (RFC 9989; "full" then
// discards fo=0:1:d:s, which RFC 9989's grammar does not allow), and in
// RFC 7489 mode, chosen with Checker.Mode.
func BenchmarkParse(b *testing.B) {
	for _, br := range benchRecords {
		b.Run(br.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r, err := dmarc.Parse(br.txt)
				if err != nil {
					b.Fatal(err)
				}
				sinkRecord = r
			}
		})
	}
	c := dmarc.Checker{Mode: dmarc.RFC7489}
	for _, br := range benchRecords {
		b.Run(br.name+"/rfc7489", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r, err := c.Parse(br.txt)
				if err != nil {
					b.Fatal(err)
				}
				sinkRecord = r
			}
		})
	}
}

var sinkResult dmarc.Result

func BenchmarkEvaluate(b *testing.B) {
	inputs := []struct {
		name string
		in   dmarc.Input
	}{
		{"pass-dkim", dmarc.Input{FromDomain: "mail.example.com",
			SPF:  dmarc.SPFResult{Domain: "bounces.esp.example.net", Result: dmarc.AuthPass},
			DKIM: []dmarc.DKIMResult{{Domain: "esp.example.net", Selector: "s1", Result: dmarc.AuthPass}, {Domain: "example.com", Selector: "s2", Result: dmarc.AuthPass}}}},
		{"fail", dmarc.Input{FromDomain: "mail.example.com",
			SPF:  dmarc.SPFResult{Domain: "bounces.esp.example.net", Result: dmarc.AuthPass},
			DKIM: []dmarc.DKIMResult{{Domain: "esp.example.net", Selector: "s1", Result: dmarc.AuthPass}}}},
	}
	for _, mode := range []dmarc.Mode{dmarc.RFC9989, dmarc.RFC7489} {
		// pct=50 samples in RFC 7489 mode, t=y weakens in RFC 9989 mode.
		lr := &dmarc.LookupResult{Mode: mode, Domain: "mail.example.com", PolicyDomain: "example.com", Discovery: dmarc.DiscoveryOrgDomain,
			OrgDomain: "example.com", Record: mustParse(mode, "v=DMARC1; p=reject; pct=50; t=y")}
		for _, c := range inputs {
			b.Run(mode.String()+"/"+c.name, func(b *testing.B) {
				b.ReportAllocs()
				chk := dmarc.Checker{Rand: fixedRand(10)}
				for b.Loop() {
					sinkResult = chk.Evaluate(lr, c.in)
				}
			})
		}
	}
}

var sinkLookup *dmarc.LookupResult

// BenchmarkLookup is policy discovery for a From domain three labels
// below its organizational domain: in RFC 9989 mode the tree walk (five
// queries: the domain and every parent up to the top-level domain, the
// organizational domain's record chosen from them), in RFC 7489 mode two
// queries (the domain, then the organizational domain of the public
// suffix list).
func BenchmarkLookup(b *testing.B) {
	fake := domainauth.MustFakeResolver(`
_dmarc.example.com.      300 TXT "v=DMARC1; p=reject; sp=quarantine; rua=mailto:d@example.com"
_dmarc.mail.example.com. 300 TXT "v=DMARC1; p=none"
`)
	ctx := context.Background()
	for _, mode := range []dmarc.Mode{dmarc.RFC9989, dmarc.RFC7489} {
		b.Run(mode.String(), func(b *testing.B) {
			c := dmarc.Checker{Resolver: fake, Mode: mode}
			lr, err := c.Lookup(ctx, "a.b.mail.example.com")
			if err != nil || lr.PolicyDomain != "example.com" {
				b.Fatalf("%v: policy at %q", err, lr.PolicyDomain)
			}
			b.ReportAllocs()
			for b.Loop() {
				sinkLookup, _ = c.Lookup(ctx, "a.b.mail.example.com")
			}
		})
	}
}

// BenchmarkVerify is the whole receiver path for a message from a
// subdomain without a record of its own: in RFC 7489 mode two TXT queries
// (NXDOMAIN, then the organizational domain), in RFC 9989 mode the tree
// walk (three); parse, alignment of a DKIM pass and an unaligned SPF pass.
func BenchmarkVerify(b *testing.B) {
	fake := domainauth.MustFakeResolver(`_dmarc.example.com. 300 TXT "v=DMARC1; p=reject; sp=quarantine; rua=mailto:d@example.com; fo=1"`)
	in := dmarc.Input{FromDomain: "news.example.com",
		SPF:  dmarc.SPFResult{Domain: "bounce.esp.example", Result: dmarc.AuthPass},
		DKIM: []dmarc.DKIMResult{{Domain: "example.com", Selector: "s", Result: dmarc.AuthPass}}}
	ctx := context.Background()
	for _, mode := range []dmarc.Mode{dmarc.RFC9989, dmarc.RFC7489} {
		b.Run(mode.String(), func(b *testing.B) {
			c := dmarc.Checker{Resolver: fake, Mode: mode}
			if res := c.Verify(ctx, in); res.Status != dmarc.StatusPass {
				b.Fatalf("%s: %s", res.Status, res.Reason)
			}
			b.ReportAllocs()
			for b.Loop() {
				sinkResult = c.Verify(ctx, in)
			}
		})
	}
}

// BenchmarkString prints a parsed record and one filled in by hand (the
// tags found from the fields, not from Present).
func BenchmarkString(b *testing.B) {
	parsed := dmarc.MustParse("v=DMARC1; p=reject; sp=quarantine; adkim=s; fo=1; rua=mailto:a@example.com,mailto:b@example.net!10m")
	byHand := dmarc.Record{Policy: dmarc.Reject, SubdomainPolicy: dmarc.Quarantine, ADKIM: dmarc.Strict,
		FailureOptions: dmarc.FailureAny, RUA: []dmarc.URI{{Address: "mailto:a@example.com"}}}
	for _, c := range []struct {
		name string
		r    *dmarc.Record
	}{{"parsed", parsed}, {"by-hand", &byHand}} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			var n int
			for b.Loop() {
				n += len(c.r.String())
			}
			_ = n
		})
	}
}
