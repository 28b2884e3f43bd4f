package verify

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/miekg/dns"

	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/internal/dnserr"
	"github.com/domainauth/domainauth/internal/dnsname"
	"github.com/domainauth/domainauth/spf"
)

// spf checks the SPF record by meaning: one v=spf1 record, which parses,
// holds every mechanism of the expected record (reached before "all"), and
// evaluates within the lookup limits.
func (k *check) spf(ctx context.Context) {
	c := k.env.c
	want, err := spf.Parse(strings.TrimSpace(k.rec.Values[0]))
	if err != nil {
		k.fail(err)
		k.add(finding.CodeRecordUnsupported, finding.Warning, "the expected SPF record does not parse: "+err.Error(), "")
		return
	}
	txts, err := c.txt(ctx, k.fqdn)
	if err != nil {
		if dnserr.IsNotFound(err) {
			k.spfAbsent(ctx, want)
		} else {
			k.temporary(err)
		}
		return
	}
	k.res.Found = limit(txts)
	var spfs []string
	for _, t := range k.res.Found {
		switch {
		case spf.IsRecord(t):
			spfs = append(spfs, t)
		case quoted(t) && spf.IsRecord(unquote(t)):
			k.add(finding.CodeTXTQuotes, finding.Error,
				fmt.Sprintf("the SPF record at %s is wrapped in literal quotes (%s), so receivers do not see an SPF record", k.res.FQDN, shorten(t)),
				fmt.Sprintf("Edit the TXT record at host %q and remove the quote characters: the value must start with v=spf1.", k.host()))
		case spf.IsRecord(strings.TrimSpace(t)):
			k.add(finding.CodeWhitespaceTypo, finding.Error,
				fmt.Sprintf("the SPF record at %s starts with spaces (%q), so receivers do not see an SPF record", k.res.FQDN, shorten(t)),
				fmt.Sprintf("Edit the TXT record at host %q and remove the spaces before v=spf1.", k.host()))
		}
	}
	switch {
	case len(spfs) == 0 && len(k.res.Findings) > 0:
		k.res.Status = Mismatch
		return
	case len(spfs) == 0:
		k.spfAbsent(ctx, want)
		return
	case len(spfs) > 1:
		k.res.Status = Mismatch
		k.add(finding.CodeSPFMultiple, finding.Error,
			fmt.Sprintf("%d SPF records at %s; receivers treat that as a permanent error and none of them counts", len(spfs), k.res.FQDN),
			fmt.Sprintf("Keep one TXT record starting with v=spf1 at host %q and delete the others. Merged, it would read: %s", k.host(), mergeSPF(spfs, want)))
		return
	}
	got, err := spf.Parse(spfs[0])
	if err != nil {
		k.res.Status = Mismatch
		fixed := strings.NewReplacer(": ", ":", "= ", "=", " :", ":").Replace(spfs[0])
		if r, err2 := spf.Parse(fixed); err2 == nil && fixed != spfs[0] && spfCovers(r, want) {
			k.add(finding.CodeWhitespaceTypo, finding.Error,
				fmt.Sprintf("the SPF record at %s has stray spaces: %q", k.res.FQDN, shorten(spfs[0])),
				fmt.Sprintf("Edit the TXT record at host %q to: %s", k.host(), r.String()))
			return
		}
		msg := fmt.Sprintf("the SPF record at %s does not parse: %v", k.res.FQDN, err)
		var se *spf.SyntaxError
		if errors.As(err, &se) {
			msg = fmt.Sprintf("the SPF record at %s does not parse at offset %d (%q): %v", k.res.FQDN, se.Offset, se.Term, se.Err)
		}
		fix := fmt.Sprintf("Edit the TXT record at host %q to: %s", k.host(), want.String())
		if r, dropped := spfSalvage(spfs[0], want); r != nil {
			fix = fmt.Sprintf("Edit the TXT record at host %q to: %s (this keeps every term that is valid SPF and leaves out %s, which is not: check what it was meant to be)",
				k.host(), r.String(), quoteList(dropped))
		}
		k.add(finding.CodeSPFSyntax, finding.Error, msg, fix)
		return
	}
	k.res.Status = Found
	k.spfCompare(got, want)
	if k.res.Status != Found {
		k.cnameConflict(ctx)
		return
	}
	k.spfEvaluate(ctx)
}

