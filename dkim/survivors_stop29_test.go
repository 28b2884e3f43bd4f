package dkim

import (
	"crypto/ecdsa"
	"testing"
)

// A Result without a signature (a field too broken to parse) has no
// domain, and asking for it does not panic.
func TestResultDomainWithoutSignature(t *testing.T) {
	var r Result
	if d := r.Domain(); d != "" {
		t.Errorf("Domain() = %q, want empty", d)
	}
}

// publicBits is 0 for a key type DKIM has no size for.
func TestPublicBitsOtherKey(t *testing.T) {
	if n := publicBits(&ecdsa.PublicKey{}); n != 0 {
		t.Errorf("publicBits(ECDSA) = %d, want 0", n)
	}
}
