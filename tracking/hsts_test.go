package tracking_test

import (
	"errors"
	"testing"
	"time"

	"github.com/domainauth/domainauth/tracking"
)

func TestParseHSTS(t *testing.T) {
	year := 365 * 24 * time.Hour
	good := []struct {
		in   string
		want tracking.HSTS
	}{
		// RFC 6797 section 6.2 examples.
		{"max-age=31536000", tracking.HSTS{MaxAge: year}},
		{"max-age=15768000 ; includeSubDomains", tracking.HSTS{MaxAge: 15768000 * time.Second, IncludeSubDomains: true}},
		// Quoted value, case-insensitive names (section 6.1).
		{`max-age="31536000"`, tracking.HSTS{MaxAge: year}},
		{"MAX-AGE=10; INCLUDESUBDOMAINS", tracking.HSTS{MaxAge: 10 * time.Second, IncludeSubDomains: true}},
		{"includeSubDomains; max-age=10; preload", tracking.HSTS{MaxAge: 10 * time.Second, IncludeSubDomains: true, Preload: true}},
		// max-age=0: the host is to be forgotten (section 6.1.1).
		{"max-age=0; includeSubDomains", tracking.HSTS{IncludeSubDomains: true}},
		// Unknown directives are ignored; empty ones too.
		{"max-age=5;; foo=bar; baz", tracking.HSTS{MaxAge: 5 * time.Second}},
		// Huge values are clamped, not rejected.
		{"max-age=99999999999999999999999", tracking.HSTS{MaxAge: 9223372036 * time.Second}},
	}
	for _, tc := range good {
		got, err := tracking.ParseHSTS(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseHSTS(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
		}
	}
	bad := []struct {
		in   string
		want error
	}{
		{"", tracking.ErrHSTSMaxAge},                                                    // max-age is required
		{"includeSubDomains", tracking.ErrHSTSMaxAge},                                   // still required
		{"max-age=", tracking.ErrHSTSMaxAge},                                            // no value
		{"max-age=-1", tracking.ErrHSTSMaxAge},                                          // delta-seconds are digits
		{"max-age=1e6", tracking.ErrHSTSMaxAge},                                         // ditto
		{"max-age=10; max-age=20", tracking.ErrHSTSDuplicate},                           // section 6.1 rule 2
		{"max-age=10; includeSubDomains; includesubdomains", tracking.ErrHSTSDuplicate}, // names compare case-insensitively
		{"max-age=10; includeSubDomains=yes", tracking.ErrHSTSDirective},                // valueless directive
		{`max-age=10; "x"=1`, tracking.ErrHSTSDirective},                                // name must be a token
		{"max-age=10; =1", tracking.ErrHSTSDirective},                                   // a token is at least one character
	}
	for _, tc := range bad {
		got, err := tracking.ParseHSTS(tc.in)
		if !errors.Is(err, tc.want) {
			t.Errorf("ParseHSTS(%q) = %+v, %v; want %v", tc.in, got, err, tc.want)
		}
		var se *tracking.SyntaxError
		if !errors.As(err, &se) || !errors.Is(err, tracking.ErrSyntax) || se.Input != tc.in {
			t.Errorf("ParseHSTS(%q): %v (%T), want a *SyntaxError for the input, matching ErrSyntax", tc.in, err, err)
		}
	}
}

func TestHSTSString(t *testing.T) {
	h := tracking.HSTS{MaxAge: 63072000 * time.Second, IncludeSubDomains: true, Preload: true}
	const want = "max-age=63072000; includeSubDomains; preload"
	if got := h.String(); got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	if back, err := tracking.ParseHSTS(want); err != nil || back != h {
		t.Errorf("round trip: %+v, %v", back, err)
	}
}

func TestPreloadedTLD(t *testing.T) {
	tests := []struct {
		host string
		tld  string
	}{
		{"link.example.dev", "dev"},
		{"link.example.app", "app"},
		{"t.shop.page", "page"},
		{"click.example.foo", "foo"},
		{"a.b.c.zip", "zip"},
		{"news.bank", "bank"},
		{"dev", "dev"},
		{"link.example.com", ""},
		{"link.dev.example.com", ""}, // only the top-level label counts
		{"link.example.io", ""},
		{"", ""},
	}
	for _, tc := range tests {
		tld, ok := tracking.PreloadedTLD(tc.host)
		if tld != tc.tld || ok != (tc.tld != "") {
			t.Errorf("PreloadedTLD(%q) = %q, %v; want %q", tc.host, tld, ok, tc.tld)
		}
	}
}

// TestParseHSTSNonASCIIName: a directive name is an RFC 7230 token, ASCII
// only. "\u0130ncludeSubDomains" (capital I with a dot) lowercases under
// Unicode to "includesubdomains", but a browser sees a name that is no
// token and ignores the whole header; so ParseHSTS must reject it rather
// than report includeSubDomains. KELVIN SIGN in "max-age" likewise.
func TestParseHSTSNonASCIIName(t *testing.T) {
	for _, v := range []string{"max-age=31536000; \u0130ncludeSubDomains", "max-age=31536000; includeSubDomains; preload\u212a", "\u212a-age=1; max-age=31536000"} {
		if h, err := tracking.ParseHSTS(v); err == nil {
			t.Errorf("ParseHSTS(%q) = %+v, nil; want an error", v, h)
		}
	}
}
