package tracking_test

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth/tracking"
)

var sinkString string
var sinkLink *tracking.Link

// A typical marketing destination, with a query string.
const benchDest = "https://shop.example.com/products/blue-widget?utm_source=newsletter&utm_medium=email&utm_campaign=2026-11-spring-sale&id=123456"

func BenchmarkLink(b *testing.B) {
	for _, tc := range []struct {
		name string
		dest string
	}{
		{"short", "https://example.com/"},
		{"typical", benchDest},
		{"2KiB", "https://example.com/?q=" + strings.Repeat("x", 2048)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			l := fuzzLinker(b)
			l.TTL = 30 * 24 * time.Hour
			b.ReportAllocs()
			for b.Loop() {
				s, err := l.Link(tc.dest)
				if err != nil {
					b.Fatal(err)
				}
				sinkString = s
			}
		})
	}
}

func BenchmarkVerify(b *testing.B) {
	l := fuzzLinker(b)
	current, _ := l.Link(benchDest)
	old := &tracking.Linker{Host: l.Host, Keys: mustKeyring(b, tracking.Key{ID: "k1", Secret: secretOld}), Now: clock}
	older, _ := old.Link(benchDest) // signed by the second key of l's ring
	tampered := current[:len(current)-3] + "AAA"
	for _, tc := range []struct {
		name, link string
		ok         bool
	}{
		{"current-key", current, true},
		{"older-key", older, true},
		{"tampered", tampered, false},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				link, err := l.Verify(tc.link)
				if (err == nil) != tc.ok {
					b.Fatal(err)
				}
				sinkLink = link
			}
		})
	}
}

func BenchmarkRedirector(b *testing.B) {
	l := fuzzLinker(b)
	link, _ := l.Link(benchDest)
	h := &tracking.Redirector{Linker: l}
	req := httptest.NewRequest("GET", link, nil)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusFound {
			b.Fatal(rec.Code)
		}
	}
}

func BenchmarkParseHSTS(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tracking.ParseHSTS("max-age=31536000; includeSubDomains; preload"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPublicOnly: the guard runs on every address before a
// connection and again in the socket's Control hook.
func BenchmarkPublicOnly(b *testing.B) {
	for _, s := range []string{"8.8.8.8", "2606:4700::1", "64:ff9b::808:808", "10.0.0.1"} {
		a := netip.MustParseAddr(s)
		b.Run(s, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = tracking.PublicOnly(a)
			}
		})
	}
}
