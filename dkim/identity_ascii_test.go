package dkim_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dkim"
)

// TestIdentityDomainASCII: the domain of i= must be d= or a subdomain of
// it, compared without ASCII case only (RFC 6376 section 3.5). An i=
// whose domain names the signing domain with KELVIN SIGN for "k"
// (dkim-quoted-printable =E2=84=AA) is another domain, which Unicode case
// mapping would turn into d=: the signature is a permanent error for the
// identity, not checked further. Signing with such an identity is refused
// too.
func TestIdentityDomainASCII(t *testing.T) {
	_, ek := testKeys(t)
	erec, _ := dkim.NewKey(ek.Public())
	v := dkim.Verifier{Resolver: zoneFor(t, map[string]*dkim.Key{"ed._domainkey.key.example": erec})}
	signed := signWith(t, dkim.SignOptions{Domain: "key.example", Selector: "ed", Key: ek, Identity: "joe@key.example"})
	if !strings.Contains(signed, "i=joe@key.example;") {
		t.Fatalf("no i= to change in %q", signed)
	}
	for _, id := range []string{"joe@=E2=84=AAey.example", "joe@mail.=E2=84=AAey.example"} {
		msg := strings.Replace(signed, "i=joe@key.example;", "i="+id+";", 1)
		results, err := v.Verify(context.Background(), strings.NewReader(msg))
		if err != nil || len(results) != 1 {
			t.Fatalf("%s: %v %+v", id, err, results)
		}
		if results[0].Status != dkim.PermError || !errors.Is(results[0].Err, dkim.ErrIdentityMismatch) {
			t.Errorf("i=%s: %v %v, want permerror for the identity", id, results[0].Status, results[0].Err)
		}
	}
	_, err := dkim.Sign(strings.NewReader(testMessage), dkim.SignOptions{Domain: "key.example", Selector: "ed", Key: ek, Identity: "joe@\u212aey.example"})
	if err == nil {
		t.Error("Sign accepted an identity in another domain than d=")
	}
}
