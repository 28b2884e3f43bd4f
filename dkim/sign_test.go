package dkim_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	cryptorand "crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/dkim"
)

// TestReproduceRFCSignatures recomputes the header hash of the published
// RFC 6376 and RFC 8463 example signatures and signs it with the published
// private keys: RSA PKCS#1 v1.5 and Ed25519 are deterministic, so b= must
// come out byte for byte.
func TestReproduceRFCSignatures(t *testing.T) {
	dir := corpusDir(t)
	rsa8463 := loadPEM(t, filepath.Join(dir, "rfc8463/rsa-private.pem"))
	rsa6376 := loadPEM(t, filepath.Join(dir, "rfc6376/rfc6376-appendix-c-private.pem"))
	ed := ed25519.NewKeyFromSeed(rfc8032Seed(t))
	for _, c := range []struct {
		file string
		idx  int
		key  crypto.Signer
	}{
		{"rfc8463/rfc8463-appendix-a3-signed.eml", 0, ed},
		{"rfc8463/rfc8463-appendix-a3-signed.eml", 1, rsa8463},
		{"rfc6376/rfc6376-appendix-a2.eml", 0, rsa6376},
		{"go-msgauth/sign-ed25519-expected.eml", 0, ed},
		{"go-msgauth/sign-rsa-expected.eml", 0, rsa6376},
	} {
		data, err := os.ReadFile(filepath.Join(dir, c.file))
		if err != nil {
			t.Fatal(err)
		}
		digest, sig, err := dkim.HeaderDigest(string(data), c.idx)
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		var opts crypto.SignerOpts = crypto.SHA256
		if sig.Algorithm == dkim.Ed25519SHA256 {
			opts = crypto.Hash(0)
		}
		b, err := c.key.Sign(nil, digest, opts)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, sig.Signature) {
			t.Errorf("%s #%d: recomputed b= differs\n got %s\nwant %s", c.file, c.idx, base64.StdEncoding.EncodeToString(b), base64.StdEncoding.EncodeToString(sig.Signature))
		}
	}
}

func loadPEM(t testing.TB, path string) crypto.Signer {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	k, err := dkim.ParsePrivateKeyPEM(data)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// testKeys returns a deterministic RSA-2048 key (from testdata) and the
// RFC 8032 Ed25519 key.
func testKeys(t testing.TB) (*rsa.PrivateKey, ed25519.PrivateKey) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "rsa2048.pem"))
	if err != nil {
		t.Fatal(err)
	}
	k, err := dkim.ParsePrivateKeyPEM(data)
	if err != nil {
		t.Fatal(err)
	}
	return k.(*rsa.PrivateKey), ed25519.NewKeyFromSeed(rfc8032Seed(t))
}

const testMessage = "From: Joe SixPack <joe@football.example.com>\r\n" +
	"To: Suzie Q <suzie@shopping.example.net>\r\n" +
	"Subject: Is dinner ready?\r\n" +
	"Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)\r\n" +
	"Message-ID: <20030712040037.46341.5F8J@football.example.com>\r\n" +
	"\r\n" +
	"Hi.\r\n" +
	"\r\n" +
	"We lost the game.  Are you hungry yet?\r\n" +
	"\r\n" +
	"Joe.\r\n"

func zoneFor(t testing.TB, entries map[string]*dkim.Key) *domainauth.FakeResolver {
	f, err := domainauth.NewFakeResolver("")
	if err != nil {
		t.Fatal(err)
	}
	for name, k := range entries {
		f.AddRR(txtRR(name, k.String()))
	}
	return f
}

