package tracking_test

import (
	"bytes"
	"errors"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth/tracking"
)

func fuzzLinker(t testing.TB) *tracking.Linker {
	return &tracking.Linker{
		Host: "link.example.com",
		Keys: mustKeyring(t, tracking.Key{ID: "k2", Secret: secretNew}, tracking.Key{ID: "k1", Secret: secretOld}),
		Now:  clock,
	}
}

// FuzzParseLink feeds arbitrary URLs to the parser and the verifier.
// Invariants: no panic; Verify fails with one of the package's errors or
// succeeds only for a link that Link would have produced, byte for byte
// (so the fuzzer cannot find a second encoding of a signed link); a
// verified destination is an http(s) URL.
func FuzzParseLink(f *testing.F) {
	l := fuzzLinker(f)
	good, _ := l.Link("https://example.com/welcome?utm=mail")
	l.TTL = 24 * time.Hour
	expiring, _ := l.Link("http://example.com/")
	l.TTL = 0
	for _, s := range []string{
		good,
		expiring,
		"https://link.example.com/c/k2.0.aHR0cHM6Ly9leGFtcGxlLmNvbS8.AAAA",
		"https://link.example.com/c/k2.0..",
		"https://link.example.com/c/....",
		"https://link.example.com/c/k2.-1.aHR0cDovL2Eu.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
		"http://link.example.com/c/k%32.0.x.y",
		"https://[::1]/c/a.b.c.d",
		good + "?utm=x#frag",
		strings.Replace(good, "/c/k2", "/c/%6B2", 1),
		"javascript:alert(1)",
		"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if p, err := tracking.ParseLink(s, ""); err == nil && p.KeyID == "" {
			t.Fatalf("ParseLink(%q) gave no key id", s)
		}
		link, err := l.Verify(s)
		if err != nil {
			known := []error{tracking.ErrMalformedLink, tracking.ErrLinkTooLong, tracking.ErrWrongHost,
				tracking.ErrUnknownKey, tracking.ErrBadSignature, tracking.ErrExpired, tracking.ErrBadDestination}
			for _, k := range known {
				if errors.Is(err, k) {
					return
				}
			}
			t.Fatalf("Verify(%q): unexpected error %v", s, err)
		}
		again, err := l.LinkExpiring(link.Destination, link.Expires)
		if err != nil {
			t.Fatalf("verified %q but cannot rebuild: %v", s, err)
		}
		// Only the current key signs new links. The URL may differ in
		// the letter case of the scheme or host, percent-encoding, a
		// query or a fragment; the decoded token must not.
		u, err := url.Parse(s)
		if err != nil {
			t.Fatalf("verified %q, which does not parse: %v", s, err)
		}
		tok := strings.TrimPrefix(u.Path, "/c/")
		if link.KeyID == "k2" && !strings.HasSuffix(again, "/c/"+tok) {
			t.Fatalf("verified %q, rebuilt %q", s, again)
		}
		if !strings.HasPrefix(link.Destination, "http://") && !strings.HasPrefix(link.Destination, "https://") {
			t.Fatalf("verified destination %q", link.Destination)
		}
	})
}

// FuzzLinkRoundTrip builds a link for an arbitrary destination and expiry.
// Invariants: Link either refuses the destination or returns a link that
// verifies to the same destination and expiry, through Verify and through
// the Redirector's parsing of the path.
func FuzzLinkRoundTrip(f *testing.F) {
	for _, s := range []string{
		"https://example.com/",
		"http://example.com/a?b=c#d",
		"https://例え.jp/パス",
		"https://example.com/" + strings.Repeat("x", 3000),
		"HTTP://Example.COM",
		"https://example.com/\x00",
		"javascript:alert(1)",
	} {
		f.Add(s, int64(0))
		f.Add(s, int64(3600))
	}
	f.Fuzz(func(t *testing.T, dest string, ttl int64) {
		l := fuzzLinker(t)
		var exp time.Time
		if ttl > 0 && ttl < 1<<40 {
			exp = testNow.Add(time.Duration(ttl) * time.Second)
		}
		link, err := l.LinkExpiring(dest, exp)
		if err != nil {
			if !errors.Is(err, tracking.ErrBadDestination) && !errors.Is(err, tracking.ErrLinkTooLong) {
				t.Fatalf("Link(%q): %v", dest, err)
			}
			return
		}
		got, err := l.Verify(link)
		if err != nil {
			t.Fatalf("Verify(Link(%q)) = %v", dest, err)
		}
		if got.Destination != dest || !got.Expires.Equal(exp) {
			t.Fatalf("round trip: %q %v, want %q %v", got.Destination, got.Expires, dest, exp)
		}
		if !bytes.Contains([]byte(link), []byte("/c/k2.")) {
			t.Fatalf("link %q not under the prefix with the current key", link)
		}
	})
}

