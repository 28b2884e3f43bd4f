package authres_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/domainauth/domainauth/authres"
)

// FuzzParse checks, on any input, that Parse does not panic, that its
// errors are *SyntaxErrors pointing into the input, and that whatever it
// accepts is valid, reads back the same from String and from Field, and
// that String is a fixed point.
func FuzzParse(f *testing.F) {
	for _, tc := range rfc8601 {
		f.Add(tc.field)
	}
	for _, s := range []string{
		`"mx \"one\"" 2; spf=pass`,
		`x.example; spf=pass smtp.mailfrom="john doe"@example.com`,
		"x.example; dkim=fail (a (nested \\) one)\r\n\tok) reason=\"x\\\"y\" header.d=example.com",
		"x.example; dkim=pass header.b=gfT/i2HB; arc=pass smtp.remote-ip=2001:db8::1;",
		"x.example; x=pass a.b=\"v w\"c.d=e reason.code=5",
		"x.example; none=pass",
		"x.example; dkim=fail reason=\"clé\" header.i=jörg@bücher.example",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		h, err := authres.Parse(in)
		if err != nil {
			var se *authres.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q): error %v is not a *SyntaxError", in, err)
			}
			if se.Offset < 0 || se.Offset > len(in) {
				t.Fatalf("Parse(%q): offset %d outside the input", in, se.Offset)
			}
			return
		}
		if err := h.Validate(); err != nil {
			t.Fatalf("Parse(%q) gave an invalid header: %v", in, err)
		}
		s := h.String()
		for _, out := range []string{s, h.Field()} {
			h2, err := authres.Parse(out)
			if err != nil {
				t.Fatalf("Parse(%q) = %+v; Parse of its text %q: %v", in, h, out, err)
			}
			if d := cmp.Diff(h, h2); d != "" {
				t.Fatalf("Parse(%q), then Parse(%q): mismatch (-first +second):\n%s", in, out, d)
			}
			if s2 := h2.String(); s2 != s {
				t.Fatalf("String not a fixed point: %q then %q", s, s2)
			}
		}
		id, err := authres.AuthServID(in)
		if err != nil || id != h.AuthServID {
			t.Fatalf("AuthServID(%q) = %q, %v; Parse says %q", in, id, err, h.AuthServID)
		}
	})
}