func TestSignVerifyRoundTrip(t *testing.T) {
	rk, ek := testKeys(t)
	rrec, _ := dkim.NewKey(rk.Public())
	erec, _ := dkim.NewKey(ek.Public())
	res := zoneFor(t, map[string]*dkim.Key{
		"rsa._domainkey.example.com": rrec,
		"ed._domainkey.example.com":  erec,
	})
	now := time.Unix(1700000000, 0)
	for _, key := range []struct {
		sel  string
		priv crypto.Signer
		alg  dkim.Algorithm
	}{{"rsa", rk, dkim.RSASHA256}, {"ed", ek, dkim.Ed25519SHA256}} {
		for _, hc := range []dkim.Canonicalization{dkim.Simple, dkim.Relaxed} {
			for _, bc := range []dkim.Canonicalization{dkim.Simple, dkim.Relaxed} {
				for _, l := range []bool{false, true} {
					name := fmt.Sprintf("%s/%s/%s/l=%v", key.alg, hc, bc, l)
					t.Run(name, func(t *testing.T) {
						opts := dkim.SignOptions{
							Domain: "example.com", Selector: key.sel, Key: key.priv,
							HeaderCanonicalization: hc, BodyCanonicalization: bc,
							BodyLength: l, Expiration: time.Hour, CopyHeaders: true,
							Identity: "joe@football.example.com",
							Now:      func() time.Time { return now },
						}
						var signed bytes.Buffer
						if err := dkim.SignMessage(&signed, strings.NewReader(testMessage), opts); err != nil {
							t.Fatal(err)
						}
						if testing.Verbose() && hc == dkim.Relaxed && bc == dkim.Relaxed && !l {
							t.Logf("%s", signed.String())
						}
						v := dkim.Verifier{Resolver: res, Now: func() time.Time { return now }}
						results, err := v.Verify(context.Background(), bytes.NewReader(signed.Bytes()))
						if err != nil {
							t.Fatal(err)
						}
						if len(results) != 1 || results[0].Status != dkim.Pass {
							t.Fatalf("results %+v", results)
						}
						sig := results[0].Signature
						if sig.Algorithm != key.alg || sig.HeaderCanonicalization != hc || sig.BodyCanonicalization != bc || (sig.BodyLength != nil) != l {
							t.Errorf("signature tags: %+v", sig)
						}
						// Change one byte of the body: fail with body hash mismatch.
						tampered := bytes.Replace(signed.Bytes(), []byte("hungry"), []byte("Hungry"), 1)
						results, _ = v.Verify(context.Background(), bytes.NewReader(tampered))
						if results[0].Status != dkim.Fail || !errors.Is(results[0].Err, dkim.ErrBodyHashMismatch) {
							t.Errorf("tampered body: %v %v", results[0].Status, results[0].Err)
						}
						// Change the subject: fail with signature mismatch.
						tampered = bytes.Replace(signed.Bytes(), []byte("Subject: Is"), []byte("Subject: Was"), 1)
						results, _ = v.Verify(context.Background(), bytes.NewReader(tampered))
						if results[0].Status != dkim.Fail || !errors.Is(results[0].Err, dkim.ErrSignatureMismatch) {
							t.Errorf("tampered subject: %v %v", results[0].Status, results[0].Err)
						}
						// Add a second Subject below: over-signing catches it.
						added := bytes.Replace(signed.Bytes(), []byte("\r\n\r\nHi."), []byte("\r\nSubject: Free money\r\n\r\nHi."), 1)
						results, _ = v.Verify(context.Background(), bytes.NewReader(added))
						if results[0].Status != dkim.Fail {
							t.Errorf("added Subject: %v %v", results[0].Status, results[0].Err)
						}
						// Relaxed survives re-folding and whitespace changes.
						if hc == dkim.Relaxed && bc == dkim.Relaxed && !l {
							refolded := bytes.Replace(signed.Bytes(), []byte("Subject: Is dinner ready?"), []byte("subject:  Is dinner\r\n\tready?  "), 1)
							refolded = bytes.Replace(refolded, []byte("game.  Are"), []byte("game. \t Are"), 1)
							results, _ = v.Verify(context.Background(), bytes.NewReader(refolded))
							if results[0].Status != dkim.Pass {
								t.Errorf("relaxed refolded: %v %v", results[0].Status, results[0].Err)
							}
						}
						// With l=, appended text still passes (that is why l= is off by default).
						if l {
							appended := append(bytes.Clone(signed.Bytes()), "P.S. appended\r\n"...)
							results, _ = v.Verify(context.Background(), bytes.NewReader(appended))
							if results[0].Status != dkim.Pass {
								t.Errorf("l= with appended text: %v %v", results[0].Status, results[0].Err)
							}
						}
					})
				}
			}
		}
	}
}

