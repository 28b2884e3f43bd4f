package records_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/miekg/dns"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/records"
)

// parseZone reads zone-file text with miekg/dns, the parser most Go DNS
// servers use.
func parseZone(t testing.TB, z string) []dns.RR {
	t.Helper()
	zp := dns.NewZoneParser(strings.NewReader(z), "", "")
	var rrs []dns.RR
	for rr, ok := zp.Next(); ok; rr, ok = zp.Next() {
		rrs = append(rrs, rr)
	}
	if err := zp.Err(); err != nil {
		t.Fatalf("zone does not parse: %v\n%s", err, z)
	}
	return rrs
}

// wireTXT returns the character-strings of a TXT record as they go on the
// wire: miekg/dns keeps TXT.Txt in escaped presentation form, so pack the
// record and read its RDATA (RFC 1035 section 3.3.14).
func wireTXT(t testing.TB, rr dns.RR) []string {
	t.Helper()
	buf := make([]byte, dns.Len(rr)+64)
	off, err := dns.PackRR(rr, buf, 0, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	rd := buf[off-int(rr.Header().Rdlength) : off]
	var out []string
	for len(rd) > 0 {
		n := int(rd[0])
		out = append(out, string(rd[1:1+n]))
		rd = rd[1+n:]
	}
	return out
}

func TestZoneFileParses(t *testing.T) {
	a := mailgunAccount()
	a.TrackingHost = "email"
	s, err := records.Generate(records.MailgunStyle(), a)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, rr := range parseZone(t, s.ZoneFile()) {
		got = append(got, rr.String())
	}
	// miekg/dns prints RRs tab-separated with absolute names.
	want := []string{
		"cio12345.example.com.\t3600\tIN\tMX\t10 mxa.mailgun.org.",
		"cio12345.example.com.\t3600\tIN\tMX\t10 mxb.mailgun.org.",
		"cio12345.example.com.\t3600\tIN\tTXT\t\"v=spf1 include:mailgun.org ~all\"",
		"krs._domainkey.cio12345.example.com.\t3600\tIN\tTXT\t\"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\"",
		"_dmarc.example.com.\t3600\tIN\tTXT\t\"v=DMARC1; p=none\"",
		"email.example.com.\t3600\tIN\tCNAME\te.customeriomail.com.",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parsed zone (-want +got):\n%s", diff)
	}
}

// A 2048-bit RSA key record is longer than one TXT string: the zone file
// splits it into strings of at most 255 bytes that join back to the value.
func TestZoneFileLongKey(t *testing.T) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	a := mailgunAccount()
	a.DKIMKey, a.DKIMPublicKey = "", &k.PublicKey
	s, err := records.Generate(records.MailgunStyle(), a)
	if err != nil {
		t.Fatal(err)
	}
	var value string
	for _, r := range s.Records {
		if r.Purpose == records.PurposeDKIM {
			value = r.Values[0]
		}
	}
	if len(value) <= 255 || !strings.HasPrefix(value, "v=DKIM1; k=rsa; p=MIIBIjAN") {
		t.Fatalf("DKIM value %q: want a v=DKIM1 RSA record over 255 bytes", value)
	}
	for _, rr := range parseZone(t, s.ZoneFile()) {
		txt, ok := rr.(*dns.TXT)
		if !ok || !strings.HasPrefix(txt.Hdr.Name, "krs.") {
			continue
		}
		parts := wireTXT(t, txt)
		if len(parts) != (len(value)+254)/255 {
			t.Errorf("%d strings, want %d", len(parts), (len(value)+254)/255)
		}
		for i, part := range parts {
			if len(part) > 255 {
				t.Errorf("string %d has %d bytes", i, len(part))
			}
		}
		if j := strings.Join(parts, ""); j != value {
			t.Errorf("joined strings %q, want %q", j, value)
		}
		return
	}
	t.Fatal("no DKIM TXT record in the zone")
}

