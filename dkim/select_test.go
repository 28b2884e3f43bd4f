package dkim

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// selectFieldsSlow is RFC 6376 section 5.4.2 read literally: for the i-th
// name, skip as many fields of that name, from the bottom, as the names
// before it used, and take the next one.
func selectFieldsSlow(fields []field, names []string) []string {
	var out []string
	for i, name := range names {
		skip := 0
		for _, prev := range names[:i] {
			if strings.EqualFold(prev, name) {
				skip++
			}
		}
		for j := len(fields) - 1; j >= 0; j-- {
			if !strings.EqualFold(fields[j].name, name) {
				continue
			}
			if skip == 0 {
				out = append(out, fields[j].raw)
				break
			}
			skip--
		}
	}
	return out
}

// TestSelectFields checks both ways selectFields matches h= names (direct
// search for short lists, an index for long ones) against the literal
// reading of the RFC, on random headers and lists with repeated names,
// names in other cases, and names with no field.
func TestSelectFields(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pool := []string{"From", "from", "FROM", "To", "Subject", "subject", "Date", "Received", "X-A", "x-a", "Missing"}
	for iter := range 500 {
		var fields []field
		for j := range rng.IntN(30) {
			name := pool[rng.IntN(len(pool)-1)] // never "Missing"
			fields = append(fields, field{name: name, raw: name + ": " + strings.Repeat("v", j) + "\r\n"})
		}
		n := rng.IntN(3 * selectDirectMax)
		if iter%5 == 0 {
			n = rng.IntN(selectDirectMax + 1) // the direct path
		}
		var names []string
		for range n {
			names = append(names, pool[rng.IntN(len(pool))])
		}
		want := selectFieldsSlow(fields, names)
		var got, gotIndexed []string
		selectFields(fields, names, func(f field) { got = append(got, f.raw) })
		selectFieldsIndexed(fields, names, func(f field) { gotIndexed = append(gotIndexed, f.raw) })
		if !slices.Equal(got, want) || !slices.Equal(gotIndexed, want) {
			t.Fatalf("fields %v\nnames %v\nselectFields %q\nindexed %q\nwant %q", fields, names, got, gotIndexed, want)
		}
	}
}
