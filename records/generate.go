package records

import (
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strings"

	"github.com/domainauth/domainauth/internal/dnsname"
)

// DefaultTTL is the TTL of records when Provider.TTL is zero.
const DefaultTTL = 3600

// Limits on the size of the inputs, so that a hostile provider or account
// description cannot make Generate do unbounded work.
const (
	maxSelectors = 16
	maxHosts     = 16
	maxVars      = 32
	maxReports   = 8
)

// Existing is what the customer's DNS already holds at the names where the
// set may add TXT records: the inputs of the SPF merge and of the DMARC
// recommendation. Generate does no DNS itself; fill Existing from your own
// data or with [Gather].
type Existing struct {
	// TXT maps an owner name (any case, with or without trailing dot) to
	// the TXT strings published there, each record's character-strings
	// joined into one string as net.Resolver.LookupTXT returns them. A name
	// mapped to an empty slice was looked up and holds nothing; a name
	// absent from the map is unknown.
	TXT map[string][]string
}

// existingTXT returns e's TXT map keyed by canonical names, the names
// being merged when they differ only in case or trailing dot.
func existingTXT(e *Existing) map[string][]string {
	m := make(map[string][]string, len(e.TXT))
	for name, txts := range e.TXT {
		k := dnsname.Canonical(name)
		m[k] = append(m[k], txts...)
	}
	return m
}

// Generate returns every record the account must publish for its sending
// domain with provider p, in a fixed order: return path, SPF, DKIM, DMARC,
// tracking.
//
// It checks the inputs and fails with a *FieldError naming the field (and
// wrapping ErrRequired, ErrInvalid, ErrOutsideDomain, ErrUnknownRegion,
// ErrUnknownVariable, ErrConflict, ErrNotApplicable or a dnsname error):
// a domain that is not a valid name or is a public suffix, a generated name
// or label over the RFC 1035 limits, a From address outside the sending
// domain, an account value that would change a name's labels, a CNAME that
// would share its name with other records.
//
// Generate does no DNS lookups. Without Account.Existing it cannot know
// about existing SPF and DMARC records: it then always proposes a new SPF
// record and a DMARC record, which the customer must not add beside
// existing ones.
func Generate(p Provider, a Account) (*Set, error) {
	g := &generator{p: p, a: a}
	if a.Existing != nil {
		g.existing = existingTXT(a.Existing)
	}
	if err := g.run(); err != nil {
		return nil, err
	}
	return g.set, nil
}

type generator struct {
	p Provider
	a Account
	// existing is Account.Existing keyed by canonical names; nil when
	// Account.Existing is nil (unknown).
	existing map[string][]string
	set      *Set
	domain   string
	zone     string
	region   string
	vars     map[string]string
	ttl      uint32
}

