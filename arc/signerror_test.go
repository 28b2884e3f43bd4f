package arc_test

import (
	"context"
	"crypto"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/arc"
)

// failingSigner passes Public and Sign on to its key but fails the Sign
// call numbered failAt (1 is the first).
type failingSigner struct {
	crypto.Signer
	failAt, calls int
}

var errHSM = errors.New("hsm: key is offline")

func (f *failingSigner) Sign(rnd io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	f.calls++
	if f.calls == f.failAt {
		return nil, errHSM
	}
	return f.Signer.Sign(rnd, digest, opts)
}

// TestSealSignerError: when the key (an HSM, a KMS) fails to sign the
// ARC-Message-Signature (the first signature of a set) or the ARC-Seal
// (the second), Seal returns no set and an error that says which
// signature failed and wraps the signer's own error.
func TestSealSignerError(t *testing.T) {
	res, err := domainauth.NewFakeResolver("")
	if err != nil {
		t.Fatal(err)
	}
	key := ed25519Key(t, res, "arc", "lists.example.org", 2)
	// The message as the list received it, with its own verdict.
	arrived := "Authentication-Results: lists.example.org; arc=none; dkim=none\r\n" + authorMessage
	for _, c := range []struct {
		failAt int
		which  string
	}{{1, "ARC-Message-Signature"}, {2, "ARC-Seal"}} {
		signer := &failingSigner{Signer: key, failAt: c.failAt}
		s := &arc.Sealer{Domain: "lists.example.org", Selector: "arc", Key: signer, AuthServID: "lists.example.org", Verifier: arc.Verifier{Resolver: res}, Now: fixedNow}
		sealed, err := s.Seal(context.Background(), strings.NewReader(arrived))
		if !errors.Is(err, errHSM) || !strings.Contains(err.Error(), c.which) {
			t.Errorf("Sign call %d fails: Seal error %v, want one naming %s and wrapping %v", c.failAt, err, c.which, errHSM)
		}
		if sealed != nil {
			t.Errorf("Sign call %d fails: Seal returned a set %+v", c.failAt, sealed)
		}
	}
	// The wrapper itself signs when it is not told to fail.
	ok := &failingSigner{Signer: key}
	s := &arc.Sealer{Domain: "lists.example.org", Selector: "arc", Key: ok, AuthServID: "lists.example.org", Verifier: arc.Verifier{Resolver: res}, Now: fixedNow}
	if _, err := s.Seal(context.Background(), strings.NewReader(arrived)); err != nil || ok.calls != 2 {
		t.Errorf("Seal with a working signer: %v after %d Sign calls, want nil after 2", err, ok.calls)
	}
}

// randSigner records the source of randomness each Sign call is given.
type randSigner struct {
	crypto.Signer
	got []io.Reader
}

func (r *randSigner) Sign(rnd io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	r.got = append(r.got, rnd)
	return r.Signer.Sign(rnd, digest, opts)
}

// TestSealRandGoesToTheSigner: a key that is not a software key (an HSM
// whose signature scheme reads randomness) signs both signatures of a set
// with the Sealer's Rand when it is set, and with some source when not.
func TestSealRandGoesToTheSigner(t *testing.T) {
	res, _ := domainauth.NewFakeResolver("")
	key := ed25519Key(t, res, "arc", "lists.example.org", 2)
	arrived := "Authentication-Results: lists.example.org; arc=none\r\n" + authorMessage
	mine := strings.NewReader("not random at all")
	for _, rnd := range []io.Reader{mine, nil} {
		signer := &randSigner{Signer: key}
		s := &arc.Sealer{Domain: "lists.example.org", Selector: "arc", Key: signer, AuthServID: "lists.example.org", Verifier: arc.Verifier{Resolver: res}, Now: fixedNow, Rand: rnd}
		if _, err := s.Seal(context.Background(), strings.NewReader(arrived)); err != nil {
			t.Fatal(err)
		}
		if len(signer.got) != 2 {
			t.Fatalf("%d Sign calls, want 2", len(signer.got))
		}
		for i, g := range signer.got {
			if rnd != nil && g != rnd || rnd == nil && g == nil {
				t.Errorf("Rand %v: Sign call %d got %v", rnd, i+1, g)
			}
		}
	}
}
