package dkim_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dkim"
)

// benchMessage is a message with a body of about size bytes in 76-character lines.
func benchMessage(size int) []byte {
	var b bytes.Buffer
	b.WriteString("From: Joe <joe@example.com>\r\nTo: Sue <sue@example.net>\r\nSubject: Benchmark\r\n" +
		"Date: Fri, 11 Jul 2003 21:00:37 -0700\r\nMessage-ID: <bench@example.com>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\n")
	line := strings.Repeat("The quick brown fox  jumps over the lazy dog. ", 2)[:74] + "\r\n"
	for b.Len() < size {
		b.WriteString(line)
	}
	return b.Bytes()
}

// b64Message is a message with a body of about size bytes of base64 in
// 76-character lines, as an attachment is sent: nothing that relaxed
// canonicalization changes.
func b64Message(size int) []byte {
	var b bytes.Buffer
	b.WriteString("From: Joe <joe@example.com>\r\nTo: Sue <sue@example.net>\r\nSubject: Benchmark\r\n" +
		"Date: Fri, 11 Jul 2003 21:00:37 -0700\r\nMessage-ID: <bench@example.com>\r\nMIME-Version: 1.0\r\n" +
		"Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	raw := make([]byte, 57)
	line := make([]byte, 76)
	for i := 0; b.Len() < size; i++ {
		for j := range raw {
			raw[j] = byte(i*57 + j*131)
		}
		base64.StdEncoding.Encode(line, raw)
		b.Write(line)
		b.WriteString("\r\n")
	}
	return b.Bytes()
}

type benchKey struct {
	name string
	key  crypto.Signer
	sel  string
}

func benchSetup(b *testing.B) ([]benchKey, dkim.TXTResolver) {
	rk, ek := testKeys(b)
	rrec, _ := dkim.NewKey(rk.Public())
	erec, _ := dkim.NewKey(ek.Public())
	res := zoneFor(b, map[string]*dkim.Key{"rsa._domainkey.example.com": rrec, "ed._domainkey.example.com": erec})
	return []benchKey{{"RSA2048", rk, "rsa"}, {"Ed25519", ek, "ed"}}, res
}

var sizes = []struct {
	name string
	n    int
}{{"4KB", 4 << 10}, {"64KB", 64 << 10}, {"1MB", 1 << 20}}

// The floor next to each case of BenchmarkSign and BenchmarkVerify
// ("-floor") is what any DKIM implementation must do, as internal/bench
// measures it: SHA-256 over the message and one signature operation. Its
// ratio to the case is the overhead of this package.

func BenchmarkSign(b *testing.B) {
	keys, _ := benchSetup(b)
	for _, k := range keys {
		for _, sz := range sizes {
			msg := benchMessage(sz.n)
			b.Run(k.name+"/"+sz.name, func(b *testing.B) {
				b.SetBytes(int64(len(msg)))
				b.ReportAllocs()
				opts := dkim.SignOptions{Domain: "example.com", Selector: k.sel, Key: k.key}
				for b.Loop() {
					if _, err := dkim.Sign(bytes.NewReader(msg), opts); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run(k.name+"/"+sz.name+"-floor", func(b *testing.B) {
				b.SetBytes(int64(len(msg)))
				b.ReportAllocs()
				for b.Loop() {
					floorSign(b, k.key, msg)
				}
			})
		}
	}
}

// floorSign hashes msg and signs the hash of the hash, as internal/bench's
// floor does.
func floorSign(b *testing.B, key crypto.Signer, msg []byte) []byte {
	bh := sha256.Sum256(msg)
	hh := sha256.Sum256(bh[:])
	h := crypto.SHA256
	if _, ok := key.(ed25519.PrivateKey); ok {
		h = 0
	}
	sig, err := key.Sign(nil, hh[:], h)
	if err != nil {
		b.Fatal(err)
	}
	return sig
}

// floorVerify hashes msg and checks one signature, as internal/bench's
// floor does.
func floorVerify(pub crypto.PublicKey, msg, sig []byte) bool {
	bh := sha256.Sum256(msg)
	hh := sha256.Sum256(bh[:])
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return rsa.VerifyPKCS1v15(k, crypto.SHA256, hh[:], sig) == nil
	case ed25519.PublicKey:
		return ed25519.Verify(k, hh[:], sig)
	}
	panic("unknown key")
}

func BenchmarkVerify(b *testing.B) {
	keys, res := benchSetup(b)
	for _, k := range keys {
		for _, sz := range append(sizes, struct {
			name string
			n    int
		}{"10MB", 10 << 20}) {
			if sz.name == "10MB" && k.name != "Ed25519" {
				continue
			}
			msg := benchMessage(sz.n)
			var signed bytes.Buffer
			if err := dkim.SignMessage(&signed, bytes.NewReader(msg), dkim.SignOptions{Domain: "example.com", Selector: k.sel, Key: k.key}); err != nil {
				b.Fatal(err)
			}
			data := signed.Bytes()
			run := func(name string, v dkim.Verifier) {
				b.Run(name, func(b *testing.B) {
					b.SetBytes(int64(len(data)))
					b.ReportAllocs()
					for b.Loop() {
						r, err := v.Verify(context.Background(), bytes.NewReader(data))
						if err != nil || r[0].Status != dkim.Pass {
							b.Fatal(err, r)
						}
					}
				})
			}
			run(k.name+"/"+sz.name, dkim.Verifier{Resolver: res})
			if sz.name == "4KB" || sz.name == "64KB" {
				// With a KeyCache: no lookup and no key parsing per message.
				run(k.name+"/"+sz.name+"-keycache", dkim.Verifier{Resolver: res, KeyCache: &dkim.KeyCache{}})
				b.Run(k.name+"/"+sz.name+"-floor", func(b *testing.B) {
					sig := floorSign(b, k.key, msg)
					pub := k.key.Public()
					b.SetBytes(int64(len(data)))
					b.ReportAllocs()
					for b.Loop() {
						if !floorVerify(pub, msg, sig) {
							b.Fatal("floor signature does not verify")
						}
					}
				})
			}
		}
	}
}

// cleanBody is about size bytes of text lines that canonicalization
// leaves unchanged, the common case: single spaces, no trailing white space.
func cleanBody(size int) []byte {
	line := "The quick brown fox jumps over the lazy dog. Pack my box with five dozen.\r\n"
	return bytes.Repeat([]byte(line), size/len(line)+1)
}

// BenchmarkCanonicalizeBody measures the body canonicalizers alone, on
// benchMessage (two double spaces per line, so relaxed changes every
// line), on the same with LF line ends, and on a clean body (relaxed
// changes nothing), with each code path this CPU can run (avx512-sha,
// avx512, avx2-sha, avx2, generic; see CodePathEnv).
func BenchmarkCanonicalizeBody(b *testing.B) {
	edited, clean := benchMessage(1<<20), cleanBody(1<<20)
	lfOnly := bytes.ReplaceAll(edited, []byte("\r\n"), []byte("\n")) // as a Signer may be given
	dkim.EachKernelB(b, func(b *testing.B) {
		for _, c := range []dkim.Canonicalization{dkim.Simple, dkim.Relaxed} {
			b.Run(string(c), func(b *testing.B) { benchCanon(b, c, edited) })
		}
		b.Run("relaxed-clean", func(b *testing.B) { benchCanon(b, dkim.Relaxed, clean) })
		b.Run("relaxed-lf", func(b *testing.B) { benchCanon(b, dkim.Relaxed, lfOnly) })
	})
}

// BenchmarkBodyHash measures what signing and verifying pay for a body:
// canonicalization and SHA-256 together, on the bodies of
// BenchmarkCanonicalizeBody, with each path this CPU can run, next to
// SHA-256 alone over the same bytes (of the edited text; base64 is as
// long within 0.1%). On avx512-sha the canonicalization
// runs inside the hash's loop and should cost little on top of it; on
// avx2-sha the scan of clean text does.
func BenchmarkBodyHash(b *testing.B) {
	edited, clean := benchMessage(1<<20), cleanBody(1<<20)
	lfOnly := bytes.ReplaceAll(edited, []byte("\r\n"), []byte("\n"))
	b64 := b64Message(1 << 20)
	b64 = b64[bytes.Index(b64, []byte("\r\n\r\n"))+4:] // the body: nothing to change
	bodies := []struct {
		name string
		body []byte
	}{{"relaxed", edited}, {"relaxed-clean", clean}, {"relaxed-lf", lfOnly}, {"relaxed-b64", b64}}
	b.Run("sha256-alone", func(b *testing.B) {
		b.SetBytes(int64(len(edited)))
		b.ReportAllocs()
		for b.Loop() {
			sha256.Sum256(edited)
		}
	})
	dkim.EachKernelB(b, func(b *testing.B) {
		for _, x := range bodies {
			b.Run(x.name, func(b *testing.B) {
				b.SetBytes(int64(len(x.body)))
				b.ReportAllocs()
				for b.Loop() {
					dkim.SumBody(dkim.Relaxed, x.body)
				}
			})
		}
	})
}

func benchCanon(b *testing.B, c dkim.Canonicalization, msg []byte) {
	b.SetBytes(int64(len(msg)))
	b.ReportAllocs()
	for b.Loop() {
		w := dkim.NewBodyCanonicalizer(io.Discard, c, -1)
		w.Write(msg)
		w.Close()
	}
}

// BenchmarkFloorRatio measures each case of BenchmarkSign and
// BenchmarkVerify at 4 and 64 KiB, on text that relaxed canonicalization
// edits on every line (benchMessage) and on base64 that it leaves as it
// is (b64Message, "-b64"), against its floor in alternating pairs
// (case then floor, floor then case), one operation each, so that the load
// of other processes hits both alike: on a busy machine the ratio of two
// separate benchmarks swings by 2x, the median of paired ratios much less.
// It reports the median ratio (x-floor) and the median times of the case
// and the floor (case-ns, floor-ns); ns/op is for a pair.
func BenchmarkFloorRatio(b *testing.B) {
	keys, res := benchSetup(b)
	type body struct {
		name string
		msg  []byte
	}
	var bodies []body
	for _, sz := range sizes[:2] {
		bodies = append(bodies, body{sz.name, benchMessage(sz.n)}, body{sz.name + "-b64", b64Message(sz.n)})
	}
	for _, k := range keys {
		for _, sz := range bodies {
			msg := sz.msg
			var signed bytes.Buffer
			opts := dkim.SignOptions{Domain: "example.com", Selector: k.sel, Key: k.key}
			if err := dkim.SignMessage(&signed, bytes.NewReader(msg), opts); err != nil {
				b.Fatal(err)
			}
			data := signed.Bytes()
			sig := floorSign(b, k.key, msg)
			pub := k.key.Public()
			verify := func(v *dkim.Verifier) func() {
				return func() {
					if r, err := v.Verify(context.Background(), bytes.NewReader(data)); err != nil || r[0].Status != dkim.Pass {
						b.Fatal(err, r)
					}
				}
			}
			floorV := func() {
				if !floorVerify(pub, msg, sig) {
					b.Fatal("floor signature does not verify")
				}
			}
			for _, c := range []struct {
				name       string
				run, floor func()
			}{
				{"Sign", func() {
					if _, err := dkim.Sign(bytes.NewReader(msg), opts); err != nil {
						b.Fatal(err)
					}
				}, func() { floorSign(b, k.key, msg) }},
				{"Verify", verify(&dkim.Verifier{Resolver: res}), floorV},
				{"Verify-keycache", verify(&dkim.Verifier{Resolver: res, KeyCache: &dkim.KeyCache{}}), floorV},
			} {
				b.Run(c.name+"/"+k.name+"/"+sz.name, func(b *testing.B) {
					c.run()
					c.floor()
					var ratios, cs, fs []float64
					for i := 0; b.Loop(); i++ {
						var tc, tf time.Duration
						if i%2 == 0 {
							t0 := time.Now()
							c.run()
							t1 := time.Now()
							c.floor()
							tc, tf = t1.Sub(t0), time.Since(t1)
						} else {
							t0 := time.Now()
							c.floor()
							t1 := time.Now()
							c.run()
							tf, tc = t1.Sub(t0), time.Since(t1)
						}
						ratios = append(ratios, float64(tc)/float64(tf))
						cs, fs = append(cs, float64(tc)), append(fs, float64(tf))
					}
					reportPaired(b, ratios, cs, fs)
				})
			}
		}
	}
}

// pairedRatios runs run and floor in alternating pairs, as
// BenchmarkFloorRatio does, and reports the median ratio and times.
func pairedRatios(b *testing.B, run, floor func()) {
	run()
	floor()
	var ratios, cs, fs []float64
	for i := 0; b.Loop(); i++ {
		first, second := run, floor
		if i%2 == 1 {
			first, second = floor, run
		}
		t0 := time.Now()
		first()
		t1 := time.Now()
		second()
		t2 := time.Now()
		tc, tf := t1.Sub(t0), t2.Sub(t1)
		if i%2 == 1 {
			tc, tf = tf, tc
		}
		ratios = append(ratios, float64(tc)/float64(tf))
		cs, fs = append(cs, float64(tc)), append(fs, float64(tf))
	}
	reportPaired(b, ratios, cs, fs)
}

func reportPaired(b *testing.B, ratios, cs, fs []float64) {
	b.ReportMetric(median(ratios), "x-floor")
	b.ReportMetric(median(cs), "case-ns")
	b.ReportMetric(median(fs), "floor-ns")
}

// BenchmarkBodyHashRatio is BenchmarkBodyHash in pairs with SHA-256 alone
// over the same bytes (see BenchmarkFloorRatio): the cost of
// canonicalization on each path this CPU can run, as a ratio that the
// load of other processes moves little.
func BenchmarkBodyHashRatio(b *testing.B) {
	edited, clean := benchMessage(1<<20), cleanBody(1<<20)
	lfOnly := bytes.ReplaceAll(edited, []byte("\r\n"), []byte("\n"))
	bodies := []struct {
		name string
		body []byte
	}{{"relaxed", edited}, {"relaxed-clean", clean}, {"relaxed-lf", lfOnly}}
	dkim.EachKernelB(b, func(b *testing.B) {
		for _, x := range bodies {
			b.Run(x.name, func(b *testing.B) {
				pairedRatios(b, func() { dkim.SumBody(dkim.Relaxed, x.body) }, func() { sha256.Sum256(x.body) })
			})
		}
	})
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// BenchmarkParseSignature measures parsing the DKIM-Signature field that
// Sign writes for benchMessage (RSA-2048 and Ed25519), a fixed cost of
// every verification.
func BenchmarkParseSignature(b *testing.B) {
	keys, _ := benchSetup(b)
	for _, k := range keys {
		sig, err := dkim.Sign(bytes.NewReader(benchMessage(4<<10)), dkim.SignOptions{Domain: "example.com", Selector: k.sel, Key: k.key})
		if err != nil {
			b.Fatal(err)
		}
		field := strings.TrimSuffix(sig, "\r\n")
		b.Run(k.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := dkim.ParseSignature(field); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
