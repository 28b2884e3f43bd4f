package spf_test

import (
	"errors"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/domainauth/domainauth/spf"
)

// cmpPrefix lets go-cmp compare netip values, which have unexported fields.
var cmpPrefix = cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })

func TestParseCanonical(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"v=spf1", "v=spf1"},
		{"v=spf1 ", "v=spf1"},                            // trailing space (RFC 7208 section 4.5: record = version terms *SP)
		{"V=SPF1 -ALL", "v=spf1 -all"},                   // names are case-insensitive
		{"v=spf1   +a   ?mx  ~ptr", "v=spf1 a ?mx ~ptr"}, // several spaces; "+" is the default
		{"v=spf1 a:example.com/24//64", "v=spf1 a:example.com/24//64"},
		{"v=spf1 mx//0", "v=spf1 mx//0"},
		{"v=spf1 a/32", "v=spf1 a/32"}, // an explicit length is kept
		{"v=spf1 ip4:192.0.2.0/24 ip4:192.0.2.1/32", "v=spf1 ip4:192.0.2.0/24 ip4:192.0.2.1"},
		{"v=spf1 ip6:2001:DB8::/32 ip6:::1", "v=spf1 ip6:2001:db8::/32 ip6:::1"},
		{"v=spf1 ip6:::ffff:192.0.2.1/120", "v=spf1 ip6:::ffff:192.0.2.1/120"},
		{"v=spf1 include:_spf.Example.COM. -all", "v=spf1 include:_spf.Example.COM. -all"}, // domain-specs kept as written
		{"v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} -all", "v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} -all"},
		{"v=spf1 Redirect=_spf.example.com", "v=spf1 redirect=_spf.example.com"},
		{"v=spf1 -all exp=explain._spf.%{d}", "v=spf1 -all exp=explain._spf.%{d}"},
		{"v=spf1 moo.cow-far_out=man:dog/cat ip4:1.2.3.4 -all", "v=spf1 moo.cow-far_out=man:dog/cat ip4:1.2.3.4 -all"},
		{"v=spf1 foo= -all", "v=spf1 foo= -all"},           // an unknown modifier may be empty
		{"v=spf1 a:foo-bar.1-2", "v=spf1 a:foo-bar.1-2"},   // a toplabel may be digits with a hyphen
		{"v=spf1 a:%{d}", "v=spf1 a:%{d}"},                 // a macro ends the domain-spec
		{"v=spf1 a:foo.%-", "v=spf1 a:foo.%-"},             // %- is a macro-expand too
		{"v=spf1 x=%{c}%{r}%{t}", "v=spf1 x=%{c}%{r}%{t}"}, // unknown modifiers may use every letter
	}
	for _, tt := range tests {
		r, err := spf.Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got := r.String(); got != tt.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
		r2, err := spf.Parse(r.String())
		if err != nil {
			t.Errorf("Parse(%q) of canonical form: %v", r.String(), err)
			continue
		}
		if d := cmp.Diff(r, r2, cmpPrefix); d != "" {
			t.Errorf("round trip of %q (-first +second):\n%s", tt.in, d)
		}
	}
}

