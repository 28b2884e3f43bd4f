package verify

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/finding"
	"github.com/domainauth/domainauth/records"
)

// TestTreeWalkNamesMatchDMARC holds the prefetch to the names dmarc.Checker.Lookup
// asks: a prefetched name the walk does not ask is a wasted query, a name
// the walk asks that was not prefetched costs a round trip.
func TestTreeWalkNamesMatchDMARC(t *testing.T) {
	for _, d := range []string{"com", "example.com", "news.acct1.example.com", "a.b.c.d.e.f.g.h.i.j.example.com", "a.b.c.d.e.f.g.example.com"} {
		f := domainauth.MustFakeResolver("")
		c := dmarc.Checker{Resolver: f, Mode: dmarc.RFC9989}
		if _, err := c.Lookup(t.Context(), d); err != nil {
			t.Fatal(err)
		}
		var asked, want []string
		for _, l := range f.Lookups() {
			asked = append(asked, l.Name)
		}
		for _, n := range treeWalkNames(d) {
			want = append(want, "_dmarc."+n)
		}
		if !slices.Equal(asked, want) {
			t.Errorf("%s: dmarc asks %q, prefetch %q", d, asked, want)
		}
	}
}

// waitFor is a resolver that holds the TXT lookup of hold until the TXT
// lookup of each name of first has started (or a second has passed), and
// says whether they had.
type waitFor struct {
	*domainauth.FakeResolver
	hold    string
	first   map[string]chan struct{}
	mu      sync.Mutex
	overlap bool
}

func newWaitFor(f *domainauth.FakeResolver, hold string, first ...string) *waitFor {
	w := &waitFor{FakeResolver: f, hold: hold, first: map[string]chan struct{}{}}
	for _, n := range first {
		w.first[n] = make(chan struct{})
	}
	return w
}

func (w *waitFor) LookupTXT(ctx context.Context, name string) ([]string, error) {
	w.mu.Lock()
	if c, ok := w.first[name]; ok {
		delete(w.first, name)
		close(c)
	}
	var wait []chan struct{}
	if name == w.hold {
		for _, c := range w.first {
			wait = append(wait, c)
		}
	}
	w.mu.Unlock()
	if name == w.hold {
		all := true
		for _, c := range wait {
			select {
			case <-c:
			case <-time.After(time.Second):
				all = false
			}
		}
		w.mu.Lock()
		w.overlap = all
		w.mu.Unlock()
	}
	return w.FakeResolver.LookupTXT(ctx, name)
}

// TestTreeWalkAtOnce: the names of the DMARC tree walk are asked while
// the first is still unanswered, not one after another.
func TestTreeWalkAtOnce(t *testing.T) {
	f := domainauth.MustFakeResolver(`_dmarc.news.acct.com. TXT "v=DMARC1; p=none"`)
	w := newWaitFor(f, "_dmarc.news.acct.com", "_dmarc.acct.com", "_dmarc.com")
	set := records.Set{Domain: "news.acct.com", FromAddress: "a@news.acct.com", Records: []records.Record{
		{Purpose: records.PurposeDMARC, FQDN: "_dmarc.news.acct.com", Type: records.TypeTXT, Values: []string{"v=DMARC1; p=none"}},
	}}
	rep, err := (&Verifier{Resolver: w}).Verify(t.Context(), set)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Records[0].Status != Found || !w.overlap {
		t.Errorf("status %v; parents asked while the From domain's name was unanswered: %v", rep.Records[0].Status, w.overlap)
	}
}

// TestReportAuthorizationsAtOnce: the authorizations of a record's report
// destinations are asked at once, and the findings keep rua's order.
func TestReportAuthorizationsAtOnce(t *testing.T) {
	const rec = "v=DMARC1; p=none; rua=mailto:a@r1.example.net,mailto:b@r2.example.net,mailto:c@r3.example.net"
	f := domainauth.MustFakeResolver(`_dmarc.acct.com. TXT "` + rec + `"`)
	w := newWaitFor(f, "acct.com._report._dmarc.r1.example.net",
		"acct.com._report._dmarc.r2.example.net", "acct.com._report._dmarc.r3.example.net")
	set := records.Set{Domain: "acct.com", FromAddress: "a@acct.com", Records: []records.Record{
		{Purpose: records.PurposeDMARC, FQDN: "_dmarc.acct.com", Type: records.TypeTXT, Values: []string{"v=DMARC1; p=none"}},
	}}
	rep, err := (&Verifier{Resolver: w}).Verify(t.Context(), set)
	if err != nil {
		t.Fatal(err)
	}
	if !w.overlap {
		t.Error("the authorizations were asked one after another")
	}
	var dests []string
	for _, fi := range rep.Records[0].Findings {
		if fi.Code == finding.CodeDMARCRUAUnauthorized {
			for _, d := range []string{"r1.example.net", "r2.example.net", "r3.example.net"} {
				if strings.Contains(fi.Message, "@"+d) {
					dests = append(dests, d)
				}
			}
		}
	}
	if want := []string{"r1.example.net", "r2.example.net", "r3.example.net"}; !slices.Equal(dests, want) {
		t.Errorf("unauthorized destinations %q, want %q", dests, want)
	}
}

// TestReportAuthorizationsConcurrencyOne: with one lookup at a time, every
// destination still gets its turn.
func TestReportAuthorizationsConcurrencyOne(t *testing.T) {
	const rec = "v=DMARC1; p=none; rua=mailto:a@r1.example.net,mailto:b@r2.example.net,mailto:c@r3.example.net"
	f := domainauth.MustFakeResolver(`_dmarc.acct.com. TXT "` + rec + `"`)
	set := records.Set{Domain: "acct.com", FromAddress: "a@acct.com", Records: []records.Record{
		{Purpose: records.PurposeDMARC, FQDN: "_dmarc.acct.com", Type: records.TypeTXT, Values: []string{"v=DMARC1; p=none"}},
	}}
	rep, err := (&Verifier{Resolver: f, Concurrency: 1, Timeout: 2 * time.Second}).Verify(t.Context(), set)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, fi := range rep.Records[0].Findings {
		if fi.Code == finding.CodeDMARCRUAUnauthorized {
			n++
		}
	}
	if n != 3 {
		t.Errorf("%d unauthorized destinations reported, want 3: %v", n, rep.Records[0].Findings)
	}
}
