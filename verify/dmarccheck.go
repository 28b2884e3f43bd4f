package verify

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"

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
	wait := k.prefetchTreeWalk(ctx, from)
	dc := dmarc.Checker{Resolver: r, Mode: k.env.dmarcMode}
	lr, err := dc.Lookup(ctx, from)
	wait()
	if err != nil && !errors.Is(err, dmarc.ErrInvalidRecord) {
		k.temporary(err)
		return
	}
	// What is published at the names looked at, valid or not: the
	// customer sees what receivers see, and what went wrong with a record
	// that receivers do not recognise as DMARC at all.
	pub := k.dmarcPublished(ctx, lr)
	for _, p := range pub {
		k.res.Found = append(k.res.Found, p.txt)
	}
	switch {
	case err != nil:
		k.res.Status = Mismatch
		k.dmarcUnusable(err, "_dmarc."+lr.PolicyDomain)
		return
	case lr.Record == nil:
		k.dmarcMalformed(pub, "")
		k.dmarcSkipped(pub)
		for _, f := range lr.Findings {
			if f.Code == finding.CodeDMARCMultiple {
				k.addAt(multipleAt(pub, k.fqdn), finding.CodeDMARCInvalid, finding.Error,
					fmt.Sprintf("several DMARC records for %s, so receivers apply none: %s", from, f.Message),
					fmt.Sprintf("Keep exactly one TXT record starting with v=DMARC1 at host %q, for example: %s", k.hostOf(multipleAt(pub, k.fqdn)), k.rec.Values[0]))
				break
			}
		}
		if len(k.res.Findings) > 0 {
			k.res.Status = Mismatch
			return
		}
		k.dmarcAbsent(ctx, from, lr.Queries)
		return
	}
	k.res.Status = Found
	rec := lr.Record
	applied, _ := lr.AppliedPolicy()
	where := "_dmarc." + lr.PolicyDomain
	// Records below the policy domain that receivers skipped: several at
	// one name (RFC 9989 discards them and walks on), or malformed ones.
	for _, f := range lr.Findings {
		if f.Code == finding.CodeDMARCMultiple {
			k.add(finding.CodeDMARCInvalid, finding.Warning,
				fmt.Sprintf("%s; the policy at %s applies to %s instead", f.Message, where, from),
				"Keep exactly one TXT record starting with v=DMARC1 at each _dmarc name, and delete the others.")
		}
	}
	k.dmarcMalformed(pub, where)
	if applied == dmarc.None {
		k.add(finding.CodeDMARCPNone, finding.Info,
			fmt.Sprintf("the DMARC policy for %s (at %s) is p=none: receivers report but do not act on failing mail", from, where),
			"This meets the bulk-sender requirements of Gmail and Yahoo. Once reports show all your mail passing, consider p=quarantine, then p=reject.")
	}
	k.dmarcTags(rec, lr.TXT, where)
	k.dmarcAlignment(rec, applied, from, where)
	k.dmarcReports(ctx, rec, lr.PolicyDomain, where)
}

// prefetchTreeWalk starts the lookups of the RFC 9989 tree walk from
// domain after the first, into the Set's cache, so that dmarc.Checker.Lookup,
// which asks them one after the other, finds them answered or in flight:
// the walk costs one round trip instead of one per name. The walk asks
// every name of the list unless a record with psd=y or psd=n stops it
// early, so the prefetch asks nothing more in the common case; in the
// other it asks the names above that record, never more than MaxTreeWalk
// names in all. At most Concurrency-1 names are prefetched, so the walk
// keeps within Verifier.Concurrency lookups at once. RFC 7489 discovery
// stops at the first record found, so it is left as it is. The returned
// func waits for the prefetches.
func (k *check) prefetchTreeWalk(ctx context.Context, domain string) (wait func()) {
	if k.env.dmarcMode != dmarc.RFC9989 || !k.env.c.cache {
		return func() {}
	}
	d, err := dnsname.Normalize(domain)
	if err != nil {
		return func() {}
	}
	names := treeWalkNames(d)[1:]
	names = names[:min(len(names), max(k.env.concurrency-1, 0))]
	var wg sync.WaitGroup
	for _, name := range names {
		wg.Go(func() { k.env.c.txt(ctx, "_dmarc."+name) })
	}
	return wg.Wait
}