func TestQuoteTXT(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `""`},
		{"v=spf1 -all", `"v=spf1 -all"`},
		{`say "hi"`, `"say \"hi\""`},
		{`back\slash`, `"back\\slash"`},
		{"tab\there", `"tab\009here"`},
		{"é", `"\195\169"`},
		{strings.Repeat("a", 255), `"` + strings.Repeat("a", 255) + `"`},
		{strings.Repeat("a", 256), `"` + strings.Repeat("a", 255) + `" "a"`},
		// The split counts bytes of the value, not of the escaped text.
		{strings.Repeat(`"`, 256), `"` + strings.Repeat(`\"`, 255) + `" "\""`},
	}
	for _, tt := range tests {
		if got := records.QuoteTXT(tt.in); got != tt.want {
			t.Errorf("QuoteTXT(%.20q...) = %.60q..., want %.60q...", tt.in, got, tt.want)
		}
		// And miekg/dns reads back the value.
		rrs := parseZone(t, "x.example. 60 IN TXT "+records.QuoteTXT(tt.in)+"\n")
		if got := strings.Join(wireTXT(t, rrs[0]), ""); got != tt.in {
			t.Errorf("round trip of %.20q: got %.20q", tt.in, got)
		}
	}
}

func TestSplitTXT(t *testing.T) {
	for _, n := range []int{0, 1, 254, 255, 256, 510, 511, 1000} {
		v := strings.Repeat("x", n)
		parts := records.SplitTXT(v)
		if strings.Join(parts, "") != v {
			t.Errorf("n=%d: parts do not join back", n)
		}
		if want := max(1, (n+254)/255); len(parts) != want {
			t.Errorf("n=%d: %d parts, want %d", n, len(parts), want)
		}
	}
}

func TestHostForms(t *testing.T) {
	s, err := records.Generate(records.MailgunStyle(), mailgunAccount())
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Host     string
		Type     records.Type
		Priority uint16
		Value    string
	}
	rows := func(f records.HostForm) []row {
		var out []row
		for _, r := range s.ForHost(f) {
			out = append(out, row{r.Host, r.Type, r.Priority, r.Value})
		}
		return out
	}
	key := "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="
	// GoDaddy appends the domain: host fields are relative (seed: "update the
	// record to be only the subdomain value").
	wantGoDaddy := []row{
		{"cio12345", records.TypeMX, 10, "mxa.mailgun.org"},
		{"cio12345", records.TypeMX, 10, "mxb.mailgun.org"},
		{"cio12345", records.TypeTXT, 0, "v=spf1 include:mailgun.org ~all"},
		{"krs._domainkey.cio12345", records.TypeTXT, 0, key},
		{"_dmarc", records.TypeTXT, 0, "v=DMARC1; p=none"},
	}
	if diff := cmp.Diff(wantGoDaddy, rows(records.GoDaddyForm())); diff != "" {
		t.Errorf("GoDaddy form (-want +got):\n%s", diff)
	}
	// Route 53: one record with both MX values on separate lines (seed:
	// "10 mxa.mailgun.org." / "10 mxb.mailgun.org."), TXT quoted.
	wantRoute53 := []row{
		{"cio12345.example.com.", records.TypeMX, 0, "10 mxa.mailgun.org.\n10 mxb.mailgun.org."},
		{"cio12345.example.com.", records.TypeTXT, 0, `"v=spf1 include:mailgun.org ~all"`},
		{"krs._domainkey.cio12345.example.com.", records.TypeTXT, 0, `"` + key + `"`},
		{"_dmarc.example.com.", records.TypeTXT, 0, `"v=DMARC1; p=none"`},
	}
	if diff := cmp.Diff(wantRoute53, rows(records.Route53Form())); diff != "" {
		t.Errorf("Route 53 form (-want +got):\n%s", diff)
	}
	// Hosts that refuse ";": every semicolon becomes "\;".
	esc := rows(records.EscapedSemicolonForm())
	if want := `v=DKIM1\; k=ed25519\; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=`; esc[3].Value != want {
		t.Errorf("escaped DKIM value %q, want %q", esc[3].Value, want)
	}
	quotedEsc := rows(records.HostForm{QuoteTXT: true, EscapeSemicolons: true})
	if want := `"v=DMARC1\; p=none"`; quotedEsc[4].Value != want {
		t.Errorf("quoted escaped DMARC value %q, want %q", quotedEsc[4].Value, want)
	}
}