// maxSalvageTerms bounds the terms spfSalvage parses one by one: a TXT
// record from the customer's DNS may be long, and real ones hold a few.
const maxSalvageTerms = 64

// spfSalvage makes, from an SPF record that does not parse, the record to
// suggest: its terms that are valid SPF, one by one, with the provider's
// includes and, when no valid all or redirect is left (a cut "~al"),
// want's all. The other senders' includes of a shared record are kept,
// where want alone would drop them. It returns nil when txt is not an
// SPF record, when no term of the customer's would be kept, or when the
// result does not hold want (dropped lists the terms left out).
func spfSalvage(txt string, want *spf.Record) (r *spf.Record, dropped []string) {
	fields := strings.Fields(txt)
	if len(fields) == 0 || !strings.EqualFold(fields[0], "v=spf1") || len(fields) > maxSalvageTerms {
		return nil, nil
	}
	r = &spf.Record{}
	kept := 0
	for _, f := range fields[1:] {
		one, err := spf.Parse("v=spf1 " + f)
		if err != nil || len(one.Terms) != 1 {
			dropped = append(dropped, f)
			continue
		}
		if findTerm(r, &one.Terms[0]) >= 0 {
			continue
		}
		r.Terms = append(r.Terms, one.Terms[0])
		if findTerm(want, &one.Terms[0]) < 0 {
			kept++
		}
	}
	if kept == 0 || len(dropped) == 0 {
		return nil, nil
	}
	hasEnd := false
	for _, t := range r.Terms {
		hasEnd = hasEnd || t.Kind == spf.KindAll || t.Kind == spf.KindRedirect
	}
	if !hasEnd {
		for _, w := range want.Terms {
			if w.Kind == spf.KindAll {
				r.Terms = append(r.Terms, w)
			}
		}
	}
	spfRepair(r, want)
	if back, err := spf.Parse(r.String()); err != nil || !spfCovers(back, want) {
		return nil, nil
	}
	return r, dropped
}

// spfRepair makes r, the customer's record, the record a fix suggests:
// want's includes in place (moved before any all), and no all that passes
// every server.
func spfRepair(r, want *spf.Record) {
	for _, w := range want.Terms {
		if w.Kind == spf.KindInclude {
			r.RemoveInclude(w.Domain)
			r.AddInclude(w.Domain)
		}
	}
	noPassAll(r, want)
}

// noPassAll gives an all that passes every server (+all, or all without
// a qualifier) in a record to suggest the qualifier of want's all (~all
// when want has none that fails): a fix must not be a record that verify
// itself flags as authorising the whole Internet.
func noPassAll(r, want *spf.Record) {
	q := spf.QualifierSoftFail
	for _, w := range want.Terms {
		if w.Kind == spf.KindAll && w.Qualifier != spf.QualifierPass {
			q = w.Qualifier
		}
	}
	for i := range r.Terms {
		if r.Terms[i].Kind == spf.KindAll && r.Terms[i].Qualifier == spf.QualifierPass {
			r.Terms[i].Qualifier = q
		}
	}
}

// quoteList writes strings quoted and joined with commas and "and".
func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

