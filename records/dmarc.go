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

	names := []string{"_dmarc." + g.domain}
	if org := dnsname.OrgDomain(g.domain); org != g.domain {
		names = append(names, "_dmarc."+org)
	}
	for _, name := range names {
		for _, txt := range g.o.existing[name] {
			if dmarc.IsRecord(txt) { // the receivers' test
				g.existingDMARC(name, txt)
				return nil
			}
		}
	}

	fqdn := names[0]
	value := "v=DMARC1; p=" + policy
	if len(rua) > 0 {
		value += "; rua=" + strings.Join(rua, ",")
	}
	desc := fmt.Sprintf("DMARC: tells receivers what to do with mail that fails authentication (p=%s) and keeps alignment relaxed (no adkim/aspf tags), which the provider's subdomains need.", policy)
	if !g.o.hasExisting {
		desc += " Publish it only if the domain has no DMARC record yet; otherwise keep the existing one."
	}
	warnExternal()
	g.add(Record{Purpose: PurposeDMARC, FQDN: fqdn, Type: TypeTXT, Values: []string{value}, Description: desc})
	return nil
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