// FuzzParseHSTS: no panic; a valid policy prints to a header that parses
// back to the same policy.
func FuzzParseHSTS(f *testing.F) {
	for _, s := range []string{
		"max-age=31536000; includeSubDomains; preload",
		`max-age="0"`,
		"max-age=10; max-age=10",
		"includeSubDomains=1; max-age=3",
		";;;max-age=99999999999999999999",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := tracking.ParseHSTS(s)
		if err != nil {
			return
		}
		back, err := tracking.ParseHSTS(h.String())
		if err != nil || back != h {
			t.Fatalf("ParseHSTS(%q) = %+v; String %q parses to %+v, %v", s, h, h.String(), back, err)
		}
	})
}

// FuzzPublicOnly checks the guard's invariants on any address: an IPv4
// address and its IPv4-mapped and NAT64 (64:ff9b::/96) forms get the same
// verdict, 6to4 carrying a refused address is refused, every refusal wraps
// ErrForbiddenAddress, and a zone changes nothing.
func FuzzPublicOnly(f *testing.F) {
	for _, s := range []string{"8.8.8.8", "10.0.0.1", "127.0.0.1", "169.254.169.254", "168.63.129.16", "198.18.0.1", "240.0.0.1", "100.64.0.1", "192.0.0.9", "2606:4700::1", "64:ff9b::a00:1", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "fec0::1", "::7f00:1"} {
		b := netip.MustParseAddr(s).As16()
		f.Add(b[:])
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) != 16 {
			return
		}
		a := netip.AddrFrom16([16]byte(b))
		err := tracking.PublicOnly(a)
		if err != nil && !errors.Is(err, tracking.ErrForbiddenAddress) {
			t.Fatalf("PublicOnly(%s) = %v, not ErrForbiddenAddress", a, err)
		}
		if zerr := tracking.PublicOnly(a.WithZone("eth0")); (zerr == nil) != (err == nil) {
			t.Fatalf("PublicOnly(%s) = %v, with a zone %v", a, err, zerr)
		}
		v4 := netip.AddrFrom4([4]byte(b[12:]))
		want := tracking.PublicOnly(v4) == nil
		mapped := netip.AddrFrom16([16]byte{10: 0xff, 11: 0xff, 12: b[12], 13: b[13], 14: b[14], 15: b[15]})
		nat64 := netip.AddrFrom16([16]byte{1: 0x64, 2: 0xff, 3: 0x9b, 12: b[12], 13: b[13], 14: b[14], 15: b[15]})
		for _, form := range []netip.Addr{mapped, nat64} {
			if got := tracking.PublicOnly(form) == nil; got != want {
				t.Fatalf("PublicOnly(%s) allowed %v, PublicOnly(%s) allowed %v", form, got, v4, want)
			}
		}
		if !want {
			sixToFour := netip.AddrFrom16([16]byte{0: 0x20, 1: 0x02, 2: b[12], 3: b[13], 4: b[14], 5: b[15], 15: 1})
			if tracking.PublicOnly(sixToFour) == nil {
				t.Fatalf("PublicOnly(%s) allowed, carrying refused %s", sixToFour, v4)
			}
		}
	})
}
