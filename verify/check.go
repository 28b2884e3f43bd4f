package verify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/miekg/dns"

	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/internal/dnserr"
	"github.com/domainauth/domainauth/internal/dnsname"
	"github.com/domainauth/domainauth/records"
)

// env is what the checks of one Set share.
type env struct {
	c          *client
	set        *records.Set
	fromDomain string
	dmarcMode  dmarc.Mode // Verifier.DMARCMode

	// ctx is the Set's context, ended by the time budget; budget is
	// Verifier.Timeout, 0 for none.
	ctx         context.Context
	budget      time.Duration
	concurrency int // Verifier.Concurrency
}

// outOfTime reports whether the Set's time budget has run out.
func (e *env) outOfTime() bool {
	return e.budget > 0 && errors.Is(context.Cause(e.ctx), ErrTimeBudget)
}

// check is the state of checking one record.
type check struct {
	env  *env
	rec  *records.Record
	res  *RecordResult
	fqdn string // normalised owner name
}

func newResult(set *records.Set, rec *records.Record) RecordResult {
	res := RecordResult{
		Purpose:  rec.Purpose,
		Type:     rec.Type,
		FQDN:     dnsname.Canonical(rec.FQDN),
		Name:     rec.Name,
		Required: rec.Required,
		Status:   Missing,
		Expected: expectedValues(rec),
	}
	if res.Name == "" {
		res.Name, _ = dnsname.Relative(res.FQDN, zoneOf(set))
	}
	return res
}

// expectedValues is the record data of rec in presentation form.
func expectedValues(rec *records.Record) []string {
	out := make([]string, 0, len(rec.Values))
	for i, v := range rec.Values {
		switch rec.Type {
		case records.TypeMX:
			out = append(out, strconv.Itoa(int(mxPref(rec, i)))+" "+dnsname.Canonical(v))
		case records.TypeCNAME:
			out = append(out, dnsname.Canonical(v))
		default:
			out = append(out, v)
		}
	}
	return out
}

func mxPref(rec *records.Record, i int) uint16 {
	if i < len(rec.Priorities) {
		return rec.Priorities[i]
	}
	return rec.Priority
}

// zoneOf is the zone apex the Set's relative names hang from.
func zoneOf(set *records.Set) string {
	if set.Zone != "" {
		return dnsname.Canonical(set.Zone)
	}
	return dnsname.OrgDomain(dnsname.Canonical(set.Domain))
}

func (e *env) checkRecord(ctx context.Context, rec *records.Record) RecordResult {
	res := newResult(e.set, rec)
	k := &check{env: e, rec: rec, res: &res}
	fqdn, err := dnsname.Normalize(rec.FQDN)
	if err != nil || len(rec.Values) == 0 {
		msg := "the record has no value"
		if err != nil {
			msg = err.Error()
		}
		if err == nil {
			err = errors.New(msg)
		}
		k.fail(err)
		k.add(finding.CodeRecordUnsupported, finding.Warning, "cannot check "+k.label()+": "+msg, "")
		return res
	}
	k.fqdn = fqdn
	switch {
	case rec.Type == records.TypeMX:
		k.mx(ctx)
	case rec.Type == records.TypeCNAME:
		k.cname(ctx)
	case rec.Type == records.TypeTXT && rec.Purpose == records.PurposeSPF:
		k.spf(ctx)
	case rec.Type == records.TypeTXT && rec.Purpose == records.PurposeDKIM:
		k.dkim(ctx)
	case rec.Type == records.TypeTXT && rec.Purpose == records.PurposeDMARC:
		k.dmarc(ctx)
	case rec.Type == records.TypeTXT:
		k.txt(ctx)
	default:
		k.fail(errors.New("unsupported record type " + string(rec.Type)))
		k.add(finding.CodeRecordUnsupported, finding.Warning, "cannot check "+k.label()+": unsupported record type", "")
	}
	return res
}

// label names the record in findings: "<fqdn> <TYPE>".
func (k *check) label() string {
	return k.res.FQDN + " " + string(k.rec.Type)
}

func (k *check) add(code finding.Code, sev finding.Severity, msg, fix string) {
	k.res.Findings = append(k.res.Findings, finding.Finding{Code: code, Severity: sev, Subject: k.label(), Message: msg, Fix: fix})
}