// treeWalkNames are the names the RFC 9989 tree walk asks for domain:
// dmarc's own list (dnsname.TreeWalk), the domain itself first.
func treeWalkNames(domain string) []string {
	return dnsname.TreeWalk(domain, dmarc.MaxTreeWalk)
}

// dmarcUnusable reports a DMARC record that receivers recognise (it starts
// with v=DMARC1) but cannot use: no valid policy and no valid rua, a
// duplicate tag.
func (k *check) dmarcUnusable(err error, where string) {
	host := k.hostOf(where)
	fix := fmt.Sprintf("Replace the TXT record at host %q with a valid one, for example: %s", host, k.rec.Values[0])
	var pe *dmarc.SyntaxError
	if errors.As(err, &pe) {
		switch {
		case errors.Is(pe, dmarc.ErrBadValue):
			fix = fmt.Sprintf("Edit the TXT record at host %q: %s=%s is not a policy; write none, quarantine or reject. For example: %s", host, pe.Tag, pe.Value, k.rec.Values[0])
		case errors.Is(pe, dmarc.ErrDuplicateTag):
			fix = fmt.Sprintf("Edit the TXT record at host %q: the tag %s appears twice; keep one. For example: %s", host, pe.Tag, k.rec.Values[0])
		}
	}
	k.addAt(where, finding.CodeDMARCInvalid, finding.Error,
		fmt.Sprintf("the DMARC record at %s cannot be used: %v", where, err), fix)
}

// dmarcSkipped reports the DMARC records of the customer's zone that
// receivers recognise but cannot use and that the RFC 9989 tree walk
// therefore passed over (an organizational domain's record with a tag
// given twice), when no policy applies: they are why none does, not
// "nothing". Names with several records are reported as such.
func (k *check) dmarcSkipped(pub []published) {
	n := dmarcCounts(pub)
	dc := dmarc.Checker{Mode: k.env.dmarcMode}
	for _, p := range pub {
		if !p.ok || n[p.name] != 1 || !dnsname.IsSubdomain(p.name, k.zone()) {
			continue
		}
		if _, err := dc.Parse(p.txt); err != nil {
			k.dmarcUnusable(err, p.name)
		}
	}
}

// published is one TXT record at a _dmarc name that Lookup queried and
// that is, or was meant to be, a DMARC record.
type published struct {
	name string // the _dmarc name
	txt  string
	ok   bool // dmarc.IsRecord: receivers read it as a DMARC record
}

// dmarcPublished returns the DMARC records, and the texts meant as DMARC
// records, at the names Lookup queried, at or below the policy domain
// (every name when none applies), in query order. The answers come from
// the Set's lookup cache: no name is asked twice.
func (k *check) dmarcPublished(ctx context.Context, lr *dmarc.LookupResult) []published {
	var out []published
	for _, name := range limit(lr.Queries) {
		d, ok := strings.CutPrefix(name, "_dmarc.")
		if !ok {
			continue // the existence query for np
		}
		if p := lr.PolicyDomain; p != "" && d != p && !strings.HasSuffix(d, "."+p) {
			continue // above the policy: not where the customer's record goes
		}
		txts, err := k.env.c.txt(ctx, name)
		if err != nil {
			continue
		}
		for _, t := range limit(txts) {
			switch {
			case dmarc.IsRecord(t):
				out = append(out, published{name, t, true})
			case meantAsDMARC(t):
				out = append(out, published{name, t, false})
			}
			if len(out) == maxAnswers {
				return out
			}
		}
	}
	return out
}