func (g *generator) run() error {
	p, a := g.p, g.a
	if p.Name == "" {
		return fieldErr("Provider.Name", "", ErrRequired)
	}
	g.ttl = p.TTL
	if g.ttl == 0 {
		g.ttl = DefaultTTL
	}
	if err := g.domains(); err != nil {
		return err
	}
	g.set = &Set{
		Domain:    g.domain,
		Zone:      g.zone,
		Provider:  p.Name,
		AccountID: a.ID,
		AddedAt:   a.AddedAt,
	}
	if u := dnsname.ToUnicode(g.domain); u != g.domain {
		g.set.UnicodeDomain = u
	}
	if err := g.variables(); err != nil {
		return err
	}
	g.set.Region = g.region
	if err := g.from(); err != nil {
		return err
	}
	steps := []func() error{g.returnPath, g.spf, g.dkim, g.dmarc, g.tracking, g.conflicts}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// domains normalises the sending domain and the zone.
func (g *generator) domains() error {
	in := strings.TrimSpace(g.a.Domain)
	if in == "" {
		return fieldErr("Account.Domain", "", ErrRequired)
	}
	d, err := dnsname.Normalize(in)
	if err != nil {
		return fieldErr("Account.Domain", g.a.Domain, err)
	}
	if dnsname.CountLabels(d) < 2 || dnsname.IsPublicSuffix(d) {
		return fieldErr("Account.Domain", g.a.Domain, fmt.Errorf("%w: %w: mail cannot be sent from a top-level domain or public suffix", ErrInvalid, dnsname.ErrPublicSuffix))
	}
	if strings.ContainsAny(d, "_*") {
		return fieldErrf("Account.Domain", g.a.Domain, ErrInvalid, "a sending domain is a host name: no underscores or wildcards")
	}
	g.domain = d
	if z := strings.TrimSpace(g.a.Zone); z != "" {
		zn, err := dnsname.Normalize(z)
		if err != nil {
			return fieldErr("Account.Zone", g.a.Zone, err)
		}
		if !dnsname.IsSubdomain(d, zn) {
			return fieldErrf("Account.Zone", g.a.Zone, ErrOutsideDomain, "the sending domain %s is not in this zone", d)
		}
		g.zone = zn
	} else {
		g.zone = dnsname.OrgDomain(d)
	}
	return nil
}

// builtins are the variables Generate defines itself.
var builtins = []string{"account", "region", "label", "selector"}

// variables collects the template variables: provider defaults, account
// values, account id, region and label.
func (g *generator) variables() error {
	p, a := g.p, g.a
	if len(p.Defaults) > maxVars {
		return fieldErrf("Provider.Defaults", "", ErrInvalid, "more than %d variables", maxVars)
	}
	if len(a.Vars) > maxVars {
		return fieldErrf("Account.Vars", "", ErrInvalid, "more than %d variables", maxVars)
	}
	g.vars = make(map[string]string, len(p.Defaults)+len(a.Vars)+4)
	for _, src := range []struct {
		field string
		m     map[string]string
	}{{"Provider.Defaults", p.Defaults}, {"Account.Vars", a.Vars}} {
		for k, v := range src.m {
			f := src.field + "[" + k + "]"
			if !validVarName(k) || slices.Contains(builtins, k) {
				return fieldErrf(f, k, ErrInvalid, "variable names are lower-case letters, digits and _ and not one of %v", builtins)
			}
			if err := checkLabelValue(f, v); err != nil {
				return err
			}
			g.vars[k] = strings.ToLower(v)
		}
	}
	if a.ID != "" {
		if err := checkLabelValue("Account.ID", a.ID); err != nil {
			return err
		}
		g.vars["account"] = strings.ToLower(a.ID)
	}

	region := strings.ToLower(strings.TrimSpace(a.Region))
	if len(p.Regions) > 0 {
		if region == "" {
			region = strings.ToLower(p.Regions[0])
		}
		if !slices.ContainsFunc(p.Regions, func(r string) bool { return strings.EqualFold(r, region) }) {
			return fieldErrf("Account.Region", a.Region, ErrUnknownRegion, "provider %s has regions %s", p.Name, strings.Join(p.Regions, ", "))
		}
	}
	if region != "" {
		if err := checkLabelValue("Account.Region", region); err != nil {
			return err
		}
		g.vars["region"] = region
	}
	g.region = region

	if p.AccountLabel != "" {
		label, err := g.expand("Provider.AccountLabel", p.AccountLabel)
		if err != nil {
			return err
		}
		if err := checkLabelValue("Provider.AccountLabel", label); err != nil {
			if uses(p.AccountLabel, "account") {
				// The account id made the label too long or odd: say so.
				return fieldErr("Account.ID", a.ID, fmt.Errorf("the account label %s (%s) is not a valid DNS label: %w", label, p.AccountLabel, err))
			}
			return err
		}
		g.vars["label"] = label
	}
	return nil
}

// expand fills a provider template, turning a missing variable into an error
// that names the account field the customer must fill in.
func (g *generator) expand(field, tmpl string) (string, error) {
	s, err := expand(field, tmpl, g.vars)
	if err == nil || !errors.Is(err, ErrUnknownVariable) {
		return s, err
	}
	for _, seg := range mustSegments(tmpl) {
		if !seg.variable {
			continue
		}
		if _, ok := g.vars[seg.text]; ok {
			continue
		}
		why := fmt.Errorf("%w: provider %s uses it in %s %q", ErrRequired, g.p.Name, field, tmpl)
		switch seg.text {
		case "account":
			return "", fieldErr("Account.ID", "", why)
		case "region":
			return "", fieldErr("Account.Region", "", why)
		case "label":
			return "", fieldErr("Provider.AccountLabel", "", why)
		case "selector":
			return "", fieldErrf(field, tmpl, ErrInvalid, "{selector} is only defined in Provider.DKIM.Host and Provider.DKIM.CNAME")
		default:
			return "", fieldErr("Account.Vars["+seg.text+"]", "", why)
		}
	}
	return "", err
}

func mustSegments(tmpl string) []segment {
	segs, _ := parseTemplate("", tmpl)
	return segs
}

// name expands a host template relative to the sending domain and returns
// the normalised FQDN.
func (g *generator) name(field, tmpl string) (string, error) {
	rel, err := g.expand(field, tmpl)
	if err != nil {
		return "", err
	}
	fqdn := g.domain
	if rel != "@" {
		if rel == "" || strings.HasSuffix(rel, ".") {
			return "", fieldErrf(field, tmpl, ErrInvalid, "host names are relative to the sending domain: no trailing dot, %q for the domain itself", "@")
		}
		fqdn = rel + "." + g.domain
	}
	n, err := dnsname.Normalize(fqdn)
	if err != nil {
		return "", fieldErr(field, tmpl, fmt.Errorf("record name %s for this account: %w", fqdn, err))
	}
	return n, nil
}

// target expands a template that names a host outside the customer's zone
// (an MX host or CNAME target) and normalises it.
func (g *generator) target(field, tmpl string) (string, error) {
	s, err := g.expand(field, tmpl)
	if err != nil {
		return "", err
	}
	n, err := dnsname.Normalize(s)
	if err != nil {
		return "", fieldErr(field, tmpl, err)
	}
	if dnsname.CountLabels(n) < 2 {
		return "", fieldErrf(field, tmpl, ErrInvalid, "%s is not a fully qualified host name", n)
	}
	return n, nil
}

// add appends a record, filling Name, UnicodeFQDN and TTL.
func (g *generator) add(r Record) {
	r.Name, _ = dnsname.Relative(r.FQDN, g.zone)
	if u := dnsname.ToUnicode(r.FQDN); u != r.FQDN {
		r.UnicodeFQDN = u
	}
	r.TTL = g.ttl
	g.set.Records = append(g.set.Records, r)
}

// from checks that the From address is in the sending domain.
func (g *generator) from() error {
	f := strings.TrimSpace(g.a.From)
	if f == "" {
		return nil
	}
	g.set.FromAddress = f
	if IsTemplated(f) {
		return nil
	}
	var domain string
	if addr, err := mail.ParseAddress(f); err == nil {
		domain = domainPart(addr.Address)
	} else if hasTemplate(f) {
		// A template in the local part or display name ("{{ user }}@...")
		// need not parse as an address; its domain is still literal.
		domain = strings.TrimSuffix(strings.TrimSpace(domainPart(f)), ">")
	} else {
		return fieldErr("Account.From", g.a.From, fmt.Errorf("%w: %w", ErrInvalid, err))
	}
	d, err := dnsname.Normalize(domain)
	if err != nil {
		return fieldErr("Account.From", g.a.From, err)
	}
	if !dnsname.IsSubdomain(d, g.domain) {
		return fieldErrf("Account.From", g.a.From, ErrOutsideDomain,
			"the From domain %s is not %s or a subdomain of it; mail from it would not align with these records", d, g.domain)
	}
	return nil
}

// IsTemplated reports whether the domain of a From address is a template
// filled in per message, so that the domain mail is sent from cannot be
// known in advance: template syntax ({{ }} and {% %} of Liquid, Handlebars,
// Mustache and Jinja, or ${ }) after the address's last "@", or anywhere
// in an address without "@" ("{{ customer.email }}", "news@{{ domain }}",
// "${from}").
//
// A template only in the local part or the display name
// ("${user}@example.com", "{{ first }} <news@example.com>") leaves the
// domain known: IsTemplated is false, Generate checks that domain and verify
// evaluates DMARC for it.
func IsTemplated(addr string) bool {
	return hasTemplate(domainPart(addr))
}

// hasTemplate reports whether s holds template syntax.
func hasTemplate(s string) bool {
	for _, t := range []string{"{{", "}}", "{%", "%}", "${"} {
		if strings.Contains(s, t) {
			return true
		}
	}
	return false
}

// domainPart is what follows the last "@" of addr, or all of addr when it
// has no "@".
func domainPart(addr string) string {
	return addr[strings.LastIndexByte(addr, '@')+1:]
}

func (g *generator) returnPath() error {
	rp := g.p.ReturnPath
	if rp.Host == "" {
		if len(rp.MX) > 0 || rp.CNAME != "" {
			return fieldErr("Provider.ReturnPath.Host", "", fmt.Errorf("%w: MX or CNAME given without a host", ErrRequired))
		}
		return nil
	}
	fqdn, err := g.name("Provider.ReturnPath.Host", rp.Host)
	if err != nil {
		return err
	}
	if fqdn == g.domain {
		return fieldErrf("Provider.ReturnPath.Host", rp.Host, ErrConflict, "the return path must be a subdomain, not the sending domain itself (its MX would take over the domain's incoming mail)")
	}
	g.set.ReturnPath = fqdn
	switch {
	case len(rp.MX) > 0 && rp.CNAME != "":
		return fieldErrf("Provider.ReturnPath", "", ErrConflict, "MX and CNAME both set; a CNAME cannot share its name with MX records")
	case len(rp.MX) > maxHosts:
		return fieldErrf("Provider.ReturnPath.MX", "", ErrInvalid, "more than %d hosts", maxHosts)
	case len(rp.MX) > 0:
		r := Record{Purpose: PurposeReturnPath, FQDN: fqdn, Type: TypeMX, Priority: rp.Priority, Required: true}
		for i, h := range rp.MX {
			t, err := g.target(fmt.Sprintf("Provider.ReturnPath.MX[%d]", i), h)
			if err != nil {
				return err
			}
			if slices.Contains(r.Values, t) {
				return fieldErrf(fmt.Sprintf("Provider.ReturnPath.MX[%d]", i), h, ErrConflict, "listed twice")
			}
			r.Values = append(r.Values, t)
		}
		r.Description = fmt.Sprintf("Return path (bounce domain): the provider's servers %s receive bounces and complaints for mail sent with %s as envelope sender; publish all %d MX values (priority %d) at this one name.",
			strings.Join(r.Values, " and "), fqdn, len(r.Values), rp.Priority)
		if len(r.Values) == 1 {
			r.Description = fmt.Sprintf("Return path (bounce domain): the provider's server %s receives bounces and complaints for mail sent with %s as envelope sender (priority %d).", r.Values[0], fqdn, rp.Priority)
		}
		g.add(r)
	case rp.CNAME != "":
		t, err := g.target("Provider.ReturnPath.CNAME", rp.CNAME)
		if err != nil {
			return err
		}
		g.add(Record{Purpose: PurposeReturnPath, FQDN: fqdn, Type: TypeCNAME, Values: []string{t}, Required: true,
			Description: fmt.Sprintf("Return path (bounce domain) delegated to the provider: %s then serves the bounce MX and SPF records for %s.", t, fqdn)})
	default:
		return fieldErr("Provider.ReturnPath", "", fmt.Errorf("%w: a return-path host needs MX hosts or a CNAME target", ErrRequired))
	}
	return nil
}

// validAll are the closing mechanisms a provider may ask for; "+all" (or a
// bare "all") would authorise every server on the internet.
var validAll = []string{"~all", "-all", "?all"}

func (g *generator) spf() error {
	s := g.p.SPF
	if len(s.Includes) == 0 && len(s.Mechanisms) == 0 {
		if s.Host != "" {
			return fieldErr("Provider.SPF", "", fmt.Errorf("%w: a host but no includes or mechanisms", ErrRequired))
		}
		return nil
	}
	if len(s.Includes)+len(s.Mechanisms) > maxHosts {
		return fieldErrf("Provider.SPF", "", ErrInvalid, "more than %d terms", maxHosts)
	}
	host, field := s.Host, "Provider.SPF.Host"
	if host == "" {
		host, field = g.p.ReturnPath.Host, "Provider.ReturnPath.Host"
	}
	if host == "" {
		return fieldErr("Provider.SPF.Host", "", fmt.Errorf("%w: no SPF host and no return-path host", ErrRequired))
	}
	fqdn, err := g.name(field, host)
	if err != nil {
		return err
	}
	all := s.All
	if all == "" {
		all = "~all"
	}
	if !slices.Contains(validAll, strings.ToLower(all)) {
		return fieldErrf("Provider.SPF.All", s.All, ErrInvalid, "want one of %s", strings.Join(validAll, ", "))
	}
	var terms, includes []string
	for i, m := range s.Mechanisms {
		f := fmt.Sprintf("Provider.SPF.Mechanisms[%d]", i)
		m, err := g.expand(f, m)
		if err != nil {
			return err
		}
		if err := checkMechanism(f, m); err != nil {
			return err
		}
		terms = append(terms, m)
	}
	for i, inc := range s.Includes {
		f := fmt.Sprintf("Provider.SPF.Includes[%d]", i)
		d, err := g.target(f, inc)
		if err != nil {
			return err
		}
		if slices.Contains(includes, d) {
			return fieldErrf(f, inc, ErrConflict, "listed twice")
		}
		includes = append(includes, d)
		terms = append(terms, "include:"+d)
	}
	value := "v=spf1 " + strings.Join(terms, " ") + " " + strings.ToLower(all)
	r := Record{Purpose: PurposeSPF, FQDN: fqdn, Type: TypeTXT, Values: []string{value}, Required: true,
		Description: fmt.Sprintf("SPF: authorises the provider's servers to send with %s as envelope sender. Publish as TXT (not the obsolete SPF type), and only one v=spf1 record at this name.", fqdn)}
	if err := g.mergeSPF(&r); err != nil {
		return err
	}
	g.add(r)
	return nil
}

// checkMechanism makes sure a provider's extra SPF term is one term of
// printable ASCII and not a catch-all.
func checkMechanism(field, m string) error {
	if m == "" {
		return fieldErr(field, "", ErrRequired)
	}
	for i := 0; i < len(m); i++ {
		if m[i] <= ' ' || m[i] >= 0x7f {
			return fieldErrf(field, m, ErrInvalid, "character %s at offset %d: one SPF term, no spaces", quoteByte(m[i]), i)
		}
	}
	l := strings.ToLower(strings.TrimLeft(m, "+-~?"))
	if l == "all" || strings.HasPrefix(l, "v=") || strings.HasPrefix(l, "redirect=") {
		return fieldErrf(field, m, ErrInvalid, "set Provider.SPF.All for all; v= and redirect= are not mechanisms to add")
	}
	return nil
}

func (g *generator) dkim() error {
	d, a := g.p.DKIM, g.a
	if d.Host == "" {
		if len(d.Selectors) > 0 || d.AccountSelectors > 0 || d.CNAME != "" {
			return fieldErr("Provider.DKIM.Host", "", fmt.Errorf("%w: selectors given without a host", ErrRequired))
		}
		if a.DKIMKey != "" || a.DKIMPublicKey != nil || len(a.DKIMSelectors) > 0 {
			return fieldErrf("Account.DKIMKey", "", ErrNotApplicable, "provider %s has no DKIM records", g.p.Name)
		}
		return nil
	}
	if !uses(d.Host, "selector") {
		return fieldErrf("Provider.DKIM.Host", d.Host, ErrInvalid, "must contain {selector}")
	}
	if d.AccountSelectors < 0 || d.AccountSelectors > maxSelectors || len(d.Selectors) > maxSelectors {
		return fieldErrf("Provider.DKIM", "", ErrInvalid, "at most %d selectors", maxSelectors)
	}
	var selectors []string
	for i, sel := range d.Selectors {
		f := fmt.Sprintf("Provider.DKIM.Selectors[%d]", i)
		v, err := g.expand(f, sel)
		if err != nil {
			return err
		}
		if err := checkLabelValue(f, v); err != nil {
			return err
		}
		selectors = append(selectors, v)
	}
	switch {
	case d.AccountSelectors == 0 && len(a.DKIMSelectors) > 0:
		return fieldErrf("Account.DKIMSelectors", "", ErrNotApplicable, "provider %s uses fixed selectors %v", g.p.Name, d.Selectors)
	case len(a.DKIMSelectors) != d.AccountSelectors:
		return fieldErrf("Account.DKIMSelectors", "", ErrRequired, "provider %s needs %d selectors (DKIM tokens) from the account, got %d", g.p.Name, d.AccountSelectors, len(a.DKIMSelectors))
	}
	for i, s := range a.DKIMSelectors {
		if err := checkLabelValue(fmt.Sprintf("Account.DKIMSelectors[%d]", i), s); err != nil {
			return err
		}
		selectors = append(selectors, s)
	}
	if len(selectors) == 0 {
		return fieldErr("Provider.DKIM.Selectors", "", ErrRequired)
	}
	var key string
	if d.CNAME == "" {
		var err error
		if key, err = dkimValue(a); err != nil {
			return err
		}
	} else if a.DKIMKey != "" || a.DKIMPublicKey != nil {
		return fieldErrf("Account.DKIMKey", "", ErrNotApplicable, "provider %s delegates DKIM by CNAME and publishes the keys itself", g.p.Name)
	}
	seen := map[string]bool{}
	for _, sel := range selectors {
		sel = strings.ToLower(sel)
		if seen[sel] {
			return fieldErrf("Provider.DKIM.Selectors", sel, ErrConflict, "selector listed twice")
		}
		seen[sel] = true
		g.vars["selector"] = sel
		fqdn, err := g.name("Provider.DKIM.Host", d.Host)
		if err != nil {
			delete(g.vars, "selector")
			return err
		}
		if d.CNAME != "" {
			t, err := g.target("Provider.DKIM.CNAME", d.CNAME)
			delete(g.vars, "selector")
			if err != nil {
				return err
			}
			g.add(Record{Purpose: PurposeDKIM, FQDN: fqdn, Type: TypeCNAME, Values: []string{t}, Required: true,
				Description: fmt.Sprintf("DKIM selector %s delegated to the provider, which publishes and rotates the public key at %s.", sel, t)})
			continue
		}
		delete(g.vars, "selector")
		g.add(Record{Purpose: PurposeDKIM, FQDN: fqdn, Type: TypeTXT, Values: []string{key}, Required: true,
			Description: fmt.Sprintf("DKIM public key for selector %s: receivers check the provider's signatures with it. Paste the value exactly; hosts with a 255-character limit need it split into several strings of one record.", sel)})
	}
	return nil
}

// conflicts checks that no CNAME shares its name with another record and
// that no name and type appears twice.
func (g *generator) conflicts() error {
	type key struct {
		fqdn string
		t    Type
	}
	seen := map[key]Purpose{}
	names := map[string][]Record{}
	for _, r := range g.set.Records {
		k := key{r.FQDN, r.Type}
		if p, ok := seen[k]; ok {
			return fieldErrf(fieldFor(r.Purpose), r.FQDN, ErrConflict, "the %s and %s records are both %s records at this name", p, r.Purpose, r.Type)
		}
		seen[k] = r.Purpose
		names[r.FQDN] = append(names[r.FQDN], r)
	}
	for _, r := range g.set.Records {
		if r.Type == TypeCNAME && len(names[r.FQDN]) > 1 {
			other := names[r.FQDN][0]
			if other.Purpose == r.Purpose {
				other = names[r.FQDN][1]
			}
			return fieldErrf(fieldFor(r.Purpose), r.FQDN, ErrConflict, "a CNAME cannot share its name with the %s %s record (RFC 1034 section 3.6.2)", other.Purpose, other.Type)
		}
	}
	return nil
}

func fieldFor(p Purpose) string {
	switch p {
	case PurposeReturnPath:
		return "Provider.ReturnPath.Host"
	case PurposeSPF:
		return "Provider.SPF.Host"
	case PurposeDKIM:
		return "Provider.DKIM.Host"
	case PurposeTracking:
		return "Account.TrackingHost"
	}
	return "Account.Domain"
}

func (g *generator) tracking() error {
	a, t := g.a, g.p.Tracking
	in := strings.TrimSpace(a.TrackingHost)
	if in == "" {
		return nil
	}
	if len(t.Targets) == 0 {
		return fieldErrf("Account.TrackingHost", a.TrackingHost, ErrNotApplicable, "provider %s has no custom tracking domain", g.p.Name)
	}
	name := in
	if !strings.Contains(strings.TrimSuffix(in, "."), ".") {
		name = strings.TrimSuffix(in, ".") + "." + g.domain
	}
	fqdn, err := dnsname.Normalize(name)
	if err != nil {
		return fieldErr("Account.TrackingHost", a.TrackingHost, err)
	}
	if !dnsname.IsSubdomain(fqdn, g.zone) {
		return fieldErrf("Account.TrackingHost", a.TrackingHost, ErrOutsideDomain, "%s is not in the zone %s", fqdn, g.zone)
	}
	if fqdn == g.zone || fqdn == g.domain {
		return fieldErrf("Account.TrackingHost", a.TrackingHost, ErrConflict, "a CNAME cannot be placed at %s itself; use a subdomain such as links.%s", fqdn, g.domain)
	}
	tmpl, ok := t.Targets[g.region]
	if !ok {
		tmpl, ok = t.Targets[""]
	}
	if !ok {
		return fieldErrf("Account.Region", g.region, ErrUnknownRegion, "provider %s has no tracking target for this region", g.p.Name)
	}
	target, err := g.target("Provider.Tracking.Targets["+g.region+"]", tmpl)
	if err != nil {
		return err
	}
	g.add(Record{Purpose: PurposeTracking, FQDN: fqdn, Type: TypeCNAME, Values: []string{target},
		Description: fmt.Sprintf("Link tracking: tracked links use %s, which must point (CNAME, not proxied) to %s. HSTS on the domain breaks plain-http links.", fqdn, target)})
	return nil
}
