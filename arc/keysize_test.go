package arc_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"strings"
	"testing"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/arc"
	"github.com/domainauth/domainauth/dkim"
)

// arc.Verifier.MaxRSABits reaches dkim's key check (issue 17: a hostile
// sealer's oversized RSA key must be refused before any RSA arithmetic):
// a chain sealed with a 2048-bit key passes by default and fails with
// dkim.ErrKeyTooLarge when the bound is under the key's size.
func TestMaxRSABits(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := dkim.NewKey(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	res := domainauth.MustFakeResolver("k._domainkey.example.org. 300 TXT \"" + rec.String() + "\"\n")
	msg := "From: a@example.com\r\nTo: b@example.net\r\nSubject: hi\r\n\r\nbody\r\n"
	s := arc.Sealer{Domain: "example.org", Selector: "k", Key: key, AuthServID: "mx.example.org", Verifier: arc.Verifier{Resolver: res}}
	sealed, err := s.SealResults(context.Background(), strings.NewReader(msg), "mx.example.org; spf=pass smtp.mailfrom=example.com")
	if err != nil {
		t.Fatal(err)
	}
	out := sealed.HeaderFields() + msg
	for _, c := range []struct {
		max  int
		want arc.ChainStatus
	}{{0, arc.Pass}, {2048, arc.Pass}, {2047, arc.Fail}} {
		v := &arc.Verifier{Resolver: res, MaxRSABits: c.max}
		r, err := v.Verify(context.Background(), strings.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != c.want {
			t.Errorf("MaxRSABits %d: %s (%v), want %s", c.max, r.Status, r.Err, c.want)
		}
		if c.want == arc.Fail && !errors.Is(r.Err, dkim.ErrKeyTooLarge) {
			t.Errorf("MaxRSABits %d: error %v, want dkim.ErrKeyTooLarge", c.max, r.Err)
		}
	}
}
