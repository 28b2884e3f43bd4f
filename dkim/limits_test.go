package dkim_test

import (
	"cmp"
	"context"
	"crypto"
	"crypto/rsa"
	"errors"
	"fmt"
	"io"
	"math/big"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/dkim"
)

// Resource limits: a hostile message must not make Verify do unbounded
// work, DNS lookups or allocation.

// limitFixture signs testMessage with Ed25519 (cheap to verify) and returns
// the signed message and a resolver with the key at ed._domainkey.example.com.
func limitFixture(t *testing.T) (string, *domainauth.FakeResolver) {
	t.Helper()
	_, ek := testKeys(t)
	rec, err := dkim.NewKey(ek.Public())
	if err != nil {
		t.Fatal(err)
	}
	f := domainauth.MustFakeResolver(`$ORIGIN example.com.
ed._domainkey TXT "` + rec.String() + `"
`)
	msg := signWith(t, dkim.SignOptions{Domain: "example.com", Selector: "ed", Key: ek})
	return msg, f
}

// manySignatures returns msg with n more DKIM-Signature fields on top, each
// a copy of msg's own signature naming its own selector (sel1, sel2, ...),
// so that evaluating each would cost a DNS lookup of its own.
func manySignatures(t *testing.T, msg string, n int) string {
	t.Helper()
	end := strings.Index(msg, "\r\nFrom:")
	if !strings.HasPrefix(msg, dkim.FieldName+":") || end < 0 {
		t.Fatalf("signed message does not start with its signature:\n%s", msg)
	}
	sig := msg[:end+2]
	if !strings.Contains(sig, "s=ed;") {
		t.Fatalf("signature without s=ed;: %s", sig)
	}
	var b strings.Builder
	for i := range n {
		b.WriteString(strings.Replace(sig, "s=ed;", fmt.Sprintf("s=sel%d;", i), 1))
	}
	b.WriteString(msg)
	return b.String()
}

// TestLimitManySignatures: a message with 3,000 signatures is bounded. With
// the default header limits it is refused (more than 1,000 fields); with
// the limits raised so that it is read, only MaxSignatures (10) signatures
// are evaluated, the rest are Neutral, and at most 10 keys are looked up.
func TestLimitManySignatures(t *testing.T) {
	const n = 3000
	signed, f := limitFixture(t)
	msg := manySignatures(t, signed, n)

	t.Run("default limits", func(t *testing.T) {
		f.ResetLookups()
		v := dkim.Verifier{Resolver: f}
		res, err := v.Verify(context.Background(), strings.NewReader(msg))
		if !errors.Is(err, dkim.ErrHeaderTooLarge) {
			t.Fatalf("Verify = %d results, %v; want ErrHeaderTooLarge (over %d fields)", len(res), err, dkim.DefaultMaxHeaderFields)
		}
		if c := f.LookupCount(); c != 0 {
			t.Errorf("%d DNS lookups for a refused message", c)
		}
	})

	t.Run("limits raised", func(t *testing.T) {
		f.ResetLookups()
		v := dkim.Verifier{Resolver: f, MaxHeaderFields: 2 * n, MaxHeaderBytes: 16 << 20}
		res, err := v.Verify(context.Background(), strings.NewReader(msg))
		if err != nil {
			t.Fatal(err)
		}
		if len(res) != n+1 {
			t.Fatalf("%d results; want one per signature, %d", len(res), n+1)
		}
		for i, r := range res {
			if i < dkim.DefaultMaxSignatures {
				if r.Status == dkim.Neutral {
					t.Errorf("signature %d: Neutral, but the first %d must be evaluated", i, dkim.DefaultMaxSignatures)
				}
				continue
			}
			if r.Status != dkim.Neutral || !errors.Is(r.Err, dkim.ErrTooManySignatures) {
				t.Fatalf("signature %d: %v, %v; want Neutral with ErrTooManySignatures", i, r.Status, r.Err)
			}
		}
		// Copies naming a missing selector: no key (PermError).
		if r := res[0]; r.Status != dkim.PermError || !errors.Is(r.Err, dkim.ErrNoKey) {
			t.Errorf("first signature: %v, %v; want PermError with ErrNoKey", r.Status, r.Err)
		}
		if c := f.LookupCount(); c > dkim.DefaultMaxSignatures {
			t.Errorf("%d DNS lookups; at most one per evaluated signature (%d) allowed", c, dkim.DefaultMaxSignatures)
		}
	})

	t.Run("genuine signature beyond the limit", func(t *testing.T) {
		// The real signature is the last of 3,001: not evaluated. A
		// verifier that wants it must raise MaxSignatures.
		v := dkim.Verifier{Resolver: f, MaxHeaderFields: 2 * n, MaxHeaderBytes: 16 << 20, MaxSignatures: n + 1}
		f.ResetLookups()
		res, err := v.Verify(context.Background(), strings.NewReader(msg))
		if err != nil {
			t.Fatal(err)
		}
		if r := res[n]; r.Status != dkim.Pass {
			t.Errorf("genuine signature: %v, %v; want Pass", r.Status, r.Err)
		}
		// One lookup per distinct key name, never more.
		if c := f.LookupCount(); c > n+1 {
			t.Errorf("%d DNS lookups for %d distinct key names", c, n+1)
		}
	})
}