func (k *check) has(code finding.Code) bool {
	return slices.ContainsFunc(k.res.Findings, func(f finding.Finding) bool { return f.Code == code })
}

// host is the host-field form of the record's name: relative to the zone,
// as most DNS hosts (GoDaddy, Namecheap, Cloudflare) want it.
func (k *check) host() string {
	return k.res.Name
}

// hostOf is what to type in the host field for the record at name: name
// relative to the zone, as the set's own names are (a full name typed
// there is doubled by the many DNS hosts that append the zone), or the
// full name when it lies outside the zone.
func (k *check) hostOf(name string) string {
	h, _ := dnsname.Relative(name, k.zone())
	return h
}

// zone is the apex the host field is relative to.
func (k *check) zone() string { return zoneOf(k.env.set) }

// fail puts the record in Error with err as its cause: Err for
// errors.Is/As, Error its text for JSON. Every Error status comes through
// here, so the two never disagree.
func (k *check) fail(err error) {
	k.res.Status = Error
	k.res.Err = err
	k.res.Error = err.Error()
}

// temporary marks the record as not checkable now.
func (k *check) temporary(err error) {
	msg := fmt.Sprintf("could not look up %s: %v", k.label(), err)
	if k.env.outOfTime() && !errors.Is(err, ErrTimeBudget) {
		msg = fmt.Sprintf("could not check %s within the time budget of %v: %v", k.label(), k.env.budget, err)
		err = fmt.Errorf("%w (%v): %w", ErrTimeBudget, k.env.budget, err)
	}
	k.fail(err)
	k.add(finding.CodeDNSTemporary, finding.Warning, msg,
		"This is a DNS server problem, not a mistake in the record: verify again in a few minutes. "+
			"If it keeps failing, check that the domain's name servers (its NS records at the registrar) answer, "+
			"and that every name its records point to (such as the includes of an SPF record) answers too.")
}

// missingFix is the advice for a record that is not there at all, with
// the DNS host quirks of its type.
func (k *check) missingFix() string {
	host := k.host()
	vals := k.res.Expected
	switch k.rec.Type {
	case records.TypeMX:
		return fmt.Sprintf("Add an MX record with host %q and the values %s (priority, then host). "+
			"Hosts that keep one record set per name (AWS Route 53) want both values in one record, one per line. "+
			"Wix cannot put an MX record on a subdomain: move the domain's DNS to another host, or send through a custom SMTP server.",
			host, strings.Join(vals, " and "))
	case records.TypeCNAME:
		return fmt.Sprintf("Add a CNAME record with host %q pointing to %s.", host, strings.Join(vals, ", "))
	}
	fix := fmt.Sprintf("Add a TXT record with host %q and the value %s.", host, strings.Join(vals, " "))
	if k.rec.Purpose == records.PurposeDKIM {
		fix += " The underscore in _domainkey is required: if your DNS host refuses underscores, ask its support to add the record for you."
	}
	return fix + " If your DNS host has no TXT records, ask it to add the record, or move the domain's DNS to a host that has them."
}

// absent marks the record Missing and looks for the usual reasons: a CNAME
// shadowing the name, the name doubled by the DNS host, the record at the
// apex. present tells whether a record of this kind is at a name (any
// value), atApex whether the expected one is.
func (k *check) absent(ctx context.Context, present, atApex func(ctx context.Context, name string) bool) {
	k.res.Status = Missing
	k.add(finding.CodeRecordMissing, finding.Error, fmt.Sprintf("no %s record found at %s", k.kind(), k.res.FQDN), k.missingFix())
	if k.rec.Type != records.TypeCNAME {
		k.cnameConflict(ctx)
	}
	if doubled := k.fqdn + "." + k.zone(); k.zone() != "" && present != nil && present(ctx, doubled) {
		k.add(finding.CodeNameDoubled, finding.Error,
			fmt.Sprintf("%s record found at %s instead of %s: the domain was added twice", k.kind(), doubled, k.res.FQDN),
			fmt.Sprintf("Your DNS host adds %s to the host name by itself (GoDaddy and many others do): "+
				"change the host field from %q to %q.", k.zone(), k.res.FQDN, k.host()))
	}
	if apex := k.apexName(); apex != "" && atApex != nil && atApex(ctx, apex) {
		k.add(finding.CodeNameAtApex, finding.Error,
			fmt.Sprintf("%s record found at %s instead of the account subdomain %s", k.kind(), apex, k.res.FQDN),
			k.apexFix(apex))
	}
}

