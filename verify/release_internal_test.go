package verify

import (
	"testing"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/records"
)

// TestReleaseZone holds VerifyAll's cache to the Sets in progress: once
// the last Set of a zone is done, the names of the zone (and the report
// authorizations about them) go; names outside it, which other zones
// share, stay, and so do a zone's names while one of its Sets is left.
func TestReleaseZone(t *testing.T) {
	f := domainauth.MustFakeResolver(`
mx.a.com. MX 10 mx.provider.net.
_dmarc.a.com. TXT "v=DMARC1; p=none"
_spf.provider.net. TXT "v=spf1 -all"
`)
	rn := newRun(f, 0, true, 0)
	z := &zoneCount{left: map[string]int{"a.com": 2, "b.com": 1}, done: map[string][]*client{}}
	ctx := t.Context()
	c1, c2, c3 := rn.client(), rn.client(), rn.client()
	c1.mx(ctx, "mx.a.com")
	c1.txt(ctx, "_dmarc.a.com")
	c1.txt(ctx, "_spf.provider.net")
	c1.txt(ctx, "a.com._report._dmarc.reports.example.net")
	c1.txt(ctx, "xa.com") // not in a.com
	c3.txt(ctx, "_dmarc.b.com")
	has := func(kind lookupKind, name string) bool {
		rn.mu.Lock()
		defer rn.mu.Unlock()
		_, ok := rn.entries[cacheKey{kind: kind, name: name}]
		return ok
	}
	z.finish(rn, "a.com", c1)
	if !has(kindMX, "mx.a.com") || !has(kindTXT, "_dmarc.a.com") {
		t.Fatal("a.com released while one of its Sets is left")
	}
	c2.txt(ctx, "_dmarc.a.com") // a hit: c2 created nothing
	z.finish(rn, "a.com", c2)
	for _, n := range []string{"_dmarc.a.com", "a.com._report._dmarc.reports.example.net"} {
		if has(kindTXT, n) {
			t.Errorf("TXT %s kept after the zone's last Set", n)
		}
	}
	if has(kindMX, "mx.a.com") {
		t.Error("MX mx.a.com kept after the zone's last Set")
	}
	for _, n := range []string{"_spf.provider.net", "xa.com", "_dmarc.b.com"} {
		if !has(kindTXT, n) {
			t.Errorf("TXT %s released with a.com", n)
		}
	}
	if len(z.left) != 1 || len(z.done) != 0 {
		t.Errorf("zone counts left behind: %v %v", z.left, z.done)
	}
	z.finish(rn, "b.com", c3)
	if has(kindTXT, "_dmarc.b.com") {
		t.Error("TXT _dmarc.b.com kept after its zone's only Set")
	}
}

// TestReleaseKeepsInFlight: an entry still being looked up is not
// released (its leader removes it itself if its context ends, and must
// find it there).
func TestReleaseKeepsInFlight(t *testing.T) {
	rn := newRun(domainauth.MustFakeResolver(""), 0, true, 0)
	c := rn.client()
	key := cacheKey{kind: kindTXT, name: "x.a.com"}
	rn.entries[key] = &cacheEntry{done: make(chan struct{})}
	c.created = append(c.created, key)
	rn.release("a.com", []*client{c})
	if _, ok := rn.entries[key]; !ok {
		t.Error("in-flight entry released")
	}
	rn.release("", []*client{c}) // no zone: nothing to do
}

// TestVerifyAllReleasesFinishedZones: VerifyAll releases a zone once its
// Sets are done, so a later Set of another zone that needs one of its
// names asks again; a zone with a Set left keeps them, and names outside
// every zone are asked once.
func TestVerifyAllReleasesFinishedZones(t *testing.T) {
	f := domainauth.MustFakeResolver(`
_spf.a.com. TXT "v=spf1 -all"
_spf.provider.net. TXT "v=spf1 -all"
rp.a.com. TXT "v=spf1 include:_spf.a.com include:_spf.provider.net ~all"
rp.b.com. TXT "v=spf1 include:_spf.a.com include:_spf.provider.net ~all"
rp.c.com. TXT "v=spf1 include:_spf.a.com include:_spf.provider.net ~all"
`)
	set := func(zone string) records.Set {
		return records.Set{Domain: zone, Records: []records.Record{{Purpose: records.PurposeSPF, FQDN: "rp." + zone, Type: records.TypeTXT,
			Values: []string{"v=spf1 include:_spf.a.com include:_spf.provider.net ~all"}}}}
	}
	count := func(name string) int {
		n := 0
		for _, l := range f.Lookups() {
			if l.Name == name {
				n++
			}
		}
		return n
	}
	// One worker: a.com's only Set is done before b.com's starts.
	v := &Verifier{Resolver: f, Concurrency: 1}
	if _, err := v.VerifyAll(t.Context(), []records.Set{set("a.com"), set("b.com"), set("c.com")}, nil); err != nil {
		t.Fatal(err)
	}
	if got := count("_spf.a.com"); got != 2 {
		t.Errorf("_spf.a.com asked %d times, want 2 (a.com released after its Set, then kept by b.com's lookup, which is outside b.com)", got)
	}
	if got := count("_spf.provider.net"); got != 1 {
		t.Errorf("_spf.provider.net asked %d times, want 1", got)
	}
	f.ResetLookups()
	// a.com has a second Set at the end: nothing of a.com is released
	// before it.
	if _, err := v.VerifyAll(t.Context(), []records.Set{set("a.com"), set("b.com"), set("c.com"), set("a.com")}, nil); err != nil {
		t.Fatal(err)
	}
	if got := count("_spf.a.com"); got != 1 {
		t.Errorf("with a Set of a.com left, _spf.a.com asked %d times, want 1", got)
	}
}