// header is an io.Reader producing a message whose header block is size
// bytes of the given field, repeated, then a blank line and a body of
// bodySize bytes; it counts what was read. Nothing is held in memory, so
// the allocations measured are the verifier's own.
type header struct {
	field        string
	size, body   int
	read         int
	line         []byte
	pos, emitted int
	state        int // 0 header, 1 blank line, 2 body, 3 EOF
}

func (h *header) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		switch h.state {
		case 0:
			if h.emitted >= h.size {
				h.state, h.line, h.pos = 1, []byte("\r\n"), 0
				continue
			}
			if h.pos == len(h.line) {
				h.line, h.pos = []byte(h.field), 0
			}
			c := copy(p[n:], h.line[h.pos:])
			h.pos += c
			h.emitted += c
			n += c
		case 1:
			c := copy(p[n:], h.line[h.pos:])
			h.pos += c
			n += c
			if h.pos == len(h.line) {
				h.state, h.emitted = 2, 0
			}
		case 2:
			if h.emitted >= h.body {
				h.state = 3
				continue
			}
			c := min(len(p)-n, h.body-h.emitted)
			for i := range c {
				p[n+i] = 'x'
			}
			h.emitted += c
			n += c
		case 3:
			h.read += n
			if n == 0 {
				return 0, io.EOF
			}
			return n, nil
		}
	}
	h.read += n
	return n, nil
}

// TestLimitHugeHeader: a 10 MB header block is refused with
// ErrHeaderTooLarge after reading a little more than MaxHeaderBytes, and
// without allocating anywhere near the size of the header (let alone the
// 10 MB body behind it).
func TestLimitHugeHeader(t *testing.T) {
	const tenMB = 10 << 20
	const slack = 64 << 10 // read buffering beyond the limit
	tests := []struct {
		name  string
		field string
	}{
		{"many fields", "X-Filler: " + strings.Repeat("a", 80) + "\r\n"},
		{"one endless line", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
		{"one endless folded field", "\t" + strings.Repeat("b", 70) + "\r\n"},
		{"bare LF fields", "X-Filler: " + strings.Repeat("c", 40) + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &header{field: tt.field, size: tenMB, body: tenMB}
			v := dkim.Verifier{Resolver: domainauth.MustFakeResolver("")}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			res, err := v.Verify(context.Background(), r)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, dkim.ErrHeaderTooLarge) {
				t.Fatalf("Verify = %d results, %v; want ErrHeaderTooLarge", len(res), err)
			}
			if r.read > dkim.DefaultMaxHeaderBytes+slack {
				t.Errorf("read %d bytes; the limit is %d", r.read, dkim.DefaultMaxHeaderBytes)
			}
			// Holding the header up to the limit in a slice grown by
			// append (by a factor of 1.25 at this size) allocates about
			// 5 times the limit in all; holding the whole block would
			// cost over 10 MB, about 50 MB with the same growth.
			const bound = 8 * dkim.DefaultMaxHeaderBytes
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > bound {
				t.Errorf("allocated %d bytes to refuse the header; want at most %d", alloc, bound)
			}
		})
	}
}

