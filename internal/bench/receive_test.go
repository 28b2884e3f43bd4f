package bench

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"sync"
	"testing"

	"github.com/domainauth/domainauth/arc"
	"github.com/domainauth/domainauth/authres"
	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/receive"
	"github.com/domainauth/domainauth/spf"
)

var arcMessages sync.Map // alg/body -> []byte

// arcSigned returns the message of the body, DKIM-signed by example.com
// and then sealed with one ARC set by example.com (the same key), as a
// forwarder that changed nothing would pass it on. Everything verifies.
func arcSigned(b *testing.B, a alg, body Body) []byte {
	k := a.name + "/" + body.Name
	if m, ok := arcMessages.Load(k); ok {
		return m.([]byte)
	}
	msg := message(body)
	sig, err := dkim.Sign(bytes.NewReader(msg), dkim.SignOptions{Domain: DKIMDomain, Selector: a.selector, Key: a.key, Headers: DKIMHeaders})
	if err != nil {
		b.Fatal(err)
	}
	msg = append([]byte(sig), msg...)
	s := arc.Sealer{Domain: DKIMDomain, Selector: a.selector, Key: a.key, AuthServID: "mx.example.com", Verifier: arc.Verifier{Resolver: Std{GetZone()}}}
	set, err := s.SealResults(ctx, bytes.NewReader(msg), "mx.example.com; spf=pass smtp.mailfrom=bounce@example.com; dkim=pass header.d=example.com")
	if err != nil {
		b.Fatal(err)
	}
	out := append([]byte(set.HeaderFields()), msg...)
	arcMessages.Store(k, out)
	return out
}

var receiveEnv = receive.Envelope{IP: SPFClientIP, HELO: SPFHELO, MailFrom: SPFSender}

// BenchmarkReceive authenticates a DKIM-signed, ARC-sealed message: SPF
// (8 DNS-querying terms), one DKIM signature, a one-set ARC chain, DMARC
// and the Authentication-Results field. "one-call" is receive.Authenticate,
// reading the message once; "separate" is the same checks called one after
// the other by hand, each reading the message from memory (the target:
// one-call at most 1.1x separate).
func BenchmarkReceive(b *testing.B) {
	z := GetZone()
	a := algs()[0] // rsa2048
	for _, body := range Bodies[:2] {
		b.Run(body.Name+"/one-call", func(b *testing.B) {
			msg := arcSigned(b, a, body)
			r := receive.Receiver{AuthServID: "mx.example.net", Resolver: Std{z}}
			res, err := r.Authenticate(ctx, bytes.NewReader(msg), receiveEnv)
			if err != nil || res.SPF.Result != spf.Pass || res.DKIM[0].Status != dkim.Pass || res.ARC.Status != arc.Pass || res.DMARC.Status != dmarc.StatusPass {
				b.Fatal(res, err)
			}
			b.SetBytes(int64(len(msg)))
			b.ReportAllocs()
			for b.Loop() {
				res, _ := r.Authenticate(ctx, bytes.NewReader(msg), receiveEnv)
				sink = res
			}
		})
		b.Run(body.Name+"/separate", func(b *testing.B) {
			msg := arcSigned(b, a, body)
			res := Std{z}
			run := func() (spf.Outcome, []dkim.Result, *arc.Result, dmarc.Result, string) {
				c := spf.Checker{Resolver: res, HELO: SPFHELO}
				so := c.CheckMailFrom(ctx, SPFClientIP, SPFSender)
				dv := dkim.Verifier{Resolver: res}
				dr, _ := dv.Verify(ctx, bytes.NewReader(msg))
				av := arc.Verifier{Resolver: res}
				ar, _ := av.Verify(ctx, bytes.NewReader(msg))
				in := dmarc.Input{FromDomain: DKIMDomain, SPF: dmarc.SPFResult{Domain: DKIMDomain, Result: dmarc.AuthResult(so.Result.String())}}
				for _, d := range dr {
					in.DKIM = append(in.DKIM, dmarc.DKIMResult{Domain: d.Domain(), Selector: d.Signature.Selector, Result: dmarc.AuthResult(d.Status.String())})
				}
				dm := dmarc.Verify(ctx, res, in)
				h := authres.Header{AuthServID: "mx.example.net"}
				h.Results = append(h.Results, authres.SPFMailFrom(so, SPFSender))
				h.Results = append(h.Results, authres.DKIM(dr...)...)
				h.Results = append(h.Results, authres.Result{Method: "arc", Value: ar.Status.String()}, authres.DMARC(dm))
				return so, dr, ar, dm, h.Field()
			}
			so, dr, ar, dm, _ := run()
			if so.Result != spf.Pass || dr[0].Status != dkim.Pass || ar.Status != arc.Pass || dm.Status != dmarc.StatusPass {
				b.Fatal(so, dr, ar, dm)
			}
			b.SetBytes(int64(len(msg)))
			b.ReportAllocs()
			for b.Loop() {
				_, _, ar, _, f := run()
				sink = ar
				sink = f
			}
		})
	}
}

// BenchmarkARCVerify validates a one-set ARC chain (the message is also
// DKIM-signed, which ARC does not check). The floor is the least any
// validator must do: hash the body once and check two signatures (the
// ARC-Message-Signature and the ARC-Seal).
func BenchmarkARCVerify(b *testing.B) {
	z := GetZone()
	for _, a := range algs() {
		for _, body := range Bodies {
			prefix := a.name + "/" + body.Name + "/"
			b.Run(prefix+libOurs, func(b *testing.B) {
				msg := arcSigned(b, a, body)
				v := arc.Verifier{Resolver: Std{z}}
				if r, err := v.Verify(ctx, bytes.NewReader(msg)); err != nil || r.Status != arc.Pass {
					b.Fatal(r, err)
				}
				b.SetBytes(int64(len(msg)))
				b.ReportAllocs()
				for b.Loop() {
					r, _ := v.Verify(ctx, bytes.NewReader(msg))
					sink = r
				}
			})
			b.Run(prefix+libFloor, func(b *testing.B) {
				msg := arcSigned(b, a, body)
				sig := floorSign(a.key, msg)
				pub := a.key.Public()
				b.SetBytes(int64(len(msg)))
				b.ReportAllocs()
				for b.Loop() {
					sink = floorVerify2(pub, msg, sig)
				}
			})
		}
	}
}

// floorVerify2 hashes the message once and checks two signatures.
func floorVerify2(pub crypto.PublicKey, msg, sig []byte) bool {
	bh := sha256.Sum256(msg)
	hh := sha256.Sum256(bh[:])
	ok := true
	for range 2 {
		switch k := pub.(type) {
		case *rsa.PublicKey:
			ok = ok && rsa.VerifyPKCS1v15(k, crypto.SHA256, hh[:], sig) == nil
		case ed25519.PublicKey:
			ok = ok && ed25519.Verify(k, hh[:], sig)
		}
	}
	return ok
}
