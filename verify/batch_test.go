package verify_test

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/records"
	"github.com/domainauth/domainauth/verify"
)

// shopSet is the record set of shop<i>.example.com: every shop has its
// own return path and key name, and all share the provider's include and
// the DMARC policy of example.com (their organizational domain).
func shopSet(i int) records.Set {
	d := fmt.Sprintf("shop%d.example.com", i)
	rp := "cio." + d
	return records.Set{
		Domain: d, Zone: "example.com", FromAddress: "news@" + d, ReturnPath: rp, Provider: "test",
		AddedAt: now.Add(-time.Hour),
		Records: []records.Record{
			{Purpose: records.PurposeReturnPath, FQDN: rp, Type: records.TypeMX,
				Values: []string{"mxa.provider.net", "mxb.provider.net"}, Priority: 10, Required: true},
			{Purpose: records.PurposeSPF, FQDN: rp, Type: records.TypeTXT,
				Values: []string{"v=spf1 include:_spf.provider.net ~all"}, Required: true},
			{Purpose: records.PurposeDKIM, FQDN: "krs._domainkey." + rp, Type: records.TypeTXT,
				Values: []string{dkimA}, Required: true},
			{Purpose: records.PurposeDMARC, FQDN: "_dmarc." + d, Type: records.TypeTXT,
				Values: []string{"v=DMARC1; p=none"}},
		},
	}
}

// shopZone publishes n shops' records correctly, and the DMARC policy of
// example.com.
func shopZone(n int) string {
	var b strings.Builder
	b.WriteString(providerZone + origin + okDMARC)
	dk := txtStrings(dkimA)
	for i := range n {
		fmt.Fprintf(&b, "cio.shop%[1]d MX 10 mxa.provider.net.\ncio.shop%[1]d MX 10 mxb.provider.net.\n"+
			"cio.shop%[1]d TXT \"v=spf1 include:_spf.provider.net ~all\"\nkrs._domainkey.cio.shop%[1]d TXT %[2]s\n", i, dk)
	}
	return b.String()
}

func shopSets(n int) []records.Set {
	sets := make([]records.Set, n)
	for i := range sets {
		sets[i] = shopSet(i)
	}
	return sets
}

func countLookups(f *domainauth.FakeResolver, name string, qtype uint16) int {
	n := 0
	for _, l := range f.Lookups() {
		if l.Name == name && l.Type == qtype {
			n++
		}
	}
	return n
}