// TestLimitHugeHeaderSigner: the signer has the same bound.
func TestLimitHugeHeaderSigner(t *testing.T) {
	_, ek := testKeys(t)
	r := &header{field: "X-Filler: " + strings.Repeat("a", 80) + "\r\n", size: 10 << 20, body: 10 << 20}
	_, err := dkim.Sign(r, dkim.SignOptions{Domain: "example.com", Selector: "ed", Key: ek})
	if !errors.Is(err, dkim.ErrHeaderTooLarge) {
		t.Fatalf("Sign error = %v; want ErrHeaderTooLarge", err)
	}
	if r.read > dkim.DefaultMaxHeaderBytes+64<<10 {
		t.Errorf("read %d bytes; the limit is %d", r.read, dkim.DefaultMaxHeaderBytes)
	}
}

// TestLimitBodyMemory: memory per verification does not grow with the
// body: verifying a 10 MB body allocates about as much as a 10 KB one.
func TestLimitBodyMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("hashes 10 MB")
	}
	_, ek := testKeys(t)
	rec, _ := dkim.NewKey(ek.Public())
	f := domainauth.MustFakeResolver(`$ORIGIN example.com.
ed._domainkey TXT "` + rec.String() + `"
`)
	alloc := func(bodySize int) uint64 {
		// The signature covers a body of bodySize 'x' bytes; it need not
		// pass for the measure, but must be evaluated (key fetched, body
		// hashed).
		msg := &header{field: "From: joe@example.com\r\n", size: 23, body: bodySize}
		field, err := dkim.Sign(msg, dkim.SignOptions{Domain: "example.com", Selector: "ed", Key: ek})
		if err != nil {
			t.Fatal(err)
		}
		in := io.MultiReader(strings.NewReader(field), &header{field: "From: joe@example.com\r\n", size: 23, body: bodySize})
		v := dkim.Verifier{Resolver: f}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		res, err := v.Verify(context.Background(), in)
		runtime.ReadMemStats(&after)
		if err != nil || len(res) != 1 || res[0].Status != dkim.Pass {
			t.Fatalf("Verify = %v, %v; want one Pass", res, err)
		}
		return after.TotalAlloc - before.TotalAlloc
	}
	small, big := alloc(10<<10), alloc(10<<20)
	t.Logf("allocated %d bytes for 10 KB, %d for 10 MB", small, big)
	if big > small+64<<10 {
		t.Errorf("10 MB body: %d bytes allocated, 10 KB body: %d; memory must not grow with the body", big, small)
	}
}