// apexFix is the advice for the expected record found at the root of the
// domain (apex) instead of the account subdomain. For MX the root records
// must go: MX at the root decides where the domain's own incoming mail is
// delivered, so the provider's bounce servers there take in the mail meant
// for the customer's mailboxes, which is the harm the account subdomain
// exists to avoid. SPF and DKIM records at the root harm nothing.
func (k *check) apexFix(apex string) string {
	if k.rec.Type == records.TypeMX {
		return fmt.Sprintf("Publish the MX records at host %q (the account subdomain), and remove the MX records for %s from the root of the domain (%s, host %q): "+
			"MX records at the root decide where mail to your own addresses is delivered, so while they are there, mail sent to you goes to the provider's bounce servers instead of your mailboxes. "+
			"If your root had MX records of your mailbox provider before, put those back.",
			k.host(), strings.Join(k.rec.Values, " and "), apex, k.hostOf(apex))
	}
	return fmt.Sprintf("Publish the record at host %q (the account subdomain), not at the root of the domain. "+
		"The records at the root can stay as they are; they are not used for this sender. The value to publish: %s", k.host(), k.rec.Values[0])
}

// kind names the record in messages: "SPF", "DKIM", "MX", ... It is only
// used by absent and cnameConflict; TXT records of purpose DMARC go to
// dmarc, whose messages say "DMARC" themselves.
func (k *check) kind() string {
	switch {
	case k.rec.Type == records.TypeTXT && k.rec.Purpose == records.PurposeSPF:
		return "SPF"
	case k.rec.Type == records.TypeTXT && k.rec.Purpose == records.PurposeDKIM:
		return "DKIM"
	}
	return string(k.rec.Type)
}

// apexName is where the record lands when the customer puts it at the
// sending domain instead of the account subdomain: the return-path suffix
// of the name replaced by the domain. Empty when that is not a different
// name.
func (k *check) apexName() string {
	rp := dnsname.Canonical(k.env.set.ReturnPath)
	dom := dnsname.Canonical(k.env.set.Domain)
	if rp == "" || rp == dom || !dnsname.IsSubdomain(rp, dom) || !dnsname.IsSubdomain(k.fqdn, rp) {
		return ""
	}
	return strings.TrimSuffix(k.fqdn, rp) + dom
}

// cnameConflict reports a CNAME at a name that must hold TXT or MX.
func (k *check) cnameConflict(ctx context.Context) {
	target := k.cnameAt(ctx, k.fqdn)
	if target == "" {
		return
	}
	k.res.Found = append(k.res.Found, "CNAME "+target)
	k.add(finding.CodeCNAMEConflict, finding.Error,
		fmt.Sprintf("a CNAME record (to %s) is at %s, where the %s record must be; a CNAME hides every other record at its name", target, k.res.FQDN, k.kind()),
		fmt.Sprintf("Delete the CNAME record at host %q, then add the %s record there.", k.host(), k.kind()))
}

// cnameAt returns the target of a CNAME owned by name, or "" (also on
// lookup failures: diagnostics are best effort).
func (k *check) cnameAt(ctx context.Context, name string) string {
	c := k.env.c
	if c.q != nil {
		m, err := c.query(ctx, name, dns.TypeCNAME)
		if err != nil || m.Rcode != dns.RcodeSuccess {
			return ""
		}
		for _, rr := range m.Answer {
			if cn, ok := rr.(*dns.CNAME); ok && dnsname.Canonical(cn.Hdr.Name) == name {
				return dnsname.Canonical(cn.Target)
			}
		}
		return ""
	}
	t, err := c.cname(ctx, name)
	if err != nil || dnsname.Canonical(t) == name {
		return ""
	}
	return dnsname.Canonical(t)
}

