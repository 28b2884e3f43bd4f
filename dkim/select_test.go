package dkim

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/internal/dkimbridge"
)

// selectFieldsSlow is RFC 6376 section 5.4.2 read literally: for the i-th
// name, skip as many fields of that name, from the bottom, as the names
// before it used, and take the next one.
func selectFieldsSlow(fields []field, names []string) []string {
	equalFold := func(a, b string) bool { return lowerASCII(a) == lowerASCII(b) }
	var out []string
	for i, name := range names {
		skip := 0
		for _, prev := range names[:i] {
			if equalFold(prev, name) {
				skip++
			}
		}
		for j := len(fields) - 1; j >= 0; j-- {
			if !equalFold(fields[j].name, name) {
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
	// Names that differ only where nameKey does not look (Xa-bY, xc-by),
	// and names outside ASCII that Unicode case folding, but not DKIM,
	// matches with ASCII names (the Kelvin sign and k, the long s and S).
	pool := []string{"From", "from", "FROM", "To", "Subject", "subject", "Date", "Received", "X-A", "x-a",
		"Xa-bY", "xc-by", "k", "\u212a", "S", "\u017f", "Missing"}
	for iter := range 500 {
		var fields []field
		nf := rng.IntN(30)
		if iter%7 == 0 {
			nf = rng.IntN(3 * selectKeyedFields) // past the marks and keys on the stack
		}
		for j := range nf {
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

// chooseHeadersSlow is chooseHeaders read literally: each default name as
// often as a field of that name occurs, ignoring case, and once more when
// it is over-signed.
func chooseHeadersSlow(fields []field) []string {
	var h []string
	for _, name := range defaultSignedHeaders {
		n := 0
		for _, f := range fields {
			if lowerASCII(f.name) == lowerASCII(name) {
				n++
			}
		}
		if slices.Contains(oversignedHeaders, name) {
			n++
		}
		for range n {
			h = append(h, name)
		}
	}
	return h
}

// TestChooseHeaders checks the h= list the signer picks against the
// literal reading, on random headers of default names in other cases,
// names that are not signed, and names outside ASCII.
func TestChooseHeaders(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	pool := []string{"From", "FROM", "to", "To", "cc", "Subject", "SUBJECT", "Received", "X-Mailer",
		"List-Id", "list-unsubscribe-post", "List-Unsubscribe", "Feedback-ID", "References", "Sender",
		"Fr0m", "Xrom", "Frxm", "\u212aeywords", "Content-Transfer-Encoding", "content-type"}
	for range 500 {
		var fields []field
		for range rng.IntN(40) {
			fields = append(fields, field{name: pool[rng.IntN(len(pool))]})
		}
		if got, want := chooseHeaders(fields), chooseHeadersSlow(fields); !slices.Equal(got, want) {
			t.Fatalf("fields %v\nchooseHeaders %q\nwant %q", fields, got, want)
		}
	}
}

// lowerASCII lowers the ASCII capitals of s and nothing else: header
// field names are compared so (RFC 5322 section 3.6.8, RFC 6376 section
// 3.5).
func lowerASCII(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// TestSameFieldName checks the comparison of header field names over
// every pair of a set of names: ASCII letters match in either case, any
// other byte only itself (no Unicode case folding: the Kelvin sign is not
// k), and names that match have the same nameKey.
func TestSameFieldName(t *testing.T) {
	names := []string{"", "a", "A", "k", "K", "\u212a", "s", "S", "\u017f", "From", "fROM", "FroM", "Fro",
		"Xa-bY", "xc-by", "X-A", "x-a", "x-b", "Message-ID", "MESSAGE-id", "@", "`", "[", "{", "\u00c4", "\u00e4"}
	for _, a := range names {
		for _, b := range names {
			want := lowerASCII(a) == lowerASCII(b)
			if got := dkimbridge.SameFieldName(a, b); got != want {
				t.Errorf("dkimbridge.SameFieldName(%q, %q) = %v; want %v", a, b, got, want)
			}
			if want && nameKey(a) != nameKey(b) {
				t.Errorf("%q and %q are the same name, but their keys %#x and %#x differ", a, b, nameKey(a), nameKey(b))
			}
			if lowerFieldName(a) != lowerASCII(a) {
				t.Errorf("lowerFieldName(%q) = %q; want %q", a, lowerFieldName(a), lowerASCII(a))
			}
		}
	}
}

// TestSplitColonList holds the one-pass split of h= (and q=) to its
// reading: split at each colon, remove folding white space wherever it
// is in a name, drop names left empty; on random lists of letters,
// colons, white space, line ends and control bytes.
func TestSplitColonList(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	alphabet := []byte("aB-:: \t\r\n\x01\x7f")
	for range 20000 {
		b := randomBytes(rng, alphabet, rng.IntN(20))
		var want []string
		for _, part := range strings.Split(string(b), ":") {
			if p := strings.Map(func(r rune) rune {
				if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
					return -1
				}
				return r
			}, part); p != "" {
				want = append(want, p)
			}
		}
		if got := splitColonList(string(b)); !slices.Equal(got, want) {
			t.Fatalf("splitColonList(%q) = %q; want %q", b, got, want)
		}
	}
}

// benchHeaderFields returns the fields of the header of the benchmark
// messages (benchMessage in bench_test.go).
func benchHeaderFields() []field {
	h := headerParser{maxBytes: DefaultMaxHeaderBytes, maxFields: DefaultMaxHeaderFields}
	h.write([]byte("From: Joe <joe@example.com>\r\nTo: Sue <sue@example.net>\r\nSubject: Benchmark\r\n" +
		"Date: Fri, 11 Jul 2003 21:00:37 -0700\r\nMessage-ID: <bench@example.com>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\n"))
	fields, _ := h.fields()
	return fields
}

// BenchmarkSelectFields measures selectFields on the header of the
// benchmark messages and the h= list Sign writes for it: seven fields,
// nineteen names, twelve of them with no field left (over-signed, or
// missing).
func BenchmarkSelectFields(b *testing.B) {
	fields := benchHeaderFields()
	names := strings.Split("From:From:Reply-To:Subject:Subject:Date:Date:To:To:Cc:Message-ID:Message-ID:"+
		"MIME-Version:MIME-Version:Content-Type:Content-Type:Content-Transfer-Encoding:List-Unsubscribe:List-Unsubscribe-Post", ":")
	n := 0
	for b.Loop() {
		selectFields(fields, names, func(field) { n++ })
	}
	if n != 7*b.N {
		b.Fatalf("selected %d fields in %d runs", n, b.N)
	}
}

// BenchmarkChooseHeaders measures appendChosenHeaders on the header of
// the benchmark messages.
func BenchmarkChooseHeaders(b *testing.B) {
	fields := benchHeaderFields()
	var names [32]string
	for b.Loop() {
		appendChosenHeaders(names[:0], fields)
	}
}