// TestLimitHangingResolver: a resolver that never answers is bounded by the
// context: the signatures whose key could not be fetched are TempError, and
// the error says it was the context.
func TestLimitHangingResolver(t *testing.T) {
	msg, f := limitFixture(t)
	f.Fail("ed._domainkey.example.com", 0, domainauth.FailHang)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	v := dkim.Verifier{Resolver: f}
	res, err := v.Verify(ctx, strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 1 {
		t.Fatalf("%d results; want 1", len(res))
	}
	r := res[0]
	if r.Status != dkim.TempError || !errors.Is(r.Err, dkim.ErrKeyUnavailable) {
		t.Errorf("result %v, %v; want TempError with ErrKeyUnavailable", r.Status, r.Err)
	}
	if !errors.Is(r.Err, context.DeadlineExceeded) {
		t.Errorf("Err = %v; want it to match context.DeadlineExceeded", r.Err)
	}
}

// TestLimitLongHeaderList: h= may list tens of thousands of names within
// MaxSignatureLength (64 KiB). Matching them to the header fields must
// cost time linear in the list: the literal reading of RFC 6376 section
// 5.4.2 (count the earlier uses of each name) is quadratic and took
// seconds per signature, so ten such signatures made a 600 KB message cost
// most of a minute. The ten signatures here verify.
func TestLimitLongHeaderList(t *testing.T) {
	_, ek := testKeys(t)
	rec, _ := dkim.NewKey(ek.Public())
	f := domainauth.MustFakeResolver(`$ORIGIN example.com.
ed._domainkey TXT "` + rec.String() + `"
`)
	names := []string{"From", "Subject"}
	for range 30000 {
		names = append(names, "a") // no such field: null fields, like over-signing
	}
	signed := signWith(t, dkim.SignOptions{Domain: "example.com", Selector: "ed", Key: ek, Headers: names})
	end := strings.Index(signed, "\r\nFrom:")
	if end < 0 || end > dkim.MaxSignatureLength {
		t.Fatalf("signature of %d bytes; want at most %d", end, dkim.MaxSignatureLength)
	}
	msg := strings.Repeat(signed[:end+2], dkim.DefaultMaxSignatures-1) + signed
	v := dkim.Verifier{Resolver: f}
	res, err := v.Verify(context.Background(), strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != dkim.DefaultMaxSignatures {
		t.Fatalf("%d results; want %d", len(res), dkim.DefaultMaxSignatures)
	}
	for i, r := range res {
		if r.Status != dkim.Pass {
			t.Errorf("signature %d: %v, %v; want Pass", i, r.Status, r.Err)
		}
	}
	if c := f.LookupCount(); c != 1 {
		t.Errorf("%d key lookups; the ten signatures share one key", c)
	}
}

// bigModulus returns an odd number of exactly bits bits, the same for the
// same arguments. It stands for the modulus of a huge RSA key: finding a
// real one (two primes) takes minutes at these sizes, and the verifier must
// refuse the key by its size before it does any arithmetic with it.
func bigModulus(bits int, seed uint64) *big.Int {
	r := rand.New(rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8)}))
	b := make([]byte, (bits+7)/8)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	n := new(big.Int).SetBytes(b)
	n.SetBit(n, bits-1, 1) // exactly bits bits long
	for i := n.BitLen() - 1; i >= bits; i-- {
		n.SetBit(n, i, 0)
	}
	return n.SetBit(n, 0, 1)
}

// publicOnlySigner is a crypto.Signer that holds only an RSA public key and
// "signs" with a number below the modulus, as long as a real signature.
// A message it signs carries a correct body hash and a well-formed b= that
// does not verify: a verifier that accepted the key would run the RSA
// operation on it and only then report a mismatch.
type publicOnlySigner struct{ pub *rsa.PublicKey }

func (s publicOnlySigner) Public() crypto.PublicKey { return s.pub }

func (s publicOnlySigner) Sign(_ io.Reader, _ []byte, _ crypto.SignerOpts) ([]byte, error) {
	sig := new(big.Int).Rsh(s.pub.N, 1)
	return sig.FillBytes(make([]byte, (s.pub.N.BitLen()+7)/8)), nil
}

