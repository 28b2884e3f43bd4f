package tracking_test

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth/tracking"
)

var (
	secretOld = bytes.Repeat([]byte("o"), 32)
	secretNew = bytes.Repeat([]byte("n"), 32)
)

func mustKeyring(t testing.TB, keys ...tracking.Key) *tracking.Keyring {
	t.Helper()
	k, err := tracking.NewKeyring(keys[0], keys[1:]...)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func newLinker(t testing.TB, keys ...tracking.Key) *tracking.Linker {
	if len(keys) == 0 {
		keys = []tracking.Key{{ID: "k2", Secret: secretNew}, {ID: "k1", Secret: secretOld}}
	}
	return &tracking.Linker{Host: "link.example.com", Keys: mustKeyring(t, keys...), Now: clock}
}

func TestLinkRoundTrip(t *testing.T) {
	l := newLinker(t)
	dests := []string{
		"https://example.com/",
		"http://example.com/path?q=1&r=a%20b#frag",
		"https://例え.jp/パス?x=ü",
		"https://example.com:8443/a/b/../c",
		"HTTPS://EXAMPLE.COM/UPPER", // url.Parse lowers the scheme
	}
	for _, d := range dests {
		link, err := l.Link(d)
		if err != nil {
			t.Fatalf("Link(%q): %v", d, err)
		}
		if !strings.HasPrefix(link, "https://link.example.com/c/k2.0.") {
			t.Errorf("Link(%q) = %q", d, link)
		}
		got, err := l.Verify(link)
		if err != nil {
			t.Fatalf("Verify(%q): %v", link, err)
		}
		if got.Destination != d || got.KeyID != "k2" || !got.Expires.IsZero() || got.Host != "link.example.com" {
			t.Errorf("Verify(Link(%q)) = %+v", d, got)
		}
		// Signing is deterministic.
		if again, _ := l.Link(d); again != link {
			t.Errorf("Link(%q) not deterministic: %q, %q", d, link, again)
		}
	}
}

func TestLinkBadDestination(t *testing.T) {
	l := newLinker(t)
	for _, d := range []string{
		"javascript:alert(1)",
		"data:text/html,<script>alert(1)</script>",
		"//evil.example/",
		"/relative",
		"ftp://example.com/",
		"https://",
		"https://user:pass@bank.example@evil.example/",
		"https://bank.example@evil.example/",
		"http://exa mple.com/\n",
		"",
	} {
		if link, err := l.Link(d); !errors.Is(err, tracking.ErrBadDestination) {
			t.Errorf("Link(%q) = %q, %v; want ErrBadDestination", d, link, err)
		}
	}
}

func TestLinkExpiry(t *testing.T) {
	l := newLinker(t)
	l.TTL = time.Hour
	link, err := l.Link("https://example.com/")
	if err != nil {
		t.Fatal(err)
	}
	got, err := l.Verify(link)
	if err != nil {
		t.Fatal(err)
	}
	if want := testNow.Add(time.Hour); !got.Expires.Equal(want) {
		t.Errorf("Expires = %v, want %v", got.Expires, want)
	}
	// Valid one second before the expiry, expired at it (the expiry
	// instant is the first moment the link no longer works).
	at := func(d time.Time) *tracking.Linker {
		c := *l
		c.Now = func() time.Time { return d }
		return &c
	}
	if _, err := at(testNow.Add(time.Hour - time.Second)).Verify(link); err != nil {
		t.Errorf("one second before expiry: %v", err)
	}
	if _, err := at(testNow.Add(time.Hour)).Verify(link); !errors.Is(err, tracking.ErrExpired) {
		t.Errorf("at expiry: %v, want ErrExpired", err)
	}
}

func TestLinkVerifyErrors(t *testing.T) {
	l := newLinker(t)
	link, err := l.Link("https://example.com/welcome")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(strings.TrimPrefix(link, "https://link.example.com/c/"), ".")
	join := func(p ...string) string { return "https://link.example.com/c/" + strings.Join(p, ".") }
	flip := func(s string) string { // change one character
		b := []byte(s)
		if b[0] == 'A' {
			b[0] = 'B'
		} else {
			b[0] = 'A'
		}
		return string(b)
	}
	// Another destination with the original signature.
	evil := "aHR0cHM6Ly9ldmlsLmV4YW1wbGUv" // base64url("https://evil.example/")
	expiredLinker := newLinker(t)
	expiredLinker.TTL = time.Minute
	expiredLink, _ := expiredLinker.Link("https://example.com/")
	later := newLinker(t)
	later.Now = func() time.Time { return testNow.Add(time.Hour) }

	foreign := newLinker(t, tracking.Key{ID: "k9", Secret: bytes.Repeat([]byte("x"), 32)})
	foreignLink, _ := foreign.Link("https://example.com/")
	otherHost := newLinker(t)
	otherHost.Host = "click.other.example"
	otherHostLink, _ := otherHost.Link("https://example.com/")

	tests := []struct {
		name   string
		linker *tracking.Linker
		link   string
		want   error
	}{
		{"destination swapped", l, join(parts[0], parts[1], evil, parts[3]), tracking.ErrBadSignature},
		{"signature changed", l, join(parts[0], parts[1], parts[2], flip(parts[3])), tracking.ErrBadSignature},
		{"expiry added", l, join(parts[0], "zzzzzz", parts[2], parts[3]), tracking.ErrBadSignature},
		{"key id changed to the old key", l, join("k1", parts[1], parts[2], parts[3]), tracking.ErrBadSignature},
		{"unknown key id", l, foreignLink, tracking.ErrUnknownKey},
		{"expired", later, expiredLink, tracking.ErrExpired},
		{"link of another tracking host", l, otherHostLink, tracking.ErrWrongHost},
		{"token moved to another host", l, strings.Replace(otherHostLink, "click.other.example", "link.example.com", 1), tracking.ErrBadSignature},
		{"three parts", l, join(parts[0], parts[1], parts[2]), tracking.ErrMalformedLink},
		{"five parts", l, join(parts[0], parts[1], parts[2], parts[3], "x"), tracking.ErrMalformedLink},
		{"padding in base64", l, join(parts[0], parts[1], parts[2]+"=", parts[3]), tracking.ErrMalformedLink},
		{"short signature", l, join(parts[0], parts[1], parts[2], parts[3][:20]), tracking.ErrMalformedLink},
		{"expiry with leading zero", l, join(parts[0], "01", parts[2], parts[3]), tracking.ErrMalformedLink},
		{"expiry in upper case", l, join(parts[0], "ZZ", parts[2], parts[3]), tracking.ErrMalformedLink},
		{"negative expiry", l, join(parts[0], "-1", parts[2], parts[3]), tracking.ErrMalformedLink},
		{"bad key id", l, join("k 1", parts[1], parts[2], parts[3]), tracking.ErrMalformedLink},
		{"wrong prefix", l, strings.Replace(link, "/c/", "/x/", 1), tracking.ErrMalformedLink},
		{"not a URL", l, "::::", tracking.ErrMalformedLink},
		// Only http(s) with a host is a tracked link: another scheme, or
		// no host, is refused before the path is looked at.
		{"ftp scheme", l, strings.Replace(link, "https://", "ftp://", 1), tracking.ErrMalformedLink},
		{"no host", l, strings.Replace(link, "https://link.example.com", "https://", 1), tracking.ErrMalformedLink},
		{"too long", l, link + strings.Repeat("A", 5000), tracking.ErrLinkTooLong},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.linker.Verify(tc.link)
			if !errors.Is(err, tc.want) || got != nil {
				t.Errorf("Verify = %+v, %v; want %v", got, err, tc.want)
			}
			// A link that does not parse is a *SyntaxError for the whole
			// link; one that parses but does not verify is not.
			syntax := tc.want == tracking.ErrMalformedLink || tc.want == tracking.ErrLinkTooLong
			var se *tracking.SyntaxError
			if errors.As(err, &se) != syntax || errors.Is(err, tracking.ErrSyntax) != syntax || syntax && se.Input != tc.link {
				t.Errorf("Verify: %v (%T); want a *SyntaxError for the link: %v", err, err, syntax)
			}
		})
	}
}

