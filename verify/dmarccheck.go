package verify

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/internal/dnsname"
	"github.com/domainauth/domainauth/records"
)

// dmarc checks the DMARC policy that applies to the From domain, wherever
// it is published (the domain itself or its organizational domain), rather
// than the text of the suggested record.
func (k *check) dmarc(ctx context.Context) {
	from := k.env.fromDomain
	r := k.env.c.resolver()
	lr, err := dmarc.Lookup(ctx, r, from, dmarc.WithMode(k.env.dmarcMode))
	if lr != nil && lr.TXT != "" {
		k.res.Found = []string{lr.TXT}
	}
	switch {
	case err != nil && errors.Is(err, dmarc.ErrInvalidRecord):
		k.res.Status = Mismatch
		k.add(finding.CodeDMARCInvalid, finding.Error,
			fmt.Sprintf("the DMARC record at _dmarc.%s cannot be used: %v", lr.PolicyDomain, err),
			fmt.Sprintf("Replace the TXT record at host %q with a valid one, for example: %s", k.host(), k.rec.Values[0]))
		return
	case err != nil:
		k.temporary(err)
		return
	case lr.Record == nil:
		for _, f := range lr.Findings {
			if f.Code == finding.CodeDMARCMultiple {
				k.res.Status = Mismatch
				k.add(finding.CodeDMARCInvalid, finding.Error,
					fmt.Sprintf("several DMARC records for %s, so receivers apply none: %s", from, f.Message),
					fmt.Sprintf("Keep exactly one TXT record starting with v=DMARC1 at host %q, for example: %s", k.host(), k.rec.Values[0]))
				return
			}
		}
		k.dmarcAbsent(ctx, from, lr.Queries)
		return
	}
	k.res.Status = Found
	rec := lr.Record
	applied, _ := lr.AppliedPolicy()
	where := "_dmarc." + lr.PolicyDomain
	if applied == dmarc.None {
		k.add(finding.CodeDMARCPNone, finding.Info,
			fmt.Sprintf("the DMARC policy for %s (at %s) is p=none: receivers report but do not act on failing mail", from, where),
			"This meets the bulk-sender requirements of Gmail and Yahoo. Once reports show all your mail passing, consider p=quarantine, then p=reject.")
	}
	k.dmarcAlignment(rec, applied, from, where)
	k.dmarcReports(ctx, rec, lr.PolicyDomain, where)
}

// dmarcAlignment reports strict alignment that the provider's mail fails:
// its return path (SPF) and DKIM domain are the account subdomain, which
// only relaxed alignment accepts for a From address at the parent.
func (k *check) dmarcAlignment(rec *dmarc.Record, applied dmarc.Policy, from, where string) {
	set := k.env.set
	rp := dnsname.Canonical(set.ReturnPath)
	spfFails := rec.ASPF == dmarc.Strict && rp != "" && rp != from
	dkimDomain := ""
	for _, r := range set.Records {
		if r.Purpose == records.PurposeDKIM {
			if _, d, ok := strings.Cut(dnsname.Canonical(r.FQDN), "._domainkey."); ok {
				dkimDomain = d
			}
		}
	}
	dkimFails := rec.ADKIM == dmarc.Strict && dkimDomain != "" && dkimDomain != from
	if !spfFails && !dkimFails {
		return
	}
	var tags []string
	if dkimFails {
		tags = append(tags, "adkim=s")
	}
	if spfFails {
		tags = append(tags, "aspf=s")
	}
	sev := finding.Warning
	msg := fmt.Sprintf("the DMARC policy for %s (at %s) has %s", from, where, strings.Join(tags, " and "))
	switch {
	case spfFails && dkimFails:
		msg += fmt.Sprintf(": mail signed by %s with return path %s fails DMARC alignment", dkimDomain, rp)
		if applied != dmarc.None {
			sev = finding.Error
			k.res.Status = Mismatch
			msg += fmt.Sprintf(" and is %sed", strings.TrimSuffix(string(applied), "e"))
		}
	case spfFails:
		msg += fmt.Sprintf(": the return path %s does not align; only DKIM can pass DMARC", rp)
	default:
		msg += fmt.Sprintf(": the DKIM domain %s does not align; only SPF can pass DMARC", dkimDomain)
	}
	k.add(finding.CodeDMARCStrictAlignment, sev, msg,
		fmt.Sprintf("Edit the TXT record at %s: set adkim=r and aspf=r, or remove both tags (relaxed is the default). "+
			"Mail from this provider uses the account subdomain, which only relaxed alignment accepts.", where))
}

// dmarcReports checks that every external aggregate-report destination
// has authorized the reports (RFC 7489 section 7.1).
func (k *check) dmarcReports(ctx context.Context, rec *dmarc.Record, policyDomain, where string) {
	for i, u := range rec.RUA {
		if i == maxAnswers {
			break
		}
		ok, err := dmarc.AuthorizeExternal(ctx, k.env.c.resolver(), policyDomain, u)
		if err != nil || ok {
			continue // a temporary failure says nothing either way
		}
		dest, _ := dmarc.ReportDomain(u)
		k.add(finding.CodeDMARCRUAUnauthorized, finding.Warning,
			fmt.Sprintf("the DMARC record at %s sends aggregate reports to %s, but %s has not authorized reports for %s", where, u.Address, dest, policyDomain),
			fmt.Sprintf("Ask the operator of %s to publish a TXT record at %s._report._dmarc.%s with the value v=DMARC1, or change rua to an address at %s.",
				dest, policyDomain, dest, policyDomain))
	}
}

// dmarcAbsent explains a missing DMARC policy.
func (k *check) dmarcAbsent(ctx context.Context, from string, queried []string) {
	c := k.env.c
	k.res.Status = Missing
	sev := finding.Warning
	if k.rec.Required {
		sev = finding.Error
	}
	k.add(finding.CodeDMARCMissing, sev,
		fmt.Sprintf("no DMARC policy applies to %s (nothing at %s)", from, orList(queried)),
		fmt.Sprintf("Add a TXT record with host %q and the value %s. Gmail and Yahoo require a DMARC record from bulk senders; p=none is enough to start.",
			k.host(), k.rec.Values[0]))
	if z := k.zone(); z != "" {
		doubled := k.fqdn + "." + z
		if txts, err := c.txt(ctx, doubled); err == nil && anyDMARC(txts) {
			k.add(finding.CodeNameDoubled, finding.Error,
				fmt.Sprintf("DMARC record found at %s instead of %s: the domain was added twice", doubled, k.res.FQDN),
				fmt.Sprintf("Your DNS host adds %s to the host name by itself (GoDaddy and many others do): change the host field from %q to %q.",
					z, k.res.FQDN, k.host()))
		}
	}
	if bare := strings.TrimPrefix(k.fqdn, "_dmarc."); bare != k.fqdn {
		if txts, err := c.txt(ctx, bare); err == nil && anyDMARC(txts) {
			k.add(finding.CodeDMARCInvalid, finding.Error,
				fmt.Sprintf("a DMARC record is published at %s itself, where receivers do not look for it", bare),
				fmt.Sprintf("Move the record to host %q (the _dmarc name).", k.host()))
		}
	}
}

// orList joins names as "a", "a or b", "a, b or c".
func orList(names []string) string {
	switch len(names) {
	case 0:
		return "any _dmarc name"
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

func anyDMARC(txts []string) bool {
	for _, t := range limit(txts) {
		if dmarc.IsRecord(t) {
			return true
		}
	}
	return false
}
