package bench

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"

	blitspf "blitiri.com.ar/go/spf"
	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/spf"
	msgdkim "github.com/emersion/go-msgauth/dkim"
	msgdmarc "github.com/emersion/go-msgauth/dmarc"
	moxdkim "github.com/mjl-/mox/dkim"
	moxdmarc "github.com/mjl-/mox/dmarc"
	moxdns "github.com/mjl-/mox/dns"
	moxspf "github.com/mjl-/mox/spf"
	"golang.org/x/net/publicsuffix"
)

// Library names, the last element of every benchmark name.
const (
	libOurs    = "domainauth"
	libMsgauth = "go-msgauth"
	libBlitiri = "blitiri"
	libMox     = "mox"
	libFloor   = "floor"
)

var (
	ctx     = context.Background()
	discard = slog.New(slog.DiscardHandler)
)

// sink keeps results alive so the compiler cannot drop the work.
var sink any

func mustMoxDomain(tb testing.TB, s string) moxdns.Domain {
	d, err := moxdns.ParseDomain(s)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// ---- SPF ----

// BenchmarkSPFParse parses one SPF record. blitiri.com.ar/go/spf has no
// parser of its own (it evaluates the text as it goes), so it has no row.
func BenchmarkSPFParse(b *testing.B) {
	b.Run(libOurs, func(b *testing.B) {
		if _, err := spf.Parse(SPFRecord); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			r, _ := spf.Parse(SPFRecord)
			sink = r
		}
	})
	b.Run(libMox, func(b *testing.B) {
		if _, isspf, err := moxspf.ParseRecord(SPFRecord); err != nil || !isspf {
			b.Fatal(isspf, err)
		}
		b.ReportAllocs()
		for b.Loop() {
			r, _, _ := moxspf.ParseRecord(SPFRecord)
			sink = r
		}
	})
}

// BenchmarkSPFCheckHost runs check_host for a client that passes in the
// third level of includes, after 8 DNS-querying terms (see GetZone).
// mox needs the domains parsed into its dns.Domain; that is done once,
// outside the loop, as an SMTP server would for other reasons anyway.
func BenchmarkSPFCheckHost(b *testing.B) {
	z := GetZone()
	b.Run(libOurs, func(b *testing.B) {
		c := &spf.Checker{Resolver: Std{z}, HELO: SPFHELO}
		if o := c.CheckHost(ctx, SPFClientIP, SPFDomain, SPFSender); o.Result != spf.Pass {
			b.Fatalf("result %v, %v", o.Result, o.Err)
		}
		b.ReportAllocs()
		for b.Loop() {
			o := c.CheckHost(ctx, SPFClientIP, SPFDomain, SPFSender)
			sink = o.Term
		}
	})
	b.Run(libBlitiri, func(b *testing.B) {
		opts := []blitspf.Option{blitspf.WithResolver(Std{z}), blitspf.WithContext(ctx)}
		if r, err := blitspf.CheckHostWithSender(SPFClientNetIP, SPFHELO, SPFSender, opts...); r != blitspf.Pass {
			b.Fatalf("result %v, %v", r, err)
		}
		b.ReportAllocs()
		for b.Loop() {
			r, _ := blitspf.CheckHostWithSender(SPFClientNetIP, SPFHELO, SPFSender, opts...)
			sink = r
		}
	})
	b.Run(libMox, func(b *testing.B) {
		helo := mustMoxDomain(b, SPFHELO)
		args := moxspf.Args{
			RemoteIP:          SPFClientNetIP,
			MailFromLocalpart: "bounce",
			MailFromDomain:    mustMoxDomain(b, SPFDomain),
			HelloDomain:       moxdns.IPDomain{Domain: helo},
			LocalHostname:     mustMoxDomain(b, "mx.receiver.example"),
		}
		r := Mox{z}
		if rcv, _, _, _, err := moxspf.Verify(ctx, discard, r, args); rcv.Result != moxspf.StatusPass {
			b.Fatalf("result %v, %v", rcv.Result, err)
		}
		b.ReportAllocs()
		for b.Loop() {
			rcv, _, _, _, _ := moxspf.Verify(ctx, discard, r, args)
			sink = rcv.Result
		}
	})
}

// ---- DMARC ----

