package tracking

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/domainauth/domainauth/internal/dnsname"
)

// Errors of building, parsing and verifying tracked links. Verify wraps one
// of them; the Redirector maps them to HTTP statuses.
var (
	ErrMalformedLink  = errors.New("malformed link")           // not a link this package made
	ErrLinkTooLong    = errors.New("link too long")            // over Linker.MaxLength
	ErrWrongHost      = errors.New("link for another host")    // the URL's host is not Linker.Host
	ErrUnknownKey     = errors.New("unknown key id")           // retired or never issued key
	ErrBadSignature   = errors.New("signature does not match") // tampered with
	ErrExpired        = errors.New("link expired")
	ErrBadDestination = errors.New("destination not allowed") // not an absolute http(s) URL
	ErrBadKey         = errors.New("invalid key")
)

// Key is one HMAC-SHA256 key of a Keyring. The ID travels in every link so
// that the verifier knows which key signed it; the Secret never leaves the
// server.
type Key struct {
	// ID names the key: 1 to 32 letters, digits, '-' or '_', e.g.
	// "2026-11".
	ID string
	// Secret is the HMAC key: at least 16 bytes of randomness (32
	// recommended, the size of SHA-256's output).
	Secret []byte
}

// Limits of keys.
const (
	MinSecretLen = 16
	MaxKeyIDLen  = 32
	maxKeys      = 64
)

// Keyring holds the current signing key and the older keys that still
// verify. Rotation: create a new key, make it current and keep the old one
// in the ring for as long as links signed with it should work (the longest
// link lifetime), then drop it; links it signed then fail with
// ErrUnknownKey.
type Keyring struct {
	keys []Key // keys[0] signs
}

// NewKeyring returns a keyring that signs with current and verifies with
// current and older. It fails on invalid or duplicate key ids and short
// secrets. The secrets are copied.
func NewKeyring(current Key, older ...Key) (*Keyring, error) {
	all := append([]Key{current}, older...)
	if len(all) > maxKeys {
		return nil, fmt.Errorf("tracking: %w: %d keys, at most %d", ErrBadKey, len(all), maxKeys)
	}
	k := &Keyring{}
	for i, key := range all {
		if !validKeyID(key.ID) {
			return nil, fmt.Errorf("tracking: %w: key %d: id %q must be 1 to %d letters, digits, '-' or '_'", ErrBadKey, i, key.ID, MaxKeyIDLen)
		}
		if len(key.Secret) < MinSecretLen {
			return nil, fmt.Errorf("tracking: %w: key %q: secret of %d bytes, at least %d", ErrBadKey, key.ID, len(key.Secret), MinSecretLen)
		}
		for _, prev := range k.keys {
			if prev.ID == key.ID {
				return nil, fmt.Errorf("tracking: %w: key id %q used twice", ErrBadKey, key.ID)
			}
		}
		k.keys = append(k.keys, Key{ID: key.ID, Secret: append([]byte(nil), key.Secret...)})
	}
	return k, nil
}

// CurrentID returns the id of the key that signs new links.
func (k *Keyring) CurrentID() string { return k.keys[0].ID }

func (k *Keyring) lookup(id string) ([]byte, bool) {
	for _, key := range k.keys {
		if key.ID == id {
			return key.Secret, true
		}
	}
	return nil, false
}

