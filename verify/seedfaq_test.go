package verify_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/records"
	"github.com/domainauth/domainauth/verify"
)

// seedFAQ is one question of the two seed help pages (an ESP's domain
// authentication guide with its FAQ, seed 000, and a survey tool's
// subdomain-sender guide, seed 002) with the DNS mistake behind it, the
// verdict verify gives, and the words of the fix the customer reads.
type seedFAQ struct {
	seed     string // "000" or "002"
	question string // the question as the customer asks it (finding's catalogue wording)
	// zone is the customer's broken zone (the provider's side is always
	// there); set changes the account's record set; added is how long ago
	// the domain was added (an hour when zero).
	zone  []string
	set   func(*records.Set)
	added time.Duration
	// status is the domain's verdict, code the finding that answers the
	// question, fix a part of that finding's fix text.
	status verify.Status
	code   finding.Code
	fix    string
	// notDNS, when set, says why the question has no code verify can
	// give: it is about the provider's settings, or another package
	// answers it (and where that is tested).
	notDNS string
}

// seedFAQs: every FAQ of both seeds, and every guide section that names a
// mistake, in the seeds' order.
var seedFAQs = []seedFAQ{
	// Seed 000, its guide sections.
	{seed: "000", question: "I added the records, why is my domain still unverified?", // "double-check your DNS configuration for typos and spaces"
		zone:   []string{okMX, okDKIM, `cio123 TXT " v=spf1 include:_spf.provider.net ~all"` + "\n"},
		status: verify.Pending, code: finding.CodeWhitespaceTypo, fix: "remove the spaces before v=spf1"},
	{seed: "000", question: "Which values should my DMARC record have?", // "Relax your aspf and adkim tags"
		zone:   []string{okMX, okSPF, okDKIM, "_dmarc TXT \"v=DMARC1; p=reject; adkim=s; aspf=s\"\n"},
		status: verify.Verified, code: finding.CodeDMARCStrictAlignment, fix: "set adkim=r and aspf=r"},
	{seed: "000", question: "I added the records, why is my domain still unverified?", // quotes pasted into the SPF value
		zone:   []string{okMX, okDKIM, `cio123 TXT "\"v=spf1 include:_spf.provider.net ~all\""` + "\n"},
		status: verify.Pending, code: finding.CodeTXTQuotes, fix: "remove the quote characters"},
	{seed: "000", question: "I added the records, why is my domain still unverified?", // quotes pasted into the key
		zone:   []string{okMX, okSPF, "krs._domainkey.cio123 TXT " + txtStrings(`\"`+dkimA+`\"`) + "\n"},
		status: verify.Pending, code: finding.CodeDKIMQuotes, fix: "remove the quote characters"},
	// Seed 000, its FAQ.
	{seed: "000", question: "Do I need to authenticate my domain if I'm using a custom SMTP? (branded link tracking)",
		notDNS: "whether to authenticate is the provider's account setting; the answer's note on HSTS without SSL is tracking's hsts-on-domain and hsts-preloaded-tld (tracking/check_test.go, hsts_test.go)"},
	{seed: "000", question: "How do I verify my records are there?", // Undetermined: the From address uses liquid code
		zone: []string{okMX, okSPF, okDKIM}, set: func(s *records.Set) { s.FromAddress = "{{ customer.email }}" },
		status: verify.Undetermined, code: finding.CodeFromTemplated, fix: "Set a literal From address"},
	{seed: "000", question: "How do I add another \"From Address\"?",
		notDNS: "a setting of the provider's account; nothing in DNS"},
	{seed: "000", question: "What if I don't add the DNS records? What happens?",
		status: verify.Pending, code: finding.CodeRecordMissing, fix: `Add an MX record with host "cio123"`},
	{seed: "000", question: "Do I need to add both SPF and DKIM?",
		zone:   []string{okMX, okSPF},
		status: verify.Pending, code: finding.CodeRecordMissing, fix: `Add a TXT record with host "krs._domainkey.cio123"`},
	{seed: "000", question: "The SPF record is correct, but it's not verifying.", // an SPF-type record
		zone:   []string{okMX, okDKIM, "cio123 SPF \"v=spf1 include:_spf.provider.net ~all\"\n"},
		status: verify.Pending, code: finding.CodeSPFType99, fix: "record type TXT, not SPF"},
	{seed: "000", question: "The SPF record is correct, but it's not verifying.", // the include put into the root's record
		zone:   []string{okMX, okDKIM, "@ TXT \"v=spf1 include:_spf.google.com include:_spf.provider.net ~all\"\n_spf.google.com. TXT \"v=spf1 ~all\"\n"},
		status: verify.Pending, code: finding.CodeNameAtApex, fix: `Publish the record at host "cio123" (the account subdomain)`},
	{seed: "000", question: "I'm hosting my DNS with Cloudflare. The CNAME record is correct, yet remains unverified.",
		zone:   []string{okMX, okSPF, okDKIM, "link A 104.16.1.1\n"},
		status: verify.Verified, code: finding.CodeCNAMEProxied, fix: "DNS only (grey cloud)"},
	{seed: "000", question: "I'm using GoDaddy and my DNS records are still not verifying.",
		zone:   []string{okSPF, okDKIM, "cio123.example.com MX 10 mxa.provider.net.\ncio123.example.com MX 10 mxb.provider.net.\n"},
		status: verify.Pending, code: finding.CodeNameDoubled, fix: `change the host field from "cio123.example.com" to "cio123"`},
	{seed: "000", question: "I'm getting an error in my DNS panel when trying to add the records, what can I do?", // semicolons
		zone:   []string{okMX, okSPF, "krs._domainkey.cio123 TXT " + txtStrings(`v=DKIM1\\; k=rsa\\; p=`+keyA) + "\n"},
		status: verify.Pending, code: finding.CodeDKIMEscapedSemicolon, fix: `replace each \; with a plain ;`},
	{seed: "000", question: "I'm getting an error in my DNS panel when trying to add the records, what can I do?", // underscores: the key is not there
		zone:   []string{okMX, okSPF},
		status: verify.Pending, code: finding.CodeRecordMissing, fix: "if your DNS host refuses underscores, ask its support"},
	{seed: "000", question: "I'm getting an error in my DNS panel when trying to add the records, what can I do?", // semicolons escaped in the DMARC value
		zone:   []string{okMX, okSPF, okDKIM, `_dmarc TXT "v=DMARC1\\; p=none"` + "\n"},
		status: verify.Verified, code: finding.CodeTXTEscapedSemicolon, fix: "a DNS host's form takes the semicolons as they are"},
	{seed: "000", question: "Will adding authentication affect my regular email?", // only if the MX went to the root
		zone:   []string{okSPF, okDKIM, "@ MX 10 mxa.provider.net.\n@ MX 10 mxb.provider.net.\n"},
		status: verify.Pending, code: finding.CodeNameAtApex, fix: "remove the MX records for mxa.provider.net and mxb.provider.net from the root"},
	{seed: "000", question: "My host doesn't support TXT records. What do I do?",
		zone:   []string{okMX},
		status: verify.Pending, code: finding.CodeRecordMissing, fix: "If your DNS host has no TXT records, ask it to add the record"},
	{seed: "000", question: "Why can't I verify my domain with Wix?",
		zone:   []string{okSPF, okDKIM},
		status: verify.Pending, code: finding.CodeRecordMissing, fix: "Wix cannot put an MX record on a subdomain"},
	{seed: "000", question: "How do I add multiple MX records for my AWS-hosted domain?",
		zone:   []string{okSPF, okDKIM, "cio123 MX 10 mxa.provider.net.\n"},
		status: verify.Pending, code: finding.CodeMXMissingHost, fix: "put each value on its own line"},
	// Seed 002.
	{seed: "002", question: "Which values should my DMARC record have?", // p: "none", "quarantine" or "reject"
		zone:   []string{okMX, okSPF, okDKIM, "_dmarc TXT \"v=DMARC1; p=block\"\n"},
		status: verify.Verified, code: finding.CodeDMARCInvalid, fix: "v=DMARC1"},
	{seed: "002", question: "Why is my domain still pending?", // yellow: "try verifying after a couple hours"
		zone:   []string{okMX, okDKIM},
		status: verify.Pending, code: finding.CodeRecordMissing, fix: `Add a TXT record with host "cio123"`},
	{seed: "002", question: "Why was my domain's authorization rejected?", // red: not verified within 72 hours
		zone: []string{okMX, okDKIM}, added: 73 * time.Hour,
		status: verify.Failed, code: finding.CodeRecordMissing, fix: `Add a TXT record with host "cio123"`},
	{seed: "002", question: "Which values should my DMARC record have?", // "we strongly recommend setting up DKIM, SPF, and DMARC"
		zone:   []string{okMX, okSPF, okDKIM},
		status: verify.Verified, code: finding.CodeDMARCMissing, fix: "v=DMARC1; p=none"},
	{seed: "002", question: "Which values should my DMARC record have?", // adkim & aspf "should both be set to r"
		zone:   []string{okMX, okSPF, okDKIM, "_dmarc TXT \"v=DMARC1; p=none; aspf=s\"\n"},
		status: verify.Verified, code: finding.CodeDMARCStrictAlignment, fix: "set adkim=r and aspf=r"},
	{seed: "002", question: "Which values should my DMARC record have?", // p=none is the "neutral policy"
		zone:   []string{okMX, okSPF, okDKIM, okDMARC},
		status: verify.Verified, code: finding.CodeDMARCPNone, fix: "consider p=quarantine, then p=reject"},
	{seed: "002", question: "Which values should my DMARC record have?", // rua "must be provided in URI mailto format"
		zone:   []string{okMX, okSPF, okDKIM, "_dmarc TXT \"v=DMARC1; p=none; rua=reporting@example.com\"\n"},
		status: verify.Verified, code: finding.CodeDMARCReportURI, fix: "rua=mailto:reporting@example.com"},
	{seed: "002", question: "Which values should my DMARC record have?", // pct: a percentage
		zone:   []string{okMX, okSPF, okDKIM, "_dmarc TXT \"v=DMARC1; p=quarantine; pct=150\"\n"},
		status: verify.Verified, code: finding.CodeDMARCTagInvalid, fix: "pct takes a whole number from 0 to 100"},
}

