package verify_test

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/internal/dnstxt"
	"github.com/domainauth/domainauth/records"
	"github.com/domainauth/domainauth/verify"
)

// The provider side of the generated sets' DNS (Mailgun-, SES- and
// SendGrid-style), beside providerZone.
const generatedProviderZone = `
mailgun.org.        TXT "v=spf1 ip4:198.51.100.0/24 ~all"
amazonses.com.      TXT "v=spf1 ip4:199.255.192.0/22 ~all"
`

// fixSets are the record sets the fixes are followed for, by name.
var fixSets = map[string]func(t *testing.T) records.Set{
	// Customer.io style on the zone apex: MX and SPF on cio123, the DKIM
	// key below it, DMARC and a tracking CNAME.
	"apex": func(*testing.T) records.Set { return accountSet() },
	// The same for the sending domain mail.example.com in the zone
	// example.com: every host field ends in ".mail".
	"sub": func(*testing.T) records.Set { return subdomainSet() },
	// Generated for an internationalised sending domain given in
	// U-labels: names are A-labels, host fields relative to the zone
	// xn--bcher-kva.de.
	"idn": func(t *testing.T) records.Set {
		return generate(t, records.MailgunStyle(), records.Account{
			Domain: "bücher.de", ID: "123", Region: "eu", From: "news@bücher.de",
			DKIMKey: dkimA, TrackingHost: "links",
		})
	},
	// Generated for an internationalised subdomain of the zone: the
	// host fields hold an A-label ("cio123.xn--mll-hoa").
	"idnsub": func(t *testing.T) records.Set {
		return generate(t, records.MailgunStyle(), records.Account{
			Domain: "müll.example.com", ID: "123", From: "news@müll.example.com",
			DKIMKey: dkimA, TrackingHost: "links",
		})
	},
	// SPF on the sending domain itself, merged into the customer's own
	// record (other senders' includes to keep).
	"merged": func(t *testing.T) records.Set {
		p := records.MailgunStyle()
		p.SPF.Host = "@"
		return generate(t, p, records.Account{
			Domain: "example.com", ID: "123", From: "news@example.com", DKIMKey: dkimA,
			Existing: &records.Existing{TXT: map[string][]string{"example.com": {"v=spf1 include:_spf.other.example ~all"}}},
		})
	},
	// Two DKIM key selectors (TXT) for one account.
	"twokeys": func(t *testing.T) records.Set {
		p := records.MailgunStyle()
		p.DKIM.Selectors = []string{"s1", "s2"}
		return generate(t, p, records.Account{
			Domain: "example.com", ID: "123", From: "news@example.com", DKIMKey: dkimA,
		})
	},
	// Amazon SES: three DKIM selectors delegated by CNAME, one regional
	// MX host on mail.example.com, a regional tracking target.
	"ses": func(t *testing.T) records.Set {
		return generate(t, records.SESStyle(), records.Account{
			Domain: "example.com", Region: "us-east-1", From: "news@example.com",
			DKIMSelectors: []string{"tok1", "tok2", "tok3"}, TrackingHost: "links",
		})
	},
	// SES for a subdomain sending domain.
	"sessub": func(t *testing.T) records.Set {
		return generate(t, records.SESStyle(), records.Account{
			Domain: "shop.example.com", Region: "eu-west-1", From: "news@shop.example.com",
			DKIMSelectors: []string{"tok1", "tok2", "tok3"},
		})
	},
	// SendGrid: return path and two DKIM selectors delegated by CNAME.
	"sendgrid": func(t *testing.T) records.Set {
		return generate(t, records.SendGridStyle(), records.Account{
			Domain: "example.com", ID: "1234", From: "news@example.com",
			Vars: map[string]string{"user": "5678", "wl": "1"}, TrackingHost: "links",
		})
	},
}

func generate(t *testing.T, p records.Provider, a records.Account) records.Set {
	t.Helper()
	a.AddedAt = now.Add(-time.Hour)
	set, err := records.Generate(p, a)
	if err != nil {
		t.Fatal(err)
	}
	return *set
}

// pick returns the index of the record a case breaks: the n-th record of
// the purpose and type (type "" for any).
func pick(set records.Set, purpose records.Purpose, typ records.Type, n int) int {
	for i, r := range set.Records {
		if r.Purpose == purpose && (typ == "" || r.Type == typ) {
			if n == 0 {
				return i
			}
			n--
		}
	}
	return -1
}

// zoneRecords writes rec as zone-file lines with absolute names, at owner
// instead of rec.FQDN when owner is not empty.
func zoneRecords(rec records.Record, owner string) string {
	if owner == "" {
		owner = rec.FQDN
	}
	var b strings.Builder
	for i, v := range rec.Values {
		switch rec.Type {
		case records.TypeMX:
			pref := rec.Priority
			if i < len(rec.Priorities) {
				pref = rec.Priorities[i]
			}
			fmt.Fprintf(&b, "%s. MX %d %s.\n", owner, pref, v)
		case records.TypeCNAME:
			fmt.Fprintf(&b, "%s. CNAME %s.\n", owner, v)
		default:
			fmt.Fprintf(&b, "%s. TXT %s\n", owner, txtStrings(v))
		}
	}
	return b.String()
}