// BenchmarkDMARCParse parses one DMARC record.
func BenchmarkDMARCParse(b *testing.B) {
	b.Run(libOurs, func(b *testing.B) {
		if _, err := dmarc.Parse(DMARCRecord); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			r, _ := dmarc.Parse(DMARCRecord)
			sink = r
		}
	})
	b.Run(libMsgauth, func(b *testing.B) {
		if _, err := msgdmarc.Parse(DMARCRecord); err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			r, _ := msgdmarc.Parse(DMARCRecord)
			sink = r
		}
	})
	b.Run(libMox, func(b *testing.B) {
		if _, ok, err := moxdmarc.ParseRecord(DMARCRecord); err != nil || !ok {
			b.Fatal(ok, err)
		}
		b.ReportAllocs()
		for b.Loop() {
			r, _, _ := moxdmarc.ParseRecord(DMARCRecord)
			sink = r
		}
	})
}

// BenchmarkDMARCEvaluate finds the policy of a From domain (one NXDOMAIN,
// then the organizational domain's record) and evaluates alignment of a
// DKIM pass and an SPF pass against it. go-msgauth only parses and looks
// up records; its row adds the organizational-domain fallback and the
// relaxed alignment a user of it has to write (with x/net/publicsuffix).
func BenchmarkDMARCEvaluate(b *testing.B) {
	z := GetZone()
	b.Run(libOurs, func(b *testing.B) {
		in := dmarc.Input{
			FromDomain: DMARCFrom,
			SPF:        dmarc.SPFResult{Domain: DMARCSPFDomain, Result: dmarc.AuthPass},
			DKIM:       []dmarc.DKIMResult{{Domain: DMARCDKIMDomain, Selector: DMARCSelector, Result: dmarc.AuthPass}},
		}
		r := Std{z}
		if res := dmarc.Verify(ctx, r, in); res.Status != dmarc.StatusPass {
			b.Fatalf("status %v, %v", res.Status, res.Err)
		}
		b.ReportAllocs()
		for b.Loop() {
			res := dmarc.Verify(ctx, r, in)
			sink = res.Record
		}
	})
	b.Run(libMsgauth, func(b *testing.B) {
		lookup := &msgdmarc.LookupOptions{LookupTXT: z.TXTFunc()}
		if !msgauthDMARC(lookup, DMARCFrom, DMARCSPFDomain, DMARCDKIMDomain) {
			b.Fatal("no pass")
		}
		b.ReportAllocs()
		for b.Loop() {
			sink = msgauthDMARC(lookup, DMARCFrom, DMARCSPFDomain, DMARCDKIMDomain)
		}
	})
	b.Run(libMox, func(b *testing.B) {
		from := mustMoxDomain(b, DMARCFrom)
		spfDomain := mustMoxDomain(b, DMARCSPFDomain)
		dkimResults := []moxdkim.Result{{
			Status: moxdkim.StatusPass,
			Sig:    &moxdkim.Sig{Domain: mustMoxDomain(b, DMARCDKIMDomain), Selector: mustMoxDomain(b, DMARCSelector)},
		}}
		r := Mox{z}
		if _, res := moxdmarc.Verify(ctx, discard, r, from, dkimResults, moxspf.StatusPass, &spfDomain, true); res.Status != moxdmarc.StatusPass {
			b.Fatalf("status %v, %v", res.Status, res.Err)
		}
		b.ReportAllocs()
		for b.Loop() {
			_, res := moxdmarc.Verify(ctx, discard, r, from, dkimResults, moxspf.StatusPass, &spfDomain, true)
			sink = res.Record
		}
	})
}

// msgauthDMARC is the DMARC evaluation a go-msgauth user writes: lookup at
// the From domain, then at its organizational domain, then relaxed or
// strict alignment of the passing DKIM and SPF domains.
func msgauthDMARC(opts *msgdmarc.LookupOptions, from, spfDomain, dkimDomain string) bool {
	org := func(d string) string {
		o, err := publicsuffix.EffectiveTLDPlusOne(d)
		if err != nil {
			return d
		}
		return o
	}
	rec, err := msgdmarc.LookupWithOptions(from, opts)
	if errors.Is(err, msgdmarc.ErrNoPolicy) {
		if o := org(from); o != from {
			rec, err = msgdmarc.LookupWithOptions(o, opts)
		}
	}
	if err != nil {
		return false
	}
	aligned := func(mode msgdmarc.AlignmentMode, d string) bool {
		if mode == msgdmarc.AlignmentStrict {
			return d == from
		}
		return org(d) == org(from)
	}
	return aligned(rec.DKIMAlignment, dkimDomain) || aligned(rec.SPFAlignment, spfDomain)
}