func TestVerifyAllSharesLookups(t *testing.T) {
	const n = 40
	r := domainauth.MustFakeResolver(shopZone(n))
	v := verifier(r)
	v.Concurrency = 8
	seen := map[int]bool{}
	stats, err := v.VerifyAll(t.Context(), shopSets(n), func(i int, rep *verify.Report, err error) {
		if err != nil {
			t.Errorf("set %d: %v", i, err)
			return
		}
		if seen[i] {
			t.Errorf("set %d reported twice", i)
		}
		seen[i] = true
		if want := fmt.Sprintf("shop%d.example.com", i); rep.Domain != want || rep.Status != verify.Verified {
			t.Errorf("set %d: %s %v (%s), want %s verified", i, rep.Domain, rep.Status, rep.Reason, want)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != n || stats.Domains != n {
		t.Errorf("%d reports, stats %+v, want %d", len(seen), stats, n)
	}
	// Names every domain needs are asked once per run, even when 8
	// workers ask at the same moment.
	for _, name := range []string{"_spf.provider.net", "_dmarc.example.com"} {
		if got := countLookups(r, name, dns.TypeTXT); got != 1 {
			t.Errorf("TXT %s looked up %d times, want 1", name, got)
		}
	}
	if stats.CacheHits < 2*(n-1) {
		t.Errorf("cache hits %d, want at least %d", stats.CacheHits, 2*(n-1))
	}
	withCache := r.LookupCount()

	r.ResetLookups()
	v.DisableCache = true
	if _, err := v.VerifyAll(t.Context(), shopSets(n), nil); err != nil {
		t.Fatal(err)
	}
	if got := countLookups(r, "_spf.provider.net", dns.TypeTXT); got < n {
		t.Errorf("without cache, TXT _spf.provider.net looked up %d times, want one per domain (%d)", got, n)
	}
	if r.LookupCount() <= withCache {
		t.Errorf("without cache %d queries, with cache %d", r.LookupCount(), withCache)
	}
}

func TestVerifyAllReportsInvalidSets(t *testing.T) {
	r := domainauth.MustFakeResolver(shopZone(2))
	sets := []records.Set{shopSet(0), {}, shopSet(1)}
	var mu sync.Mutex
	got := map[int]string{}
	_, err := verifier(r).VerifyAll(t.Context(), sets, func(i int, rep *verify.Report, err error) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case errors.Is(err, verify.ErrInvalidSet):
			got[i] = "invalid"
		case err != nil:
			got[i] = err.Error()
		default:
			got[i] = rep.Status.String()
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]string{0: "verified", 1: "invalid", 2: "verified"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestVerifyAllCancel(t *testing.T) {
	r := domainauth.MustFakeResolver(shopZone(0))
	r.Fail("provider.net", 0, domainauth.FailHang)
	for i := range 100 {
		r.Fail(fmt.Sprintf("cio.shop%d.example.com", i), 0, domainauth.FailHang)
	}
	v := verifier(r)
	v.LookupTimeout = -1 // only the cancellation can end the lookups
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(20*time.Millisecond, cancel)
	reported := 0
	_, err := v.VerifyAll(ctx, shopSets(100), func(int, *verify.Report, error) { reported++ })
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want context.Canceled", err)
	}
	if reported != 0 {
		t.Errorf("%d reports from cut-short lookups", reported)
	}
}

// TestLoopback runs a broken zone through the real client and the served
// zone: UDP, TCP fallback for the long DKIM record, the raw query for the
// SPF-type record, and the same verdicts as the fake gives.
func TestLoopback(t *testing.T) {
	f := fakeZone(t, okMX, okDKIM, okLink,
		"cio123 SPF \"v=spf1 include:_spf.provider.net ~all\"\n", // obsolete type only
		"_dmarc TXT \"v=DMARC1; p=reject; adkim=s; aspf=s\"\n")
	srv, err := f.Serve()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	for _, tc := range []struct {
		name string
		r    verify.Resolver
	}{{"fake", f}, {"loopback", srv.Resolver()}} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := verifier(tc.r).Verify(t.Context(), accountSet())
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, rr := range rep.Records {
				got = append(got, fmt.Sprintf("%s %v %v", rr.Purpose, rr.Status, codes(rr.Findings)))
			}
			want := []string{
				"return-path found []",
				"spf missing [record-missing spf-type-99]",
				"dkim found []",
				"dmarc mismatch [dmarc-strict-alignment]",
				"tracking found []",
			}
			if !slices.Equal(got, want) || rep.Status != verify.Pending {
				t.Errorf("%v\n got %q\nwant %q", rep.Status, got, want)
			}
		})
	}
}

// TestReportJSON pins the JSON field names, which services store.
func TestReportJSON(t *testing.T) {
	r := fakeZone(t, okMX, okDKIM, "cio123.example.com TXT \"v=spf1 include:_spf.provider.net ~all\"\n")
	rep, err := verifier(r).Verify(t.Context(), accountSet())
	if err != nil {
		t.Fatal(err)
	}
	b, err := rep.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Domain     string    `json:"domain"`
		Status     string    `json:"status"`
		Reason     string    `json:"reason"`
		CheckedAt  time.Time `json:"checked_at"`
		WindowEnds time.Time `json:"window_ends"`
		Records    []struct {
			Purpose, Type, FQDN, Name, Status string
			Required                          bool
			Expected, Found                   []string
			Findings                          []struct{ Code, Severity, Subject, Message, Fix string }
		} `json:"records"`
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if doc.Domain != "example.com" || doc.Status != "pending" || !doc.CheckedAt.Equal(now) || !doc.WindowEnds.Equal(now.Add(71*time.Hour)) {
		t.Errorf("header: %+v", doc)
	}
	spfRec := doc.Records[1]
	if spfRec.Purpose != "spf" || spfRec.Type != "TXT" || spfRec.FQDN != "cio123.example.com" || spfRec.Status != "missing" || !spfRec.Required {
		t.Errorf("spf record: %+v", spfRec)
	}
	var fs []string
	for _, f := range spfRec.Findings {
		fs = append(fs, f.Code+"/"+f.Severity+"/"+f.Subject)
	}
	if want := []string{"record-missing/error/cio123.example.com TXT", "name-doubled/error/cio123.example.com TXT"}; !slices.Equal(fs, want) {
		t.Errorf("findings %v, want %v", fs, want)
	}
	for _, key := range []string{`"domain"`, `"status"`, `"reason"`, `"checked_at"`, `"window_ends"`, `"records"`, `"purpose"`, `"fqdn"`,
		`"name"`, `"required"`, `"expected"`, `"found"`, `"findings"`, `"code"`, `"severity"`, `"subject"`, `"message"`, `"fix"`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("JSON lacks %s", key)
		}
	}
	var back verify.Report
	if err := json.Unmarshal(b, &back); err != nil || back.Status != verify.Pending || back.Records[1].Status != verify.Missing {
		t.Errorf("round trip: %v %v", err, back.Status)
	}
}