// breakage makes the broken zone text for the record under test, given
// the set and the record; skip names the other records to leave out (at
// the same name, for a CNAME there).
type breakage func(set records.Set, rec records.Record) (zone string, skip func(records.Record) bool)

func withValue(f func(records.Record) string) breakage {
	return func(_ records.Set, rec records.Record) (string, func(records.Record) bool) {
		return f(rec), nil
	}
}

func txtAt(rec records.Record, values ...string) string {
	var b strings.Builder
	for _, v := range values {
		fmt.Fprintf(&b, "%s. TXT %s\n", rec.FQDN, txtStrings(v))
	}
	return b.String()
}

var (
	missing = withValue(func(records.Record) string { return "" })
	doubled = func(set records.Set, rec records.Record) (string, func(records.Record) bool) {
		return zoneRecords(rec, rec.FQDN+"."+set.Zone), nil
	}
	atApex = func(set records.Set, rec records.Record) (string, func(records.Record) bool) {
		apex := strings.TrimSuffix(rec.FQDN, set.ReturnPath) + set.Domain
		return zoneRecords(rec, apex), nil
	}
	cnameConflict = func(set records.Set, rec records.Record) (string, func(records.Record) bool) {
		return rec.FQDN + ". CNAME " + set.Zone + ".\n", func(o records.Record) bool { return o.FQDN == rec.FQDN }
	}
	// typo: a target typed without its final dot into a DNS host that
	// appends the zone to it.
	typo = func(set records.Set, rec records.Record) (string, func(records.Record) bool) {
		z := zoneRecords(rec, "")
		z = strings.Replace(z, rec.Values[0]+".", rec.Values[0]+"."+set.Zone+".", 1)
		return z, nil
	}
)

// replaceValue is the record with its first value replaced by f's.
func replaceValue(f func(string) string) breakage {
	return func(_ records.Set, rec records.Record) (string, func(records.Record) bool) {
		r := rec
		r.Values = slices.Clone(rec.Values)
		r.Values[0] = f(r.Values[0])
		return zoneRecords(r, ""), nil
	}
}

// spfText is the SPF record at the record's name, as typed.
func spfText(f func(rec records.Record) string) breakage {
	return withValue(func(rec records.Record) string { return rec.FQDN + ". TXT " + f(rec) + "\n" })
}

// spfOf is the provider's SPF record with one replacement applied.
func spfOf(old, new string) breakage {
	return spfText(func(rec records.Record) string {
		return `"` + strings.Replace(rec.Values[0], old, new, 1) + `"`
	})
}

func lookupLimitZone(rec records.Record) string {
	var b strings.Builder
	b.WriteString(rec.FQDN + `. TXT "` + strings.Replace(rec.Values[0], " ~all", "", 1))
	for i := 1; i <= 10; i++ {
		fmt.Fprintf(&b, " include:l%d.example.net", i)
	}
	b.WriteString(" ~all\"\n")
	for i := 1; i <= 10; i++ {
		fmt.Fprintf(&b, "l%d.example.net. TXT \"v=spf1 -all\"\n", i)
	}
	return b.String()
}

type fixCase struct {
	name    string
	sets    []string // keys of fixSets
	purpose records.Purpose
	typ     records.Type // "" for the purpose's only type
	nth     int          // which record of the purpose and type
	broken  breakage
	// appendsValues: the customer's DNS host appends the zone to a target
	// typed without a final dot (the case shows it does).
	appendsValues bool
}

