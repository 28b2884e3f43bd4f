package verify

import (
	"slices"
	"testing"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/dmarc"
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
