package dkim_test

import (
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dkim"
)

// TestParseSignatureFoldedNames: an h= folded across lines is read by the
// general path, which keeps the names in order. (Its check of each name
// rejects nothing the tag-value scanner lets through: control bytes are
// refused before, white space is folding.)
func TestParseSignatureFoldedNames(t *testing.T) {
	const head = "v=1; a=rsa-sha256; d=example.com; s=s; bh=AAAA; b=AAAA; h="
	s, err := dkim.ParseSignature(head + "From:\r\n\tTo :\r\n Subject")
	if err != nil || strings.Join(s.Headers, ",") != "From,To,Subject" {
		t.Errorf("folded h=: %v, %v", s, err)
	}
}

// TestKeyEscapedSemicolonFirst: a key record whose first bytes are the
// "\;" of a zone file is reported as that mistake too.
func TestKeyEscapedSemicolonFirst(t *testing.T) {
	if _, err := dkim.ParseKey(`\;v=DKIM1; p=abc`); !errors.Is(err, dkim.ErrKeyEscapedSemicolon) {
		t.Errorf("ParseKey: %v, want ErrKeyEscapedSemicolon", err)
	}
}

// TestNewSignerSmallRSAKey: an RSA key under 1024 bits is refused when the
// signer is made (RFC 8301: verifiers refuse such keys), naming the size.
// crypto/rsa no longer generates one, so it is put together from primes.
func TestNewSignerSmallRSAKey(t *testing.T) {
	p, err := rand.Prime(rand.Reader, 256)
	if err != nil {
		t.Fatal(err)
	}
	q, err := rand.Prime(rand.Reader, 256)
	if err != nil {
		t.Fatal(err)
	}
	k := &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: new(big.Int).Mul(p, q), E: 65537}, Primes: []*big.Int{p, q}}
	_, err = dkim.NewSigner(dkim.SignOptions{Domain: "example.com", Selector: "s", Key: k})
	if !errors.Is(err, dkim.ErrSignOptions) || !strings.Contains(err.Error(), "1024 bits") {
		t.Errorf("NewSigner with a %d-bit RSA key: %v, want ErrSignOptions naming 1024 bits", k.N.BitLen(), err)
	}
}