// TestFixThenReverify is TestDMARCFixThenReverify for the SPF, DKIM,
// return-path (MX or CNAME) and tracking records: for each pitfall of
// DNS-PITFALLS.md that applies, on Customer.io-, SES- and SendGrid-style
// sets, for a sending domain at the zone apex, below it, internationalised,
// and with several DKIM selectors, it breaks one record, verifies, follows
// every fix of that record's findings as a customer at a DNS host form
// would (the host field relative to the zone, values typed as given), and
// verifies again: the record must be found with no finding above Info.
//
// The fixes are parsed strictly (fixForms): a fix that names no host
// field, or no value to type where one is needed, fails the test. A fix
// only the customer can complete (which unused SPF includes to remove) is
// checked for its host field only.
func TestFixThenReverify(t *testing.T) {
	txtKey := []string{"apex", "sub", "idn", "idnsub", "twokeys"}
	mx := []string{"apex", "sub", "idn", "idnsub", "ses", "sessub"}
	mx2 := []string{"apex", "sub", "idn", "idnsub"}                     // two MX hosts
	spfSub := []string{"apex", "sub", "idn", "idnsub", "ses", "sessub"} // SPF on a subdomain of the sending domain
	spfSets := append(slices.Clone(spfSub), "merged")
	cnameDKIM := []string{"ses", "sessub", "sendgrid"}
	tracking := []string{"apex", "sub", "idn", "idnsub", "ses", "sendgrid"}
	cases := []fixCase{
		// SPF
		{name: "spf missing", sets: spfSets, purpose: records.PurposeSPF, broken: missing},
		{name: "spf name doubled", sets: spfSets, purpose: records.PurposeSPF, broken: doubled},
		{name: "spf at apex", sets: spfSub, purpose: records.PurposeSPF, broken: atApex},
		{name: "spf cname conflict", sets: spfSub, purpose: records.PurposeSPF, broken: cnameConflict},
		{name: "spf type 99", sets: spfSets, purpose: records.PurposeSPF, broken: withValue(func(rec records.Record) string {
			return rec.FQDN + ". SPF " + txtStrings(rec.Values[0]) + "\n"
		})},
		{name: "spf quotes", sets: spfSets, purpose: records.PurposeSPF, broken: spfText(func(rec records.Record) string { return `"\"` + rec.Values[0] + `\""` })},
		{name: "spf leading space", sets: spfSets, purpose: records.PurposeSPF, broken: spfText(func(rec records.Record) string { return `" ` + rec.Values[0] + `"` })},
		{name: "spf space after include:", sets: spfSets, purpose: records.PurposeSPF, broken: spfOf("include:", "include: ")},
		{name: "spf syntax: ~al", sets: spfSets, purpose: records.PurposeSPF, broken: spfOf("~all", "~al")},
		{name: "spf syntax: other sender kept", sets: spfSets, purpose: records.PurposeSPF, broken: spfOf("~all", "include:_spf.other.example ip4:300.1.1.1 ~all")},
		{name: "spf include missing", sets: spfSets, purpose: records.PurposeSPF, broken: spfText(func(rec records.Record) string { return `"v=spf1 include:_spf.other.example ~all"` })},
		{name: "spf include with wrong qualifier", sets: spfSets, purpose: records.PurposeSPF, broken: spfOf("include:", "-include:")},
		{name: "spf include after all", sets: spfSets, purpose: records.PurposeSPF, broken: spfText(func(rec records.Record) string {
			return `"v=spf1 ~all ` + strings.TrimSuffix(strings.TrimPrefix(rec.Values[0], "v=spf1 "), " ~all") + `"`
		})},
		{name: "spf +all", sets: spfSets, purpose: records.PurposeSPF, broken: spfOf("~all", "+all")},
		{name: "spf two records", sets: spfSets, purpose: records.PurposeSPF, broken: withValue(func(rec records.Record) string {
			return txtAt(rec, rec.Values[0], "v=spf1 include:_spf.other.example ~all")
		})},
		{name: "spf lookup limit", sets: spfSets, purpose: records.PurposeSPF, broken: withValue(lookupLimitZone)},
		{name: "spf void lookups", sets: spfSets, purpose: records.PurposeSPF, broken: spfOf("v=spf1", "v=spf1 a:gone1.example.net a:gone2.example.net a:gone3.example.net")},
		{name: "spf include without a record", sets: spfSets, purpose: records.PurposeSPF, broken: spfOf("~all", "include:nothing.example.net ~all")},

		// DKIM key records (TXT)
		{name: "dkim missing", sets: txtKey, purpose: records.PurposeDKIM, nth: 1, broken: missing},
		{name: "dkim name doubled", sets: txtKey, purpose: records.PurposeDKIM, broken: doubled},
		{name: "dkim at apex", sets: txtKey, purpose: records.PurposeDKIM, broken: atApex},
		{name: "dkim cname conflict", sets: txtKey, purpose: records.PurposeDKIM, broken: cnameConflict},
		{name: "dkim quotes", sets: txtKey, purpose: records.PurposeDKIM, broken: replaceValue(func(v string) string { return `\"` + v + `\"` })},
		{name: "dkim escaped semicolon", sets: txtKey, purpose: records.PurposeDKIM, broken: replaceValue(func(v string) string { return strings.ReplaceAll(v, ";", `\\;`) })},
		{name: "dkim truncated", sets: txtKey, purpose: records.PurposeDKIM, broken: replaceValue(func(v string) string { return v[:255] })},
		{name: "dkim split into two records", sets: txtKey, purpose: records.PurposeDKIM, broken: withValue(func(rec records.Record) string {
			return txtAt(rec, rec.Values[0][:255], rec.Values[0][255:])
		})},
		{name: "dkim old key", sets: txtKey, purpose: records.PurposeDKIM, broken: replaceValue(func(string) string { return "v=DKIM1; k=rsa; p=" + keyB })},
		{name: "dkim PEM pasted", sets: txtKey, purpose: records.PurposeDKIM, broken: replaceValue(func(string) string {
			return "v=DKIM1; k=rsa; p=-----BEGIN PUBLIC KEY-----" + keyA + "-----END PUBLIC KEY-----"
		})},
		{name: "dkim old key beside the new", sets: txtKey, purpose: records.PurposeDKIM, broken: withValue(func(rec records.Record) string {
			return txtAt(rec, rec.Values[0], "v=DKIM1; k=rsa; p="+keyB)
		})},

		// DKIM delegated by CNAME (SES, SendGrid); the last selector.
		{name: "dkim cname missing", sets: cnameDKIM, purpose: records.PurposeDKIM, nth: 1, broken: missing},
		{name: "dkim cname name doubled", sets: cnameDKIM, purpose: records.PurposeDKIM, nth: 1, broken: doubled},
		{name: "dkim cname wrong target", sets: cnameDKIM, purpose: records.PurposeDKIM, nth: 1, broken: replaceValue(func(v string) string { return "x" + v })},
		{name: "dkim cname without final dot", sets: cnameDKIM, purpose: records.PurposeDKIM, nth: 1, broken: typo, appendsValues: true},
		{name: "dkim cname proxied", sets: cnameDKIM, purpose: records.PurposeDKIM, nth: 1, broken: withValue(func(rec records.Record) string {
			return rec.FQDN + ". A 104.16.1.1\n"
		})},

		// Return path: MX
		{name: "mx missing", sets: mx, purpose: records.PurposeReturnPath, typ: records.TypeMX, broken: missing},
		{name: "mx name doubled", sets: mx, purpose: records.PurposeReturnPath, typ: records.TypeMX, broken: doubled},
		{name: "mx at apex", sets: mx, purpose: records.PurposeReturnPath, typ: records.TypeMX, broken: atApex},
		{name: "mx cname conflict", sets: mx, purpose: records.PurposeReturnPath, typ: records.TypeMX, broken: func(set records.Set, rec records.Record) (string, func(records.Record) bool) {
			return rec.FQDN + ". CNAME " + set.Zone + ".\n" + set.Zone + ". MX 10 mail." + set.Zone + ".\n", func(o records.Record) bool { return o.FQDN == rec.FQDN }
		}},
		{name: "mx without final dot", sets: mx, purpose: records.PurposeReturnPath, typ: records.TypeMX, broken: typo, appendsValues: true},
		{name: "mx one host of two", sets: mx2, purpose: records.PurposeReturnPath, typ: records.TypeMX, broken: func(set records.Set, rec records.Record) (string, func(records.Record) bool) {
			r := rec
			r.Values = rec.Values[:1]
			return zoneRecords(r, ""), nil
		}},
		{name: "mx priorities reordered", sets: mx2, purpose: records.PurposeReturnPath, typ: records.TypeMX, broken: func(set records.Set, rec records.Record) (string, func(records.Record) bool) {
			r := rec
			r.Priorities = []uint16{rec.Priority + 10, rec.Priority}
			return zoneRecords(r, ""), nil
		}},
		{name: "mx extra host", sets: mx, purpose: records.PurposeReturnPath, typ: records.TypeMX, broken: func(set records.Set, rec records.Record) (string, func(records.Record) bool) {
			return zoneRecords(rec, "") + rec.FQDN + ". MX 10 mail." + set.Zone + ".\n", nil
		}},
		{name: "mx other region", sets: []string{"ses", "sessub"}, purpose: records.PurposeReturnPath, typ: records.TypeMX, broken: replaceValue(func(v string) string {
			return strings.NewReplacer("us-east-1", "ap-south-1", "eu-west-1", "us-west-2").Replace(v)
		})},

		// Return path: CNAME (SendGrid)
		{name: "return path cname missing", sets: []string{"sendgrid"}, purpose: records.PurposeReturnPath, broken: missing},
		{name: "return path cname doubled", sets: []string{"sendgrid"}, purpose: records.PurposeReturnPath, broken: doubled},
		{name: "return path cname wrong target", sets: []string{"sendgrid"}, purpose: records.PurposeReturnPath, broken: replaceValue(func(string) string { return "u5678.wl2.sendgrid.net" })},
		{name: "return path cname without final dot", sets: []string{"sendgrid"}, purpose: records.PurposeReturnPath, broken: typo, appendsValues: true},

		// Tracking CNAME
		{name: "tracking missing", sets: tracking, purpose: records.PurposeTracking, broken: missing},
		{name: "tracking name doubled", sets: tracking, purpose: records.PurposeTracking, broken: doubled},
		{name: "tracking proxied", sets: tracking, purpose: records.PurposeTracking, broken: withValue(func(rec records.Record) string {
			return rec.FQDN + ". A 104.16.1.1\n" + rec.FQDN + ". A 104.16.2.1\n"
		})},
		{name: "tracking wrong target", sets: tracking, purpose: records.PurposeTracking, broken: replaceValue(func(string) string { return "track.elsewhere.example" })},
		{name: "tracking other region", sets: []string{"apex", "idn", "ses"}, purpose: records.PurposeTracking, broken: replaceValue(func(v string) string {
			return strings.NewReplacer("e.provider.net", "e-eu.provider.net", "e-eu.customeriomail", "e.customeriomail", "us-east-1", "eu-west-1").Replace(v)
		})},
		{name: "tracking without final dot", sets: tracking, purpose: records.PurposeTracking, broken: typo, appendsValues: true},
	}
	for _, tt := range cases {
		for _, setName := range tt.sets {
			t.Run(tt.name+"/"+setName, func(t *testing.T) {
				fixThenReverify(t, tt, fixSets[setName](t))
			})
		}
	}
}

