// Package dnsname normalises domain names the way every package of domainauth
// needs them: lower case, no trailing dot, internationalised names converted to
// A-labels (IDNA), and the length limits of RFC 1035 checked. It also finds the
// organizational domain of a name with the public suffix list, as DMARC
// (RFC 7489 section 3.2) defines it.
//
// Compare names only after Normalize: "Example.COM." and "example.com" are the
// same domain, and so are "bücher.example" and "xn--bcher-kva.example".
package dnsname

import (
	"errors"
	"fmt"
	"strings"

	"github.com/domainauth/domainauth/internal/ascii"
	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// Limits from RFC 1035 section 2.3.4, for the text form without the trailing
// dot: a label holds at most 63 octets and a name at most 253 characters
// (255 octets on the wire).
const (
	MaxLabelLength = 63
	MaxNameLength  = 253
)

// Sentinel reasons, wrapped by *Error so that callers can test them with
// errors.Is.
var (
	ErrEmpty        = errors.New("empty name")
	ErrEmptyLabel   = errors.New("empty label")
	ErrLabelTooLong = errors.New("label longer than 63 octets")
	ErrNameTooLong  = errors.New("name longer than 253 characters")
	ErrInvalidChar  = errors.New("character not allowed in a domain name")
	ErrHyphen       = errors.New("label starts or ends with a hyphen")
	ErrIDNA         = errors.New("invalid internationalised name")
	ErrPublicSuffix = errors.New("name is a public suffix")
)

// Error describes a domain name that cannot be used, and where in it the
// problem is.
type Error struct {
	Name   string // the name as given
	Offset int    // byte offset in Name where the problem starts, or -1
	Err    error  // one of the Err* sentinels, possibly wrapped
}

// Error describes the problem, naming what is wrong and where.
func (e *Error) Error() string {
	if e.Offset >= 0 {
		return fmt.Sprintf("invalid domain name %q: %v at offset %d", e.Name, e.Err, e.Offset)
	}
	return fmt.Sprintf("invalid domain name %q: %v", e.Name, e.Err)
}

// Unwrap returns the reason, for errors.Is.
func (e *Error) Unwrap() error { return e.Err }

// profile converts U-labels to A-labels without the STD3 host-name rules, so
// that service labels such as _dmarc and _domainkey survive.
var profile = idna.New(
	idna.MapForLookup(),
	idna.BidiRule(),
	idna.StrictDomainName(false),
	idna.Transitional(false),
)

// Normalize returns name in the canonical form used throughout domainauth:
// ASCII (A-labels for internationalised names), lower case, no trailing dot.
// Labels may hold letters, digits, hyphens and underscores (service labels
// such as _dmarc and _domainkey); a label may not start or end with a hyphen.
// The length limits of RFC 1035 are enforced. A single trailing dot is
// accepted and removed.
func Normalize(name string) (string, error) {
	if name == "" || name == "." {
		return "", &Error{Name: name, Offset: -1, Err: ErrEmpty}
	}
	s := strings.TrimSuffix(name, ".")
	if !isASCII(s) {
		a, err := profile.ToASCII(s)
		if err != nil {
			return "", &Error{Name: name, Offset: -1, Err: fmt.Errorf("%w: %v", ErrIDNA, err)}
		}
		s = a
	}
	s = ascii.Lower(s)
	if strings.Contains(s, "xn--") {
		// An A-label must decode to a valid U-label: "xn--a" does not.
		if _, err := profile.ToUnicode(s); err != nil {
			return "", &Error{Name: name, Offset: strings.Index(s, "xn--"), Err: fmt.Errorf("%w: %v", ErrIDNA, err)}
		}
	}
	if err := check(s); err != nil {
		err.Name = name
		return "", err
	}
	return s, nil
}

// check validates an ASCII, lower-case name without trailing dot.
func check(s string) *Error {
	if len(s) > MaxNameLength {
		return &Error{Offset: MaxNameLength, Err: ErrNameTooLong}
	}
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != '.' {
			c := s[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '*') {
				return &Error{Offset: i, Err: ErrInvalidChar}
			}
			continue
		}
		n := i - start
		switch {
		case n == 0:
			return &Error{Offset: start, Err: ErrEmptyLabel}
		case n > MaxLabelLength:
			return &Error{Offset: start, Err: ErrLabelTooLong}
		case s[start] == '-' || s[i-1] == '-':
			return &Error{Offset: start, Err: ErrHyphen}
		}
		for j := start; j < i; j++ {
			if s[j] == '*' && n != 1 {
				return &Error{Offset: j, Err: ErrInvalidChar}
			}
		}
		start = i + 1
	}
	return nil
}

