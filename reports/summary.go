package reports

import (
	"cmp"
	"context"
	"net/netip"
	"slices"
	"strings"
	"time"
)

// DomainSummary is what an ESP shows a customer about one domain and one
// period: how much mail was reported, how much passed DMARC, who sent it
// and who reported it.
type DomainSummary struct {
	Domain string    // policy_published domain, lower case
	Begin  time.Time // start of the period (the earliest report begin when Period is 0)
	End    time.Time // end of the period (the latest report end when Period is 0)
	Counts           // messages, split by outcome
	// Sources are the sending IP addresses, most messages first.
	Sources []Source
	// TopFailing are the sources with the most failing messages, at most
	// Summarizer.Top, most failures first; sources with none are left out.
	TopFailing []Source
	// Reporters are the organizations that sent reports, most messages first.
	Reporters []Reporter
}

// Counts splits messages three ways.
//
//   - Aligned: DMARC passed (an aligned DKIM or SPF pass).
//   - Override: DMARC failed, but the receiver named a reason that accepts
//     the mail anyway: forwarded, trusted_forwarder, mailing_list, or
//     local_policy (how reporters say "arc=pass"). Forwarding and mailing
//     lists that break SPF and DKIM end up here.
//   - Failing: every other message, including sampled_out and
//     policy_test_mode, which only soften the policy.
type Counts struct {
	Messages int64
	Aligned  int64
	Override int64
	Failing  int64
}

// PassRate is the share of messages that passed DMARC (Aligned), 0 to 1;
// 0 when there are no messages.
func (c Counts) PassRate() float64 {
	if c.Messages == 0 {
		return 0
	}
	return float64(c.Aligned) / float64(c.Messages)
}

func (c *Counts) add(r *Record) {
	c.Messages += r.Count
	switch Classify(r) {
	case OutcomeAligned:
		c.Aligned += r.Count
	case OutcomeOverride:
		c.Override += r.Count
	default:
		c.Failing += r.Count
	}
}

// Source is one sending IP address of a domain.
type Source struct {
	IP netip.Addr
	// Name is the reverse DNS name, once Namer.Resolve has looked it up;
	// "" when unknown.
	Name string
	Counts
}

// Reporter is one organization that sent reports about a domain.
type Reporter struct {
	OrgName  string // report_metadata org_name (or the domain of email when it is empty)
	Email    string
	Reports  int   // distinct report IDs
	Messages int64 // messages in its records
}

// Outcome is how Classify sorts a record.
type Outcome int

// Outcomes.
const (
	OutcomeFailing  Outcome = iota // DMARC failed and no accepting override
	OutcomeAligned                 // DMARC passed
	OutcomeOverride                // DMARC failed; accepted by forwarded, trusted_forwarder, mailing_list or local_policy
)

// Classify sorts a record into aligned, override or failing (see Counts).
func Classify(r *Record) Outcome {
	if r.DKIM == VerdictPass || r.SPF == VerdictPass {
		return OutcomeAligned
	}
	for _, rs := range r.Reasons {
		switch rs.Type {
		case OverrideForwarded, OverrideTrustedForwarder, OverrideMailingList, OverrideLocalPolicy:
			return OutcomeOverride
		}
	}
	return OutcomeFailing
}

// Summarizer accumulates aggregate report records into per-domain,
// per-period summaries. The zero value summarizes each domain over all
// time. It keeps one entry per domain, period, source IP and reporter,
// never the records. It does no I/O: reverse names come from Namer.
type Summarizer struct {
	// Period splits summaries by time: a report counts in the period that
	// contains its begin (periods start at the Unix epoch, UTC). 0 puts
	// all reports of a domain in one summary.
	Period time.Duration
	// Top is the length of TopFailing; 0 means 10.
	Top int

	sums map[sumKey]*summaryAcc
}

type sumKey struct {
	domain string
	period int64
}

type summaryAcc struct {
	s         DomainSummary
	sources   map[netip.Addr]*Source
	reporters map[string]*reporterAcc
}

type reporterAcc struct {
	Reporter
	ids map[string]struct{}
}