func TestParseTerms(t *testing.T) {
	r := spf.MustParse("v=spf1 -a:%{d}.example.com/24//64 ~ip4:192.0.2.0/24 include:x.example exp=e.example moo=cow ?all")
	want := []spf.Term{
		{Kind: spf.KindA, Qualifier: spf.QualifierFail, Domain: "%{d}.example.com", V4Len: 24, HasV4Len: true, V6Len: 64, HasV6Len: true},
		{Kind: spf.KindIP4, Qualifier: spf.QualifierSoftFail, Prefix: netip.MustParsePrefix("192.0.2.0/24")},
		{Kind: spf.KindInclude, Domain: "x.example"},
		{Kind: spf.KindExp, Domain: "e.example"},
		{Kind: spf.KindModifier, Name: "moo", Value: "cow"},
		{Kind: spf.KindAll, Qualifier: spf.QualifierNeutral},
	}
	if d := cmp.Diff(want, r.Terms, cmpPrefix); d != "" {
		t.Errorf("terms (-want +got):\n%s", d)
	}
	if e, ok := r.Exp(); !ok || e != "e.example" {
		t.Errorf("Exp() = %q, %v", e, ok)
	}
	if _, ok := r.Redirect(); ok {
		t.Error("Redirect() found one")
	}
	if r.All() == nil || r.All().Qualifier != spf.QualifierNeutral {
		t.Errorf("All() = %v", r.All())
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		in     string
		err    error
		offset int
	}{
		{"", spf.ErrNotSPF, 0},
		{"v=spf10", spf.ErrNotSPF, 0},                       // version must end in space or end (section 4.5)
		{"v=spf1-all", spf.ErrNotSPF, 0},                    // same
		{"spf1 -all", spf.ErrNotSPF, 0},                     // no version
		{"v=spf1 -all\t", spf.ErrNonASCII, 11},              // only SP separates terms
		{"v=spf1 a:b\xc3\xa9.example", spf.ErrNonASCII, 10}, // records are ASCII (section 3.1)
		{"v=spf1 foo", spf.ErrUnknownMechanism, 7},
		{"v=spf1 -foo:bar", spf.ErrUnknownMechanism, 8},
		{"v=spf1 moo.cow/far_out=man:dog/cat", spf.ErrUnknownMechanism, 7}, // "/" before "=": a mechanism
		{"v=spf1 allx", spf.ErrUnknownMechanism, 7},
		{"v=spf1 all:foo.com", spf.ErrUnexpectedArg, 10},
		{"v=spf1 all/24", spf.ErrUnexpectedArg, 10},
		{"v=spf1 include", spf.ErrMissingDomain, 14},
		{"v=spf1 include:", spf.ErrMissingDomain, 15},
		{"v=spf1 exists", spf.ErrMissingDomain, 13},
		{"v=spf1 redirect=", spf.ErrMissingDomain, 16},
		{"v=spf1 a:1.2.3.4", spf.ErrBadDomainSpec, 15},        // toplabel must not be all digits (section 7.1)
		{"v=spf1 a:localhost", spf.ErrBadDomainSpec, 9},       // domain-end needs "." toplabel
		{"v=spf1 include:foo.-bar", spf.ErrBadDomainSpec, 19}, // no leading hyphen in toplabel
		{"v=spf1 a:foo.com/", spf.ErrBadCIDR, 16},
		{"v=spf1 a/33", spf.ErrBadCIDR, 9},
		{"v=spf1 a//129", spf.ErrBadCIDR, 10},
		{"v=spf1 a/024", spf.ErrBadCIDR, 9}, // no leading zeros
		{"v=spf1 a//64/24", spf.ErrBadCIDR, 8},
		{"v=spf1 mx/24/24", spf.ErrBadCIDR, 9},
		{"v=spf1 ip4:1.2.3.4/33", spf.ErrBadCIDR, 19},
		{"v=spf1 ip4", spf.ErrBadIP, 10},
		{"v=spf1 ip4:1.2.3", spf.ErrBadIP, 11},
		{"v=spf1 ip4:1.2.3.04", spf.ErrBadIP, 11},
		{"v=spf1 ip4:::1", spf.ErrBadIP, 11},
		{"v=spf1 ip6:1.2.3.4", spf.ErrBadIP, 11},
		{"v=spf1 ip6:fe80::1%eth0", spf.ErrBadIP, 11},
		{"v=spf1 ip6:::1/129", spf.ErrBadCIDR, 15},
		{"v=spf1 a:%{x}.example.com", spf.ErrBadMacro, 9},  // unknown letter
		{"v=spf1 a:%{c}.example.com", spf.ErrBadMacro, 9},  // c, r, t only in exp text (section 7.2)
		{"v=spf1 a:%{d0}.example.com", spf.ErrBadMacro, 9}, // digits must be nonzero (section 7.3)
		{"v=spf1 a:%{d2x}.example.com", spf.ErrBadMacro, 9},
		{"v=spf1 a:%{d.example.com", spf.ErrBadMacro, 9},
		{"v=spf1 a:%.example.com", spf.ErrBadMacro, 9},
		{"v=spf1 a:example.com%", spf.ErrBadMacro, 20},
		{"v=spf1 redirect=a.example redirect=b.example", spf.ErrDuplicateModifier, 26},
		{"v=spf1 exp=a.example exp=b.example", spf.ErrDuplicateModifier, 21},
		{"v=spf1 x=%{", spf.ErrBadMacro, 9},
	}
	for _, tt := range tests {
		r, err := spf.Parse(tt.in)
		if err == nil {
			t.Errorf("Parse(%q) = %q, want error %v", tt.in, r, tt.err)
			continue
		}
		var se *spf.SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Parse(%q) error %T is not a *SyntaxError", tt.in, err)
			continue
		}
		if !errors.Is(err, tt.err) || !errors.Is(err, spf.ErrSyntax) {
			t.Errorf("Parse(%q) = %v, want %v", tt.in, err, tt.err)
		}
		if se.Offset != tt.offset || se.Input != tt.in {
			t.Errorf("Parse(%q): offset %d, want %d (%v)", tt.in, se.Offset, tt.offset, err)
		}
	}
}