func TestKeyRotation(t *testing.T) {
	oldKey := tracking.Key{ID: "k1", Secret: secretOld}
	newKey := tracking.Key{ID: "k2", Secret: secretNew}
	before := newLinker(t, oldKey)
	link, err := before.Link("https://example.com/")
	if err != nil {
		t.Fatal(err)
	}
	// Rotated: k2 signs, k1 still verifies.
	during := newLinker(t, newKey, oldKey)
	if _, err := during.Verify(link); err != nil {
		t.Errorf("old link after rotation: %v", err)
	}
	if n, _ := during.Link("https://example.com/"); !strings.Contains(n, "/c/k2.") {
		t.Errorf("new links not signed with k2: %s", n)
	}
	// k1 retired.
	after := newLinker(t, newKey)
	if _, err := after.Verify(link); !errors.Is(err, tracking.ErrUnknownKey) {
		t.Errorf("old link after retirement: %v, want ErrUnknownKey", err)
	}
}

func TestNewKeyring(t *testing.T) {
	good := tracking.Key{ID: "2026-11_a", Secret: secretNew}
	bad := []struct {
		name string
		keys []tracking.Key
	}{
		{"empty id", []tracking.Key{{ID: "", Secret: secretNew}}},
		{"dot in id", []tracking.Key{{ID: "k.1", Secret: secretNew}}},
		{"long id", []tracking.Key{{ID: strings.Repeat("k", 33), Secret: secretNew}}},
		{"short secret", []tracking.Key{{ID: "k", Secret: []byte("short")}}},
		{"duplicate id", []tracking.Key{good, {ID: good.ID, Secret: secretOld}}},
	}
	for _, tc := range bad {
		if _, err := tracking.NewKeyring(tc.keys[0], tc.keys[1:]...); !errors.Is(err, tracking.ErrBadKey) {
			t.Errorf("%s: err = %v, want ErrBadKey", tc.name, err)
		}
	}
	// The longest id allowed is accepted.
	if _, err := tracking.NewKeyring(tracking.Key{ID: strings.Repeat("k", tracking.MaxKeyIDLen), Secret: secretNew}); err != nil {
		t.Errorf("%d-byte id: %v", tracking.MaxKeyIDLen, err)
	}
	k, err := tracking.NewKeyring(good)
	if err != nil || k.CurrentID() != "2026-11_a" {
		t.Fatalf("NewKeyring = %v, %v", k, err)
	}
	// The secret is copied: changing the caller's slice changes nothing.
	secret := bytes.Clone(secretNew)
	k, _ = tracking.NewKeyring(tracking.Key{ID: "k", Secret: secret})
	l := &tracking.Linker{Host: "link.example.com", Keys: k}
	link, _ := l.Link("https://example.com/")
	secret[0] ^= 1
	if _, err := l.Verify(link); err != nil {
		t.Errorf("after changing the caller's secret: %v", err)
	}
}