// TestSignDual signs with RSA and Ed25519 in one pass (RFC 8463 section 4).
func TestSignDual(t *testing.T) {
	rk, ek := testKeys(t)
	rrec, _ := dkim.NewKey(rk.Public())
	erec, _ := dkim.NewKey(ek.Public())
	res := zoneFor(t, map[string]*dkim.Key{"r._domainkey.example.com": rrec, "e._domainkey.example.org": erec})
	s, err := dkim.NewSigner(
		dkim.SignOptions{Domain: "example.com", Selector: "r", Key: rk},
		dkim.SignOptions{Domain: "example.org", Selector: "e", Key: ek, BodyCanonicalization: dkim.Simple},
	)
	if err != nil {
		t.Fatal(err)
	}
	// Write in awkward pieces: the header/body boundary inside a write.
	msg := []byte(strings.ReplaceAll(testMessage, "\r\n", "\n")) // LF line ends
	for len(msg) > 0 {
		n := min(7, len(msg))
		s.Write(msg[:n])
		msg = msg[n:]
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if len(s.Signatures()) != 2 {
		t.Fatalf("%d signatures", len(s.Signatures()))
	}
	signed := s.HeaderFields() + testMessage
	results, err := dkim.Verify(context.Background(), res, strings.NewReader(signed))
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 2 || results[0].Status != dkim.Pass || results[1].Status != dkim.Pass {
		t.Fatalf("%+v", results)
	}
	if results[0].Domain() != "example.com" || results[1].Domain() != "example.org" {
		t.Errorf("domains %s, %s", results[0].Domain(), results[1].Domain())
	}
}

func TestSignOptionsErrors(t *testing.T) {
	rk, ek := testKeys(t)
	small, _ := rsa.GenerateKey(bytes.NewReader(make([]byte, 1<<16)), 512)
	for _, o := range []dkim.SignOptions{
		{Selector: "s", Key: ek},
		{Domain: "example.com", Key: ek},
		{Domain: "example.com", Selector: "s"},
		{Domain: "example.com", Selector: "s", Key: ek, Identity: "joe@example.net"},
		{Domain: "example.com", Selector: "s", Key: ek, Headers: []string{"To"}},
		{Domain: "example.com", Selector: "s", Key: ek, HeaderCanonicalization: "nofws"},
		{Domain: "example..com", Selector: "s", Key: rk},
	} {
		if _, err := dkim.NewSigner(o); !errors.Is(err, dkim.ErrSignOptions) {
			t.Errorf("NewSigner(%+v) = %v, want ErrSignOptions", o, err)
		}
	}
	// No options is no signature: an error, not a Signer that signs nothing.
	if _, err := dkim.NewSigner(); !errors.Is(err, dkim.ErrSignOptions) {
		t.Errorf("NewSigner() = %v, want ErrSignOptions", err)
	}
	if small != nil {
		if _, err := dkim.NewSigner(dkim.SignOptions{Domain: "example.com", Selector: "s", Key: small}); err == nil {
			t.Error("NewSigner accepted a 512-bit RSA key")
		}
	}
	if _, err := dkim.Sign(strings.NewReader("Subject: no from\r\n\r\nbody\r\n"), dkim.SignOptions{Domain: "example.com", Selector: "s", Key: ek}); err == nil {
		t.Error("Sign accepted a message without From")
	}
}

// TestSignDefaultHeaders checks the h= the signer picks: present fields
// as often as they occur, over-signed ones once more.
func TestSignDefaultHeaders(t *testing.T) {
	_, ek := testKeys(t)
	s, _ := dkim.NewSigner(dkim.SignOptions{Domain: "example.com", Selector: "s", Key: ek, NoTimestamp: true})
	s.Write([]byte("Received: x\r\nFrom: a@example.com\r\nTo: b@example.net\r\nTo: c@example.net\r\nX-Mailer: y\r\n\r\nbody\r\n"))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(s.Signatures()[0].Headers, ":")
	want := "From:From:Reply-To:Subject:Date:To:To:To:Cc:Message-ID:MIME-Version:Content-Type:Content-Transfer-Encoding:List-Unsubscribe:List-Unsubscribe-Post"
	if got != want {
		t.Errorf("h=%s\nwant %s", got, want)
	}
	sig := s.Signatures()[0]
	if !sig.Timestamp.IsZero() {
		t.Error("NoTimestamp set t=")
	}
	// Digest sanity: the body hash is sha256 of the relaxed body "body\r\n".
	want32 := sha256.Sum256([]byte("body\r\n"))
	if !bytes.Equal(sig.BodyHash, want32[:]) {
		t.Errorf("bh=%x", sig.BodyHash)
	}
}

// TestDefaultSignedHeaders: the list names From and the fields a forger
// would add (RFC 6376 section 5.4.1 lists them as the ones to sign), and
// is a copy: changing it does not change what Sign signs.
func TestDefaultSignedHeaders(t *testing.T) {
	h := dkim.DefaultSignedHeaders()
	for _, want := range []string{"From", "To", "Subject", "Date", "Reply-To", "Cc", "Message-ID", "MIME-Version", "Content-Type"} {
		if !slices.Contains(h, want) {
			t.Errorf("DefaultSignedHeaders() = %v; lacks %s", h, want)
		}
	}
	for i := range h {
		h[i] = "X-Changed"
	}
	_, ek := testKeys(t)
	msg := signWith(t, dkim.SignOptions{Domain: "example.com", Selector: "ed", Key: ek})
	if strings.Contains(msg, "X-Changed") || !strings.Contains(msg, "h=From:") {
		t.Errorf("Sign used the changed copy:\n%s", msg)
	}
	if again := dkim.DefaultSignedHeaders(); !slices.Contains(again, "From") {
		t.Errorf("DefaultSignedHeaders() after changing a copy = %v", again)
	}
}

// TestSignCopyHeaders: CopyHeaders adds z= (RFC 6376 section 3.5) with the
// signed fields that are present, as they are in the message (unfolded),
// in the order of h=, so that a verifier can show what changed.
func TestSignCopyHeaders(t *testing.T) {
	_, ek := testKeys(t)
	field, err := dkim.Sign(strings.NewReader(testMessage), dkim.SignOptions{
		Domain: "example.com", Selector: "ed", Key: ek, CopyHeaders: true,
		Headers: []string{"From", "Subject", "Keywords"},
	})
	if err != nil {
		t.Fatal(err)
	}
	sig, err := dkim.ParseSignature(field)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"From: Joe SixPack <joe@football.example.com>", "Subject: Is dinner ready?"}
	if !slices.Equal(sig.CopiedHeaders, want) {
		t.Errorf("z= holds %q; want %q", sig.CopiedHeaders, want)
	}
}

