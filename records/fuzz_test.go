package records_test

import (
	"strings"
	"testing"

	"github.com/miekg/dns"

	"github.com/domainauth/domainauth/internal/dnsname"
	"github.com/domainauth/domainauth/records"
)

// FuzzGenerate feeds arbitrary account input to Generate. Either it fails
// with a *FieldError, or every record is sound: normalised names inside the
// zone, within the RFC 1035 limits, no template brace left over, and a zone
// file that miekg/dns parses back into the same number of records.
func FuzzGenerate(f *testing.F) {
	f.Add("example.com", "12345", "news@example.com", "email", "us", "v=spf1 include:_spf.google.com ~all")
	f.Add("Bücher.example", "1", "{{ customer.email }}", "links.bücher.example.", "eu", "")
	f.Add("news.example.co.uk", "abc_DEF-9", `"A, B" <a@news.example.co.uk>`, "", "", "v=spf1 redirect=x.example")
	f.Add("co.uk", "1", "", "", "", "")
	f.Add("a..b", "1.2", "x@", "@", "ap", "v=spf1 \x00")
	f.Add(strings.Repeat("a", 63)+".com", strings.Repeat("9", 60), "", "", "", "")
	f.Fuzz(func(t *testing.T, domain, id, from, tracking, region, existingSPF string) {
		a := records.Account{Domain: domain, ID: id, From: from, TrackingHost: tracking, Region: region,
			DKIMKey:  rfc8463Key,
			Existing: &records.Existing{TXT: map[string][]string{"cio" + strings.ToLower(id) + "." + strings.ToLower(domain): {existingSPF}}}}
		s, err := records.Generate(records.MailgunStyle(), a)
		if err != nil {
			if _, ok := err.(*records.FieldError); !ok {
				t.Fatalf("error %v is %T, want *records.FieldError", err, err)
			}
			return
		}
		spfs := 0
		for _, r := range s.Records {
			if n, err := dnsname.Normalize(r.FQDN); err != nil || n != r.FQDN {
				t.Fatalf("record name %q not normalised: %v", r.FQDN, err)
			}
			if !dnsname.IsSubdomain(r.FQDN, s.Zone) {
				t.Fatalf("record %q outside zone %q", r.FQDN, s.Zone)
			}
			for _, v := range r.Values {
				if strings.ContainsAny(v, "{}") {
					t.Fatalf("template brace left in %q", v)
				}
			}
			if r.Purpose == records.PurposeSPF {
				spfs++
			}
		}
		if spfs != 1 {
			t.Fatalf("%d SPF records, want 1", spfs)
		}
		zp := dns.NewZoneParser(strings.NewReader(s.ZoneFile()), "", "")
		n := 0
		for _, ok := zp.Next(); ok; _, ok = zp.Next() {
			n++
		}
		if err := zp.Err(); err != nil {
			t.Fatalf("zone file does not parse: %v\n%s", err, s.ZoneFile())
		}
		want := 0
		for _, r := range s.Records {
			want += len(r.Values)
		}
		if n != want {
			t.Fatalf("zone file has %d records, set has %d values", n, want)
		}
	})
}

// FuzzQuoteTXT checks that any TXT value survives the zone-file form:
// miekg/dns reads back exactly the bytes, in strings of at most 255.
func FuzzQuoteTXT(f *testing.F) {
	f.Add("v=spf1 -all")
	f.Add(`"quoted" \ back`)
	f.Add(strings.Repeat("é", 200))
	f.Add("\x00\x7f\xff;()$@")
	f.Fuzz(func(t *testing.T, v string) {
		if len(v) > 4000 {
			return
		}
		zp := dns.NewZoneParser(strings.NewReader("x.example. 60 IN TXT "+records.QuoteTXT(v)+"\n"), "", "")
		rr, ok := zp.Next()
		if !ok {
			t.Fatalf("no record: %v (%q)", zp.Err(), records.QuoteTXT(v))
		}
		parts := wireTXT(t, rr)
		for _, p := range parts {
			if len(p) > 255 {
				t.Fatalf("string of %d bytes", len(p))
			}
		}
		if got := strings.Join(parts, ""); got != v {
			t.Fatalf("round trip %q -> %q", v, got)
		}
	})
}
