package dkim_test

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/dkim"
)

func FuzzParseKey(f *testing.F) {
	for _, s := range []string{
		rfc8463RSARecord, rfc8463EdRecord,
		"v=DKIM1; p=", "k=rsa; t=y:s; h=sha256; s=email:*; n=a=20note; p=",
		`"v=DKIM1; p=abc"`, `v=DKIM1\; p=`, "p=-----BEGIN PUBLIC KEY-----",
		"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPa",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := dkim.ParseKey(s)
		if err != nil {
			if k != nil {
				t.Fatal("key and error both returned")
			}
			return
		}
		// Canonical form round-trips and is a fixed point.
		out := k.String()
		k2, err := dkim.ParseKey(out)
		if err != nil {
			t.Fatalf("ParseKey(%q).String() = %q does not parse: %v", s, out, err)
		}
		if !reflect.DeepEqual(k, k2) {
			t.Fatalf("round trip changed the key: %#v vs %#v", k, k2)
		}
		if k2.String() != out {
			t.Fatalf("String not stable: %q vs %q", out, k2.String())
		}
		if !k.Revoked() && !k.SamePublicKey(k2) {
			t.Fatal("key not equal to its own round trip")
		}
	})
}

func FuzzParseSignature(f *testing.F) {
	f.Add("v=1; a=rsa-sha256; c=relaxed/simple; d=example.com; s=sel; t=1; x=2; l=10; i=joe=40example.com; q=dns/txt; h=From:To; z=From:a=7Cb|To:c; bh=AAAA; b=AAAA")
	f.Add("v=1; a=ed25519-sha256; d=example.com; s=s; h=from; bh=; b=")
	f.Add("DKIM-Signature: v=1; a=rsa-sha1; d=x; s=y; h=a:b:c;\r\n\tbh=AA\r\n\t==; b=")
	f.Add("v=1; synerr")
	f.Fuzz(func(t *testing.T, s string) {
		sig, err := dkim.ParseSignature(s)
		if err != nil {
			return
		}
		for _, form := range []string{sig.String(), sig.HeaderField()} {
			sig2, err := dkim.ParseSignature(form)
			if err != nil {
				t.Fatalf("ParseSignature(%q) formatted as %q: %v", s, form, err)
			}
			if !reflect.DeepEqual(sig, sig2) {
				t.Fatalf("round trip of %q via %q:\n%#v\n%#v", s, form, sig, sig2)
			}
		}
	})
}

func canon(c dkim.Canonicalization, in string, chunks ...int) string {
	var out bytes.Buffer
	w := dkim.NewBodyCanonicalizer(&out, c, -1)
	p := []byte(in)
	for _, n := range chunks {
		n = min(n, len(p))
		w.Write(p[:n])
		p = p[n:]
	}
	w.Write(p)
	w.Close()
	var cuts []int
	at := 0
	for _, n := range chunks {
		at = min(at+n, len(in))
		cuts = append(cuts, at)
	}
	return out.String() + bodyHashDiffers(c, -1, in, out.Bytes(), cuts...)
}

func FuzzCanonicalizeBody(f *testing.F) {
	f.Add("Hey \t you!\r\n\r\n", 3)
	f.Add("a\r\r\n \n\r\n", 1)
	f.Add("", 0)
	f.Add("x \r", 2)
	f.Fuzz(func(t *testing.T, in string, split int) {
		if split < 0 {
			split = -split
		}
		for _, c := range []dkim.Canonicalization{dkim.Simple, dkim.Relaxed} {
			whole := canon(c, in)
			if want := refCanonBody(c, in); whole != want {
				t.Fatalf("%s %q:\n got %q\nwant %q (the RFC's steps, refCanonBody)", c, in, whole, want)
			}
			if got := canon(c, in, split%(len(in)+1)); got != whole {
				t.Fatalf("%s: split at %d: %q vs %q", c, split, got, whole)
			}
			if again := canon(c, whole); again != whole {
				t.Fatalf("%s not idempotent: %q -> %q -> %q", c, in, whole, again)
			}
			if whole != "" && !strings.HasSuffix(whole, "\r\n") {
				t.Fatalf("%s: %q does not end with CRLF", c, whole)
			}
			if strings.HasSuffix(whole, "\r\n\r\n") {
				t.Fatalf("%s: trailing empty line kept in %q", c, whole)
			}
			if c == dkim.Relaxed && (strings.Contains(whole, " \r\n") || strings.Contains(whole, "  ") || strings.Contains(whole, "\t")) {
				t.Fatalf("relaxed left whitespace: %q", whole)
			}
			// The vector paths take spans of 256 bytes or more: the input
			// repeated to a few hundred bytes goes through them.
			if len(in) > 0 {
				long := strings.Repeat(in, 700/len(in)+1)
				if got, want := canon(c, long), refCanonBody(c, long); got != want {
					t.Fatalf("%s %q repeated:\n got %q\nwant %q", c, in, got, want)
				}
			}
		}
	})
}