func fixThenReverify(t *testing.T, tt fixCase, set records.Set) {
	i := pick(set, tt.purpose, tt.typ, tt.nth)
	if i < 0 {
		i = pick(set, tt.purpose, tt.typ, 0)
	}
	if i < 0 {
		t.Fatalf("no %s %s record in the set", tt.purpose, tt.typ)
	}
	rec := set.Records[i]
	broken, skip := tt.broken(set, rec)
	var zone strings.Builder
	zone.WriteString(providerZone + generatedProviderZone + "_spf.other.example. TXT \"v=spf1 ip4:203.0.113.0/24 ~all\"\n")
	for j, o := range set.Records {
		if j == i || (skip != nil && skip(o)) || (o.Type == rec.Type && o.FQDN == rec.FQDN) {
			continue
		}
		zone.WriteString(zoneRecords(o, ""))
	}
	zone.WriteString(broken)
	r, err := domainauth.NewFakeResolver(zone.String())
	if err != nil {
		t.Fatalf("%v\n%s", err, zone.String())
	}
	v := verifier(r)
	rep, err := v.Verify(t.Context(), set)
	if err != nil {
		t.Fatal(err)
	}
	before := recordResult(t, rep, rec)
	var follow []finding.Finding
	for _, f := range before.Findings {
		if f.Severity > finding.Info && f.Fix != "" {
			follow = append(follow, f)
		}
	}
	if len(follow) == 0 {
		t.Fatalf("%s %s: %s with no fix to follow (findings %v)\n%s", rec.Type, rec.FQDN, before.Status, codes(before.Findings), rep)
	}
	h := &dnsHost{t: t, r: r, zone: set.Zone, rec: rec, msg: before, appendsValues: tt.appendsValues}
	for _, f := range follow {
		h.follow(f)
	}
	if t.Failed() {
		return
	}
	if len(h.manual) > 0 {
		t.Logf("not mechanical, host field checked only: %q", h.manual)
		return
	}
	again, err := v.Verify(t.Context(), set)
	if err != nil {
		t.Fatal(err)
	}
	after := recordResult(t, again, rec)
	var left []string
	for _, f := range after.Findings {
		if f.Severity > finding.Info {
			left = append(left, fmt.Sprintf("%s %s: %s", f.Severity, f.Code, f.Message))
		}
	}
	if after.Status != verify.Found || len(left) > 0 {
		var fixes []string
		for _, f := range follow {
			fixes = append(fixes, fmt.Sprintf("%s: %q", f.Code, f.Fix))
		}
		t.Errorf("after following\n\t%s\n%s %s is %s, want found; still %v\nfound: %q", strings.Join(fixes, "\n\t"), rec.Type, rec.FQDN, after.Status, left, after.Found)
	}
}

