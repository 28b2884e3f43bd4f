package spf

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/domainauth/domainauth"
)

// The unbounded reference for the bounded expanders: the whole expansion,
// built left to right, then RFC 7208 section 7.3's cut applied to the whole
// name. This is how the package expanded macros before issue 17; the
// differential tests check that expandName and expandText give the same
// answers while producing only what the cut keeps.

// refExpand returns the whole expansion of s.
func (e *evaluation) refExpand(ctx context.Context, s, d string, explain bool) (string, error) {
	var out []byte
	for i := 0; i < len(s); {
		c := s[i]
		if c != '%' {
			out = append(out, c)
			i++
			continue
		}
		if i+1 >= len(s) {
			return "", fmt.Errorf("%w: at offset %d", ErrBadMacro, i)
		}
		switch s[i+1] {
		case '%':
			out = append(out, '%')
			i += 2
			continue
		case '_':
			out = append(out, ' ')
			i += 2
			continue
		case '-':
			out = append(out, "%20"...)
			i += 2
			continue
		case '{':
		default:
			return "", fmt.Errorf("%w: at offset %d", ErrBadMacro, i)
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return "", fmt.Errorf("%w: at offset %d", ErrBadMacro, i)
		}
		m, ok := parseMacro(s[i+2:i+end], explain)
		if !ok {
			return "", fmt.Errorf("%w: at offset %d", ErrBadMacro, i)
		}
		var err error
		out, err = e.appendMacro(ctx, out, m, d)
		if err != nil {
			return "", err
		}
		i += end + 1
	}
	return string(out), nil
}

// refQueryName applies the cut of RFC 7208 section 7.3 to a whole name the
// way the text says: drop the final dot of a fully qualified name, then
// remove labels from the left, with their dots, while it is longer than
// 253 characters; then check the result as a name to look up.
func refQueryName(name string) (string, bool) {
	name = strings.TrimSuffix(name, ".")
	for len(name) > 253 {
		i := strings.IndexByte(name, '.')
		if i < 0 {
			return name, false
		}
		name = name[i+1:]
	}
	if _, err := netip.ParseAddr(name); err == nil {
		return name, false
	}
	_, ok := validDomain(name)
	return name, ok
}

// diffCheck compares the bounded expanders with the reference on one
// macro-string, as a domain-spec and as an explanation cut to maxExpl
// bytes. Identities are within their limits (the caller sees to it), so
// errors can only be bad macros, which both must find.
func diffCheck(t *testing.T, ip netip.Addr, sender, helo, d, s string, maxExpl int) {
	t.Helper()
	ctx := context.Background()
	mk := func() *evaluation {
		e := newTestEval(ip.String(), sender)
		e.c.HELO = helo
		e.maxLocal = 1 << 20
		e.maxExpl = maxExpl
		e.res = domainauth.MustFakeResolver("") // %{p} finds no PTR
		return e
	}
	ref, rerr := mk().refExpand(ctx, s, d, false)
	name, ok, err := mk().expandName(ctx, s, d)
	if (rerr != nil) != (err != nil) || err != nil && !errors.Is(err, ErrBadMacro) {
		t.Fatalf("domain-spec %q: reference error %v, expandName error %v", s, rerr, err)
	}
	if err == nil {
		rn, rok := refQueryName(ref)
		switch {
		case ok != rok:
			t.Fatalf("domain-spec %q: expands to %q (%d), cut to %q, usable %v; expandName gives %q, usable %v", s, ref, len(ref), rn, rok, name, ok)
		case len(rn) <= maxName && name != rn:
			t.Fatalf("domain-spec %q: expands to %q (%d), cut to %q; expandName gives %q", s, ref, len(ref), rn, name)
		case len(rn) > maxName && len(name) <= maxName:
			t.Fatalf("domain-spec %q: expands to %q (%d) which cannot be cut; expandName gives %q", s, ref, len(ref), name)
		}
	}
	ref, rerr = mk().refExpand(ctx, s, d, true)
	text, err := mk().expandText(ctx, s, d)
	if (rerr != nil) != (err != nil) || err != nil && !errors.Is(err, ErrBadMacro) {
		t.Fatalf("explanation %q: reference error %v, expandText error %v", s, rerr, err)
	}
	if want := ref[:min(len(ref), maxExpl)]; err == nil && text != want {
		t.Fatalf("explanation %q, limit %d: want %q, expandText gives %q", s, maxExpl, want, text)
	}
}