// spfCompare checks that got holds every mechanism of want (other than
// all), with the same qualifier, before any all.
func (k *check) spfCompare(got, want *spf.Record) {
	allAt := -1
	for i := range got.Terms {
		if got.Terms[i].Kind == spf.KindAll {
			allAt = i
			break
		}
	}
	var missing, late []string
	for _, w := range want.Terms {
		if !w.Kind.IsMechanism() || w.Kind == spf.KindAll {
			continue
		}
		j := findTerm(got, &w)
		switch {
		case j < 0 && w.Kind == spf.KindInclude && allAt < 0 && redirectsTo(got, w.Domain):
			// redirect=X hands the whole evaluation to X: as good as include.
		case j < 0:
			missing = append(missing, w.String())
		case got.Terms[j].Qualifier != w.Qualifier:
			missing = append(missing, w.String()+" (published as "+got.Terms[j].String()+")")
		case allAt >= 0 && j > allAt:
			late = append(late, w.String())
		}
	}
	fixed := got.Clone()
	spfRepair(fixed, want)
	if len(missing) > 0 {
		k.res.Status = Mismatch
		k.add(finding.CodeSPFIncludeMissing, finding.Error,
			fmt.Sprintf("the SPF record at %s lacks %s", k.res.FQDN, strings.Join(missing, ", ")),
			fmt.Sprintf("Edit the TXT record at host %q (do not add a second one) to: %s", k.host(), spfFix(fixed, want)))
	}
	if len(late) > 0 {
		k.res.Status = Mismatch
		k.add(finding.CodeSPFAllPosition, finding.Error,
			fmt.Sprintf("in the SPF record at %s, %s comes after %q, so receivers never reach it", k.res.FQDN, strings.Join(late, ", "), got.Terms[allAt].String()),
			fmt.Sprintf("Move the all mechanism to the end of the record at host %q: %s", k.host(), spfFix(fixed, want)))
	}
	if a := got.All(); a != nil && a.Qualifier == spf.QualifierPass {
		k.add(finding.CodeSPFAllPosition, finding.Warning,
			fmt.Sprintf("the SPF record at %s ends in +all: it authorises every server on the Internet to send as this domain", k.res.FQDN),
			fmt.Sprintf("Replace +all with ~all (or -all) in the record at host %q.", k.host()))
	}
}

// spfFix is the record to suggest: fixed (the published record with the
// required includes in place), with want's other mechanisms when fixed
// still lacks them, or want itself.
func spfFix(fixed, want *spf.Record) string {
	if spfCovers(fixed, want) {
		return fixed.String()
	}
	return want.String()
}

// spfCovers reports whether got holds every mechanism of want.
func spfCovers(got, want *spf.Record) bool {
	for _, w := range want.Terms {
		if w.Kind.IsMechanism() && w.Kind != spf.KindAll {
			if j := findTerm(got, &w); j < 0 || got.Terms[j].Qualifier != w.Qualifier {
				return false
			}
		}
	}
	return true
}

func redirectsTo(r *spf.Record, domain string) bool {
	d, ok := r.Redirect()
	return ok && dnsname.Canonical(d) == dnsname.Canonical(domain)
}

// findTerm returns the index of the first term of r with w's meaning
// (qualifier aside), or -1.
func findTerm(r *spf.Record, w *spf.Term) int {
	for i := range r.Terms {
		t := &r.Terms[i]
		if t.Kind != w.Kind {
			continue
		}
		switch t.Kind {
		case spf.KindIP4, spf.KindIP6:
			if t.Prefix.Masked() == w.Prefix.Masked() {
				return i
			}
		default:
			if dnsname.Canonical(t.Domain) == dnsname.Canonical(w.Domain) &&
				t.HasV4Len == w.HasV4Len && t.V4Len == w.V4Len && t.HasV6Len == w.HasV6Len && t.V6Len == w.V6Len {
				return i
			}
		}
	}
	return -1
}

// mergeSPF suggests one record holding the mechanisms of several.
func mergeSPF(txts []string, want *spf.Record) string {
	var base *spf.Record
	for _, t := range txts {
		r, err := spf.Parse(t)
		if err != nil {
			continue
		}
		if base == nil {
			base = r.Clone()
			continue
		}
		for _, term := range r.Terms {
			if term.Kind.IsMechanism() && term.Kind != spf.KindAll && findTerm(base, &term) < 0 {
				insertBeforeAll(base, term)
			}
		}
	}
	if base == nil {
		return want.String()
	}
	for _, term := range want.Terms {
		if term.Kind.IsMechanism() && term.Kind != spf.KindAll && findTerm(base, &term) < 0 {
			insertBeforeAll(base, term)
		}
	}
	return base.String()
}