// multipleAt is the first _dmarc name of pub that holds several DMARC
// records: for a From subdomain with nothing of its own that is the
// organizational domain's name, not the set's. def when there is none.
func multipleAt(pub []published, def string) string {
	n := dmarcCounts(pub)
	for _, p := range pub {
		if n[p.name] > 1 {
			return p.name
		}
	}
	return def
}

// dmarcCounts counts the DMARC records of pub by name.
func dmarcCounts(pub []published) map[string]int {
	n := map[string]int{}
	for _, p := range pub {
		if p.ok {
			n[p.name]++
		}
	}
	return n
}

// meantAsDMARC reports whether a TXT record that is not a DMARC record to
// receivers was meant as one: once quotes, backslashes and white space are
// taken out it starts with "v=DMARC".
func meantAsDMARC(t string) bool {
	var b [len("v=dmarc")]byte
	n := 0
	for i := 0; i < len(t) && n < len(b); i++ {
		switch c := t[i]; c {
		case '"', '\\', ' ', '\t', '\r', '\n':
		default:
			b[n] = c | 0x20
			n++
		}
	}
	return string(b[:n]) == "v=dmarc"
}

// semicolonsMissing puts "; " between tags separated by white space only:
// "v=DMARC1 p=reject" becomes "v=DMARC1; p=reject".
var semicolonsMissing = regexp.MustCompile(`([^;\s])\s+([A-Za-z]+\s*=)`)

// dmarcMalformed reports the records meant as DMARC records that receivers
// do not read as such. where is the name of the policy that applies
// instead ("" when none does): the finding is then an error, else a
// warning, since the policy found elsewhere still protects the domain.
func (k *check) dmarcMalformed(pub []published, where string) {
	for _, p := range pub {
		if p.ok {
			continue
		}
		k.dmarcDiagnose(p, where)
	}
}

// dmarcDiagnose explains one record meant as DMARC: it undoes the usual
// mistakes one after the other (literal quotes, "\;", leading white
// space, missing semicolons) and names each one it had to undo.
func (k *check) dmarcDiagnose(p published, where string) {
	sev, consequence := finding.Error, "so receivers do not see a DMARC record and apply no DMARC policy"
	if where != "" {
		sev, consequence = finding.Warning, "so receivers skip it and apply the policy at "+where+" instead"
	}
	host := k.hostOf(p.name)
	fixed := p.txt
	type mistake struct {
		code finding.Code
		what string
	}
	var ms []mistake
	if quoted(fixed) {
		fixed = unquote(fixed)
		ms = append(ms, mistake{finding.CodeTXTQuotes, "is wrapped in literal quote characters"})
	}
	if strings.Contains(fixed, `\;`) {
		fixed = strings.ReplaceAll(fixed, `\;`, ";")
		ms = append(ms, mistake{finding.CodeTXTEscapedSemicolon, `contains "\;": the backslashes were published literally`})
	}
	if t := strings.TrimLeft(fixed, " \t\r\n"); t != fixed {
		fixed = t
		ms = append(ms, mistake{finding.CodeWhitespaceTypo, "starts with white space"})
	}
	if !dmarc.IsRecord(fixed) {
		if s := semicolonsMissing.ReplaceAllString(fixed, "$1; $2"); s != fixed && dmarc.IsRecord(s) {
			fixed = s
			ms = append(ms, mistake{finding.CodeDMARCInvalid, "has no semicolons between its tags"})
		}
	}
	dc := dmarc.Checker{Mode: k.env.dmarcMode}
	_, perr := dc.Parse(fixed)
	if !dmarc.IsRecord(fixed) || perr != nil {
		// Not one of the usual mistakes, or more is wrong: say what the
		// parser says.
		err := perr
		if err == nil {
			_, err = dc.Parse(p.txt)
		}
		k.addAt(p.name, finding.CodeDMARCInvalid, sev,
			fmt.Sprintf("the TXT record %q at %s looks like a DMARC record but is not one (%v), %s", shorten(p.txt), p.name, err, consequence),
			fmt.Sprintf("Replace the TXT record at host %q with a valid DMARC record: it must start with v=DMARC1 and separate its tags with semicolons, for example: %s",
				host, k.rec.Values[0]))
		return
	}
	for _, m := range ms {
		k.addAt(p.name, m.code, sev,
			fmt.Sprintf("the DMARC record at %s %s (%q), %s", p.name, m.what, shorten(p.txt), consequence),
			quirkAdvice(m.code)+fmt.Sprintf("Edit the TXT record at host %q so that its value reads exactly: %s", host, fixed))
	}
}