// recordResult is the result for rec in rep.
func recordResult(t *testing.T, rep *verify.Report, rec records.Record) verify.RecordResult {
	t.Helper()
	for _, rr := range rep.Records {
		if rr.Purpose == rec.Purpose && rr.Type == rec.Type && rr.FQDN == rec.FQDN {
			return rr
		}
	}
	t.Fatalf("no result for %s %s in report:\n%s", rec.Type, rec.FQDN, rep)
	return verify.RecordResult{}
}

// dnsHost is the customer at a DNS host's form: host fields are relative
// to the zone (the host appends it), TXT values are stored as typed, and
// targets typed without a final dot are taken as full names, or, with
// appendsValues, get the zone appended.
type dnsHost struct {
	t             *testing.T
	r             *domainauth.FakeResolver
	zone          string
	rec           records.Record      // the record the fixes are for
	msg           verify.RecordResult // the findings before
	appendsValues bool
	manual        []string // fixes only the customer can complete
}

// owner is the name a host field stands for.
func (h *dnsHost) owner(host string) string {
	h.t.Helper()
	if host != h.rec.Name {
		h.t.Errorf("fix names host field %q; the record's host field is %q", host, h.rec.Name)
	}
	if host == "@" {
		return h.zone + "."
	}
	return host + "." + h.zone + "."
}

// target is the name a target typed as v becomes.
func (h *dnsHost) target(v string) string {
	switch {
	case strings.HasSuffix(v, "."):
		return v
	case h.appendsValues:
		return v + "." + h.zone + "."
	}
	return v + "."
}

// at returns the records of type qtype owned by name.
func (h *dnsHost) at(name string, qtype uint16) []dns.RR {
	m, err := h.r.Query(h.t.Context(), name, qtype)
	if err != nil {
		h.t.Fatal(err)
	}
	var out []dns.RR
	for _, rr := range m.Answer {
		if rr.Header().Rrtype == qtype && strings.EqualFold(rr.Header().Name, name) {
			out = append(out, rr)
		}
	}
	return out
}