// TestSignerStickyError: once the header is refused, the Signer keeps
// failing: later writes and Close return an error and no signature.
func TestSignerStickyError(t *testing.T) {
	_, ek := testKeys(t)
	s, err := dkim.NewSigner(dkim.SignOptions{Domain: "example.com", Selector: "ed", Key: ek})
	if err != nil {
		t.Fatal(err)
	}
	huge := "X-Filler: " + strings.Repeat("a", dkim.DefaultMaxHeaderBytes) + "\r\n"
	if _, err := s.Write([]byte(huge)); !errors.Is(err, dkim.ErrHeaderTooLarge) {
		t.Fatalf("Write of a %d-byte field: %v; want ErrHeaderTooLarge", len(huge), err)
	}
	if _, err := s.Write([]byte("\r\nFrom: joe@example.com\r\n\r\nbody\r\n")); !errors.Is(err, dkim.ErrHeaderTooLarge) {
		t.Errorf("Write after the error: %v; want ErrHeaderTooLarge again", err)
	}
	if err := s.Close(); !errors.Is(err, dkim.ErrHeaderTooLarge) {
		t.Errorf("Close after the error: %v; want ErrHeaderTooLarge", err)
	}
	if f := s.HeaderFields(); f != "" {
		t.Errorf("HeaderFields after the error: %q", f)
	}
}

// TestSignInPieces: the Signer reads its input in whatever pieces it is
// written: one byte at a time (the CR and LF of each line end, and of the
// blank line that ends the header, in separate writes) gives the same
// signature as one write.
func TestSignInPieces(t *testing.T) {
	_, ek := testKeys(t)
	now := time.Unix(1700000000, 0)
	for _, msg := range []string{testMessage, strings.ReplaceAll(testMessage, "\r\n", "\n")} {
		o := dkim.SignOptions{Domain: "example.com", Selector: "ed", Key: ek, Now: func() time.Time { return now }}
		whole, err := dkim.Sign(strings.NewReader(msg), o)
		if err != nil {
			t.Fatal(err)
		}
		bytewise, err := dkim.Sign(iotest.OneByteReader(strings.NewReader(msg)), o)
		if err != nil {
			t.Fatal(err)
		}
		if whole != bytewise {
			t.Errorf("one byte at a time:\n%s\nin one write:\n%s", bytewise, whole)
		}
	}
}

// randRecorder is a crypto.Signer around an Ed25519 key that records the
// random source Sign is given.
type randRecorder struct {
	ed25519.PrivateKey
	got io.Reader
}

func (r *randRecorder) Sign(rnd io.Reader, digest []byte, o crypto.SignerOpts) ([]byte, error) {
	r.got = rnd
	return r.PrivateKey.Sign(rnd, digest, o)
}

// TestSignRandDefault: a nil SignOptions.Rand means crypto/rand.Reader, as
// documented; a given one is passed on.
func TestSignRandDefault(t *testing.T) {
	_, ek := testKeys(t)
	rec := &randRecorder{PrivateKey: ek}
	if _, err := dkim.Sign(strings.NewReader(testMessage), dkim.SignOptions{Domain: "example.com", Selector: "ed", Key: rec}); err != nil {
		t.Fatal(err)
	}
	if rec.got != cryptorand.Reader {
		t.Errorf("Key.Sign got %v; want crypto/rand.Reader", rec.got)
	}
	mine := strings.NewReader("not random")
	if _, err := dkim.Sign(strings.NewReader(testMessage), dkim.SignOptions{Domain: "example.com", Selector: "ed", Key: rec, Rand: mine}); err != nil {
		t.Fatal(err)
	}
	if rec.got != io.Reader(mine) {
		t.Errorf("Key.Sign got %v; want the SignOptions.Rand given", rec.got)
	}
}