// Add counts one record of the report hdr. Call it for each record as the
// reader yields it.
func (z *Summarizer) Add(hdr *Aggregate, r *Record) {
	domain := strings.ToLower(strings.TrimSuffix(hdr.Policy.Domain, "."))
	k := sumKey{domain: domain}
	begin, end := hdr.Metadata.Begin, hdr.Metadata.End
	if z.Period > 0 {
		p := int64(z.Period / time.Second)
		if p <= 0 {
			p = 1
		}
		k.period = floorDiv(begin.Unix(), p)
		begin = time.Unix(k.period*p, 0).UTC()
		end = begin.Add(z.Period - time.Second)
	}
	if z.sums == nil {
		z.sums = make(map[sumKey]*summaryAcc)
	}
	acc := z.sums[k]
	if acc == nil {
		acc = &summaryAcc{s: DomainSummary{Domain: domain, Begin: begin, End: end}, sources: map[netip.Addr]*Source{}, reporters: map[string]*reporterAcc{}}
		z.sums[k] = acc
	}
	if z.Period == 0 {
		if begin.Before(acc.s.Begin) {
			acc.s.Begin = begin
		}
		if end.After(acc.s.End) {
			acc.s.End = end
		}
	}
	acc.s.Counts.add(r)
	src := acc.sources[r.SourceIP]
	if src == nil {
		src = &Source{IP: r.SourceIP}
		acc.sources[r.SourceIP] = src
	}
	src.Counts.add(r)
	org := ReporterName(&hdr.Metadata)
	rk := org + "\x00" + hdr.Metadata.Email
	rep := acc.reporters[rk]
	if rep == nil {
		rep = &reporterAcc{Reporter: Reporter{OrgName: org, Email: hdr.Metadata.Email}, ids: map[string]struct{}{}}
		acc.reporters[rk] = rep
	}
	rep.Messages += r.Count
	rep.ids[hdr.Metadata.ReportID] = struct{}{}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// ReporterName is the reporting organization: org_name, or the domain of
// email when org_name is empty (as parsedmarc does).
func ReporterName(m *Metadata) string {
	if m.OrgName != "" {
		return m.OrgName
	}
	if i := strings.LastIndexByte(m.Email, '@'); i >= 0 {
		return strings.Trim(m.Email[i+1:], "<> ")
	}
	return m.Email
}

// Merge adds what o has accumulated to z. With a Summarizer per report,
// merged once the report was read without error, a broken report leaves
// no partial counts behind.
func (z *Summarizer) Merge(o *Summarizer) {
	if len(o.sums) > 0 && z.sums == nil {
		z.sums = make(map[sumKey]*summaryAcc)
	}
	for k, oa := range o.sums {
		acc := z.sums[k]
		if acc == nil {
			acc = &summaryAcc{s: DomainSummary{Domain: oa.s.Domain, Begin: oa.s.Begin, End: oa.s.End}, sources: map[netip.Addr]*Source{}, reporters: map[string]*reporterAcc{}}
			z.sums[k] = acc
		}
		if oa.s.Begin.Before(acc.s.Begin) {
			acc.s.Begin = oa.s.Begin
		}
		if oa.s.End.After(acc.s.End) {
			acc.s.End = oa.s.End
		}
		acc.s.Counts.merge(oa.s.Counts)
		for ip, osrc := range oa.sources {
			src := acc.sources[ip]
			if src == nil {
				src = &Source{IP: ip}
				acc.sources[ip] = src
			}
			src.Counts.merge(osrc.Counts)
		}
		for rk, orep := range oa.reporters {
			rep := acc.reporters[rk]
			if rep == nil {
				rep = &reporterAcc{Reporter: Reporter{OrgName: orep.OrgName, Email: orep.Email}, ids: map[string]struct{}{}}
				acc.reporters[rk] = rep
			}
			rep.Messages += orep.Messages
			for id := range orep.ids {
				rep.ids[id] = struct{}{}
			}
		}
	}
}

func (c *Counts) merge(o Counts) {
	c.Messages += o.Messages
	c.Aligned += o.Aligned
	c.Override += o.Override
	c.Failing += o.Failing
}

// Summaries returns the summaries, by domain then period. Sources and
// reporters are sorted by messages, then by address or name, so the
// output is deterministic.
func (z *Summarizer) Summaries() []DomainSummary {
	top := z.Top
	if top <= 0 {
		top = 10
	}
	out := make([]DomainSummary, 0, len(z.sums))
	for _, acc := range z.sums {
		s := acc.s
		s.Sources = make([]Source, 0, len(acc.sources))
		for _, src := range acc.sources {
			s.Sources = append(s.Sources, *src)
		}
		slices.SortFunc(s.Sources, func(a, b Source) int {
			return cmp.Or(cmp.Compare(b.Messages, a.Messages), a.IP.Compare(b.IP))
		})
		for _, src := range s.Sources {
			if src.Failing > 0 {
				s.TopFailing = append(s.TopFailing, src)
			}
		}
		slices.SortStableFunc(s.TopFailing, func(a, b Source) int { return cmp.Compare(b.Failing, a.Failing) })
		if len(s.TopFailing) > top {
			s.TopFailing = s.TopFailing[:top]
		}
		for _, r := range acc.reporters {
			rep := r.Reporter
			rep.Reports = len(r.ids)
			s.Reporters = append(s.Reporters, rep)
		}
		slices.SortFunc(s.Reporters, func(a, b Reporter) int {
			return cmp.Or(cmp.Compare(b.Messages, a.Messages), cmp.Compare(a.OrgName, b.OrgName), cmp.Compare(a.Email, b.Email))
		})
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b DomainSummary) int {
		return cmp.Or(cmp.Compare(a.Domain, b.Domain), a.Begin.Compare(b.Begin))
	})
	return out
}