func FuzzCanonicalizeHeader(f *testing.F) {
	f.Add("Subject \t:\t Kimi \t \r\n No \t\r\n Na Wa\r\n")
	f.Add("X:")
	f.Add("no colon\n")
	f.Fuzz(func(t *testing.T, field string) {
		r := string(dkim.CanonicalizeHeader(nil, field, dkim.Relaxed))
		if again := string(dkim.CanonicalizeHeader(nil, r, dkim.Relaxed)); again != r {
			t.Fatalf("relaxed header not idempotent: %q -> %q -> %q", field, r, again)
		}
		s := string(dkim.CanonicalizeHeader(nil, field, dkim.Simple))
		if !strings.HasSuffix(s, "\r\n") || !strings.HasSuffix(r, "\r\n") {
			t.Fatalf("no final CRLF: %q %q", s, r)
		}
	})
}

// FuzzVerify feeds whole messages to Verifier.Verify: header parsing,
// DKIM-Signature parsing, key lookup and both canonicalizations on
// arbitrary bytes. Verify must not panic, every result must carry a status
// and say why it did not pass, and the in-memory fast path (a
// *bytes.Reader, whose body is handed to the canonicalizers without a
// copy) must agree with the streaming path (a reader that returns one
// byte at a time).
func FuzzVerify(f *testing.F) {
	rk, ek := testKeys(f)
	rrec, _ := dkim.NewKey(rk.Public())
	erec, _ := dkim.NewKey(ek.Public())
	res := domainauth.MustFakeResolver(`$ORIGIN example.com.
rsa._domainkey TXT "` + rrec.String() + `"
ed._domainkey  TXT "` + erec.String() + `"
`)
	now := time.Unix(1700000000, 0)
	sign := func(msg string, o dkim.SignOptions) string {
		o.Domain, o.Now = "example.com", func() time.Time { return now }
		var b bytes.Buffer
		if err := dkim.SignMessage(&b, strings.NewReader(msg), o); err != nil {
			f.Fatal(err)
		}
		return b.String()
	}
	f.Add(sign(testMessage, dkim.SignOptions{Selector: "ed", Key: ek}))
	f.Add(sign(testMessage, dkim.SignOptions{Selector: "rsa", Key: rk, HeaderCanonicalization: dkim.Simple, BodyCanonicalization: dkim.Simple}))
	f.Add(sign(strings.ReplaceAll(testMessage, "\r\n", "\n"), dkim.SignOptions{Selector: "ed", Key: ek, BodyLength: true}))
	f.Add(sign("From: a@example.com\r\n\r\n \t x  \r\n\r\n\r\n", dkim.SignOptions{Selector: "ed", Key: ek, BodyCanonicalization: dkim.Relaxed}))
	f.Add("DKIM-Signature: v=1; a=ed25519-sha256; d=example.com; s=ed; h=from; bh=; b=\r\nFrom: x\r\n\r\nbody")
	f.Add("DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=missing; l=3; h=from:from; bh=AA==; b=AA==\r\nFrom: x\r\n\r\n")
	f.Add("no header at all")
	v := &dkim.Verifier{Resolver: res, Now: func() time.Time { return now }}
	f.Fuzz(func(t *testing.T, msg string) {
		fast, ferr := v.Verify(t.Context(), bytes.NewReader([]byte(msg)))
		slow, serr := v.Verify(t.Context(), iotest.OneByteReader(strings.NewReader(msg)))
		if (ferr == nil) != (serr == nil) {
			t.Fatalf("in memory: %v; streamed: %v", ferr, serr)
		}
		if ferr != nil {
			if fast != nil {
				t.Fatalf("results and error both returned: %v", ferr)
			}
			return
		}
		if len(fast) != len(slow) {
			t.Fatalf("in memory %d results, streamed %d", len(fast), len(slow))
		}
		for i, r := range fast {
			if r.Status != slow[i].Status {
				t.Errorf("signature %d: in memory %v (%v), streamed %v (%v)", i, r.Status, r.Err, slow[i].Status, slow[i].Err)
			}
			switch {
			case r.Status == dkim.Pass && r.Err != nil:
				t.Errorf("signature %d passes with an error: %v", i, r.Err)
			case r.Status != dkim.Pass && r.Err == nil:
				t.Errorf("signature %d is %v without a reason", i, r.Status)
			case r.Status == dkim.Pass && (r.Signature == nil || r.Key == nil):
				t.Errorf("signature %d passes without its signature or key", i)
			}
		}
	})
}
