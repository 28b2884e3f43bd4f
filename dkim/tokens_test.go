package dkim_test

import (
	"errors"
	"testing"

	"github.com/domainauth/domainauth/dkim"
)

// RFC 6376 section 3.5: a= is sig-a-tag-k "-" sig-a-tag-h, each
// ALPHA / DIGIT only (case-insensitive); anything else is a syntax error of
// the signature, found when it is parsed, not later as an unknown
// algorithm.
func TestAlgorithmTokens(t *testing.T) {
	const rest = "; d=example.com; s=s; h=from; bh=AAAA; b=AAAA"
	for a, ok := range map[string]bool{
		"rsa-sha256":     true,
		"RSA-SHA256":     true,
		"ed25519-sha256": true,
		"rsa-sha_256":    false,
		"rs~a-sha256":    false,
		"rsa-sha256-x":   false,
		"rsa.1-sha256":   false,
		"rsa-":           false,
		"-sha256":        false,
		"rsasha256":      false,
	} {
		_, err := dkim.ParseSignature("v=1; a=" + a + rest)
		var se *dkim.SyntaxError
		switch {
		case ok && err != nil:
			t.Errorf("a=%s: %v", a, err)
		case !ok && (!errors.As(err, &se) || se.Tag != "a" || !errors.Is(err, dkim.ErrSignatureSyntax)):
			t.Errorf("a=%s: %v, want a syntax error on tag a", a, err)
		}
	}
}

// A key record that is nothing but a PEM block (pasted from a key file) is
// named as such, at offset 0, not reported as a malformed tag list.
func TestKeyRecordIsPEM(t *testing.T) {
	_, err := dkim.ParseKey("-----BEGIN PUBLIC KEY-----MCowBQYDK2VwAyEA-----END PUBLIC KEY-----")
	var se *dkim.SyntaxError
	if !errors.Is(err, dkim.ErrKeyPEM) || !errors.As(err, &se) || se.Offset != 0 {
		t.Errorf("ParseKey(PEM) = %v, want ErrKeyPEM at offset 0", err)
	}
}
