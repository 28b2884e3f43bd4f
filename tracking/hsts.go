package tracking

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/domainauth/domainauth/internal/ascii"
)

// HSTS is a parsed Strict-Transport-Security header (RFC 6797 section 6.1):
//
//	Strict-Transport-Security: max-age=31536000; includeSubDomains; preload
type HSTS struct {
	// MaxAge is how long the browser remembers the policy. Zero tells it
	// to forget the host (RFC 6797 section 6.1.1), so a zero policy does
	// not make http links fail.
	MaxAge time.Duration
	// IncludeSubDomains extends the policy to every name below the host:
	// this is what turns a parent domain's HSTS into a problem for the
	// tracking host.
	IncludeSubDomains bool
	// Preload is the "preload" token asking for inclusion in the browsers'
	// built-in list. It is not part of RFC 6797 and has no effect by
	// itself.
	Preload bool
}

// Reasons of the *SyntaxError from ParseHSTS.
var (
	ErrHSTSMaxAge    = errors.New("HSTS max-age missing or not a number")
	ErrHSTSDuplicate = errors.New("HSTS directive appears more than once")
	ErrHSTSDirective = errors.New("invalid HSTS directive")
)

// maxHSTSDirectives bounds the directives looked at in one header.
const maxHSTSDirectives = 32

// ParseHSTS parses the value of a Strict-Transport-Security header. It
// follows RFC 6797 section 6.1: directive names are case-insensitive,
// values may be quoted, unknown directives are ignored, and a header with a
// repeated directive or without a valid max-age is invalid (browsers ignore
// it, so it imposes nothing). max-age values too large for a Duration are
// clamped. An invalid header is a *SyntaxError.
func ParseHSTS(value string) (HSTS, error) {
	var h HSTS
	seen := map[string]bool{}
	haveMaxAge := false
	parts := strings.Split(value, ";")
	if len(parts) > maxHSTSDirectives {
		return HSTS{}, &SyntaxError{Input: value, Err: fmt.Errorf("%w: more than %d directives", ErrHSTSDirective, maxHSTSDirectives)}
	}
	for _, part := range parts {
		part = strings.TrimSpace(part)
		if part == "" {
			continue // empty directives (";;") are allowed by the grammar's #rule style
		}
		name, val, hasVal := strings.Cut(part, "=")
		name = ascii.Lower(strings.TrimSpace(name))
		val = strings.TrimSpace(val)
		if !isToken(name) {
			return HSTS{}, &SyntaxError{Input: value, Err: fmt.Errorf("%w: bad directive name %q", ErrHSTSDirective, name)}
		}
		if seen[name] {
			return HSTS{}, &SyntaxError{Input: value, Err: fmt.Errorf("%w: %s", ErrHSTSDuplicate, name)}
		}
		seen[name] = true
		if hasVal && len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"' {
			val = val[1 : len(val)-1]
		}
		switch name {
		case "max-age":
			if !hasVal || val == "" {
				return HSTS{}, &SyntaxError{Input: value, Err: ErrHSTSMaxAge}
			}
			for i := 0; i < len(val); i++ {
				if val[i] < '0' || val[i] > '9' {
					return HSTS{}, &SyntaxError{Input: value, Err: fmt.Errorf("%w: %q", ErrHSTSMaxAge, val)}
				}
			}
			secs, err := strconv.ParseInt(val, 10, 64)
			if err != nil || secs >= int64(maxDuration/time.Second) {
				h.MaxAge = maxDuration // out of range: as long as we can say
			} else {
				h.MaxAge = time.Duration(secs) * time.Second
			}
			haveMaxAge = true
		case "includesubdomains":
			if hasVal {
				return HSTS{}, &SyntaxError{Input: value, Err: fmt.Errorf("%w: includeSubDomains takes no value", ErrHSTSDirective)}
			}
			h.IncludeSubDomains = true
		case "preload":
			h.Preload = true
		}
	}
	if !haveMaxAge {
		return HSTS{}, &SyntaxError{Input: value, Err: ErrHSTSMaxAge}
	}
	return h, nil
}

// maxDuration is the longest max-age kept, a whole number of seconds (about
// 292 years); longer values are clamped to it.
const maxDuration = time.Duration(1<<63-1) / time.Second * time.Second

// String formats the policy as a header value.
func (h HSTS) String() string {
	s := "max-age=" + strconv.FormatInt(int64(h.MaxAge/time.Second), 10)
	if h.IncludeSubDomains {
		s += "; includeSubDomains"
	}
	if h.Preload {
		s += "; preload"
	}
	return s
}

// isToken reports whether s is an HTTP token (RFC 9110 section 5.6.2).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte("\"(),/:;<=>?@[\\]{}", c) >= 0 {
			return false
		}
	}
	return true
}