// ---- DKIM ----

type alg struct {
	name     string
	selector string
	key      crypto.Signer
	record   string
}

func algs() []alg {
	k := GetKeys()
	return []alg{
		{"rsa2048", DKIMSelectorRSA, k.RSA, k.RSARecord},
		{"ed25519", DKIMSelectorEd, k.Ed, k.EdRecord},
	}
}

// BenchmarkDKIMKeyParse parses a DKIM key record, public key included.
// go-msgauth has no exported key-record parser, so it has no row.
func BenchmarkDKIMKeyParse(b *testing.B) {
	for _, a := range algs() {
		b.Run(a.name+"/"+libOurs, func(b *testing.B) {
			if _, err := dkim.ParseKey(a.record); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				k, _ := dkim.ParseKey(a.record)
				sink = k
			}
		})
		b.Run(a.name+"/"+libMox, func(b *testing.B) {
			if _, ok, err := moxdkim.ParseRecord(a.record); err != nil || !ok {
				b.Fatal(ok, err)
			}
			b.ReportAllocs()
			for b.Loop() {
				k, _, _ := moxdkim.ParseRecord(a.record)
				sink = k
			}
		})
	}
}

var messages sync.Map // body name -> []byte

func message(body Body) []byte {
	if m, ok := messages.Load(body.Name); ok {
		return m.([]byte)
	}
	m := body.Message()
	messages.Store(body.Name, m)
	return m
}

// BenchmarkDKIMSign signs a message with relaxed/relaxed canonicalization
// and the same seven header fields in every library. The floor is SHA-256
// over the message plus one signature with crypto/rsa or crypto/ed25519.
func BenchmarkDKIMSign(b *testing.B) {
	for _, a := range algs() {
		for _, body := range Bodies {
			msg := message(body)
			prefix := a.name + "/" + body.Name + "/"
			b.Run(prefix+libOurs, func(b *testing.B) {
				opts := dkim.SignOptions{Domain: DKIMDomain, Selector: a.selector, Key: a.key, Headers: DKIMHeaders}
				if h, err := dkim.Sign(bytes.NewReader(msg), opts); err != nil || h == "" {
					b.Fatal(err)
				}
				b.SetBytes(int64(len(msg)))
				b.ReportAllocs()
				for b.Loop() {
					h, _ := dkim.Sign(bytes.NewReader(msg), opts)
					sink = h
				}
			})
			b.Run(prefix+libMsgauth, func(b *testing.B) {
				opts := &msgdkim.SignOptions{
					Domain: DKIMDomain, Selector: a.selector, Signer: a.key,
					HeaderCanonicalization: msgdkim.CanonicalizationRelaxed,
					BodyCanonicalization:   msgdkim.CanonicalizationRelaxed,
					HeaderKeys:             DKIMHeaders,
				}
				sign := func() (string, error) {
					s, err := msgdkim.NewSigner(opts)
					if err != nil {
						return "", err
					}
					if _, err := io.Copy(s, bytes.NewReader(msg)); err != nil {
						s.Close()
						return "", err
					}
					if err := s.Close(); err != nil {
						return "", err
					}
					return s.Signature(), nil
				}
				if h, err := sign(); err != nil || h == "" {
					b.Fatal(err)
				}
				b.SetBytes(int64(len(msg)))
				b.ReportAllocs()
				for b.Loop() {
					h, _ := sign()
					sink = h
				}
			})
			b.Run(prefix+libMox, func(b *testing.B) {
				sels := []moxdkim.Selector{{
					Hash: "sha256", HeaderRelaxed: true, BodyRelaxed: true,
					Headers: DKIMHeaders, PrivateKey: a.key, Domain: mustMoxDomain(b, a.selector),
				}}
				domain := mustMoxDomain(b, DKIMDomain)
				if h, err := moxdkim.Sign(ctx, discard, "alice", domain, sels, false, bytes.NewReader(msg)); err != nil || h == "" {
					b.Fatal(err)
				}
				b.SetBytes(int64(len(msg)))
				b.ReportAllocs()
				for b.Loop() {
					h, _ := moxdkim.Sign(ctx, discard, "alice", domain, sels, false, bytes.NewReader(msg))
					sink = h
				}
			})
			b.Run(prefix+libFloor, func(b *testing.B) {
				b.SetBytes(int64(len(msg)))
				b.ReportAllocs()
				for b.Loop() {
					sink = floorSign(a.key, msg)
				}
			})
		}
	}
}

