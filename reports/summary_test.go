package reports

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/dmarc"
)

func rec(ip string, count int64, dkim, spf Verdict, reasons ...Override) Record {
	r := Record{SourceIP: netip.MustParseAddr(ip), Count: count, DKIM: dkim, SPF: spf, Disposition: dmarc.None, HeaderFrom: "example.com"}
	for _, o := range reasons {
		r.Reasons = append(r.Reasons, Reason{Type: o})
	}
	return r
}

func report(org, email, id, domain string, begin int64, recs ...Record) *AggregateReport {
	return &AggregateReport{
		Aggregate: Aggregate{
			Metadata: Metadata{OrgName: org, Email: email, ReportID: id, Begin: time.Unix(begin, 0).UTC(), End: time.Unix(begin+86399, 0).UTC()},
			Policy:   PolicyPublished{Domain: domain, P: dmarc.Reject},
		},
		Records: recs,
	}
}

// TestClassify follows the split the package documents: aligned pass,
// accepted by an override that says the mail is legitimate, failing.
func TestClassify(t *testing.T) {
	tests := []struct {
		r    Record
		want Outcome
	}{
		{rec("192.0.2.1", 1, VerdictPass, VerdictFail), OutcomeAligned},
		{rec("192.0.2.1", 1, VerdictFail, VerdictPass), OutcomeAligned},
		{rec("192.0.2.1", 1, VerdictPass, VerdictFail, OverrideForwarded), OutcomeAligned},
		{rec("192.0.2.1", 1, VerdictFail, VerdictFail, OverrideForwarded), OutcomeOverride},
		{rec("192.0.2.1", 1, VerdictFail, VerdictFail, OverrideTrustedForwarder), OutcomeOverride},
		{rec("192.0.2.1", 1, VerdictFail, VerdictFail, OverrideMailingList), OutcomeOverride},
		{rec("192.0.2.1", 1, VerdictFail, VerdictFail, OverrideLocalPolicy), OutcomeOverride},
		{rec("192.0.2.1", 1, VerdictFail, VerdictFail, OverrideSampledOut), OutcomeFailing},
		{rec("192.0.2.1", 1, VerdictFail, VerdictFail, OverridePolicyTestMode), OutcomeFailing},
		{rec("192.0.2.1", 1, VerdictFail, VerdictFail, OverrideOther), OutcomeFailing},
		{rec("192.0.2.1", 1, VerdictFail, VerdictFail, ""), OutcomeFailing},
		{rec("192.0.2.1", 1, VerdictFail, VerdictFail), OutcomeFailing},
		{rec("192.0.2.1", 1, "", ""), OutcomeFailing},
	}
	for i, tt := range tests {
		if got := Classify(&tt.r); got != tt.want {
			t.Errorf("%d: Classify(%+v) = %v, want %v", i, tt.r, got, tt.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	day := int64(1_700_006_400) // a midnight UTC
	r1 := report("google.com", "noreply@google.com", "g1", "Example.com", day,
		rec("192.0.2.1", 10, VerdictPass, VerdictPass),
		rec("192.0.2.2", 3, VerdictFail, VerdictFail),
		rec("192.0.2.3", 2, VerdictFail, VerdictFail, OverrideMailingList),
	)
	r2 := report("", "dmarc@mail.example.net", "n1", "example.com", day+86400,
		rec("192.0.2.2", 5, VerdictFail, VerdictFail),
		rec("192.0.2.1", 1, VerdictFail, VerdictPass),
	)
	r3 := report("google.com", "noreply@google.com", "g2", "other.example", day, rec("198.51.100.7", 4, VerdictFail, VerdictFail))
	sums := Summarize(r1, r2, r3)
	if len(sums) != 2 {
		t.Fatalf("%d summaries, want 2", len(sums))
	}
	s := sums[0]
	if s.Domain != "example.com" {
		t.Fatalf("first domain %q", s.Domain)
	}
	if want := (Counts{Messages: 21, Aligned: 11, Override: 2, Failing: 8}); s.Counts != want {
		t.Errorf("counts %+v, want %+v", s.Counts, want)
	}
	if got, want := s.PassRate(), 11.0/21; got != want {
		t.Errorf("pass rate %v, want %v", got, want)
	}
	if !s.Begin.Equal(time.Unix(day, 0)) || !s.End.Equal(time.Unix(day+2*86400-1, 0)) {
		t.Errorf("period %v to %v", s.Begin, s.End)
	}
	var ips []string
	for _, src := range s.Sources {
		ips = append(ips, src.IP.String())
	}
	if got := strings.Join(ips, " "); got != "192.0.2.1 192.0.2.2 192.0.2.3" {
		t.Errorf("sources %s", got)
	}
	if len(s.TopFailing) != 1 || s.TopFailing[0].IP.String() != "192.0.2.2" || s.TopFailing[0].Failing != 8 {
		t.Errorf("top failing %+v", s.TopFailing)
	}
	if len(s.Reporters) != 2 || s.Reporters[0].OrgName != "google.com" || s.Reporters[0].Messages != 15 || s.Reporters[0].Reports != 1 ||
		s.Reporters[1].OrgName != "mail.example.net" || s.Reporters[1].Messages != 6 {
		t.Errorf("reporters %+v", s.Reporters)
	}
	if (Counts{}).PassRate() != 0 {
		t.Error("pass rate of nothing")
	}

	// Per day: two summaries for example.com.
	z := Summarizer{Period: 24 * time.Hour, Top: 1}
	for _, r := range []*AggregateReport{r1, r2} {
		for i := range r.Records {
			z.Add(&r.Aggregate, &r.Records[i])
		}
	}
	days := z.Summaries()
	if len(days) != 2 || days[0].Messages != 15 || days[1].Messages != 6 || !days[1].Begin.Equal(time.Unix(day+86400, 0)) || !days[1].End.Equal(time.Unix(day+2*86400-1, 0)) {
		t.Errorf("per day: %+v", days)
	}
	if len(days[0].TopFailing) != 1 {
		t.Errorf("Top 1 gave %d", len(days[0].TopFailing))
	}
}

// TestSummarizeCorpus: the pass counts of the RFC 9990 sample, whose two
// records are one aligned pass (5 messages) and one failure (2).
func TestSummarizeCorpus(t *testing.T) {
	f, err := os.Open(filepath.Join(corpusDir, "aggregate", "rfc9990-example.net!example.com!1700000000!1700086399.xml"))
	if err != nil {
		t.Skipf("corpus not available: %v", err)
	}
	defer f.Close()
	rep, err := (&Parser{}).ParseAggregate(f)
	if err != nil {
		t.Fatal(err)
	}
	s := Summarize(rep)
	if len(s) != 1 || s[0].Counts != (Counts{Messages: 7, Aligned: 5, Failing: 2}) || s[0].Reporters[0].OrgName != "example.net" {
		t.Errorf("summary %+v", s)
	}
}

// TestNamer looks reverse names up through the real DNS client against a
// loopback server.
func TestNamer(t *testing.T) {
	fake, err := domainauth.NewFakeResolver(`
1.2.0.192.in-addr.arpa. PTR mail.example.com.
2.2.0.192.in-addr.arpa. PTR spam.example.net.
`)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := fake.Serve()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	sums := Summarize(report("r", "e@r", "1", "example.com", 0,
		rec("192.0.2.1", 3, VerdictPass, VerdictPass),
		rec("192.0.2.2", 2, VerdictFail, VerdictFail),
		rec("192.0.2.3", 1, VerdictFail, VerdictFail)))
	n := Namer{Resolver: srv.Resolver(), Timeout: 5 * time.Second}
	if err := n.Resolve(context.Background(), sums); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range sums[0].Sources {
		got[s.IP.String()] = s.Name
	}
	if got["192.0.2.1"] != "mail.example.com" || got["192.0.2.2"] != "spam.example.net" || got["192.0.2.3"] != "" {
		t.Errorf("names %v", got)
	}
	if sums[0].TopFailing[0].Name != "spam.example.net" {
		t.Errorf("top failing names %+v", sums[0].TopFailing)
	}
	// Three distinct addresses: three lookups, not five.
	if q := srv.Queries(); q != 3 {
		t.Errorf("%d queries, want 3", q)
	}
	// MaxLookups bounds the lookups.
	sums2 := Summarize(report("r", "e@r", "1", "example.com", 0, rec("192.0.2.1", 3, VerdictPass, VerdictPass), rec("192.0.2.2", 2, VerdictFail, VerdictFail)))
	if err := (&Namer{Resolver: fake, MaxLookups: 1}).Resolve(context.Background(), sums2); err != nil {
		t.Fatal(err)
	}
	if sums2[0].Sources[0].Name != "mail.example.com" || sums2[0].Sources[1].Name != "" {
		t.Errorf("with MaxLookups 1: %+v", sums2[0].Sources)
	}
	// A cancelled context stops it.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := n.Resolve(ctx, Summarize(report("r", "e@r", "1", "x", 0, rec("192.0.2.9", 1, VerdictPass, VerdictPass)))); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// oddResolver answers with a name and an error together, or nothing at
// all, as resolvers may.
type oddResolver struct{}

func (oddResolver) LookupAddr(_ context.Context, addr string) ([]string, error) {
	if addr == "192.0.2.1" {
		return []string{"partial.example."}, errors.New("SERVFAIL")
	}
	return nil, nil
}

// TestNamerOddAnswers: a name that comes with an error is not used, and
// an empty answer leaves the name empty.
func TestNamerOddAnswers(t *testing.T) {
	sums := Summarize(report("r", "e@r", "1", "example.com", 0, rec("192.0.2.1", 2, VerdictPass, VerdictPass), rec("192.0.2.2", 1, VerdictPass, VerdictPass)))
	if err := (&Namer{Resolver: oddResolver{}}).Resolve(context.Background(), sums); err != nil {
		t.Fatal(err)
	}
	for _, s := range sums[0].Sources {
		if s.Name != "" {
			t.Errorf("%s named %q", s.IP, s.Name)
		}
	}
}

// Top cuts TopFailing to the sources with the most failing messages.
func TestSummarizerTop(t *testing.T) {
	r := report("google.com", "noreply@google.com", "g1", "example.com", 1_700_006_400,
		rec("192.0.2.1", 2, VerdictFail, VerdictFail),
		rec("192.0.2.2", 7, VerdictFail, VerdictFail),
		rec("192.0.2.3", 4, VerdictFail, VerdictFail),
	)
	z := Summarizer{Top: 2}
	for i := range r.Records {
		z.Add(&r.Aggregate, &r.Records[i])
	}
	sums := z.Summaries()
	if len(sums) != 1 {
		t.Fatalf("%d summaries", len(sums))
	}
	top := sums[0].TopFailing
	if len(top) != 2 || top[0].Failing != 7 || top[1].Failing != 4 || len(sums[0].Sources) != 3 {
		t.Errorf("top failing %+v, want the sources with 7 and 4 failing", top)
	}
}