func (h *dnsHost) txts(name string) []string {
	var out []string
	for _, rr := range h.at(name, dns.TypeTXT) {
		out = append(out, dnstxt.Join(rr.(*dns.TXT).Txt))
	}
	return out
}

// setTXT replaces the TXT records at name.
func (h *dnsHost) setTXT(name string, values []string) {
	h.r.Remove(name, dns.TypeTXT)
	for _, v := range values {
		h.addTXT(name, v)
	}
}

func (h *dnsHost) addTXT(name, v string) {
	if slices.Contains(h.txts(name), v) {
		return // the same record again is the same record
	}
	// miekg/dns holds character-strings in zone-file form.
	esc := strings.NewReplacer(`\\`, `\\\\`, `"`, `\\"`)
	var parts []string
	for len(v) > 255 {
		parts = append(parts, esc.Replace(v[:255]))
		v = v[255:]
	}
	h.r.AddRR(&dns.TXT{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 3600}, Txt: append(parts, esc.Replace(v))})
}

// editTXT changes the TXT records at name that keep says to.
func (h *dnsHost) editTXT(name string, keep func(string) bool, edit func(string) string) {
	var out []string
	n := 0
	for _, t := range h.txts(name) {
		if keep(t) {
			t = edit(t)
			n++
		}
		out = append(out, t)
	}
	if n == 0 {
		h.t.Errorf("no TXT record to edit at %s", name)
	}
	h.setTXT(name, out)
}

func isSPF(t string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(strings.Trim(t, `" `))), "v=spf1")
}

// replaceSPF replaces the SPF records at name with one of value v.
func (h *dnsHost) replaceSPF(name, v string) {
	out := slices.DeleteFunc(h.txts(name), isSPF)
	h.setTXT(name, append(out, v))
}

func (h *dnsHost) setMX(name string, mxs []*dns.MX) {
	h.r.Remove(name, dns.TypeMX)
	for _, m := range mxs {
		m.Hdr = dns.RR_Header{Name: name, Rrtype: dns.TypeMX, Class: dns.ClassINET, Ttl: 3600}
		h.r.AddRR(m)
	}
}

func (h *dnsHost) mxs(name string) []*dns.MX {
	var out []*dns.MX
	for _, rr := range h.at(name, dns.TypeMX) {
		out = append(out, rr.(*dns.MX))
	}
	return out
}

// parseMXList reads "10 a.example, 20 b.example" (sep ", ") or "10 a and
// 10 b" (sep " and ").
func (h *dnsHost) parseMXList(s, sep string) []*dns.MX {
	var out []*dns.MX
	for _, p := range strings.Split(s, sep) {
		pref, host, ok := strings.Cut(strings.TrimSpace(p), " ")
		n, err := strconv.Atoi(pref)
		if !ok || err != nil || strings.ContainsAny(host, " ,") {
			h.t.Errorf("MX value %q is not \"priority host\"", p)
			return nil
		}
		out = append(out, &dns.MX{Preference: uint16(n), Mx: h.target(host)})
	}
	return out
}

func (h *dnsHost) setCNAME(name, target string) {
	h.r.Remove(name, 0)
	h.r.AddRR(&dns.CNAME{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeCNAME, Class: dns.ClassINET, Ttl: 3600}, Target: h.target(target)})
}

// move moves the records of the record's type from one name to another.
func (h *dnsHost) move(from, to string) {
	qt := map[records.Type]uint16{records.TypeMX: dns.TypeMX, records.TypeTXT: dns.TypeTXT, records.TypeCNAME: dns.TypeCNAME}[h.rec.Type]
	rrs := h.at(from, qt)
	if len(rrs) == 0 {
		h.t.Errorf("no %s record at %s to move", h.rec.Type, from)
	}
	h.r.Remove(from, qt)
	have := h.at(to, qt)
	for _, rr := range rrs {
		rr = dns.Copy(rr)
		rr.Header().Name = to
		// An RRset holds a record once (RFC 2181 section 5): a DNS host
		// refuses, or merges, the copy of one already there.
		if !slices.ContainsFunc(have, func(o dns.RR) bool { return dns.IsDuplicate(o, rr) }) {
			h.r.AddRR(rr)
		}
	}
}