func TestLinkerConfig(t *testing.T) {
	k := mustKeyring(t, tracking.Key{ID: "k", Secret: secretNew})
	for _, l := range []*tracking.Linker{
		{Host: "link.example.com"},                           // no keys
		{Host: "", Keys: k},                                  // no host
		{Host: "link.example.com", Keys: k, Scheme: "ftp"},   // scheme
		{Host: "link.example.com", Keys: k, Prefix: "c/"},    // prefix must start with '/'
		{Host: "link.example.com", Keys: k, Prefix: "/c"},    // and end with '/'
		{Host: "link.example.com", Keys: k, Prefix: "/c?x/"}, // no query in it
	} {
		if link, err := l.Link("https://example.com/"); err == nil {
			t.Errorf("%+v: Link = %q, want error", l, link)
		}
	}
	l := &tracking.Linker{Host: "Link.Example.COM", Keys: k, Scheme: "http", Prefix: "/r/t/"}
	link, err := l.Link("https://example.com/")
	if err != nil || !strings.HasPrefix(link, "http://link.example.com/r/t/k.0.") {
		t.Errorf("Link = %q, %v", link, err)
	}
	if _, err := l.Verify(link); err != nil {
		t.Errorf("Verify: %v", err)
	}
	l.MaxLength = 60
	if _, err := l.Link("https://example.com/" + strings.Repeat("a", 100)); !errors.Is(err, tracking.ErrLinkTooLong) {
		t.Errorf("long link: %v, want ErrLinkTooLong", err)
	}
}