// mx checks an MX record set: the host set, then the priorities.
func (k *check) mx(ctx context.Context) {
	c := k.env.c
	want := map[string]uint16{}
	var order []string
	for i, v := range k.rec.Values {
		h := dnsname.Canonical(strings.TrimSpace(v))
		want[h] = mxPref(k.rec, i)
		order = append(order, h)
	}
	got, err := c.mx(ctx, k.fqdn)
	if err != nil {
		if !dnserr.IsNotFound(err) {
			k.temporary(err)
			return
		}
		present := func(ctx context.Context, name string) bool {
			mxs, err := c.mx(ctx, name)
			return err == nil && len(mxs) > 0
		}
		atApex := func(ctx context.Context, name string) bool {
			mxs, err := c.mx(ctx, name)
			if err != nil {
				return false
			}
			for _, m := range mxs {
				if _, ok := want[dnsname.Canonical(m.Host)]; ok {
					return true
				}
			}
			return false
		}
		k.absent(ctx, present, atApex)
		return
	}
	if len(got) > maxAnswers {
		got = got[:maxAnswers]
	}
	have := map[string]uint16{}
	for _, m := range got {
		h := dnsname.Canonical(m.Host)
		have[h] = m.Pref
		k.res.Found = append(k.res.Found, strconv.Itoa(int(m.Pref))+" "+h)
	}
	k.res.Status = Found
	var missing []string
	for _, h := range order {
		if _, ok := have[h]; ok {
			continue
		}
		if typo := h + "." + k.zone(); k.zone() != "" {
			if _, ok := have[typo]; ok {
				k.res.Status = Mismatch
				k.add(finding.CodeWhitespaceTypo, finding.Error,
					fmt.Sprintf("MX host %s published as %s: the value lacked its final dot and the DNS host appended the domain", h, typo),
					fmt.Sprintf("Edit the MX record at host %q: replace %s with %q. %s", k.host(), typo, h+".", k.finalDotNote()))
				delete(have, typo)
				continue
			}
		}
		missing = append(missing, h)
	}
	// A host of the provider's other region in place of the expected one
	// is one mistake (the records of another region were copied), not a
	// missing host plus an extra one.
	swapped := map[string]bool{}
	missing = slices.DeleteFunc(missing, func(h string) bool {
		for _, m := range got {
			e := dnsname.Canonical(m.Host)
			if _, expected := want[e]; expected || swapped[e] {
				continue
			}
			if region, ok := regionSwap(h, e); ok {
				swapped[e] = true
				k.res.Status = Mismatch
				k.add(finding.CodeMXMissingHost, finding.Error,
					fmt.Sprintf("MX at %s names %s, the provider's host for %s, instead of %s%s", k.res.FQDN, e, regionPhrase(region), h, k.accountRegion()),
					fmt.Sprintf("Edit the MX record at host %q: replace %s with %s. Each region of the provider has its own hosts, and only those of the account's region receive its bounces.",
						k.host(), e, h))
				return true
			}
		}
		return false
	})
	if len(missing) > 0 {
		k.res.Status = Mismatch
		k.cnameConflict(ctx)
		k.add(finding.CodeMXMissingHost, finding.Error,
			fmt.Sprintf("MX at %s lacks %s (found: %s)", k.res.FQDN, strings.Join(missing, ", "), strings.Join(k.res.Found, ", ")),
			fmt.Sprintf("Publish every host in the MX record set at host %q: %s. "+
				"AWS Route 53 keeps one record set per name: edit the existing MX record set and put each value on its own line, do not create a second one.",
				k.host(), strings.Join(k.res.Expected, ", ")))
	}
	var extra []string
	for _, m := range got {
		h := dnsname.Canonical(m.Host)
		if _, ok := want[h]; !ok && !swapped[h] {
			if _, kept := have[h]; kept {
				extra = append(extra, h)
			}
		}
	}
	if len(extra) > 0 && !k.has(finding.CodeCNAMEConflict) {
		k.add(finding.CodeMXExtraHost, finding.Warning,
			fmt.Sprintf("MX at %s also names %s; bounces sent there do not reach the provider", k.res.FQDN, strings.Join(extra, ", ")),
			fmt.Sprintf("Remove the other MX values at host %q, keeping only %s.", k.host(), strings.Join(k.res.Expected, ", ")))
	}
	if len(missing) > 0 || k.res.Status == Mismatch {
		return
	}
	// Compare priorities by meaning: only their order matters to senders.
	sameOrder, sameValues := true, true
	for i, a := range order {
		if have[a] != want[a] {
			sameValues = false
		}
		for _, b := range order[i+1:] {
			if cmpU16(want[a], want[b]) != cmpU16(have[a], have[b]) {
				sameOrder = false
			}
		}
	}
	switch {
	case !sameOrder:
		k.res.Status = Mismatch
		k.add(finding.CodeMXPriority, finding.Error,
			fmt.Sprintf("MX priorities at %s are %s, expected %s: mail is not spread over the hosts as intended", k.res.FQDN, strings.Join(k.res.Found, ", "), strings.Join(k.res.Expected, ", ")),
			fmt.Sprintf("Set the priority of each MX value at host %q as listed: %s.", k.host(), strings.Join(k.res.Expected, ", ")))
	case !sameValues:
		k.add(finding.CodeMXPriority, finding.Info,
			fmt.Sprintf("MX priorities at %s are %s instead of %s; they keep the same order, so mail flows the same way", k.res.FQDN, strings.Join(k.res.Found, ", "), strings.Join(k.res.Expected, ", ")),
			"Nothing to do; the priorities shown in the instructions may be used to keep records tidy.")
	}
}