// randomMacroString builds a macro-string of n tokens: literals (with the
// braces, dots and delimiters that could confuse a parser reading from the
// right), escapes, macros with every transformer, long labels, and now and
// then a bad macro.
func randomMacroString(r *rand.Rand, n int) string {
	literals := []string{"a", "bc", ".", "..", "-", "_", "=", "{", "}", "{d}", "d}", "r}", ".x", "%%", "%_", "%-", "%%{d}", "%%%_",
		strings.Repeat("q", 60) + ".", strings.Repeat("w", 70), "example.com", "1.2.3.4"}
	var b strings.Builder
	for range n {
		switch x := r.IntN(100); {
		case x < 40:
			b.WriteString(literals[r.IntN(len(literals))])
		case x < 98:
			b.WriteString("%{")
			b.WriteByte("slodiphvSLODIPHVcrt"[r.IntN(19)])
			if r.IntN(2) == 0 {
				b.WriteString(strconv.Itoa(1 + r.IntN(12)))
			}
			if r.IntN(3) == 0 {
				b.WriteByte("rR"[r.IntN(2)])
			}
			for range r.IntN(3) {
				b.WriteByte(".-+,/_="[r.IntN(7)])
			}
			b.WriteString("}")
		default:
			b.WriteString([]string{"%", "%x", "%{d", "%{d0}", "%{}", "%{x}", "%{d2x}"}[r.IntN(7)])
		}
	}
	return b.String()
}

// randomLabels returns a name of about n characters of short labels, with
// characters that upper-case macros escape.
func randomLabels(r *rand.Rand, n int, chars string) string {
	b := make([]byte, 0, n)
	for len(b) < n {
		if len(b) > 0 && r.IntN(5) == 0 {
			b = append(b, '.')
		}
		b = append(b, chars[r.IntN(len(chars))])
	}
	return string(b[:n])
}

// TestExpandDifferential runs the bounded expanders against the reference
// on random macro-strings, senders, HELO names and client addresses, from
// a few tokens to several hundred (expansions of many kilobytes, cut on the
// left for names and on the right for explanations).
func TestExpandDifferential(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 7208))
	cases := 20000
	if testing.Short() {
		cases = 2000
	}
	for range cases {
		var ip netip.Addr
		if r.IntN(2) == 0 {
			ip = netip.AddrFrom4([4]byte{byte(r.IntN(256)), byte(r.IntN(256)), byte(r.IntN(256)), byte(r.IntN(256))})
		} else {
			var a [16]byte
			for i := range a {
				a[i] = byte(r.IntN(256))
			}
			ip = netip.AddrFrom16(a)
		}
		local := randomLabels(r, r.IntN(DefaultMaxLocalPart+1), "abcxyz019=+!~-_")
		if local == "" {
			local = "postmaster"
		}
		sender := local + "@" + randomLabels(r, 1+r.IntN(MaxDomainLength), "abcdefghij-")
		helo := randomLabels(r, 1+r.IntN(MaxDomainLength), "mnopq")
		d := randomLabels(r, 3+r.IntN(maxName-3), "defgh")
		n := 1 + r.IntN(12)
		if r.IntN(4) == 0 {
			n = 50 + r.IntN(400)
		}
		diffCheck(t, ip, sender, helo, d, randomMacroString(r, n), 1+r.IntN(600))
	}
}

// FuzzExpandBounded is the differential test as a fuzz target: any
// macro-string, sender and limit, against the reference.
func FuzzExpandBounded(f *testing.F) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 20 {
		f.Add(randomMacroString(r, 1+i*i), "user.name=x@mail.example.com", true, uint16(1+i*30))
	}
	f.Add(strings.Repeat("%{S}", 300)+".%{d}", "a=.b=.c@example.com", false, uint16(400))
	f.Add("%%%{d}}%%%_%{l1r-}.%%{d}x", "strong-bad@email.example.com", true, uint16(10))
	f.Fuzz(func(t *testing.T, s, sender string, v4 bool, maxExpl uint16) {
		local, domain, found := strings.Cut(sender, "@")
		if !found || local == "" || len(domain) > MaxDomainLength || len(s) > 4096 {
			return
		}
		ip := netip.MustParseAddr("2001:db8::cb01")
		if v4 {
			ip = netip.MustParseAddr("192.0.2.3")
		}
		diffCheck(t, ip, sender, "mx.example.org", "email.example.com", s, 1+int(maxExpl))
	})
}