// TestRoundTripRandom builds random records term by term, and checks that
// String gives text Parse reads back into the same record.
func TestRoundTripRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	domains := []string{"example.com", "_spf.example.net.", "%{d}", "%{ir}.%{v}._spf.%{d2}", "a-b.c-d", "x.%{l1r-}.example", "%%.example.org", "%{S}"}
	quals := []spf.Qualifier{spf.QualifierPass, spf.QualifierFail, spf.QualifierSoftFail, spf.QualifierNeutral}
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	for range 2000 {
		r := &spf.Record{}
		redirect, exp := false, false
		for range rng.IntN(8) {
			q := quals[rng.IntN(4)]
			var tm spf.Term
			switch k := spf.Kind(1 + rng.IntN(11)); k {
			case spf.KindAll:
				tm = spf.Term{Kind: k, Qualifier: q}
			case spf.KindInclude, spf.KindExists:
				tm = spf.Term{Kind: k, Qualifier: q, Domain: pick(domains)}
			case spf.KindA, spf.KindMX, spf.KindPTR:
				tm = spf.Term{Kind: k, Qualifier: q}
				if rng.IntN(2) == 0 {
					tm.Domain = pick(domains)
				}
				if k != spf.KindPTR {
					if rng.IntN(2) == 0 {
						tm.V4Len, tm.HasV4Len = rng.IntN(33), true
					}
					if rng.IntN(2) == 0 {
						tm.V6Len, tm.HasV6Len = rng.IntN(129), true
					}
				}
			case spf.KindIP4:
				var b [4]byte
				for i := range b {
					b[i] = byte(rng.IntN(256))
				}
				tm = spf.Term{Kind: k, Qualifier: q, Prefix: netip.PrefixFrom(netip.AddrFrom4(b), rng.IntN(33))}
			case spf.KindIP6:
				var b [16]byte
				for i := range b {
					b[i] = byte(rng.IntN(256))
				}
				tm = spf.Term{Kind: k, Qualifier: q, Prefix: netip.PrefixFrom(netip.AddrFrom16(b), rng.IntN(129))}
			case spf.KindRedirect, spf.KindExp:
				if k == spf.KindRedirect && redirect || k == spf.KindExp && exp {
					continue
				}
				redirect = redirect || k == spf.KindRedirect
				exp = exp || k == spf.KindExp
				tm = spf.Term{Kind: k, Domain: pick(domains)}
			case spf.KindModifier:
				tm = spf.Term{Kind: k, Name: pick([]string{"moo", "x.y-z_", "V"}), Value: pick(append(domains, ""))}
			}
			r.Terms = append(r.Terms, tm)
		}
		s := r.String()
		got, err := spf.Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q): %v", s, err)
		}
		if len(r.Terms) == 0 {
			r.Terms = []spf.Term{} // Parse makes an empty, non-nil slice
		}
		if d := cmp.Diff(r, got, cmpPrefix); d != "" {
			t.Fatalf("round trip of %q (-built +parsed):\n%s", s, d)
		}
	}
}