func insertBeforeAll(r *spf.Record, t spf.Term) {
	for i := range r.Terms {
		if r.Terms[i].Kind == spf.KindAll || r.Terms[i].Kind == spf.KindRedirect {
			r.Terms = append(r.Terms[:i], append([]spf.Term{t}, r.Terms[i:]...)...)
			return
		}
	}
	r.Terms = append(r.Terms, t)
}

// spfEvaluate analyses the published record's whole include tree with
// spf.Analyze, as receivers would walk it, for the lookup limits of RFC
// 7208 section 4.6.4 and for records that cannot evaluate.
func (k *check) spfEvaluate(ctx context.Context) {
	// Analyze gets the plain resolver view, without the raw query: with it,
	// Analyze would ask two more questions per name of the tree (the TXT
	// strings and the SPF type), tripling the queries of every verification
	// for problems that verify finds otherwise (spf-type-99 when the TXT
	// record is missing) or that cannot cross the wire (a TXT string over
	// 255 bytes).
	z := spf.Analyzer{Resolver: resolverView{k.env.c}, Timeout: analysisBudget(ctx), Concurrency: k.env.concurrency}
	a, err := z.Analyze(ctx, k.fqdn)
	if err != nil {
		k.temporary(fmt.Errorf("analysing the SPF record at %s: %w", k.res.FQDN, err))
		return
	}
	var temp []string
	limitHit, outOfTime := false, false
	for _, f := range a.Findings {
		switch f.Code {
		case finding.CodeSPFTempError, finding.CodeSPFNotChecked:
			outOfTime = outOfTime || f.Code == finding.CodeSPFNotChecked
			temp = append(temp, f.Message)
		case finding.CodeSPFLookupLimit, finding.CodeSPFVoidLookupLimit, finding.CodeSPFMXLimit:
			limitHit = true
		case finding.CodeSPFPlusAll, finding.CodeSPFTermsAfterAll, finding.CodeSPFType99:
			// Reported by spfCompare from the record itself.
		default:
			switch f.Severity {
			case finding.Error:
				k.res.Status = Mismatch
				k.add(finding.CodeSPFProblem, finding.Error,
					fmt.Sprintf("the SPF record at %s fails for receivers (%s at %s): %s", k.res.FQDN, f.Code, f.Subject, f.Message),
					fmt.Sprintf("Fix or remove the failing part of the record at host %q.", k.host()))
			case finding.Warning:
				k.add(finding.CodeSPFProblem, finding.Warning,
					fmt.Sprintf("the SPF record at %s: %s at %s: %s", k.res.FQDN, f.Code, f.Subject, f.Message), "")
			}
		}
	}
	if limitHit {
		k.res.Status = Mismatch
		fix := fmt.Sprintf("Receivers stop after 10 lookups (or 2 that find nothing) and reject the record. Remove the includes and mechanisms you no longer use from the record at host %q", k.host())
		if k.spfDedicated() {
			fix += ", or keep only the provider's include there: this subdomain carries this provider's mail only."
		} else {
			fix += ". Keep the includes of every service that sends mail as this domain: a sender left out fails SPF."
		}
		k.add(finding.CodeSPFLookupLimit, finding.Error,
			fmt.Sprintf("the SPF record at %s needs %d DNS lookups (%d of them void); receivers allow 10 (and 2 void)", k.res.FQDN, a.Lookups, a.VoidLookups), fix)
	}
	if len(temp) == 0 {
		return
	}
	err = &causeError{msg: fmt.Sprintf("evaluating the SPF record at %s: %s", k.res.FQDN, summarize(temp, maxProblems)), causes: a.Errors}
	if outOfTime {
		err = fmt.Errorf("%w: %w", ErrTimeBudget, err)
	}
	if k.res.Status == Found {
		k.temporary(err)
		return
	}
	// The record is wrong whatever the failed lookups would say; say
	// which of them could not be made all the same.
	k.add(finding.CodeDNSTemporary, finding.Warning, fmt.Sprintf("part of the SPF tree of %s could not be checked: %v", k.res.FQDN, err),
		"Fix the problems above first; then verify again to check the rest.")
}