// ToUnicode returns the display form of a normalised name, with A-labels
// converted back to U-labels where that is possible; otherwise the name
// unchanged.
func ToUnicode(name string) string {
	if !strings.Contains(name, "xn--") {
		return name
	}
	u, err := profile.ToUnicode(name)
	if err != nil {
		return name
	}
	return u
}

// Equal reports whether a and b name the same domain, ignoring case and a
// trailing dot. Names that do not normalise are compared as plain lower-case
// text.
func Equal(a, b string) bool {
	return Canonical(a) == Canonical(b)
}

// Canonical is a lenient Normalize for names that come from DNS answers or
// other programs: it lowers ASCII case and strips a trailing dot, and never
// fails. Use Normalize for names a person typed.
func Canonical(name string) string {
	name = strings.TrimSuffix(name, ".")
	if n, err := Normalize(name); err == nil {
		return n
	}
	return ascii.Lower(name)
}

// IsSubdomain reports whether child equals parent or lies below it. Both
// must be in canonical form.
func IsSubdomain(child, parent string) bool {
	if child == parent {
		return true
	}
	return len(child) > len(parent) && strings.HasSuffix(child, parent) && child[len(child)-len(parent)-1] == '.'
}

// Parent returns the name with its leftmost label removed, or "" for a
// single-label name.
func Parent(name string) string {
	i := strings.IndexByte(name, '.')
	if i < 0 {
		return ""
	}
	return name[i+1:]
}

// CountLabels returns the number of labels in a canonical name.
func CountLabels(name string) int {
	if name == "" {
		return 0
	}
	return strings.Count(name, ".") + 1
}

// TreeWalk returns the names the RFC 9989 DNS tree walk (section 4.10.1)
// queries for a canonical name, at most max of them: the name itself,
// then, if it has more than max labels, its last max-1 labels, then one
// label fewer each time down to the top-level domain. dmarc's policy
// discovery walks them, and verify prefetches them; both ask this one
// list so that they cannot drift apart.
func TreeWalk(name string, max int) []string {
	names := make([]string, 0, max)
	names = append(names, name)
	for n := min(CountLabels(name)-1, max-1); n >= 1; n-- {
		i := len(name)
		for range n {
			i = strings.LastIndexByte(name[:i], '.')
		}
		names = append(names, name[i+1:])
	}
	return names
}

// Relative returns name relative to zone ("cio1" for "cio1.example.com" in
// "example.com", "@" for the apex) and whether name lies in zone at all.
func Relative(name, zone string) (string, bool) {
	if name == zone {
		return "@", true
	}
	if !IsSubdomain(name, zone) {
		return name, false
	}
	return name[:len(name)-len(zone)-1], true
}

// OrgDomain returns the organizational domain of a normalised name, as
// RFC 7489 section 3.2 defines it with the public suffix list: the public
// suffix plus one label ("example.co.uk" for "mail.example.co.uk"). A name
// that is itself a public suffix is its own organizational domain. Names not
// under a listed suffix use the list's default rule, so the top label counts
// as the suffix ("example.invalid" for "a.example.invalid").
func OrgDomain(name string) string {
	if name == "" {
		return ""
	}
	org, err := publicsuffix.EffectiveTLDPlusOne(name)
	if err != nil {
		return name
	}
	return org
}

// Registrable returns the registrable domain (public suffix plus one label)
// of a name that a person typed, normalising it first. It fails for invalid
// names and for names that are public suffixes themselves (ErrPublicSuffix).
func Registrable(name string) (string, error) {
	n, err := Normalize(name)
	if err != nil {
		return "", err
	}
	org, err := publicsuffix.EffectiveTLDPlusOne(n)
	if err != nil {
		return "", &Error{Name: name, Offset: -1, Err: ErrPublicSuffix}
	}
	return org, nil
}

// IsPublicSuffix reports whether a normalised name is itself a public
// suffix, like "com" or "co.uk".
func IsPublicSuffix(name string) bool {
	s, _ := publicsuffix.PublicSuffix(name)
	return s == name
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
