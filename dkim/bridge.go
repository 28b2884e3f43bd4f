package dkim

import (
	"bufio"
	"context"
	"crypto"
	"hash"

	"github.com/domainauth/domainauth/internal/dkimbridge"
)

// The bridge to the packages built on DKIM (arc): see internal/dkimbridge.
func init() {
	dkimbridge.ReadHeader = func(br *bufio.Reader, maxBytes, maxFields int) ([]dkimbridge.Field, error) {
		fs, err := readHeader(br, maxBytes, maxFields)
		if err != nil {
			return nil, err
		}
		out := make([]dkimbridge.Field, len(fs))
		for i, f := range fs {
			out[i] = dkimbridge.Field{Name: f.name, Raw: f.raw}
		}
		return out, nil
	}
	dkimbridge.NewBodyHash = func(c string, limit int64) dkimbridge.BodyHash {
		h := newBodyHash()
		return &bridgeBody{bodyHash{canon: Canonicalization(c), h: h, c: newBodyCanonicalizer(h, Canonicalization(c), limit)}}
	}
	dkimbridge.HashHeaders = func(h hash.Hash, scratch []byte, fs []dkimbridge.Field, names []string, sigField string, c string) []byte {
		in := make([]field, len(fs))
		for i, f := range fs {
			in[i] = field{name: f.Name, raw: f.Raw}
		}
		return hashHeaders(h, scratch, in, names, sigField, Canonicalization(c))
	}
	dkimbridge.StripSignatureValue = stripSignatureValue
	dkimbridge.ParseCanonicalization = func(c string) (string, string, error) {
		h, b, err := parseCanonicalization(c)
		return string(h), string(b), err
	}
	dkimbridge.FetchKey = func(ctx context.Context, r dkimbridge.TXTResolver, name string) (any, crypto.PublicKey, int, error) {
		k, pub, st, err := fetchKey(ctx, r, name)
		return k, pub, int(st), err
	}
	dkimbridge.CheckKey = func(sig dkimbridge.KeyCheck, key any, pub crypto.PublicKey) error {
		v := Verifier{MinRSABits: sig.MinRSABits, MaxRSABits: sig.MaxRSABits}
		return v.checkKey(&Signature{Algorithm: Algorithm(sig.Algorithm), Domain: sig.Domain}, key.(*Key), pub, sig.Name)
	}
	dkimbridge.VerifySignature = func(alg string, pub crypto.PublicKey, digest, sig []byte) error {
		return verifySignature(Algorithm(alg), pub, digest, sig)
	}
	dkimbridge.StripFWS = stripFWS
	dkimbridge.SplitColonList = splitColonList
	dkimbridge.ParseDigits = parseDigits
	dkimbridge.ValidFieldName = validFieldName
	dkimbridge.CheckSignNames = checkSignNameSlow
}

// bridgeBody is a bodyHash seen through dkimbridge.BodyHash.
type bridgeBody struct{ b bodyHash }

func (b *bridgeBody) Write(p []byte) (int, error) { return b.b.c.Write(p) }
func (b *bridgeBody) Close() error                { return b.b.c.Close() }
func (b *bridgeBody) Sum() []byte                 { return b.b.h.Sum(nil) }
func (b *bridgeBody) Total() int64                { return b.b.c.total }
