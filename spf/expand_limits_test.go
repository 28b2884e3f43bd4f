package spf_test

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/spf"
)

// Macro bombs (issue 17, items 6 and 7): one record of 64 KiB whose
// domain-spec or explanation is thousands of upper-case macros, each
// expanding to the URL-escaped sender. check_host only ever uses the
// rightmost 253 characters of an expanded domain-spec (RFC 7208 section
// 7.3) and the first MaxExplanation bytes of an explanation, so the cost of
// one evaluation must not grow with the expansion that the whole string
// would have.

// bombLocal is a local-part of the RFC 5321 maximum, 64 octets, with a
// character ("=") that upper-case macros escape into three and dots that
// keep the labels of the escaped sender short (so that the truncated name
// is a valid one and is looked up).
var bombLocal = strings.Repeat("a=.", 21) + "a"

const bombMacros = 16000 // "%{S}" is 4 bytes: a 64,000-byte domain-spec

// escapedSender is %{S} of local@domain, written out independently of the
// package: every byte but the RFC 3986 unreserved characters as %XX.
func escapedSender(local, domain string) string {
	var b strings.Builder
	for _, c := range []byte(local + "@" + domain) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '.', c == '_', c == '~':
			b.WriteByte(c)
		default:
			const hex = "0123456789ABCDEF"
			b.WriteString("%" + string(hex[c>>4]) + string(hex[c&0xf]))
		}
	}
	return b.String()
}

// rfcTruncate applies RFC 7208 section 7.3 to a whole expanded name: the
// trailing dot of a fully qualified name aside, labels are removed from the
// left, with their dots, until at most 253 characters remain.
func rfcTruncate(name string) string {
	name = strings.TrimSuffix(name, ".")
	for len(name) > 253 {
		_, name, _ = strings.Cut(name, ".")
	}
	return name
}

// bombWorld returns a resolver where bomb.test publishes record and
// exp.bomb.test the explanation text expl; the name target has an A record.
func bombWorld(record, expl, target string) *staticResolver {
	return &staticResolver{
		txt: map[string][]string{
			"bomb.test":     {record},
			"exp.bomb.test": {expl},
		},
		addr: map[string][]netip.Addr{target: {netip.MustParseAddr("127.0.0.2")}},
	}
}

// allocBytes returns the bytes allocated per call of f, measured by
// testing.Benchmark.
func allocBytes(f func()) int64 {
	r := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			f()
		}
	})
	return r.AllocedBytesPerOp()
}

// TestLimitMacroBombDomainSpec: exists with 16,000 %{S} macros. The
// expected name comes from the whole expansion cut by the RFC rule; the
// zone has an A record only there, so any other cut gives fail instead of
// pass. The expansion would be about 1.9 MB; the evaluation must allocate a
// small fraction of that.
func TestLimitMacroBombDomainSpec(t *testing.T) {
	const domain = "bomb.test"
	record := "v=spf1 exists:" + strings.Repeat("%{S}", bombMacros) + ".%{d} -all"
	full := strings.Repeat(escapedSender(bombLocal, domain), bombMacros) + "." + domain
	want := rfcTruncate(full)
	if len(want) > 253 || len(want) < 200 {
		t.Fatalf("test setup: truncated name of %d characters", len(want))
	}
	c := spf.Checker{Resolver: bombWorld(record, "", want)}
	check := func() spf.Outcome {
		return c.CheckMailFrom(context.Background(), bombClient, bombLocal+"@"+domain)
	}
	if o := check(); o.Result != spf.Pass {
		t.Fatalf("CheckMailFrom = %v, %v; want pass (exists matches %q only after RFC 7208 section 7.3 truncation)", o.Result, o.Err, want)
	}
	// The record itself is 64 KB and Parse keeps it; the expansion is 1.9 MB.
	const budget = 256 << 10
	if n := allocBytes(func() { check() }); n > budget {
		t.Errorf("one evaluation allocates %d bytes; want at most %d (the whole expansion is %d bytes)", n, budget, len(full))
	}
}