// TestLimitRSAKeySize: issue 17 item 8. An RSA key is refused for its size,
// PermError with ErrKeyTooLarge, before any RSA arithmetic, above
// Verifier.MaxRSABits (default 8192 bits, the bound of Go's crypto/tls and
// of other DKIM verifiers; RFC 8301 section 3.2 asks verifiers to accept
// 1024 to 4096). The 46,000-bit key of the issue fits in a 7.7 KiB record,
// under MaxKeyRecordLength: the record length alone does not bound the cost
// (about 60 ms per signature with such a key, ten per message).
func TestLimitRSAKeySize(t *testing.T) {
	rk, _ := testKeys(t)
	keys := map[string]crypto.Signer{"rsa2048": rk}
	for _, bits := range []int{46000, 8193, 8192} {
		keys[fmt.Sprintf("rsa%d", bits)] = publicOnlySigner{&rsa.PublicKey{N: bigModulus(bits, uint64(bits)), E: 65537}}
	}
	records := map[string]*dkim.Key{}
	for sel, k := range keys {
		rec, err := dkim.NewKey(k.Public())
		if err != nil {
			t.Fatal(err)
		}
		if n := len(rec.String()); n > dkim.MaxKeyRecordLength {
			t.Fatalf("%s: record of %d bytes, over MaxKeyRecordLength (%d)", sel, n, dkim.MaxKeyRecordLength)
		}
		records[sel+"._domainkey.example.com"] = rec
	}
	f := zoneFor(t, records)

	tests := []struct {
		sel     string
		maxBits int
		status  dkim.Status
		reason  error
	}{
		{"rsa46000", 0, dkim.PermError, dkim.ErrKeyTooLarge},
		{"rsa8193", 0, dkim.PermError, dkim.ErrKeyTooLarge},
		// 8192 bits is accepted: the key is checked, the made-up
		// signature does not match.
		{"rsa8192", 0, dkim.Fail, dkim.ErrSignatureMismatch},
		{"rsa2048", 0, dkim.Pass, nil},
		// MaxRSABits lowers the bound.
		{"rsa8192", 4096, dkim.PermError, dkim.ErrKeyTooLarge},
		{"rsa2048", 4096, dkim.Pass, nil},
		{"rsa2048", 2048, dkim.Pass, nil},
		{"rsa2048", 2047, dkim.PermError, dkim.ErrKeyTooLarge},
		// and raises it.
		{"rsa8193", 8193, dkim.Fail, dkim.ErrSignatureMismatch},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s max %d", tt.sel, tt.maxBits), func(t *testing.T) {
			msg := signWith(t, dkim.SignOptions{Domain: "example.com", Selector: tt.sel, Key: keys[tt.sel]})
			v := dkim.Verifier{Resolver: f, MaxRSABits: tt.maxBits}
			res, err := v.Verify(context.Background(), strings.NewReader(msg))
			if err != nil {
				t.Fatal(err)
			}
			if len(res) != 1 {
				t.Fatalf("%d results; want 1", len(res))
			}
			r := res[0]
			if r.Status != tt.status || tt.reason == nil && r.Err != nil || tt.reason != nil && !errors.Is(r.Err, tt.reason) {
				t.Fatalf("%v, %v; want %v, %v", r.Status, r.Err, tt.status, tt.reason)
			}
			if tt.reason == dkim.ErrKeyTooLarge {
				// The error names the size, the bound and the key.
				bits := strings.TrimPrefix(tt.sel, "rsa")
				maxBits := strconv.Itoa(cmp.Or(tt.maxBits, dkim.DefaultMaxRSAKeyBits))
				for _, want := range []string{bits + "-bit", maxBits, tt.sel + "._domainkey.example.com"} {
					if !strings.Contains(r.Err.Error(), want) {
						t.Errorf("error %q does not say %q", r.Err, want)
					}
				}
			}
		})
	}
}

// TestVerifyReadError: a reader that fails inside the header section
// makes Verify fail with that error (wrapped), at once.
func TestVerifyReadError(t *testing.T) {
	boom := errors.New("connection reset")
	msg, f := limitFixture(t)
	for _, at := range []int{0, 10, strings.Index(msg, "\r\n\r\n")} {
		r := io.MultiReader(strings.NewReader(msg[:at]), iotest.ErrReader(boom))
		v := dkim.Verifier{Resolver: f}
		res, err := v.Verify(context.Background(), r)
		if !errors.Is(err, boom) {
			t.Errorf("failing after %d bytes: %d results, %v; want the reader's error", at, len(res), err)
		}
	}
}
