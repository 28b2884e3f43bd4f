package verify_test

import (
	"encoding/json"
	"testing"

	"github.com/miekg/dns"

	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/verify"
)

// FuzzVerify lets the fuzzer write what the customer published at the SPF,
// DKIM and DMARC names of a fixed world, and checks that verify never
// panics or fails, and that its verdicts explain themselves: a required
// record that is Missing or Mismatch carries an error-severity finding
// with a fix, a Found record none.
func FuzzVerify(f *testing.F) {
	f.Add("v=spf1 include:_spf.provider.net ~all", dkimA, "v=DMARC1; p=none")
	f.Add(`"v=spf1 include:_spf.provider.net ~all"`, `v=DKIM1\; k=rsa\; p=`+keyA, "v=DMARC1; p=reject; adkim=s; aspf=s")
	f.Add("v=spf1 ~all include:_spf.provider.net", dkimA[:255], "v=DMARC1; p=block")
	f.Add(" v=spf1 include: _spf.provider.net +all", "v=DKIM1; k=rsa; p=-----BEGIN PUBLIC KEY-----", "v=DMARC1; rua=mailto:a@b.example")
	f.Add("v=spf1 redirect=_spf.provider.net", "v=DKIM1; p=", "")
	f.Fuzz(func(t *testing.T, spfText, dkimText, dmarcText string) {
		r := fakeZone(t, okMX)
		add := func(name, text string) {
			if text == "" {
				return
			}
			var parts []string
			for len(text) > 255 {
				parts, text = append(parts, text[:255]), text[255:]
			}
			r.AddRR(&dns.TXT{Hdr: dns.RR_Header{Name: name, Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 300}, Txt: append(parts, text)})
		}
		add("cio123.example.com.", spfText)
		add("krs._domainkey.cio123.example.com.", dkimText)
		add("_dmarc.example.com.", dmarcText)
		rep, err := verifier(r).Verify(t.Context(), accountSet())
		if err != nil {
			t.Fatal(err)
		}
		for _, rr := range rep.Records {
			critical := 0
			for _, fd := range rr.Findings {
				if fd.Severity == finding.Error {
					critical++
					if fd.Fix == "" {
						t.Errorf("%s: critical %s without fix", rr.FQDN, fd.Code)
					}
				}
			}
			switch {
			case rr.Status == verify.Found && critical > 0:
				t.Errorf("%s %s found with critical findings %v", rr.Type, rr.FQDN, rr.Findings)
			case rr.Required && (rr.Status == verify.Missing || rr.Status == verify.Mismatch) && critical == 0:
				t.Errorf("%s %s %v without an explanation", rr.Type, rr.FQDN, rr.Status)
			}
		}
		if _, err := json.Marshal(rep); err != nil {
			t.Fatal(err)
		}
	})
}