// TestLimitMacroBombExplanation: an exp= text of 16,000 %{S} macros
// expanded to 1.9 MB of explanation. The explanation goes into an SMTP
// reply (RFC 5321 section 4.5.3.1.5: a reply line is at most 512 octets);
// it is cut to Checker.MaxExplanation bytes, and its expansion stops there.
func TestLimitMacroBombExplanation(t *testing.T) {
	const domain = "bomb.test"
	record := "v=spf1 -all exp=exp.%{d}"
	expl := strings.Repeat("%{S}", bombMacros)
	full := strings.Repeat(escapedSender(bombLocal, domain), bombMacros)
	for _, tt := range []struct {
		max, want int
	}{
		{0, spf.DefaultMaxExplanation},
		{100, 100},
		{-1, spf.DefaultMaxExplanation},
	} {
		c := spf.Checker{Resolver: bombWorld(record, expl, ""), MaxExplanation: tt.max}
		check := func() spf.Outcome {
			return c.CheckMailFrom(context.Background(), bombClient, bombLocal+"@"+domain)
		}
		o := check()
		if o.Result != spf.Fail || o.Explanation != full[:tt.want] {
			t.Fatalf("MaxExplanation %d: CheckMailFrom = %v, explanation of %d bytes %.40q...; want fail with the first %d bytes of the expansion",
				tt.max, o.Result, len(o.Explanation), o.Explanation, tt.want)
		}
		if tt.max != 0 {
			continue // one allocation measure is enough
		}
		const budget = 256 << 10
		if n := allocBytes(func() { check() }); n > budget {
			t.Errorf("one evaluation allocates %d bytes; want at most %d (the whole expansion is %d bytes)", n, budget, len(full))
		}
	}
}

// TestLimitShortExplanationWhole: an explanation within the limit is
// returned whole, and one exactly at the limit too.
func TestLimitShortExplanationWhole(t *testing.T) {
	for _, expl := range []string{"not authorized", strings.Repeat("x", spf.DefaultMaxExplanation)} {
		c := spf.Checker{Resolver: bombWorld("v=spf1 -all exp=exp.bomb.test", expl, "")}
		o := c.CheckMailFrom(context.Background(), bombClient, "user@bomb.test")
		if o.Result != spf.Fail || o.Explanation != expl {
			t.Errorf("explanation of %d bytes: got %v %d bytes", len(expl), o.Result, len(o.Explanation))
		}
	}
}

// TestLimitSenderLength: RFC 5321 section 4.5.3.1 caps a local-part at 64
// octets and a domain at 255. The attack used a 911-byte sender.
// A longer local-part (or sender domain, or HELO name) cannot be expanded:
// a macro that needs it gives permerror with ErrIdentityTooLong. A record
// that does not use it is evaluated as usual, so a long sender cannot turn
// a fail into something milder.
func TestLimitSenderLength(t *testing.T) {
	long := strings.Repeat("x", 847) // 847 + "@" + "bomb.test" = 857... plus the domain: a 911-byte sender below
	long += strings.Repeat("y", 911-len(long)-len("@bomb.test"))
	sender := long + "@bomb.test"
	if len(sender) != 911 {
		t.Fatalf("sender of %d bytes", len(sender))
	}
	ctx := context.Background()
	tests := []struct {
		name, record string
		helo         string
		maxLocal     int
		want         spf.Result
		tooLong      bool
	}{
		{"S macro", "v=spf1 exists:" + strings.Repeat("%{S}", bombMacros) + ".%{d} -all", "mx.example", 0, spf.PermError, true},
		{"l macro", "v=spf1 exists:%{l}.bomb.test -all", "mx.example", 0, spf.PermError, true},
		{"s macro in include", "v=spf1 include:%{s}.bomb.test -all", "mx.example", 0, spf.PermError, true},
		{"l macro in a", "v=spf1 a:%{l}.bomb.test -all", "mx.example", 0, spf.PermError, true},
		{"l macro in mx", "v=spf1 mx:%{l}.bomb.test -all", "mx.example", 0, spf.PermError, true},
		{"l macro in ptr", "v=spf1 ptr:%{l}.bomb.test -all", "mx.example", 0, spf.PermError, true},
		{"l macro in redirect", "v=spf1 redirect=%{l}.bomb.test", "mx.example", 0, spf.PermError, true},
		{"l macro in exp", "v=spf1 -all exp=%{l}.bomb.test", "mx.example", 0, spf.Fail, false}, // section 6.2: as if no exp
		{"no macro", "v=spf1 ip4:198.51.100.0/24 -all", "mx.example", 0, spf.Fail, false},
		{"domain macros only", "v=spf1 exists:%{o}.%{d}.%{i} -all", "mx.example", 0, spf.Fail, false},
		{"cut away on the left", "v=spf1 exists:%{l}" + strings.Repeat(".abcdefgh", 30) + ".bomb.test -all", "mx.example", 0, spf.Fail, false},
		{"raised limit", "v=spf1 exists:%{l1r}.bomb.test -all", "mx.example", 1000, spf.Fail, false},
		{"HELO 255", "v=spf1 exists:%{h}.bomb.test -all", strings.Repeat("abcdefgh.", 28) + "abc", 0, spf.Fail, false},
		{"HELO 256", "v=spf1 exists:%{h}.bomb.test -all", strings.Repeat("abcdefgh.", 28) + "abcd", 0, spf.PermError, true},
	}
	for _, tt := range tests {
		c := spf.Checker{Resolver: bombWorld(tt.record, "", ""), HELO: tt.helo, MaxLocalPart: tt.maxLocal}
		from := sender
		if strings.HasPrefix(tt.name, "HELO") {
			from = "user@bomb.test"
		}
		o := c.CheckMailFrom(ctx, bombClient, from)
		if o.Result != tt.want || errors.Is(o.Err, spf.ErrIdentityTooLong) != tt.tooLong {
			t.Errorf("%s: CheckMailFrom = %v, %v; want %v (ErrIdentityTooLong %v)", tt.name, o.Result, o.Err, tt.want, tt.tooLong)
		}
	}
}

