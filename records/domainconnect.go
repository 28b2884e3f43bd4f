package records

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/domainauth/domainauth/internal/dnsname"
)

// DomainConnectTemplate is a Domain Connect service template (Domain Connect
// specification, "Template Definition" and "Template Record"): the records
// of a provider with the account values left as %variables%, which a DNS
// host that supports Domain Connect applies in one click. Publish it as
// <providerId>.<serviceId>.json in the Domain-Connect/Templates repository.
//
// The template is applied to the sending domain: host names are relative to
// it ("@" is the sending domain itself), so a sending domain below the zone
// apex is applied with the apex as the domain and the rest as the host.
type DomainConnectTemplate struct {
	// ProviderID is providerId, the unique identifier of the service
	// provider that owns the template, by convention its domain name. DNS
	// hosts use it in apply URLs and it names the template file.
	ProviderID string `json:"providerId"`
	// ProviderName is providerName, the provider's name as a DNS host may
	// show it on the consent page; DomainConnect uses ProviderID when
	// DomainConnectOptions.ProviderName is empty.
	ProviderName string `json:"providerName"`
	// ServiceID is serviceId, which tells this template apart from the
	// provider's others in apply URLs and OAuth scopes; no spaces.
	ServiceID string `json:"serviceId"`
	// ServiceName is serviceName, the friendly name of the service that
	// may be shown to the customer; DomainConnect uses ServiceID when
	// DomainConnectOptions.ServiceName is empty.
	ServiceName string `json:"serviceName"`
	// Version is version, the template revision, raised whenever its
	// content changes; DomainConnect writes 1 when the option is 0.
	Version int `json:"version"`
	// Description is description, what the template sets up, for the
	// people who onboard it at a DNS host rather than for the customer.
	// Omitted from the JSON when empty.
	Description string `json:"description,omitempty"`
	// VariableDescription is variableDescription, a "%name%: meaning" list
	// of the template's variables, for the same readers. Omitted from the
	// JSON when empty.
	VariableDescription string `json:"variableDescription,omitempty"`
	// SyncBlock is syncBlock: true tells DNS hosts not to offer the
	// synchronous (browser redirect, no OAuth) flow for this template.
	// DomainConnect leaves it false.
	SyncBlock bool `json:"syncBlock"`
	// Records is records, the DNS records the template applies, in the
	// order return path, SPF, DKIM, tracking.
	Records []DomainConnectRecord `json:"records"`
}

// DomainConnectRecord is one template record. Type "SPFM" is Domain
// Connect's SPF merge: the DNS host adds SPFRules to the SPF record at Host,
// or creates one from them when there is none (with a closing "all" of its
// own choosing), so the template never creates a second SPF record.
type DomainConnectRecord struct {
	// Type is type, the record type or pseudo-type: DomainConnect writes
	// "MX", "CNAME", "TXT" and "SPFM".
	Type string `json:"type"`
	// Host is host, the owner name relative to the domain (and host) the
	// template is applied to, "@" for that name itself; it may hold
	// %variables%.
	Host string `json:"host"`
	// PointsTo is pointsTo, the target host name of an MX or CNAME record;
	// empty for other types.
	PointsTo string `json:"pointsTo,omitempty"`
	// Data is data, the text of a TXT record; empty for other types.
	Data string `json:"data,omitempty"`
	// Priority of MX records; nil for other types.
	Priority *uint16 `json:"priority,omitempty"`
	TTL      uint32  `json:"ttl"` // ttl, in seconds: Provider.TTL, or DefaultTTL when that is 0
	// SPFRules is spfRules, for an SPFM record the SPF terms to merge
	// ("include:mailgun.org"), without "v=spf1" and without the closing
	// all; empty for other types.
	SPFRules string `json:"spfRules,omitempty"`
	// TxtConflictMatchingMode "All" replaces any TXT record at Host (used
	// for the DKIM key record, whose name belongs to the provider).
	TxtConflictMatchingMode string `json:"txtConflictMatchingMode,omitempty"`
}

// DomainConnectOptions names the template and chooses what goes in it.
type DomainConnectOptions struct {
	// ProviderID and ServiceID identify the template (required), e.g.
	// "example-esp.com" and "sending".
	ProviderID, ServiceID string
	// ProviderName and ServiceName are shown to the customer; empty means
	// the IDs.
	ProviderName, ServiceName string
	// Version of the template; 0 means 1.
	Version int
	// Region selects the tracking target when the provider has one per
	// region; empty means the provider's default region. Templates that use
	// {region} in names keep it as %region%.
	Region string
	// Tracking adds the link-tracking CNAME at %trackinghost%.
	Tracking bool
}

