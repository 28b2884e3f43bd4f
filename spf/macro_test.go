package spf

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth"
)

// newTestEval returns the evaluation state CheckHost would build, without
// a resolver (the %{p} macro is not used here).
func newTestEval(ip, sender string) *evaluation {
	c := &Checker{HELO: "mx.example.org", Receiver: "mx.example.net", Now: func() time.Time { return time.Unix(1700000000, 0) }}
	e := &evaluation{c: c, ip: netip.MustParseAddr(ip), sender: sender, maxLookups: 10, maxVoids: 2, maxNames: 10,
		maxLocal: DefaultMaxLocalPart, maxExpl: 1 << 20}
	i := strings.LastIndexByte(sender, '@')
	e.local, e.senderDomain = sender[:i], sender[i+1:]
	return e
}

// TestExpandRFCExamples checks the examples of RFC 7208 section 7.4.
func TestExpandRFCExamples(t *testing.T) {
	const d = "email.example.com"
	tests := []struct{ ip, in, want string }{
		{"192.0.2.3", "%{s}", "strong-bad@email.example.com"},
		{"192.0.2.3", "%{o}", "email.example.com"},
		{"192.0.2.3", "%{d}", "email.example.com"},
		{"192.0.2.3", "%{d4}", "email.example.com"},
		{"192.0.2.3", "%{d3}", "email.example.com"},
		{"192.0.2.3", "%{d2}", "example.com"},
		{"192.0.2.3", "%{d1}", "com"},
		{"192.0.2.3", "%{dr}", "com.example.email"},
		{"192.0.2.3", "%{d2r}", "example.email"},
		{"192.0.2.3", "%{l}", "strong-bad"},
		{"192.0.2.3", "%{l-}", "strong.bad"},
		{"192.0.2.3", "%{lr}", "strong-bad"},
		{"192.0.2.3", "%{lr-}", "bad.strong"},
		{"192.0.2.3", "%{l1r-}", "strong"},
		{"192.0.2.3", "%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com"},
		{"192.0.2.3", "%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com"},
		{"192.0.2.3", "%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", "bad.strong.lp.3.2.0.192.in-addr._spf.example.com"},
		{"192.0.2.3", "%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", "3.2.0.192.in-addr.strong.lp._spf.example.com"},
		{"192.0.2.3", "%{d2}.trusted-domains.example.net", "example.com.trusted-domains.example.net"},
		{"2001:db8::cb01", "%{ir}.%{v}._spf.%{d2}", "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com"},
		// Section 7.3: more parts asked for than exist gives them all; %% %_ %-.
		{"192.0.2.3", "%{d99}", "email.example.com"},
		{"192.0.2.3", "%{d999999999999}", "email.example.com"},
		{"192.0.2.3", "a%%b%_c%-d", "a%b c%20d"},
		// Several delimiters, and empty parts kept.
		{"192.0.2.3", "%{s.-}", "strong.bad@email.example.com"},
		{"192.0.2.3", "%{o1r}", "email"},
		// Upper case letters are URL-escaped (section 7.3).
		{"192.0.2.3", "%{S}", "strong-bad%40email.example.com"},
		{"192.0.2.3", "%{c} %{h} %{r} %{t}", "192.0.2.3 mx.example.org mx.example.net 1700000000"},
		{"2001:db8::cb01", "%{c}", "2001:db8::cb01"},
	}
	for _, tt := range tests {
		e := newTestEval(tt.ip, "strong-bad@email.example.com")
		got, err := e.expandText(context.Background(), tt.in, d)
		if err != nil || got != tt.want {
			t.Errorf("expandText(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
		// The same in a domain-spec, but for the letters only explanations
		// may use.
		name, _, err := e.expandName(context.Background(), tt.in, d)
		explainOnly := strings.Contains(tt.in, "%{c}")
		if explainOnly != (err != nil) || err == nil && name != tt.want {
			t.Errorf("expandName(%q) = %q, %v; want %q", tt.in, name, err, tt.want)
		}
	}
}

func TestExpandRefusesBadMacros(t *testing.T) {
	e := newTestEval("192.0.2.3", "a@example.com")
	for _, in := range []string{"%", "%{", "%{d", "%{}", "%{x}", "%{d0}", "%{d2x}", "%x", "a%{d}b%", "%{d}%{d2r.x}"} {
		if got, err := e.expandText(context.Background(), in, "example.com"); !errors.Is(err, ErrBadMacro) {
			t.Errorf("expandText(%q) = %q, %v; want ErrBadMacro", in, got, err)
		}
		if got, _, err := e.expandName(context.Background(), in, "example.com"); !errors.Is(err, ErrBadMacro) {
			t.Errorf("expandName(%q) = %q, %v; want ErrBadMacro", in, got, err)
		}
	}
	for _, in := range []string{"%{c}", "%{r}", "%{t}", "%{C}.example.com"} {
		if _, _, err := e.expandName(context.Background(), in, "example.com"); !errors.Is(err, ErrBadMacro) {
			t.Errorf("%s accepted outside an explanation: %v", in, err)
		}
	}
}

func TestQueryNameTruncation(t *testing.T) {
	e := newTestEval("192.0.2.3", "a@example.com")
	long := strings.Repeat("abcdefghi.", 30) + "example.com" // 311 characters
	// RFC 7208 section 7.3: labels go from the left until 253 or fewer are
	// left: 6 labels of 10 characters with their dots, leaving 251.
	want := long[60:]
	for _, in := range []string{long, long + ".", strings.Repeat("abcdefghi.", 20) + "%{d}"} {
		got, ok, err := e.expandName(context.Background(), in, "abcdefghi.abcdefghi.abcdefghi.abcdefghi.abcdefghi.abcdefghi.abcdefghi.abcdefghi.abcdefghi.abcdefghi.example.com")
		if err != nil || !ok || got != want {
			t.Errorf("expandName(%.20q...) = %q (%d), %v, %v; want %q", in, got, len(got), ok, err, want)
		}
	}
	// Exactly 253, and 254 with the final dot of a fully qualified name:
	// nothing to cut.
	n253 := strings.Repeat("abcdefghi.", 24) + "abcde.example"
	for _, in := range []string{n253, n253 + ".", n253[:246] + "%{d1}"} {
		if got, ok, err := e.expandName(context.Background(), in, "example"); err != nil || !ok || got != n253 {
			t.Errorf("expandName(%.20q...) = %q, %v, %v; want the 253 characters whole", in, got, ok, err)
		}
	}
	// One label over 253 characters cannot be cut to fit.
	if _, ok, err := e.expandName(context.Background(), strings.Repeat("x", 250)+"%{d}", "example.com"); ok || err != nil {
		t.Errorf("a 261-character name with a 254-character first label: ok %v, %v", ok, err)
	}
	if _, ok, _ := e.expandName(context.Background(), "192.0.2.1", "example.com"); ok {
		t.Error("an address literal was taken as a name")
	}
}

// FuzzExpand checks that macro expansion never panics and agrees with the
// syntax check: a string scanMacro accepts expands without error (but
// ErrIdentityTooLong for a sender over the limits), and the output holds
// no unexpanded macro.
func FuzzExpand(f *testing.F) {
	for _, s := range []string{
		"%{ir}.%{v}._spf.%{d2}", "%{l1r-}.lp", "%{S}%%%_%-", "%{d999}", "%{c}%{r}%{t}", "plain.example.com",
		"%{p}", "%{h}", "%{o-+,/_=}", "%{", "%{d0}", "%",
	} {
		f.Add(s, "192.0.2.1", "user.name@example.com")
	}
	f.Add("%{i}", "2001:db8::1", "@x")
	f.Fuzz(func(t *testing.T, s, ip, sender string) {
		addr, err := netip.ParseAddr(ip)
		if err != nil || addr.Zone() != "" {
			return
		}
		if !strings.Contains(sender, "@") {
			sender = "postmaster@" + sender
		}
		e := newTestEval(addr.String(), sender)
		e.res = domainauth.MustFakeResolver("") // %{p} finds no PTR
		_, _, serr := scanMacro(s, true, true)
		got, err := e.expandText(context.Background(), s, "example.com")
		long := len(e.local) > e.maxLocal || len(e.senderDomain) > MaxDomainLength
		if serr == nil && err != nil && !(long && errors.Is(err, ErrIdentityTooLong)) {
			t.Fatalf("scanMacro accepts %q but expand fails: %v", s, err)
		}
		if err == nil && serr == nil && strings.Contains(got, "%{") && !strings.Contains(s, "%%{") {
			t.Fatalf("expand(%q) left a macro: %q", s, got)
		}
	})
}

// TestQueryNameAddressLiterals: an expanded target that is an IP address
// literal is never looked up; ordinary names take the fast path past the
// address parser and are still checked as names.
func TestQueryNameAddressLiterals(t *testing.T) {
	for _, tt := range []struct {
		in string
		ok bool
	}{
		{"192.0.2.1", false},
		{"2001:db8::1", false},
		{"::ffff:192.0.2.1", false},
		{"example.com", true},
		{"1.2.3.example", true},
		{"a:b", false},
	} {
		if _, ok := finishName(tt.in); ok != tt.ok {
			t.Errorf("finishName(%q) ok = %v, want %v", tt.in, ok, tt.ok)
		}
	}
}
