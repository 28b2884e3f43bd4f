package dkim_test

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"testing"
)

func pkcs1Bytes(k *rsa.PublicKey) []byte { return x509.MarshalPKCS1PublicKey(k) }

// rfc8032Seed is the RFC 8032 section 7.1 TEST 1 secret key, which RFC 8463
// Appendix A uses as its Ed25519 signing key.
func rfc8032Seed(t testing.TB) []byte {
	t.Helper()
	seed, err := base64.StdEncoding.DecodeString("nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=")
	if err != nil {
		t.Fatal(err)
	}
	return seed
}