// Domain Connect variable names for the account values that are not
// provider template variables.
const (
	dcDKIMKey      = "dkimkey"      // the DKIM key record value
	dcTrackingHost = "trackinghost" // the tracking host, relative to the sending domain
	dcSelector     = "selector"     // prefix of the account's DKIM selectors: selector1, selector2, ...
)

// DomainConnect returns the Domain Connect template of provider p. Every
// template variable becomes a Domain Connect variable of the same name
// ({account} becomes %account%); the account label is written out
// ("cio%account%"); the account's DKIM selectors are %selector1%,
// %selector2%, ...; the DKIM key value is %dkimkey%; the tracking host is
// %trackinghost%. [DomainConnectVariables] gives their values for one
// account.
//
// The DMARC record is left out on purpose: Domain Connect cannot apply a
// record only when none exists, and replacing a customer's DMARC policy is
// not the provider's call. The SPF record becomes an SPFM record, so its
// closing "all" is the existing record's, or the DNS host's choice when it
// creates the record.
func DomainConnect(p Provider, o DomainConnectOptions) (*DomainConnectTemplate, error) {
	if o.ProviderID == "" {
		return nil, fieldErr("DomainConnectOptions.ProviderID", "", ErrRequired)
	}
	if o.ServiceID == "" {
		return nil, fieldErr("DomainConnectOptions.ServiceID", "", ErrRequired)
	}
	t := &DomainConnectTemplate{
		ProviderID: o.ProviderID, ProviderName: o.ProviderName,
		ServiceID: o.ServiceID, ServiceName: o.ServiceName,
		Version: o.Version,
	}
	if t.ProviderName == "" {
		t.ProviderName = t.ProviderID
	}
	if t.ServiceName == "" {
		t.ServiceName = t.ServiceID
	}
	if t.Version == 0 {
		t.Version = 1
	}
	ttl := p.TTL
	if ttl == 0 {
		ttl = DefaultTTL
	}
	vars := map[string]bool{}
	label := ""
	if p.AccountLabel != "" {
		var err error
		label, err = rewrite("Provider.AccountLabel", p.AccountLabel, func(name string) (string, error) {
			if name == "label" || name == "selector" {
				return "", fieldErrf("Provider.AccountLabel", p.AccountLabel, ErrInvalid, "{%s} cannot be used here", name)
			}
			vars[name] = true
			return "%" + name + "%", nil
		})
		if err != nil {
			return nil, err
		}
	}
	conv := func(field, tmpl, selector string) (string, error) {
		return rewrite(field, tmpl, func(name string) (string, error) {
			switch name {
			case "label":
				if label == "" {
					return "", fieldErr("Provider.AccountLabel", "", fmt.Errorf("%w: %s uses {label}", ErrRequired, field))
				}
				return label, nil
			case "selector":
				if selector == "" {
					return "", fieldErrf(field, tmpl, ErrInvalid, "{selector} is only defined in Provider.DKIM")
				}
				return selector, nil
			}
			vars[name] = true
			return "%" + name + "%", nil
		})
	}
	host := func(field, tmpl string) (string, error) {
		h, err := conv(field, tmpl, "")
		if err != nil {
			return "", err
		}
		return strings.ToLower(h), nil
	}

	rp := p.ReturnPath
	if rp.Host != "" {
		h, err := host("Provider.ReturnPath.Host", rp.Host)
		if err != nil {
			return nil, err
		}
		for i, mx := range rp.MX {
			v, err := conv(fmt.Sprintf("Provider.ReturnPath.MX[%d]", i), mx, "")
			if err != nil {
				return nil, err
			}
			prio := rp.Priority
			t.Records = append(t.Records, DomainConnectRecord{Type: "MX", Host: h, PointsTo: v, Priority: &prio, TTL: ttl})
		}
		if rp.CNAME != "" {
			v, err := conv("Provider.ReturnPath.CNAME", rp.CNAME, "")
			if err != nil {
				return nil, err
			}
			t.Records = append(t.Records, DomainConnectRecord{Type: "CNAME", Host: h, PointsTo: v, TTL: ttl})
		}
	}
	if s := p.SPF; len(s.Includes)+len(s.Mechanisms) > 0 {
		hostTmpl := s.Host
		if hostTmpl == "" {
			hostTmpl = rp.Host
		}
		h, err := host("Provider.SPF.Host", hostTmpl)
		if err != nil {
			return nil, err
		}
		var rules []string
		for i, m := range s.Mechanisms {
			v, err := conv(fmt.Sprintf("Provider.SPF.Mechanisms[%d]", i), m, "")
			if err != nil {
				return nil, err
			}
			rules = append(rules, v)
		}
		for i, inc := range s.Includes {
			v, err := conv(fmt.Sprintf("Provider.SPF.Includes[%d]", i), inc, "")
			if err != nil {
				return nil, err
			}
			rules = append(rules, "include:"+v)
		}
		t.Records = append(t.Records, DomainConnectRecord{Type: "SPFM", Host: h, SPFRules: strings.Join(rules, " "), TTL: ttl})
	}
	if d := p.DKIM; d.Host != "" {
		var selectors []string
		for i, sel := range d.Selectors {
			v, err := conv(fmt.Sprintf("Provider.DKIM.Selectors[%d]", i), sel, "")
			if err != nil {
				return nil, err
			}
			selectors = append(selectors, v)
		}
		for i := 1; i <= d.AccountSelectors; i++ {
			name := dcSelector + strconv.Itoa(i)
			vars[name] = true
			selectors = append(selectors, "%"+name+"%")
		}
		for _, sel := range selectors {
			h, err := conv("Provider.DKIM.Host", d.Host, sel)
			if err != nil {
				return nil, err
			}
			h = strings.ToLower(h)
			if d.CNAME != "" {
				v, err := conv("Provider.DKIM.CNAME", d.CNAME, sel)
				if err != nil {
					return nil, err
				}
				t.Records = append(t.Records, DomainConnectRecord{Type: "CNAME", Host: h, PointsTo: v, TTL: ttl})
				continue
			}
			vars[dcDKIMKey] = true
			t.Records = append(t.Records, DomainConnectRecord{Type: "TXT", Host: h, Data: "%" + dcDKIMKey + "%", TTL: ttl, TxtConflictMatchingMode: "All"})
		}
	}
	if o.Tracking && len(p.Tracking.Targets) > 0 {
		region := strings.ToLower(o.Region)
		if region == "" && len(p.Regions) > 0 {
			region = strings.ToLower(p.Regions[0])
		}
		tmpl, ok := p.Tracking.Targets[region]
		if !ok {
			tmpl, ok = p.Tracking.Targets[""]
		}
		if !ok {
			return nil, fieldErrf("DomainConnectOptions.Region", o.Region, ErrUnknownRegion, "provider %s has no tracking target for it", p.Name)
		}
		v, err := conv("Provider.Tracking.Targets["+region+"]", tmpl, "")
		if err != nil {
			return nil, err
		}
		vars[dcTrackingHost] = true
		t.Records = append(t.Records, DomainConnectRecord{Type: "CNAME", Host: "%" + dcTrackingHost + "%", PointsTo: v, TTL: ttl})
	}
	if len(t.Records) == 0 {
		return nil, fieldErrf("Provider", p.Name, ErrRequired, "the provider describes no records")
	}
	t.Description = fmt.Sprintf("The DNS records for sending email through %s from one account's domain (return path, SPF, DKIM and, when the provider has one, link tracking)", t.ProviderName)
	t.VariableDescription = describeVars(vars)
	return t, nil
}