// Summarize summarizes reports held in memory per domain over all time;
// use a Summarizer for periods or for records streamed from a reader.
func Summarize(reports ...*AggregateReport) []DomainSummary {
	var z Summarizer
	for _, rep := range reports {
		for i := range rep.Records {
			z.Add(&rep.Aggregate, &rep.Records[i])
		}
	}
	return z.Summaries()
}

// Resolver looks up reverse names; *net.Resolver and the resolvers of the
// domainauth package satisfy it.
type Resolver interface {
	LookupAddr(ctx context.Context, addr string) ([]string, error)
}

// Namer fills in the reverse DNS names of summary sources. The zero value
// needs a Resolver before use.
type Namer struct {
	Resolver Resolver
	// Timeout bounds each lookup; 0 means 5 seconds.
	Timeout time.Duration
	// MaxLookups bounds the distinct addresses looked up per call; the
	// others keep an empty name. 0 means 1000.
	MaxLookups int
}

// Resolve sets Source.Name in the summaries' Sources and TopFailing,
// looking each address up once. A failed lookup leaves the name empty; it
// is not an error (many senders have no reverse name). Resolve stops and
// returns ctx.Err() when ctx is done.
func (n *Namer) Resolve(ctx context.Context, sums []DomainSummary) error {
	timeout := n.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	maxLookups := n.MaxLookups
	if maxLookups <= 0 {
		maxLookups = 1000
	}
	names := map[netip.Addr]string{}
	lookup := func(ip netip.Addr) (string, error) {
		if name, ok := names[ip]; ok {
			return name, nil
		}
		if len(names) >= maxLookups {
			return "", nil
		}
		if err := ctx.Err(); err != nil {
			return "", err
		}
		lctx, cancel := context.WithTimeout(ctx, timeout)
		res, err := n.Resolver.LookupAddr(lctx, ip.String())
		cancel()
		name := ""
		if err == nil && len(res) > 0 {
			name = strings.TrimSuffix(res[0], ".")
		}
		if err := ctx.Err(); err != nil {
			return "", err
		}
		names[ip] = name
		return name, nil
	}
	for i := range sums {
		for _, list := range [][]Source{sums[i].Sources, sums[i].TopFailing} {
			for j := range list {
				name, err := lookup(list[j].IP)
				if err != nil {
					return err
				}
				list[j].Name = name
			}
		}
	}
	return nil
}
