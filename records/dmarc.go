package records

import (
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/internal/dnsname"
)

// dmarcPolicies are the values of p= (RFC 7489 section 6.3).
var dmarcPolicies = []string{"none", "quarantine", "reject"}

// dmarc recommends a DMARC record at _dmarc.<domain> when neither the domain
// nor its organizational domain has one (a record there already applies,
// RFC 7489 section 6.6.3), and otherwise warns that the existing policy must
// keep relaxed alignment.
func (g *generator) dmarc() error {
	a := g.a
	if a.DMARC != nil {
		return g.dmarcRecord(a.DMARC)
	}
	policy := strings.ToLower(strings.TrimSpace(a.DMARCPolicy))
	if policy == "" {
		policy = "none"
	}
	valid := false
	for _, p := range dmarcPolicies {
		valid = valid || p == policy
	}
	if !valid {
		return fieldErrf("Account.DMARCPolicy", a.DMARCPolicy, ErrInvalid, "want none, quarantine or reject")
	}
	if len(a.DMARCReports) > maxReports {
		return fieldErrf("Account.DMARCReports", "", ErrInvalid, "more than %d destinations", maxReports)
	}
	var rua, external []string
	for i, d := range a.DMARCReports {
		f := fmt.Sprintf("Account.DMARCReports[%d]", i)
		u, err := reportURI(f, d)
		if err != nil {
			return err
		}
		rua = append(rua, u)
		host := u[strings.LastIndexByte(u, '@')+1:]
		if dnsname.OrgDomain(host) != dnsname.OrgDomain(g.domain) {
			external = append(external, host)
		}
	}
	warnExternal := func() {
		for _, host := range external {
			g.report(finding.CodeDMARCRUAUnauthorized, finding.Warning, "_dmarc."+g.domain+" TXT",
				fmt.Sprintf("DMARC reports for %s go to another domain, %s:", g.domain, host),
				fmt.Sprintf("it must authorise them with a TXT record \"v=DMARC1\" at %s._report._dmarc.%s (RFC 7489 section 7.1), or receivers will not send them.", g.domain, host))
		}
	}

	if g.hasDMARC() {
		return nil
	}
	value := "v=DMARC1; p=" + policy
	if len(rua) > 0 {
		value += "; rua=" + strings.Join(rua, ",")
	}
	desc := fmt.Sprintf("DMARC: tells receivers what to do with mail that fails authentication (p=%s) and keeps alignment relaxed (no adkim/aspf tags), which the provider's subdomains need.", policy)
	warnExternal()
	g.addDMARC(value, desc)
	return nil
}

// hasDMARC reports whether the domain or its organizational domain already
// has a DMARC record (Existing), which then applies instead of a new one,
// and warns about its alignment.
func (g *generator) hasDMARC() bool {
	names := []string{"_dmarc." + g.domain}
	if org := dnsname.OrgDomain(g.domain); org != g.domain {
		names = append(names, "_dmarc."+org)
	}
	for _, name := range names {
		for _, txt := range g.existing[name] {
			if dmarc.IsRecord(txt) { // the receivers' test
				g.existingDMARC(name, txt)
				return true
			}
		}
	}
	return false
}

// addDMARC adds the recommended DMARC record at _dmarc.<domain>.
func (g *generator) addDMARC(value, desc string) {
	if g.existing == nil {
		desc += " Publish it only if the domain has no DMARC record yet; otherwise keep the existing one."
	}
	g.add(Record{Purpose: PurposeDMARC, FQDN: "_dmarc." + g.domain, Type: TypeTXT, Values: []string{value}, Description: desc})
}