// floorSign is the least any DKIM signer must do: hash the message and
// make one signature.
func floorSign(key crypto.Signer, msg []byte) []byte {
	bh := sha256.Sum256(msg)
	hh := sha256.Sum256(bh[:])
	switch k := key.(type) {
	case *rsa.PrivateKey:
		sig, err := rsa.SignPKCS1v15(nil, k, crypto.SHA256, hh[:])
		if err != nil {
			panic(err)
		}
		return sig
	case ed25519.PrivateKey:
		return ed25519.Sign(k, hh[:])
	}
	panic("unknown key")
}

// floorVerify is the least any DKIM verifier must do: hash the message and
// check one signature.
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

var signedMessages sync.Map // alg/body -> []byte

// signed returns the message of the given body signed by go-msgauth
// (relaxed/relaxed); every library verifies the same bytes.
func signed(b *testing.B, a alg, body Body) []byte {
	k := a.name + "/" + body.Name
	if m, ok := signedMessages.Load(k); ok {
		return m.([]byte)
	}
	msg := message(body)
	s, err := msgdkim.NewSigner(&msgdkim.SignOptions{
		Domain: DKIMDomain, Selector: a.selector, Signer: a.key,
		HeaderCanonicalization: msgdkim.CanonicalizationRelaxed,
		BodyCanonicalization:   msgdkim.CanonicalizationRelaxed,
		HeaderKeys:             DKIMHeaders,
	})
	if err != nil {
		b.Fatal(err)
	}
	s.Write(msg)
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	out := append([]byte(s.Signature()), msg...)
	signedMessages.Store(k, out)
	return out
}

// BenchmarkDKIMVerify verifies one signature (relaxed/relaxed, key record
// from the shared DNS data). The 10MB case, RSA only, shows whether memory
// per verification grows with the message.
func BenchmarkDKIMVerify(b *testing.B) {
	z := GetZone()
	for _, a := range algs() {
		bodies := Bodies
		if a.name == "rsa2048" {
			bodies = append(bodies[:len(bodies):len(bodies)], Body10MB)
		}
		for _, body := range bodies {
			prefix := a.name + "/" + body.Name + "/"
			b.Run(prefix+libOurs, func(b *testing.B) {
				msg := signed(b, a, body)
				v := &dkim.Verifier{Resolver: Std{z}}
				if res, err := v.Verify(ctx, bytes.NewReader(msg)); err != nil || len(res) != 1 || res[0].Status != dkim.Pass {
					b.Fatal(res, err)
				}
				b.SetBytes(int64(len(msg)))
				b.ReportAllocs()
				for b.Loop() {
					res, _ := v.Verify(ctx, bytes.NewReader(msg))
					sink = res
				}
			})
			b.Run(prefix+libMsgauth, func(b *testing.B) {
				msg := signed(b, a, body)
				opts := &msgdkim.VerifyOptions{LookupTXT: z.TXTFunc()}
				if res, err := msgdkim.VerifyWithOptions(bytes.NewReader(msg), opts); err != nil || len(res) != 1 || res[0].Err != nil {
					b.Fatal(res, err)
				}
				b.SetBytes(int64(len(msg)))
				b.ReportAllocs()
				for b.Loop() {
					res, _ := msgdkim.VerifyWithOptions(bytes.NewReader(msg), opts)
					sink = res
				}
			})
			b.Run(prefix+libMox, func(b *testing.B) {
				msg := signed(b, a, body)
				r := Mox{z}
				if res, err := moxdkim.Verify(ctx, discard, r, false, moxdkim.DefaultPolicy, bytes.NewReader(msg), false); err != nil || len(res) != 1 || res[0].Status != moxdkim.StatusPass {
					b.Fatal(res, err)
				}
				b.SetBytes(int64(len(msg)))
				b.ReportAllocs()
				for b.Loop() {
					res, _ := moxdkim.Verify(ctx, discard, r, false, moxdkim.DefaultPolicy, bytes.NewReader(msg), false)
					sink = res
				}
			})
			b.Run(prefix+libFloor, func(b *testing.B) {
				msg := message(body)
				sig := floorSign(a.key, msg)
				pub := a.key.Public()
				if !floorVerify(pub, msg, sig) {
					b.Fatal("floor signature does not verify")
				}
				b.SetBytes(int64(len(msg)))
				b.ReportAllocs()
				for b.Loop() {
					sink = floorVerify(pub, msg, sig)
				}
			})
		}
	}
}