func describeVars(vars map[string]bool) string {
	desc := map[string]string{
		"account":      "account id",
		"region":       "account region",
		dcDKIMKey:      "DKIM key record value (v=DKIM1; k=...; p=...)",
		dcTrackingHost: "link-tracking host relative to the domain",
	}
	names := make([]string, 0, len(vars))
	for n := range vars {
		names = append(names, n)
	}
	slices.Sort(names)
	parts := make([]string, len(names))
	for i, n := range names {
		d, ok := desc[n]
		switch {
		case ok:
		case strings.HasPrefix(n, dcSelector):
			d = "DKIM selector (token) " + strings.TrimPrefix(n, dcSelector)
		default:
			d = "account value " + n
		}
		parts[i] = "%" + n + "%: " + d
	}
	return strings.Join(parts, "; ")
}

// DomainConnectVariables returns the values of the template's variables
// for account a (the query parameters of a Domain Connect apply URL),
// after validating the account as Generate does.
func DomainConnectVariables(p Provider, a Account) (map[string]string, error) {
	g := &generator{p: p, a: a}
	if err := g.run(); err != nil {
		return nil, err
	}
	vars := map[string]string{}
	for k, v := range g.vars {
		if k != "label" && k != "selector" {
			vars[k] = v
		}
	}
	for i, s := range a.DKIMSelectors {
		vars[dcSelector+strconv.Itoa(i+1)] = strings.ToLower(s)
	}
	for _, r := range g.set.Records {
		switch {
		case r.Purpose == PurposeDKIM && r.Type == TypeTXT:
			vars[dcDKIMKey] = r.Values[0]
		case r.Purpose == PurposeTracking:
			rel, _ := dnsname.Relative(r.FQDN, g.domain)
			vars[dcTrackingHost] = rel
		}
	}
	return vars, nil
}

// MarshalJSONIndent is a convenience for writing the template file: the
// template as indented JSON with a final newline.
func (t *DomainConnectTemplate) MarshalJSONIndent() ([]byte, error) {
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