func TestReportText(t *testing.T) {
	r := fakeZone(t, okMX, okSPF, "krs._domainkey.cio123 TXT \""+dkimA[:255]+"\"\n")
	rep, err := verifier(r).Verify(t.Context(), accountSet())
	if err != nil {
		t.Fatal(err)
	}
	text := rep.String()
	for _, want := range []string{
		"example.com: pending\n",
		"  mismatch  TXT   krs._domainkey.cio123.example.com (dkim): ",
		"    error   dkim-key-truncated: the DKIM key at krs._domainkey.cio123.example.com is cut off after 237 of 392 key characters\n",
		"            fix: Replace the value of the TXT record at host \"krs._domainkey.cio123\"",
		"  missing   TXT   _dmarc.example.com (dmarc, optional)\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
}

var benchDomains = flag.Int("verify.domains", 1000, "domains per VerifyAll run in BenchmarkVerifyAll (the issue asks for 10000)")

// BenchmarkVerifyAll verifies generated domains against the loopback
// server through the real client, with and without the run's cache.
// Run with -verify.domains=10000 for the size.
func BenchmarkVerifyAll(b *testing.B) {
	n := *benchDomains
	f := domainauth.MustFakeResolver(shopZone(n))
	srv, err := f.Serve()
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	sets := shopSets(n)
	for _, mode := range []struct {
		name    string
		noCache bool
	}{{"cache", false}, {"nocache", true}} {
		b.Run(mode.name, func(b *testing.B) {
			v := &verify.Verifier{Resolver: srv.Resolver(), Clock: func() time.Time { return now },
				Concurrency: 16, DisableCache: mode.noCache}
			b.ReportAllocs()
			q0 := srv.Queries()
			start := time.Now()
			runs, lost := 0, 0
			for b.Loop() {
				verified, undetermined := 0, 0
				if _, err := v.VerifyAll(b.Context(), sets, func(_ int, r *verify.Report, err error) {
					switch {
					case err == nil && r.Status == verify.Verified:
						verified++
					case err == nil && r.Status == verify.Undetermined:
						// The loopback server dropped a query on a busy
						// machine: the right verdict for a timeout.
						undetermined++
					}
				}); err != nil {
					b.Fatal(err)
				}
				if verified+undetermined != n {
					b.Fatalf("%d of %d verified, %d undetermined", verified, n, undetermined)
				}
				lost += undetermined
				runs++
			}
			domains := float64(runs * n)
			b.ReportMetric(domains/time.Since(start).Seconds(), "domains/s")
			b.ReportMetric(float64(srv.Queries()-q0)/domains, "queries/domain")
			b.ReportMetric(float64(lost)/domains, "undetermined/domain")
		})
	}
}