// fixForms are the fixes a customer can follow as written: a pattern
// (matched at the start of the fix) and what doing it does to the zone.
var fixForms = []struct {
	re *regexp.Regexp
	do func(h *dnsHost, m []string)
}{
	{regexp.MustCompile(`^Add a TXT record with host "([^"]*)" and the value (.+?)\. (?:The underscore|If your DNS host)`), func(h *dnsHost, m []string) {
		h.addTXT(h.owner(m[1]), m[2])
	}},
	{regexp.MustCompile(`^Add an MX record with host "([^"]*)" and the values? (.+?) \(priority, then host\)\.`), func(h *dnsHost, m []string) {
		name := h.owner(m[1])
		h.setMX(name, append(h.mxs(name), h.parseMXList(m[2], " and ")...))
	}},
	{regexp.MustCompile(`^Add a CNAME record with host "([^"]*)" pointing to (\S+?)\.$`), func(h *dnsHost, m []string) {
		h.setCNAME(h.owner(m[1]), m[2])
	}},
	{regexp.MustCompile(`: change the host field from "([^"]*)" to "([^"]*)"\.$`), func(h *dnsHost, m []string) {
		// The host field typed as m[1]; the host appended the zone.
		h.move(m[1]+"."+h.zone+".", h.owner(m[2]))
	}},
	{regexp.MustCompile(`^Publish the record at host "([^"]*)" \(the account subdomain\), not at the root of the domain\.`), func(h *dnsHost, m []string) {
		// "The record" is the one at the root; the record-missing fix
		// beside this one gives its value.
		h.owner(m[1])
	}},
	{regexp.MustCompile(`^Publish the MX records at host "([^"]*)" \(the account subdomain\), and remove the MX records for (.+?) from the root of the domain \(([^)]*)\):`), func(h *dnsHost, m []string) {
		h.owner(m[1]) // the record-missing fix beside this one adds them
		root := m[3] + "."
		hosts := strings.Split(m[2], " and ")
		h.setMX(root, slices.DeleteFunc(h.mxs(root), func(mx *dns.MX) bool {
			return slices.Contains(hosts, strings.TrimSuffix(mx.Mx, "."))
		}))
	}},
	{regexp.MustCompile(`^Delete the CNAME record at host "([^"]*)", then add the (?:SPF|DKIM|MX) record there\.$`), func(h *dnsHost, m []string) {
		h.r.Remove(h.owner(m[1]), dns.TypeCNAME)
	}},
	{regexp.MustCompile(`^Edit the TXT record at host "([^"]*)" and remove the quote characters`), func(h *dnsHost, m []string) {
		h.editTXT(h.owner(m[1]), func(t string) bool { return strings.Contains(t, `"`) }, func(t string) string { return strings.ReplaceAll(t, `"`, "") })
	}},
	{regexp.MustCompile(`^Edit the TXT record at host "([^"]*)" and remove the spaces before v=spf1\.$`), func(h *dnsHost, m []string) {
		h.editTXT(h.owner(m[1]), isSPF, func(t string) string { return strings.TrimLeft(t, " ") })
	}},
	{regexp.MustCompile(`^Keep one TXT record starting with v=spf1 at host "([^"]*)" and delete the others\. Merged, it would read: (v=spf1 .*)$`), func(h *dnsHost, m []string) {
		h.replaceSPF(h.owner(m[1]), m[2])
	}},
	{regexp.MustCompile(`^Edit the TXT record at host "([^"]*)"(?: \(do not add a second one\))? to: (v=spf1 [^()]*?)(?: \(this keeps every term that is valid SPF and leaves out .*\))?$`), func(h *dnsHost, m []string) {
		h.replaceSPF(h.owner(m[1]), m[2])
	}},
	{regexp.MustCompile(`^Move the all mechanism to the end of the record at host "([^"]*)": (v=spf1 .*)$`), func(h *dnsHost, m []string) {
		h.replaceSPF(h.owner(m[1]), m[2])
	}},
	{regexp.MustCompile(`^Replace \+all with ~all \(or -all\) in the record at host "([^"]*)"\.$`), func(h *dnsHost, m []string) {
		h.editTXT(h.owner(m[1]), isSPF, func(t string) string { return strings.Replace(t, "+all", "~all", 1) })
	}},
	{regexp.MustCompile(`^Add the same value as a TXT record at host "([^"]*)" \(record type TXT, not SPF\), then delete the SPF-type record\.$`), func(h *dnsHost, m []string) {
		name := h.owner(m[1])
		old := h.at(name, dns.TypeSPF)
		if len(old) == 0 {
			h.t.Errorf("no SPF-type record at %s", name)
		}
		for _, rr := range old {
			h.addTXT(name, dnstxt.Join(rr.(*dns.SPF).Txt))
		}
		h.r.Remove(name, dns.TypeSPF)
	}},
	{regexp.MustCompile(`^Receivers stop after 10 lookups \(or 2 that find nothing\) and reject the record\. Remove the includes and mechanisms you no longer use from the record at host "([^"]*)"(, or keep only the provider's include there)?`), func(h *dnsHost, m []string) {
		name := h.owner(m[1])
		if m[2] == "" {
			// Which includes are unused only the customer knows.
			h.manual = append(h.manual, m[0])
			return
		}
		h.replaceSPF(name, h.rec.Values[0])
	}},
	{regexp.MustCompile(`^Fix or remove the failing part of the record at host "([^"]*)"\.$`), func(h *dnsHost, m []string) {
		// The message names the failing part: "(<code> at <domain>)".
		name := h.owner(m[1])
		var dom string
		for _, f := range h.msg.Findings {
			if mm := regexp.MustCompile(`fails for receivers \(\S+ at (\S+)\)`).FindStringSubmatch(f.Message); mm != nil {
				dom = mm[1]
			}
		}
		if dom == "" {
			h.t.Errorf("no failing part named in the findings")
			return
		}
		h.editTXT(name, isSPF, func(t string) string { return strings.Replace(t, " include:"+dom, "", 1) })
	}},
	{regexp.MustCompile(`^Your DNS host stores the value as typed: replace each \\; with a plain ; in the TXT record at host "([^"]*)"\.`), func(h *dnsHost, m []string) {
		h.editTXT(h.owner(m[1]), func(t string) bool { return strings.Contains(t, `\;`) }, func(t string) string { return strings.ReplaceAll(t, `\;`, ";") })
	}},
	{regexp.MustCompile(`^Replace the value of the TXT record at host "([^"]*)" with the key shown, in one record: (.+?)\. If your DNS host limits`), func(h *dnsHost, m []string) {
		h.setTXT(h.owner(m[1]), []string{m[2]})
	}},
	{regexp.MustCompile(`^Replace the value of the TXT record at host "([^"]*)" with: (\S.*)$`), func(h *dnsHost, m []string) {
		h.setTXT(h.owner(m[1]), []string{m[2]})
	}},
	{regexp.MustCompile(`^Keep only the record with this account's key at host "([^"]*)"\.$`), func(h *dnsHost, m []string) {
		want, err := dkim.ParseKey(h.rec.Values[0])
		if err != nil {
			h.t.Fatal(err)
		}
		name := h.owner(m[1])
		h.setTXT(name, slices.DeleteFunc(h.txts(name), func(t string) bool {
			k, err := dkim.ParseKey(t)
			return err != nil || !k.SamePublicKey(want)
		}))
	}},
	{regexp.MustCompile(`^Cloudflare: edit the CNAME record "([^"]*)" and switch its Proxy status from Proxied \(orange cloud\) to DNS only \(grey cloud\)\.`), func(h *dnsHost, m []string) {
		// Behind the proxy is the CNAME the customer entered.
		h.setCNAME(h.owner(m[1]), h.rec.Values[0]+".")
	}},
	{regexp.MustCompile(`^Edit the CNAME record at host "([^"]*)" so it points to (?:"([^"]+)"|([^\s:(]+?))(?:[ :]|\.(?: |$))`), func(h *dnsHost, m []string) {
		h.setCNAME(h.owner(m[1]), m[2]+m[3]) // a value in quotes is typed without them
	}},
	{regexp.MustCompile(`^Edit the MX record at host "([^"]*)": replace (\S+) with (?:"([^"]+)"|(\S+?))\. `), func(h *dnsHost, m []string) {
		m = []string{m[0], m[1], m[2], m[3] + m[4]}
		name := h.owner(m[1])
		mxs := h.mxs(name)
		n := 0
		for _, mx := range mxs {
			if strings.TrimSuffix(mx.Mx, ".") == m[2] {
				mx.Mx = h.target(m[3])
				n++
			}
		}
		if n == 0 {
			h.t.Errorf("no MX %s at %s to replace", m[2], name)
		}
		h.setMX(name, mxs)
	}},
	{regexp.MustCompile(`^Publish every host in the MX record set at host "([^"]*)": (.+?)\. AWS Route 53`), func(h *dnsHost, m []string) {
		name := h.owner(m[1])
		mxs := h.mxs(name)
		for _, w := range h.parseMXList(m[2], ", ") {
			if !slices.ContainsFunc(mxs, func(mx *dns.MX) bool { return strings.EqualFold(mx.Mx, w.Mx) }) {
				mxs = append(mxs, w)
			}
		}
		h.setMX(name, mxs)
	}},
	{regexp.MustCompile(`^Set the priority of each MX value at host "([^"]*)" as listed: (.+?)\.$`), func(h *dnsHost, m []string) {
		name := h.owner(m[1])
		mxs := h.mxs(name)
		for _, w := range h.parseMXList(m[2], ", ") {
			for _, mx := range mxs {
				if strings.EqualFold(mx.Mx, w.Mx) {
					mx.Preference = w.Preference
				}
			}
		}
		h.setMX(name, mxs)
	}},
	{regexp.MustCompile(`^Remove the other MX values at host "([^"]*)", keeping only (.+?)\.$`), func(h *dnsHost, m []string) {
		name := h.owner(m[1])
		keep := h.parseMXList(m[2], ", ")
		h.setMX(name, slices.DeleteFunc(h.mxs(name), func(mx *dns.MX) bool {
			return !slices.ContainsFunc(keep, func(k *dns.MX) bool { return strings.EqualFold(k.Mx, mx.Mx) })
		}))
	}},
}

// follow does what the fix of f says.
func (h *dnsHost) follow(f finding.Finding) {
	h.t.Helper()
	for _, form := range fixForms {
		if m := form.re.FindStringSubmatch(f.Fix); m != nil {
			form.do(h, m)
			return
		}
	}
	h.t.Errorf("%s: the fix %q cannot be followed as written: it names no host field or no value", f.Code, f.Fix)
}