// quirkAdvice explains, for the mistakes DNS host forms cause, where they
// come from.
func quirkAdvice(c finding.Code) string {
	switch c {
	case finding.CodeTXTQuotes:
		return "Most DNS hosts add the quotes themselves: type the value without them. "
	case finding.CodeTXTEscapedSemicolon:
		return `Only zone files need "\;"; a DNS host's form takes the semicolons as they are. `
	case finding.CodeDMARCInvalid:
		return "Tags are separated by semicolons; spaces alone do not separate them. "
	}
	return ""
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
	k.addAt(where, finding.CodeDMARCStrictAlignment, sev, msg,
		fmt.Sprintf("Edit the TXT record at host %q: set adkim=r and aspf=r, or remove both tags (relaxed is the default). "+
			"Mail from this provider uses the account subdomain, which only relaxed alignment accepts.", k.hostOf(where)))
}

// dmarcReports checks that every external aggregate-report destination
// has authorized the reports (RFC 7489 section 7.1). The destinations are
// looked up at once (at most Concurrency at a time), since none depends
// on another's answer; the findings keep the order of rua.
func (k *check) dmarcReports(ctx context.Context, rec *dmarc.Record, policyDomain, where string) {
	uris := limit(rec.RUA)
	denied := make([]bool, len(uris))
	sem := make(chan struct{}, k.env.concurrency)
	var wg sync.WaitGroup
	for i, u := range uris {
		wg.Go(func() {
			select {
			case sem <- struct{}{}:
				defer func() { <-sem }()
			case <-ctx.Done():
				return // out of time: says nothing either way
			}
			ok, err := dmarc.AuthorizeExternal(ctx, k.env.c.resolver(), policyDomain, u)
			denied[i] = err == nil && !ok // a temporary failure says nothing either way
		})
	}
	wg.Wait()
	for i, u := range uris {
		if !denied[i] {
			continue
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

// tagValues says in words which values a DMARC tag takes.
var tagValues = map[string]string{
	"p":     "none, quarantine or reject",
	"sp":    "none, quarantine or reject",
	"np":    "none, quarantine or reject",
	"pct":   "a whole number from 0 to 100",
	"adkim": "r (relaxed) or s (strict)",
	"aspf":  "r (relaxed) or s (strict)",
	"fo":    "0, 1, d or s, several joined by colons (fo=1:d)",
	"rf":    "afrf",
	"ri":    "a number of seconds, such as 86400",
	"psd":   "y, n or u",
	"t":     "y or n",
}

// tagDefaults is what receivers use instead of an invalid value.
var tagDefaults = map[string]string{
	"pct": "pct=100: the policy applies to all failing mail", "adkim": "adkim=r", "aspf": "aspf=r",
	"fo": "fo=0", "rf": "rf=afrf", "ri": "ri=86400", "psd": "psd=u", "t": "t=n: the policy applies in full",
}

// dmarcTags reports what the DMARC parser discarded or read differently in
// the record that applies (dmarc.Record.Findings), with a fix for each.
// In one mode it also reads the record as the other mode's receivers do,
// for the invalid values of the tags only they know (pct=150 is
// meaningless to an RFC 9989 receiver but discarded by an RFC 7489 one).
func (k *check) dmarcTags(rec *dmarc.Record, txt, where string) {
	mode, other := k.env.dmarcMode, dmarc.RFC7489
	if mode == dmarc.RFC7489 {
		other = dmarc.RFC9989
	}
	edit := fmt.Sprintf("Edit the TXT record at host %q: ", k.hostOf(where))
	invalid := map[string]bool{} // tags reported as invalid
	tagInvalid := func(d *dmarc.SyntaxError, who string) {
		tag := strings.ToLower(d.Tag)
		invalid[tag] = true
		if errors.Is(d, dmarc.ErrMalformedTag) {
			k.addAt(where, finding.CodeDMARCTagInvalid, finding.Warning,
				fmt.Sprintf("the DMARC record at %s has a malformed tag near offset %d, which %s skip: %v", where, d.Offset, who, d.Err),
				edit+"write each tag as name=value and separate the tags with semicolons, e.g. v=DMARC1; p=none; rua=mailto:dmarc@example.com")
			return
		}
		msg := fmt.Sprintf("the DMARC record at %s has %s=%s, which is not a valid value: %s ignore it", where, d.Tag, d.Value, who)
		if def := tagDefaults[tag]; def != "" {
			msg += " and use " + def
		}
		fix := edit + "remove the tag or give it a valid value"
		if v := tagValues[tag]; v != "" {
			fix = fmt.Sprintf("%s%s takes %s; remove the tag to keep the default.", edit, tag, v)
		}
		k.addAt(where, finding.CodeDMARCTagInvalid, finding.Warning, msg, fix)
	}
	for _, d := range rec.Discarded {
		tag := strings.ToLower(d.Tag)
		switch {
		case rec.Fallback && d == rec.Discarded[len(rec.Discarded)-1]:
			// Parse appends the reason for the fallback last.
			k.addAt(where, finding.CodeDMARCTagInvalid, finding.Warning,
				fmt.Sprintf("the DMARC record at %s has no valid policy (%v); because it has a valid rua, receivers read it as p=none: reports only, no protection", where, d),
				edit+"give it a p tag right after v=DMARC1, with none, quarantine or reject, e.g. v=DMARC1; p=none; ...")
		case (tag == "rua" || tag == "ruf") && errors.Is(d, dmarc.ErrBadValue):
			kind, list := "aggregate", rec.RUA
			if tag == "ruf" {
				kind, list = "failure", rec.RUF
			}
			msg := fmt.Sprintf("the DMARC record at %s has %s=%s, which is not a report address receivers use (%v)", where, d.Tag, d.Value, d.Err)
			if len(list) == 0 {
				msg += fmt.Sprintf(": no %s reports will arrive", kind)
			} else {
				msg += fmt.Sprintf(": %s reports go only to %s", kind, uriList(list))
			}
			fix := fmt.Sprintf("%swrite each report address as a mailto: URI", edit)
			if !strings.Contains(d.Value, ":") && strings.Contains(d.Value, "@") {
				fix += fmt.Sprintf(", %s=mailto:%s", tag, d.Value)
			} else {
				fix += fmt.Sprintf(", e.g. %s=mailto:dmarc@example.com", tag)
			}
			k.addAt(where, finding.CodeDMARCReportURI, finding.Warning, msg, fix+"; separate several addresses with commas.")
		default:
			tagInvalid(d, "receivers")
		}
	}
	// The values of the other mode's tags, as its receivers read them. o
	// is also what the pct and t differences below ask of that reading.
	oc := dmarc.Checker{Mode: other}
	o, err := oc.Parse(txt)
	if err != nil {
		var pe *dmarc.SyntaxError
		if errors.As(err, &pe) {
			invalid[strings.ToLower(pe.Tag)] = true
		}
		k.addAt(where, finding.CodeDMARCModeDifference, finding.Warning,
			fmt.Sprintf("receivers following %s cannot use the DMARC record at %s: %v", modeName(other), where, err),
			edit+"make it valid under both RFC 7489 and RFC 9989, e.g. "+k.rec.Values[0])
	} else {
		for _, d := range o.Discarded {
			if t := strings.ToLower(d.Tag); !errors.Is(d, dmarc.ErrMalformedTag) && foreignTo(mode, t) {
				tagInvalid(d, "receivers following "+modeName(other))
			}
		}
	}
	for _, f := range rec.Findings() {
		switch f.Code {
		case finding.CodeDMARCPolicyOrder:
			k.addAt(where, finding.CodeDMARCModeDifference, finding.Warning,
				fmt.Sprintf("the DMARC record at %s does not have p right after v=DMARC1: receivers following RFC 7489 may refuse the whole record", where),
				edit+"move the p tag right after v=DMARC1, e.g. v=DMARC1; p=none; ...")
		case finding.CodeDMARCRemovedTag, finding.CodeDMARCNewTag:
			if invalid[f.Subject] {
				continue
			}
			sev, msg, fix := finding.Info, fmt.Sprintf("the DMARC record at %s: %s", where, f.Message), ""
			switch {
			case f.Subject == "pct" && rec.Mode == dmarc.RFC7489 && rec.Percent < 100 && rec.Policy != dmarc.None,
				f.Subject == "pct" && rec.Mode == dmarc.RFC9989 && o != nil && o.Percent < 100 && o.Policy != dmarc.None:
				sev = finding.Warning
				msg += ": they apply the policy to all failing mail, not to a share of it"
				fix = edit + "to test a stricter policy with receivers of both kinds, add t=y (RFC 9989) next to pct=0 (RFC 7489): both apply the next weaker policy."
			case f.Subject == "t" && rec.Mode == dmarc.RFC9989 && rec.Testing,
				f.Subject == "t" && rec.Mode == dmarc.RFC7489 && o != nil && o.Testing:
				sev = finding.Warning
				msg += ": they apply the policy in full, not one step weaker"
				fix = edit + "for RFC 7489 receivers, add pct=0 next to t=y: it asks them for the same weaker policy."
			}
			k.addAt(where, finding.CodeDMARCModeDifference, sev, msg, fix)
		case finding.CodeDMARCSizeLimit:
			k.addAt(where, finding.CodeDMARCModeDifference, finding.Info, fmt.Sprintf("the DMARC record at %s: %s; receivers following it ignore the limit", where, f.Message), "")
		}
	}
}

// foreignTo reports whether tag is a tag of the other mode only.
func foreignTo(m dmarc.Mode, tag string) bool {
	if m == dmarc.RFC7489 {
		return tag == "np" || tag == "psd" || tag == "t"
	}
	return tag == "pct" || tag == "rf" || tag == "ri"
}

func modeName(m dmarc.Mode) string {
	if m == dmarc.RFC7489 {
		return "RFC 7489"
	}
	return "RFC 9989"
}

func uriList(us []dmarc.URI) string {
	s := make([]string, len(us))
	for i, u := range us {
		s[i] = u.Address
	}
	return strings.Join(s, ", ")
}

// addAt is add for a finding about the DMARC record at name. A record
// outside the customer's zone (the public suffix's, which the RFC 9989
// tree walk reads when the domain has none) is not theirs to edit: its
// fix is replaced by publishing their own record at their host field,
// which receivers read before it.
func (k *check) addAt(name string, c finding.Code, sev finding.Severity, msg, fix string) {
	if _, in := dnsname.Relative(name, k.zone()); !in && fix != "" && k.zone() != "" {
		fix = fmt.Sprintf("The record at %s is outside your domain: its operator publishes it, and you cannot change it. "+
			"Publish your own TXT record with host %q, which receivers read first, for example: %s", name, k.host(), k.rec.Values[0])
	}
	k.add(c, sev, msg, fix)
}