func validKeyID(id string) bool {
	if id == "" || len(id) > MaxKeyIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Defaults of a Linker.
const (
	DefaultLinkPrefix    = "/c/"
	DefaultMaxLinkLength = 4096
)

// Linker builds and verifies tracked links for one tracking host. A link
// looks like
//
//	https://link.example.com/c/2026-11.0.aHR0cHM6Ly9leGFtcGxlLmNvbS8.Dd2k...
//	                           key id  expiry  destination  HMAC-SHA256
//
// The destination (base64url) and the expiry (Unix seconds in base 36, "0"
// for none) are signed together with the tracking host and the key id, so
// no part can be changed, and a link cannot be moved to another tracking
// host, without the signature failing. This is what keeps the redirect
// endpoint from being an open redirect. The destination is readable by
// anyone who decodes the link: do not put secrets in it.
type Linker struct {
	// Host is the tracking host the links point at, e.g.
	// "link.example.com". Required.
	Host string
	// Scheme is "https" (the default) or "http".
	Scheme string
	// Prefix is the path before the token, starting and ending with "/".
	// Default DefaultLinkPrefix ("/c/"). It is written into links as it
	// is, so it may not hold '?', '#', '%', space, control characters or
	// the characters URLs leave out (" < > \ ^ ` { | }), nor "." or ".."
	// segments.
	Prefix string
	// Keys signs and verifies. Required.
	Keys *Keyring
	// TTL, when positive, makes Link set an expiry this far from Now.
	TTL time.Duration
	// Now is the clock for expiry. Default time.Now.
	Now func() time.Time
	// MaxLength bounds the length of a link, built or accepted.
	// Default DefaultMaxLinkLength.
	MaxLength int
}

// Link is a parsed tracked link.
type Link struct {
	Host        string    // the tracking host in the URL
	KeyID       string    // key that signed it
	Expires     time.Time // zero when the link does not expire
	Destination string    // where the link redirects to
	mac         []byte
	expText     string
}

const macLabel = "domainauth-tracking-link-v1"

func (l *Linker) prefix() string {
	if l.Prefix == "" {
		return DefaultLinkPrefix
	}
	return l.Prefix
}

func (l *Linker) maxLength() int {
	if l.MaxLength <= 0 {
		return DefaultMaxLinkLength
	}
	return l.MaxLength
}

func (l *Linker) now() time.Time {
	if l.Now == nil {
		return time.Now()
	}
	return l.Now()
}

func (l *Linker) check() (host, scheme string, err error) {
	if l.Keys == nil || len(l.Keys.keys) == 0 {
		return "", "", errors.New("tracking: Linker has no keys")
	}
	host, err = dnsname.Normalize(l.Host)
	if err != nil {
		return "", "", fmt.Errorf("tracking: Linker host: %w", err)
	}
	scheme = l.Scheme
	switch scheme {
	case "":
		scheme = "https"
	case "http", "https":
	default:
		return "", "", fmt.Errorf("tracking: Linker scheme %q: want http or https", l.Scheme)
	}
	p := l.prefix()
	if !strings.HasPrefix(p, "/") || !strings.HasSuffix(p, "/") || strings.ContainsAny(p, "?#%") {
		return "", "", fmt.Errorf("tracking: Linker prefix %q must start and end with '/'", p)
	}
	if err := checkPrefixPath(p); err != nil {
		return "", "", err
	}
	return host, scheme, nil
}

// checkPrefixPath refuses what a Prefix cannot hold, being written as it
// is into links: control characters (a line break ends the line the link
// is written on, and net/url, so Verify, refuses the link), space and the
// characters RFC 3986 section 2 leaves out of URIs (a link ends at them in
// text and HTML, and browsers make '\' a '/'), and "." and ".." segments,
// which browsers remove before asking (RFC 3986 section 5.2.4).
func checkPrefixPath(p string) error {
	for i := 0; i < len(p); i++ {
		if c := p[i]; c <= ' ' || c == 0x7f || strings.IndexByte("\"<>\\^`{|}", c) >= 0 {
			return fmt.Errorf("tracking: Linker prefix %q: character %q at byte %d is not allowed in a URL path", p, c, i)
		}
	}
	for seg := range strings.SplitSeq(p, "/") {
		if seg == "." || seg == ".." {
			return fmt.Errorf("tracking: Linker prefix %q: a %q segment, which browsers remove", p, seg)
		}
	}
	return nil
}

// Link returns the tracked link for destination, signed with the current
// key, expiring after TTL when TTL is set.
func (l *Linker) Link(destination string) (string, error) {
	var exp time.Time
	if l.TTL > 0 {
		exp = l.now().Add(l.TTL)
	}
	return l.LinkExpiring(destination, exp)
}

// LinkExpiring returns the tracked link for destination that stops working
// at expires (zero: never). Expiry has a resolution of one second.
func (l *Linker) LinkExpiring(destination string, expires time.Time) (string, error) {
	host, scheme, err := l.check()
	if err != nil {
		return "", err
	}
	if _, err := checkDestination(destination); err != nil {
		return "", err
	}
	expText := "0"
	if !expires.IsZero() {
		secs := expires.Unix()
		if secs <= 0 {
			return "", fmt.Errorf("tracking: expiry %v is before 1970", expires)
		}
		expText = strconv.FormatInt(secs, 36)
	}
	key := l.Keys.keys[0]
	mac := sign(key.Secret, host, key.ID, expText, destination)

	enc := base64.RawURLEncoding
	b := make([]byte, 0, len(scheme)+3+len(host)+len(l.prefix())+len(key.ID)+len(expText)+enc.EncodedLen(len(destination))+enc.EncodedLen(len(mac))+3)
	b = append(b, scheme...)
	b = append(b, "://"...)
	b = append(b, host...)
	b = append(b, l.prefix()...)
	b = append(b, key.ID...)
	b = append(b, '.')
	b = append(b, expText...)
	b = append(b, '.')
	b = enc.AppendEncode(b, []byte(destination))
	b = append(b, '.')
	b = enc.AppendEncode(b, mac)
	if len(b) > l.maxLength() {
		return "", fmt.Errorf("tracking: %w: %d bytes, at most %d", ErrLinkTooLong, len(b), l.maxLength())
	}
	return string(b), nil
}

func sign(secret []byte, host, keyID, expText, destination string) []byte {
	m := hmac.New(sha256.New, secret)
	var zero = []byte{0}
	io.WriteString(m, macLabel)
	m.Write(zero)
	io.WriteString(m, host)
	m.Write(zero)
	io.WriteString(m, keyID)
	m.Write(zero)
	io.WriteString(m, expText)
	m.Write(zero)
	io.WriteString(m, destination)
	return m.Sum(make([]byte, 0, sha256.Size))
}

// checkDestination accepts only absolute http and https URLs with a host
// and without user information (https://bank.example@evil.example/ is a
// phishing pattern).
func checkDestination(dest string) (*url.URL, error) {
	u, err := url.Parse(dest)
	if err != nil {
		return nil, fmt.Errorf("tracking: %w: %v", ErrBadDestination, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("tracking: %w: scheme %q, want http or https", ErrBadDestination, u.Scheme)
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("tracking: %w: no host in %q", ErrBadDestination, dest)
	}
	if u.User != nil {
		return nil, fmt.Errorf("tracking: %w: user information in %q", ErrBadDestination, dest)
	}
	return u, nil
}

// ParseLink parses a tracked link (a full URL) without verifying it: it
// checks the shape and decodes the parts. Use Linker.Verify to know whether
// the link can be trusted; the Destination of an unverified Link is
// attacker-controlled. prefix is the Linker's Prefix ("" for the default).
func ParseLink(rawURL, prefix string) (*Link, error) {
	if len(rawURL) > DefaultMaxLinkLength*4 {
		return nil, &SyntaxError{Input: rawURL, Err: ErrLinkTooLong}
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, &SyntaxError{Input: rawURL, Err: fmt.Errorf("%w: %v", ErrMalformedLink, err)}
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, &SyntaxError{Input: rawURL, Err: fmt.Errorf("%w: not an http(s) URL", ErrMalformedLink)}
	}
	if prefix == "" {
		prefix = DefaultLinkPrefix
	}
	tok, ok := strings.CutPrefix(u.Path, prefix)
	if !ok {
		return nil, &SyntaxError{Input: rawURL, Err: fmt.Errorf("%w: path does not start with %q", ErrMalformedLink, prefix)}
	}
	link, serr := parseToken(tok)
	if serr != nil {
		serr.Input = rawURL
		return nil, serr
	}
	link.Host = dnsname.Canonical(u.Hostname())
	return link, nil
}

// parseToken decodes "keyid.exp.dest.mac".
func parseToken(tok string) (*Link, *SyntaxError) {
	parts := strings.SplitN(tok, ".", 5)
	if len(parts) != 4 {
		return nil, &SyntaxError{Input: tok, Err: fmt.Errorf("%w: want 4 dot-separated parts", ErrMalformedLink)}
	}
	kid, expText, dest64, mac64 := parts[0], parts[1], parts[2], parts[3]
	if !validKeyID(kid) {
		return nil, &SyntaxError{Input: tok, Err: fmt.Errorf("%w: bad key id", ErrMalformedLink)}
	}
	link := &Link{KeyID: kid, expText: expText}
	if expText != "0" {
		secs, err := strconv.ParseInt(expText, 36, 64)
		// Canonical form only: lower case, no sign, no leading zeros.
		if err != nil || secs <= 0 || strconv.FormatInt(secs, 36) != expText {
			return nil, &SyntaxError{Input: tok, Err: fmt.Errorf("%w: bad expiry", ErrMalformedLink)}
		}
		link.Expires = time.Unix(secs, 0).UTC()
	}
	dest, err := base64.RawURLEncoding.Strict().DecodeString(dest64)
	if err != nil || len(dest) == 0 {
		return nil, &SyntaxError{Input: tok, Err: fmt.Errorf("%w: bad destination encoding", ErrMalformedLink)}
	}
	link.Destination = string(dest)
	if base64.RawURLEncoding.DecodedLen(len(mac64)) != sha256.Size {
		return nil, &SyntaxError{Input: tok, Err: fmt.Errorf("%w: bad signature length", ErrMalformedLink)}
	}
	link.mac, err = base64.RawURLEncoding.Strict().DecodeString(mac64)
	if err != nil {
		return nil, &SyntaxError{Input: tok, Err: fmt.Errorf("%w: bad signature encoding", ErrMalformedLink)}
	}
	return link, nil
}

// Verify parses a tracked link and checks it: the host is the Linker's, the
// key id is in the keyring, the HMAC matches (compared in constant time),
// the link has not expired, and the destination is an absolute http(s)
// URL. On success the Link's Destination can be redirected to. Errors wrap
// ErrLinkTooLong, ErrMalformedLink, ErrWrongHost, ErrUnknownKey,
// ErrBadSignature, ErrExpired or ErrBadDestination.
func (l *Linker) Verify(rawURL string) (*Link, error) {
	host, _, err := l.check()
	if err != nil {
		return nil, err
	}
	if len(rawURL) > l.maxLength() {
		return nil, &SyntaxError{Input: rawURL, Err: fmt.Errorf("%w: %d bytes, at most %d", ErrLinkTooLong, len(rawURL), l.maxLength())}
	}
	link, err := ParseLink(rawURL, l.prefix())
	if err != nil {
		return nil, err
	}
	if link.Host != host {
		return nil, fmt.Errorf("tracking: %w: %s", ErrWrongHost, link.Host)
	}
	if err := l.verify(link, host); err != nil {
		return nil, err
	}
	return link, nil
}

// verifyToken is Verify for the token part of a request path.
func (l *Linker) verifyToken(tok, host string) (*Link, error) {
	link, err := parseToken(tok)
	if err != nil {
		return nil, err
	}
	link.Host = host
	if err := l.verify(link, host); err != nil {
		return nil, err
	}
	return link, nil
}

func (l *Linker) verify(link *Link, host string) error {
	secret, ok := l.Keys.lookup(link.KeyID)
	if !ok {
		return fmt.Errorf("tracking: %w: %q", ErrUnknownKey, link.KeyID)
	}
	want := sign(secret, host, link.KeyID, link.expText, link.Destination)
	if !hmac.Equal(want, link.mac) {
		return fmt.Errorf("tracking: %w", ErrBadSignature)
	}
	if !link.Expires.IsZero() && !l.now().Before(link.Expires) {
		return fmt.Errorf("tracking: %w at %s", ErrExpired, link.Expires.Format(time.RFC3339))
	}
	if _, err := checkDestination(link.Destination); err != nil {
		return err
	}
	return nil
}