// BenchmarkMacroBomb measures one evaluation of the macro bombs above:
// bytes/op is the number to watch (the issue measured 243 MiB for the
// 911-byte sender before expansion was bounded).
func BenchmarkMacroBomb(b *testing.B) {
	const domain = "bomb.test"
	long := strings.Repeat("x", 911-len("@"+domain))
	exists := "v=spf1 exists:" + strings.Repeat("%{S}", bombMacros) + ".%{d} -all"
	for _, bm := range []struct {
		name, record, expl, sender string
	}{
		{"exists/sender-911", exists, "", long + "@" + domain},
		{"exists/sender-64", exists, "", bombLocal + "@" + domain},
		{"exp/sender-64", "v=spf1 -all exp=exp.%{d}", strings.Repeat("%{S}", bombMacros), bombLocal + "@" + domain},
	} {
		b.Run(bm.name, func(b *testing.B) {
			c := spf.Checker{Resolver: bombWorld(bm.record, bm.expl, "")}
			b.ReportAllocs()
			for b.Loop() {
				sinkOutcome = c.CheckMailFrom(context.Background(), bombClient, bm.sender)
			}
		})
	}
}

// TestLimitTruncationIncludeRedirect: the cut of RFC 7208 section 7.3
// applies wherever an expanded domain-spec is used in a DNS query, include
// and redirect targets too: a 260-character target loses its first label
// and the 250-character rest is fetched.
func TestLimitTruncationIncludeRedirect(t *testing.T) {
	long := strings.Repeat("abcdefghi.", 25) + "trunc.test" // 260 characters
	cut := long[10:]
	f := domainauth.MustFakeResolver(`
include.trunc.test.   300 TXT "v=spf1 include:` + long + ` -all"
redirect.trunc.test.  300 TXT "v=spf1 redirect=` + long + `"
macro.trunc.test.     300 TXT "v=spf1 include:` + long[:250] + `%{d2} -all"
` + cut + `.  300 TXT "v=spf1 +all"`)
	c := spf.Checker{Resolver: f}
	for _, d := range []string{"include.trunc.test", "redirect.trunc.test", "macro.trunc.test"} {
		if o := c.CheckHost(context.Background(), bombClient, d, "user@"+d); o.Result != spf.Pass {
			t.Errorf("%s: CheckHost = %v, %v; want pass from the record at the 250-character cut", d, o.Result, o.Err)
		}
	}
}

// TestLimitLongDomainIsNone: a checked domain (the HELO name, or the domain
// of MAIL FROM) longer than a DNS name can be is malformed, and RFC 7208
// section 4.3 makes check_host return none for it before any lookup.
func TestLimitLongDomainIsNone(t *testing.T) {
	long := strings.Repeat("abcdefgh.", 30) + "bomb.test" // 279 characters
	r := bombWorld("v=spf1 -all", "", "")
	c := spf.Checker{Resolver: r, HELO: long}
	if o := c.CheckHELO(context.Background(), bombClient); o.Result != spf.None || o.Err != nil {
		t.Errorf("CheckHELO with a %d-character name = %v, %v; want none", len(long), o.Result, o.Err)
	}
	if o := c.CheckMailFrom(context.Background(), bombClient, "user@"+long); o.Result != spf.None || o.Err != nil {
		t.Errorf("CheckMailFrom with a %d-character domain = %v, %v; want none", len(long), o.Result, o.Err)
	}
}

// TestSenderWithoutLocalPart: RFC 7208 section 4.3 substitutes
// "postmaster" for a missing local-part, for an empty sender as for one
// without "@".
func TestSenderWithoutLocalPart(t *testing.T) {
	r := bombWorld("v=spf1 exists:%{s}.%{d} -all", "", "postmaster@bomb.test.bomb.test")
	c := spf.Checker{Resolver: r}
	for _, sender := range []string{"", "bomb.test", "@bomb.test"} {
		if o := c.CheckHost(context.Background(), bombClient, "bomb.test", sender); o.Result != spf.Pass {
			t.Errorf("sender %q: CheckHost = %v, %v; want pass (%%{s} = postmaster@bomb.test)", sender, o.Result, o.Err)
		}
	}
}