func TestBuilders(t *testing.T) {
	tests := []struct {
		in      string
		edit    func(*spf.Record) bool
		want    string
		changed bool
	}{
		{"v=spf1 mx -all", func(r *spf.Record) bool { return r.AddInclude("mailgun.org") }, "v=spf1 mx include:mailgun.org -all", true},
		{"v=spf1 include:MAILGUN.org. -all", func(r *spf.Record) bool { return r.AddInclude("mailgun.org") }, "v=spf1 include:MAILGUN.org. -all", false},
		{"v=spf1 mx redirect=_spf.example.com", func(r *spf.Record) bool { return r.AddInclude("x.example") }, "v=spf1 mx include:x.example redirect=_spf.example.com", true},
		{"v=spf1 redirect=_spf.example.com mx", func(r *spf.Record) bool { return r.AddInclude("x.example") }, "v=spf1 include:x.example redirect=_spf.example.com mx", true},
		{"v=spf1 a exp=e.example", func(r *spf.Record) bool { return r.AddInclude("x.example") }, "v=spf1 a include:x.example exp=e.example", true},
		{"v=spf1", func(r *spf.Record) bool { return r.AddInclude("x.example") }, "v=spf1 include:x.example", true},
		{"v=spf1 include:a.example ~include:a.example include:b.example -all", func(r *spf.Record) bool { return r.RemoveInclude("A.example") }, "v=spf1 include:b.example -all", true},
		{"v=spf1 include:b.example -all", func(r *spf.Record) bool { return r.RemoveInclude("a.example") }, "v=spf1 include:b.example -all", false},
		{"v=spf1 mx ?all", func(r *spf.Record) bool { r.SetAll(spf.QualifierFail); return true }, "v=spf1 mx -all", true},
		{"v=spf1 mx exp=e.example", func(r *spf.Record) bool { r.SetAll(spf.QualifierSoftFail); return true }, "v=spf1 mx ~all exp=e.example", true},
	}
	for _, tt := range tests {
		r := spf.MustParse(tt.in)
		changed := tt.edit(r)
		if got := r.String(); got != tt.want || changed != tt.changed {
			t.Errorf("%q: got %q, %v; want %q, %v", tt.in, got, changed, tt.want, tt.changed)
		}
	}
	if !spf.MustParse("v=spf1 include:x.example.").HasInclude("X.EXAMPLE") {
		t.Error("HasInclude is not case-insensitive")
	}
	orig := spf.MustParse("v=spf1 include:a.example -all")
	c := orig.Clone()
	c.RemoveInclude("a.example")
	if orig.String() != "v=spf1 include:a.example -all" {
		t.Errorf("editing a clone changed the original: %q", orig)
	}
}

func TestResultAndQualifierStrings(t *testing.T) {
	got := []string{}
	for r := spf.None; r <= spf.PermError; r++ {
		got = append(got, r.String())
	}
	if s := strings.Join(got, " "); s != "none neutral pass fail softfail temperror permerror" {
		t.Errorf("results: %s", s)
	}
	for q, want := range map[spf.Qualifier]spf.Result{spf.QualifierPass: spf.Pass, spf.QualifierFail: spf.Fail, spf.QualifierSoftFail: spf.SoftFail, spf.QualifierNeutral: spf.Neutral} {
		if q.Result() != want {
			t.Errorf("%v.Result() = %v, want %v", q, q.Result(), want)
		}
	}
}