func cmpU16(a, b uint16) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// cname checks a CNAME record: by its first hop when the raw query is
// there, else by the end of its chain.
func (k *check) cname(ctx context.Context) {
	c := k.env.c
	want := dnsname.Canonical(strings.TrimSpace(k.rec.Values[0]))
	present := func(ctx context.Context, name string) bool {
		return k.cnameAt(ctx, name) != ""
	}
	var target string
	if c.q != nil {
		m, err := c.query(ctx, k.fqdn, dns.TypeCNAME)
		if err == nil && m.Rcode != dns.RcodeSuccess && m.Rcode != dns.RcodeNameError {
			err = fmt.Errorf("lookup %s: server answered %s", k.fqdn, dnserr.RcodeName(m.Rcode))
		}
		if err != nil {
			k.temporary(err)
			return
		}
		for _, rr := range m.Answer {
			if cn, ok := rr.(*dns.CNAME); ok && dnsname.Canonical(cn.Hdr.Name) == k.fqdn {
				target = dnsname.Canonical(cn.Target)
				break
			}
		}
		if target == "" {
			if m.Rcode == dns.RcodeSuccess && k.proxied(ctx, want) {
				return
			}
			k.absent(ctx, present, nil)
			return
		}
	} else {
		t, err := c.cname(ctx, k.fqdn)
		if err != nil {
			if dnserr.IsNotFound(err) {
				k.absent(ctx, present, nil)
			} else {
				k.temporary(err)
			}
			return
		}
		target = dnsname.Canonical(t)
		if target == k.fqdn {
			// net.Resolver's answer for a name with addresses and no CNAME.
			if !k.proxied(ctx, want) {
				k.absent(ctx, present, nil)
			}
			return
		}
	}
	k.res.Found = []string{target}
	if target == want {
		k.res.Status = Found
		return
	}
	if c.q == nil {
		// Without the raw query we see the end of the chain; the expected
		// target may itself be an alias of it.
		if end, err := c.cname(ctx, want); err == nil && dnsname.Canonical(end) == target {
			k.res.Status = Found
			return
		}
	}
	k.res.Status = Mismatch
	if z := k.zone(); z != "" && target == want+"."+z {
		k.add(finding.CodeWhitespaceTypo, finding.Error,
			fmt.Sprintf("CNAME at %s points to %s: the value lacked its final dot and the DNS host appended the domain", k.res.FQDN, target),
			fmt.Sprintf("Edit the CNAME record at host %q so it points to %q. %s", k.host(), want+".", k.finalDotNote()))
		return
	}
	if region, ok := regionSwap(want, target); ok {
		k.add(finding.CodeCNAMETarget, finding.Error,
			fmt.Sprintf("CNAME at %s points to %s, the provider's target for %s, instead of %s%s", k.res.FQDN, target, regionPhrase(region), want, k.accountRegion()),
			fmt.Sprintf("Edit the CNAME record at host %q so it points to %s: the target differs per region, and only the one of the account's region works.", k.host(), want))
		return
	}
	k.add(finding.CodeCNAMETarget, finding.Error,
		fmt.Sprintf("CNAME at %s points to %s instead of %s", k.res.FQDN, target, want),
		fmt.Sprintf("Edit the CNAME record at host %q so it points to %s (check the region: the target differs per account region).", k.host(), want))
}