// spfDedicated reports whether the SPF record is on a name that carries
// this provider's mail only: a return-path subdomain of the sending
// domain, not the sending domain itself, and not a record merged with the
// customer's own SPF record (whose other includes authorise other
// senders).
func (k *check) spfDedicated() bool {
	dom := dnsname.Canonical(k.env.set.Domain)
	return !k.rec.Merged && k.fqdn != dom && dnsname.IsSubdomain(k.fqdn, dom)
}

// maxProblems bounds the lookup failures of an SPF tree that one finding
// quotes; the rest are counted.
const maxProblems = 5

// summarize joins the first n messages and counts the others.
func summarize(msgs []string, n int) string {
	if len(msgs) <= n {
		return strings.Join(msgs, "; ")
	}
	return fmt.Sprintf("%s; and %d more", strings.Join(msgs[:n], "; "), len(msgs)-n)
}

// analysisBudget is the time budget of the SPF tree walk: nine tenths of
// what is left of the Set's, so that the walk stops by itself and reports
// what it could not look up (a walk cut short by ctx reports nothing).
// Negative, for no budget, when ctx has no deadline.
func analysisBudget(ctx context.Context) time.Duration {
	dl, ok := ctx.Deadline()
	if !ok {
		return -1
	}
	return max((time.Until(dl) * 9 / 10).Truncate(time.Millisecond), time.Millisecond)
}

// spfAbsent explains a missing SPF record.
func (k *check) spfAbsent(ctx context.Context, want *spf.Record) {
	c := k.env.c
	present := func(ctx context.Context, name string) bool {
		txts, err := c.txt(ctx, name)
		return err == nil && anySPF(txts, nil)
	}
	atApex := func(ctx context.Context, name string) bool {
		txts, err := c.txt(ctx, name)
		return err == nil && anySPF(txts, want)
	}
	k.absent(ctx, present, atApex)
	if c.q == nil {
		return
	}
	m, err := c.query(ctx, k.fqdn, dns.TypeSPF)
	if err != nil || m.Rcode != dns.RcodeSuccess {
		return
	}
	for _, rr := range m.Answer {
		if s, ok := rr.(*dns.SPF); ok && dnsname.Canonical(s.Hdr.Name) == k.fqdn {
			k.res.Found = append(k.res.Found, "SPF "+strings.Join(s.Txt, ""))
			k.add(finding.CodeSPFType99, finding.Error,
				fmt.Sprintf("the SPF record at %s is published with the obsolete record type SPF (99), which receivers ignore", k.res.FQDN),
				fmt.Sprintf("Add the same value as a TXT record at host %q (record type TXT, not SPF), then delete the SPF-type record.", k.host()))
			return
		}
	}
}

// anySPF reports whether txts hold an SPF record; with want, one holding
// want's mechanisms.
func anySPF(txts []string, want *spf.Record) bool {
	for _, t := range limit(txts) {
		if !spf.IsRecord(t) {
			continue
		}
		if want == nil {
			return true
		}
		if r, err := spf.Parse(t); err == nil && spfCovers(r, want) {
			return true
		}
	}
	return false
}

// shorten keeps messages readable for long values: it cuts s to 77
// bytes and "...", at the start of a character so that UTF-8 stays UTF-8.
func shorten(s string) string {
	if len(s) > 80 {
		cut := 77
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		return s[:cut] + "..."
	}
	return s
}

// causeError is an error with its own text (the summary of several
// failures) that unwraps to the failures behind it, so that errors.Is and
// errors.As reach each lookup's *net.DNSError.
type causeError struct {
	msg    string
	causes []error
}

func (e *causeError) Error() string   { return e.msg }
func (e *causeError) Unwrap() []error { return e.causes }