// TestSignIdentityEmptyLocalPart: i= may have an empty local part (RFC
// 6376 section 3.5: i= is [ Local-part ] "@" domain-name).
func TestSignIdentityEmptyLocalPart(t *testing.T) {
	_, ek := testKeys(t)
	field, err := dkim.Sign(strings.NewReader(testMessage), dkim.SignOptions{Domain: "example.com", Selector: "ed", Key: ek, Identity: "@mail.example.com"})
	if err != nil {
		t.Fatalf("Identity @mail.example.com: %v", err)
	}
	if !strings.Contains(field, "i=@mail.example.com;") {
		t.Errorf("no i=@mail.example.com in %s", field)
	}
	if _, err := dkim.Sign(strings.NewReader(testMessage), dkim.SignOptions{Domain: "example.com", Selector: "ed", Key: ek, Identity: "mail.example.com"}); err == nil {
		t.Error("Identity without @ accepted")
	}
}

// TestSignSelectorNotASCII: a tag value is ASCII (RFC 6376 section 3.2),
// and Verify refuses a DKIM-Signature whose s= is not. A selector with
// bytes outside ASCII that IDNA takes (a U-label, or one with the KELVIN
// SIGN that IDNA maps to "k") must be refused by NewSigner, not written
// as it is into s= of a signature that no verifier accepts; an ASCII
// selector in any case still signs, and verifies.
func TestSignSelectorNotASCII(t *testing.T) {
	_, ek := testKeys(t)
	erec, _ := dkim.NewKey(ek.Public())
	v := dkim.Verifier{Resolver: zoneFor(t, map[string]*dkim.Key{
		"xn--sl-bja._domainkey.example.com": erec, // sél
		"key._domainkey.example.com":        erec,
		"sel._domainkey.example.com":        erec,
	})}
	for _, tt := range []struct {
		sel string
		ok  bool
	}{{"s\u00e9l", false}, {"\u212aey", false}, {"xn--sl-bja", true}, {"SeL", true}, {"key", true}} {
		checkSignOptions(t, &v, dkim.SignOptions{Domain: "example.com", Selector: tt.sel, Key: ek}, tt.ok, fmt.Sprintf("selector %q", tt.sel))
	}
}

// checkSignOptions checks that NewSigner refuses o (ErrSignOptions) when
// ok is false, and otherwise that a message signed with o verifies with v.
func checkSignOptions(t *testing.T, v *dkim.Verifier, o dkim.SignOptions, ok bool, what string) {
	t.Helper()
	if _, err := dkim.NewSigner(o); !ok {
		if !errors.Is(err, dkim.ErrSignOptions) {
			t.Errorf("NewSigner(%s) = %v; want ErrSignOptions", what, err)
		}
		return
	} else if err != nil {
		t.Fatalf("NewSigner(%s): %v", what, err)
	}
	checkPass(t, v, strings.NewReader(signWith(t, o)), what)
}

// TestSignIdentityDomain: the domain of i= must be a domain name in
// ASCII (RFC 6376 section 3.5: A-labels), like d=. The signer took any
// text after the last "@" that ended with d=, so "@.example.com",
// "a@-x.example.com" and the U-label "a@b\u00fccher.example.com" went out
// in i=, for verifiers stricter than this one to refuse. An identity in
// ASCII under d= still signs and verifies.
func TestSignIdentityDomain(t *testing.T) {
	_, ek := testKeys(t)
	erec, _ := dkim.NewKey(ek.Public())
	v := dkim.Verifier{Resolver: zoneFor(t, map[string]*dkim.Key{"sel._domainkey.example.com": erec})}
	for _, tt := range []struct {
		id string
		ok bool
	}{
		{"@.example.com", false}, {"a@-x.example.com", false}, {"a@b\u00fccher.example.com", false},
		{"a@x..example.com", false}, {"a@\u212a.example.com", false},
		{"a@example.com", true}, {"@example.com", true}, {"a@xn--bcher-kva.example.com", true}, {"a@Sub.Example.COM", true},
	} {
		checkSignOptions(t, &v, dkim.SignOptions{Domain: "example.com", Selector: "sel", Key: ek, Identity: tt.id}, tt.ok, fmt.Sprintf("identity %q", tt.id))
	}
}