// finalDotNote explains the final dot in the fixes for a target the DNS
// host completed with the zone: that host treats a name without a final
// dot as relative, so the value without one, as the instructions show it,
// gets the zone appended again.
func (k *check) finalDotNote() string {
	return fmt.Sprintf("Type the final dot: your DNS host adds %s to a name that does not end in one.", k.zone())
}

// accountRegion is ", for an account in region R" when the Set names its
// region, else "".
func (k *check) accountRegion() string {
	if r := k.env.set.Region; r != "" {
		return " (this account's region is " + r + ")"
	}
	return ""
}

// proxied reports (and records) addresses answering at a name that must be
// a CNAME.
func (k *check) proxied(ctx context.Context, want string) bool {
	addrs, err := k.env.c.netIP(ctx, "ip", k.fqdn)
	if err != nil || len(addrs) == 0 {
		return false
	}
	for i, a := range addrs {
		if i == maxAnswers {
			break
		}
		k.res.Found = append(k.res.Found, a.String())
	}
	k.res.Status = Mismatch
	k.add(finding.CodeCNAMEProxied, finding.Error,
		fmt.Sprintf("%s answers with addresses (%s) instead of a CNAME to %s: a proxy hides the CNAME", k.res.FQDN, strings.Join(k.res.Found, ", "), want),
		fmt.Sprintf("Cloudflare: edit the CNAME record %q and switch its Proxy status from Proxied (orange cloud) to DNS only (grey cloud). "+
			"Other hosts with CNAME flattening or proxying: turn it off for this name.", k.host()))
	return true
}

// txt checks a TXT record of no known purpose: the expected text must be
// one of the records, compared without surrounding whitespace.
func (k *check) txt(ctx context.Context) {
	txts, err := k.env.c.txt(ctx, k.fqdn)
	if err != nil {
		if dnserr.IsNotFound(err) {
			k.absent(ctx, nil, nil)
		} else {
			k.temporary(err)
		}
		return
	}
	k.res.Found = limit(txts)
	want := strings.TrimSpace(k.rec.Values[0])
	for _, t := range k.res.Found {
		if t == want {
			k.res.Status = Found
			return
		}
		if strings.TrimSpace(unquote(t)) == want {
			k.res.Status = Mismatch
			k.add(finding.CodeWhitespaceTypo, finding.Error, fmt.Sprintf("TXT at %s is %q: stray spaces or quotes around the value", k.res.FQDN, t),
				fmt.Sprintf("Edit the TXT value to exactly %s.", want))
			return
		}
	}
	k.res.Status = Mismatch
	k.add(finding.CodeRecordMissing, finding.Error, fmt.Sprintf("TXT records at %s do not include the expected value", k.res.FQDN), k.missingFix())
}

func limit[T any](s []T) []T {
	if len(s) > maxAnswers {
		return s[:maxAnswers]
	}
	return s
}

// unquote removes quote characters pasted around a TXT value (and between
// its strings, as in `"abc" "def"`).
func unquote(s string) string {
	t := strings.TrimSpace(s)
	if len(t) >= 2 && t[0] == '"' && t[len(t)-1] == '"' {
		t = t[1 : len(t)-1]
		t = strings.ReplaceAll(t, `" "`, "")
		t = strings.ReplaceAll(t, `""`, "")
	}
	return t
}

// quoted reports whether a TXT value carries literal quote characters at
// its ends.
func quoted(s string) bool {
	t := strings.TrimSpace(s)
	return strings.HasPrefix(t, `"`) || strings.HasSuffix(t, `"`)
}