func TestRedirector(t *testing.T) {
	l := newLinker(t)
	valid, _ := l.Link("https://example.com/welcome?utm=mail")
	l.TTL = time.Minute
	expiring, _ := l.Link("https://example.com/")
	l.TTL = 0
	later := *l
	later.Now = func() time.Time { return testNow.Add(time.Hour) }
	foreign := newLinker(t, tracking.Key{ID: "k9", Secret: bytes.Repeat([]byte("x"), 32)})
	unknownKey, _ := foreign.Link("https://example.com/")
	tampered := valid[:len(valid)-2] + "AA"
	if tampered == valid {
		tampered = valid[:len(valid)-2] + "AB"
	}
	path := func(link string) string { return strings.TrimPrefix(link, "https://link.example.com") }

	var clicks []string
	h := &tracking.Redirector{Linker: &later, OnClick: func(_ *http.Request, link *tracking.Link) {
		clicks = append(clicks, link.Destination)
	}}
	tests := []struct {
		name     string
		method   string
		target   string
		code     int
		location string
	}{
		{"valid link", "GET", path(valid), http.StatusFound, "https://example.com/welcome?utm=mail"},
		{"HEAD works too", "HEAD", path(valid), http.StatusFound, "https://example.com/welcome?utm=mail"},
		{"query string is ignored", "GET", path(valid) + "?x=1", http.StatusFound, "https://example.com/welcome?utm=mail"},
		{"tampered", "GET", path(tampered), http.StatusForbidden, ""},
		{"unknown key", "GET", path(unknownKey), http.StatusForbidden, ""},
		{"expired", "GET", path(expiring), http.StatusGone, ""},
		{"malformed", "GET", "/c/nonsense", http.StatusBadRequest, ""},
		{"outside the prefix", "GET", "/favicon.ico", http.StatusNotFound, ""},
		{"POST", "POST", path(valid), http.StatusMethodNotAllowed, ""},
		{"too long", "GET", "/c/" + strings.Repeat("a", 5000), http.StatusRequestURITooLong, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clicks = nil
			req := httptest.NewRequest(tc.method, "http://link.example.com"+tc.target, nil)
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.code {
				t.Errorf("status = %d, want %d (%s)", rec.Code, tc.code, rec.Body)
			}
			if got := rec.Header().Get("Location"); got != tc.location {
				t.Errorf("Location = %q, want %q", got, tc.location)
			}
			if tc.location != "" && (len(clicks) != 1 || clicks[0] != tc.location) {
				t.Errorf("clicks = %q", clicks)
			}
			if tc.location == "" && len(clicks) != 0 {
				t.Errorf("click recorded for a rejected link: %q", clicks)
			}
		})
	}

	// RFC 9110 section 15.5.6: a 405 lists the allowed methods.
	rec405 := httptest.NewRecorder()
	h.ServeHTTP(rec405, httptest.NewRequest("POST", path(valid), nil))
	if got := rec405.Header().Get("Allow"); got != "GET, HEAD" {
		t.Errorf("405 Allow = %q, want \"GET, HEAD\"", got)
	}

	// A Redirector without a Linker fails closed.
	rec0 := httptest.NewRecorder()
	(&tracking.Redirector{}).ServeHTTP(rec0, httptest.NewRequest("GET", path(valid), nil))
	if rec0.Code != http.StatusInternalServerError || rec0.Header().Get("Location") != "" {
		t.Errorf("no Linker: %d", rec0.Code)
	}

	// 307 on request; the Host header does not matter.
	h307 := &tracking.Redirector{Linker: l, StatusCode: http.StatusTemporaryRedirect}
	req := httptest.NewRequest("GET", "http://attacker.example"+path(valid), nil)
	rec := httptest.NewRecorder()
	h307.ServeHTTP(rec, req)
	if rec.Code != http.StatusTemporaryRedirect || rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("307: %d %v", rec.Code, rec.Header())
	}
}

// TestLinkerPrefixIsAPath: Prefix is written as it is into every link.
// A prefix with a line break or another control character gave links
// that the Linker's own Verify refused (net/url rejects them) and that
// break the line of a message or header they are written into; a space,
// a quote, '<', '>' or a backslash gave links that end early in text and
// HTML or that browsers rewrite ('\' becomes '/'); a "." or ".." segment
// is removed by browsers before the request. Link must refuse such a
// prefix; a prefix of path characters still links and verifies.
func TestLinkerPrefixIsAPath(t *testing.T) {
	k := mustKeyring(t, tracking.Key{ID: "k", Secret: secretNew})
	for _, p := range []string{"/a\r\nb/", "/a\nb/", "/a\x00/", "/a\tb/", "/a\x7f/", "/a b/", "/a\\b/", `/a"b/`, "/<x>/", "/a`b/", "/a{b}/", "/a|b/", "/a^b/", "/../", "/./", "/c/../", "/c/./d/"} {
		l := &tracking.Linker{Host: "link.example.com", Keys: k, Prefix: p}
		if link, err := l.Link("https://example.com/"); err == nil {
			t.Errorf("Prefix %q: Link = %q, want error", p, link)
		} else if !strings.Contains(err.Error(), "prefix") {
			t.Errorf("Prefix %q: error %q does not name the prefix", p, err)
		}
	}
	for _, p := range []string{"/", "/c/", "/r/t/", "//", "/a.b/", "/.well/", "/a;b=c/", "/~u/", "/a@b:c/", "/a_b-c!$&'()*+,/", "/\u00e9/"} {
		l := &tracking.Linker{Host: "link.example.com", Keys: k, Prefix: p}
		link, err := l.Link("https://example.com/")
		if err != nil {
			t.Errorf("Prefix %q: %v", p, err)
			continue
		}
		if got, err := l.Verify(link); err != nil || got.Destination != "https://example.com/" {
			t.Errorf("Prefix %q: Verify(%q) = %+v, %v", p, link, got, err)
		}
	}
}