// TestSeedFAQ: every question of the seeds, as a broken zone, gives the
// finding whose fix answers it.
func TestSeedFAQ(t *testing.T) {
	for _, q := range seedFAQs {
		t.Run(q.seed+" "+q.question, func(t *testing.T) {
			if q.notDNS != "" {
				if q.code != "" || len(q.zone) > 0 {
					t.Fatal("a question without a DNS answer has no zone and no code")
				}
				return
			}
			r, set := arrange(t, q.zone, nil, q.set)
			if q.added != 0 {
				set.AddedAt = now.Add(-q.added)
			}
			rep, err := verifier(r).Verify(t.Context(), set)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Status != q.status {
				t.Errorf("status %v, want %v\n%s", rep.Status, q.status, rep)
			}
			if q.code == "" || q.fix == "" {
				t.Fatal("a question with a DNS answer needs a code and a part of its fix")
			}
			var fixes []string
			for _, f := range rep.AllFindings() {
				if f.Code == q.code {
					fixes = append(fixes, f.Fix)
				}
			}
			if len(fixes) == 0 {
				t.Fatalf("no %s finding\n%s", q.code, rep)
			}
			if !slices.ContainsFunc(fixes, func(fix string) bool { return strings.Contains(fix, q.fix) }) {
				t.Errorf("no fix of %s says %q:\n%s", q.code, q.fix, strings.Join(fixes, "\n"))
			}
		})
	}
}

// TestSeedFAQCatalogue: the catalogue's questions and the table agree: a
// code whose entry claims a question is in the table with it (or, for
// other packages' codes, the question is listed with a reason), and each
// code of the table claims its question.
func TestSeedFAQCatalogue(t *testing.T) {
	asked := map[string]bool{}
	for _, q := range seedFAQs {
		asked[q.question] = true
		if q.code == "" {
			continue
		}
		e, ok := finding.Lookup(q.code)
		if !ok || !slices.Contains(e.Questions, q.question) {
			t.Errorf("catalogue entry of %s does not list the question %q", q.code, q.question)
		}
	}
	for _, e := range finding.Catalogue() {
		for _, q := range e.Questions {
			if !asked[q] {
				t.Errorf("catalogue entry %s lists %q, which the seed table does not ask", e.Code, q)
			}
			if !slices.Contains(e.Producers, "verify") {
				continue
			}
			if !slices.ContainsFunc(seedFAQs, func(s seedFAQ) bool { return s.question == q && s.code == e.Code }) {
				t.Errorf("catalogue entry %s lists %q, but no row of the seed table shows verify giving it", e.Code, q)
			}
		}
	}
}