// The zone file, loaded into the fake resolver, answers every record of the
// set the way a real server would (the full Verified check is verify's).
func TestZoneFileServed(t *testing.T) {
	for name, s := range goldenSets(t) {
		t.Run(name, func(t *testing.T) {
			r := domainauth.MustFakeResolver(s.ZoneFile())
			ctx := context.Background()
			for _, rec := range s.Records {
				switch rec.Type {
				case records.TypeMX:
					mxs, err := r.LookupMX(ctx, rec.FQDN)
					if err != nil || len(mxs) != len(rec.Values) {
						t.Fatalf("MX %s: %v %v", rec.FQDN, mxs, err)
					}
				case records.TypeTXT:
					txts, err := r.LookupTXT(ctx, rec.FQDN)
					if err != nil || !slices.Contains(txts, rec.Values[0]) {
						t.Fatalf("TXT %s: %q %v, want %q", rec.FQDN, txts, err, rec.Values[0])
					}
				case records.TypeCNAME:
					c, err := r.LookupCNAME(ctx, rec.FQDN)
					if err != nil || c != rec.Values[0]+"." {
						t.Fatalf("CNAME %s: %q %v, want %q", rec.FQDN, c, err, rec.Values[0]+".")
					}
				}
			}
		})
	}
}

// A long DKIM key widens its own row only: the value column is last, so
// no other row of HostTable is padded to the key's width, and no line ends
// in padding.
func TestHostTableNotPaddedToKey(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	s, err := records.Generate(records.MailgunStyle(), records.Account{
		Domain: "example.com", ID: "12345", DKIMPublicKey: key.Public(),
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []records.HostForm{records.GoDaddyForm(), records.Route53Form(), records.CloudflareForm()} {
		for _, line := range strings.Split(strings.TrimSuffix(s.HostTable(f), "\n"), "\n") {
			if strings.HasSuffix(line, " ") {
				t.Errorf("line ends in padding: %q", line)
			}
			if !strings.Contains(line, "DKIM1") && len(line) > 120 {
				t.Errorf("row without the key is %d bytes wide: %q", len(line), line)
			}
		}
	}
}

// CloudflareForm types names relative to the zone and says, on every CNAME
// and only there, that the proxy must be off ("DNS only"): a proxied CNAME
// answers with Cloudflare's addresses instead of the alias.
func TestCloudflareForm(t *testing.T) {
	s, err := records.Generate(records.SESStyle(), records.Account{
		Domain: "example.com", ID: "1", Region: "us-east-1",
		DKIMSelectors: []string{"tok1", "tok2", "tok3"}, TrackingHost: "links",
	})
	if err != nil {
		t.Fatal(err)
	}
	cnames := 0
	for _, r := range s.ForHost(records.CloudflareForm()) {
		if strings.HasSuffix(r.Host, "example.com") {
			t.Errorf("host %q is not relative to the zone", r.Host)
		}
		if r.Type == records.TypeCNAME {
			cnames++
			if !strings.Contains(r.Note, "DNS only") {
				t.Errorf("CNAME %s: note %q does not say DNS only", r.Host, r.Note)
			}
		} else if r.Note != "" {
			t.Errorf("%s %s: note %q on a record that is not a CNAME", r.Type, r.Host, r.Note)
		}
	}
	if cnames != 4 { // three DKIM tokens and the tracking host
		t.Errorf("%d CNAME records, want 4", cnames)
	}
	if !strings.Contains(s.HostTable(records.CloudflareForm()), "Note: Proxy status: DNS only") {
		t.Error("HostTable does not print the CNAME note")
	}
}