// dmarcRecord recommends the account's own DMARC record (Account.DMARC):
// checked by dmarc.Build, printed as set, with warnings for what receivers
// of one RFC or the provider's mail will not do as the customer expects.
func (g *generator) dmarcRecord(r *dmarc.Record) error {
	a := g.a
	if strings.TrimSpace(a.DMARCPolicy) != "" || len(a.DMARCReports) > 0 {
		return fieldErrf("Account.DMARC", "", ErrInvalid, "set either DMARC or DMARCPolicy and DMARCReports, not both")
	}
	if len(r.RUA) > maxReports || len(r.RUF) > maxReports {
		return fieldErrf("Account.DMARC", "", ErrInvalid, "more than %d report destinations in rua or ruf", maxReports)
	}
	rec, err := dmarc.Build(*r)
	if err != nil {
		return fieldErr("Account.DMARC", r.String(), err)
	}
	for _, us := range [][]dmarc.URI{rec.RUA, rec.RUF} {
		for i, u := range us {
			if _, err := reportURI(fmt.Sprintf("Account.DMARC report URI %d", i), u.Address); err != nil {
				return err
			}
		}
	}
	if g.hasDMARC() {
		return nil
	}
	value := rec.String()
	// Reports to another domain need its authorization (RFC 7489 section
	// 7.1): one warning per domain.
	seen := map[string]bool{}
	for _, us := range [][]dmarc.URI{rec.RUA, rec.RUF} {
		for _, u := range us {
			host, _ := dmarc.ReportDomain(u)
			if host == "" || seen[host] || dnsname.OrgDomain(host) == dnsname.OrgDomain(g.domain) {
				continue
			}
			seen[host] = true
			g.report(finding.CodeDMARCRUAUnauthorized, finding.Warning, "_dmarc."+g.domain+" TXT",
				fmt.Sprintf("DMARC reports for %s go to another domain, %s:", g.domain, host),
				fmt.Sprintf("it must authorise them with a TXT record \"v=DMARC1\" at %s._report._dmarc.%s (RFC 7489 section 7.1), or receivers will not send them.", g.domain, host))
		}
	}
	var strict []string
	if rec.ADKIM == dmarc.Strict {
		strict = append(strict, "adkim=s")
	}
	if rec.ASPF == dmarc.Strict {
		strict = append(strict, "aspf=s")
	}
	if len(strict) > 0 {
		g.report(finding.CodeDMARCStrictAlignment, finding.Error, "_dmarc."+g.domain+" TXT",
			fmt.Sprintf("the DMARC record for %s sets %s (strict alignment): the provider's mail uses %s, a subdomain of the From domain, which strict alignment rejects, so it will fail DMARC.",
				g.domain, strings.Join(strict, " and "), g.returnPathOr("an account subdomain")),
			fmt.Sprintf("Leave the tags out (relaxed is the default) unless all mail is signed and bounced with %s itself.", g.domain))
	}
	pctSampling := rec.Present.Has(dmarc.TagPct) && rec.Percent < 100
	switch {
	case rec.Policy == dmarc.None && (pctSampling || rec.Testing):
		// p=none: nothing to soften.
	case pctSampling && rec.Percent > 0:
		g.report(finding.CodeDMARCModeDifference, finding.Warning, "_dmarc."+g.domain+" TXT",
			fmt.Sprintf("the DMARC record for %s has pct=%d: receivers following RFC 7489 apply p=%s to that share of failing mail, but those following RFC 9989 (which removed pct) apply it to all of it.",
				g.domain, rec.Percent, rec.Policy),
			"To test the policy with both, publish t=y with pct=0: both then apply the next weaker policy.")
	case pctSampling && !rec.Testing:
		g.report(finding.CodeDMARCModeDifference, finding.Warning, "_dmarc."+g.domain+" TXT",
			fmt.Sprintf("the DMARC record for %s has pct=0 without t=y: receivers following RFC 9989 ignore pct and apply p=%s in full.", g.domain, rec.Policy),
			"Add t=y, RFC 9989's form of the same request.")
	case rec.Testing && !pctSampling:
		g.report(finding.CodeDMARCModeDifference, finding.Warning, "_dmarc."+g.domain+" TXT",
			fmt.Sprintf("the DMARC record for %s has t=y without pct=0: receivers following RFC 7489 do not know t and apply p=%s in full.", g.domain, rec.Policy),
			"Add pct=0, RFC 7489's form of the same request.")
	}
	desc := fmt.Sprintf("DMARC: the account's policy (p=%s%s), as set, for receivers following RFC 7489 and RFC 9989 alike.", rec.Policy, alignmentNote(rec))
	g.addDMARC(value, desc)
	return nil
}

// alignmentNote describes the alignment of rec for the description.
func alignmentNote(rec *dmarc.Record) string {
	if rec.ADKIM == dmarc.Strict || rec.ASPF == dmarc.Strict {
		return ", strict alignment"
	}
	return ", relaxed alignment, which the provider's subdomains need"
}

// existingDMARC warns about the alignment of an existing DMARC record.
func (g *generator) existingDMARC(name, txt string) {
	// Read it as receivers do (dmarc.Parse: tag names in any case); a
	// record they refuse applies no alignment at all.
	var strict []string
	if rec, err := dmarc.Parse(txt); err == nil {
		if rec.ASPF == dmarc.Strict {
			strict = append(strict, "aspf=s")
		}
		if rec.ADKIM == dmarc.Strict {
			strict = append(strict, "adkim=s")
		}
	}
	if len(strict) > 0 {
		g.report(finding.CodeDMARCStrictAlignment, finding.Error, name+" TXT",
			fmt.Sprintf("the existing DMARC record at %s sets %s (strict alignment): the provider's mail uses %s, a subdomain of the From domain, which strict alignment rejects, so it will fail DMARC.",
				name, strings.Join(strict, " and "), g.returnPathOr("an account subdomain")),
			fmt.Sprintf("Change the tag to r or remove it: %q", txt))
		return
	}
	g.report(finding.CodeDMARCExisting, finding.Info, name+" TXT",
		fmt.Sprintf("the domain already has a DMARC record at %s, so no new one is proposed.", name),
		fmt.Sprintf("It must keep relaxed alignment (aspf and adkim absent or r): the provider signs and bounces with %s.", g.returnPathOr("a subdomain of "+g.domain)))
}

func (g *generator) returnPathOr(s string) string {
	if g.set.ReturnPath != "" {
		return g.set.ReturnPath
	}
	return s
}

// reportURI turns a report destination into a DMARC mailto URI, refusing
// characters that would break the tag list (";"), the URI list (",") or
// the size suffix ("!").
func reportURI(field, d string) (string, error) {
	d = strings.TrimSpace(d)
	if d == "" {
		return "", fieldErr(field, "", ErrRequired)
	}
	addr := d
	if len(d) > 7 && strings.EqualFold(d[:7], "mailto:") {
		addr = d[7:]
	}
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || strings.ContainsAny(addr, ";,! \t\"<>") {
		return "", fieldErrf(field, d, ErrInvalid, "want an address such as dmarc@example.com or mailto:dmarc@example.com")
	}
	host, err := dnsname.Normalize(addr[at+1:])
	if err != nil {
		return "", fieldErr(field, d, err)
	}
	return "mailto:" + addr[:at+1] + host, nil
}
