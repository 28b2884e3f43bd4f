package dkim_test

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dkim"
)

// corpusDir locates ../shared/corpus/dkim relative to this package, or
// skips the test.
func corpusDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join("..", "..", "shared", "corpus", "dkim")
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err != nil {
		t.Skipf("shared DKIM corpus not found at %s (it lives outside the repository): %v", dir, err)
	}
	return dir
}

// RFC 8463 Appendix A RSA key record, as published in the RFC.
const rfc8463RSARecord = "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB"

// RFC 8463 Appendix A.2 Ed25519 key record.
const rfc8463EdRecord = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="

func TestParseKeyCorpus(t *testing.T) {
	dir := corpusDir(t)
	var m struct {
		KeyRecords []struct {
			File, Expected, Notes, Record string
		} `json:"key_records"`
	}
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if len(m.KeyRecords) != 8 {
		t.Errorf("manifest has %d key records, want 8", len(m.KeyRecords))
	}
	for _, c := range m.KeyRecords {
		t.Run(c.File, func(t *testing.T) {
			k, err := dkim.ParseKey(c.Record)
			switch c.Expected {
			case "valid":
				if err != nil {
					t.Fatalf("ParseKey: %v (%s)", err, c.Notes)
				}
			case "invalid":
				if err == nil {
					t.Fatalf("ParseKey accepted an invalid record (%s)", c.Notes)
				}
				if !errors.Is(err, dkim.ErrKeySyntax) {
					t.Errorf("error %v does not wrap ErrKeySyntax", err)
				}
				return
			case "invalid-for-email":
				// Parses, but s= keeps it away from email.
				if err != nil {
					t.Fatalf("ParseKey: %v", err)
				}
				if k.AllowsEmail() {
					t.Errorf("AllowsEmail = true for %q", c.Record)
				}
			default:
				t.Fatalf("unknown expectation %q", c.Expected)
			}
			k2, err := dkim.ParseKey(k.String())
			if err != nil {
				t.Fatalf("ParseKey(String()) = %v; String() = %q", err, k.String())
			}
			if !reflect.DeepEqual(k, k2) {
				t.Errorf("round trip: %#v != %#v", k, k2)
			}
		})
	}
}

func TestParseKey(t *testing.T) {
	const p = "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB"
	good := []struct {
		in   string
		want string // canonical String()
	}{
		{"v=DKIM1; p=" + p, "v=DKIM1; k=rsa; p=" + p},
		{"p=" + p, "v=DKIM1; k=rsa; p=" + p},
		// Whitespace inside base64 is folding whitespace (RFC 6376 3.6.1).
		{"v=DKIM1; k=rsa; p=" + p[:40] + " \t" + p[40:] + " ;", "v=DKIM1; k=rsa; p=" + p},
		{"v=DKIM1; t=y:s:x; h=sha256:sha1; s=email; n=hi=20there; p=" + p, "v=DKIM1; k=rsa; h=sha256:sha1; s=email; t=y:s; n=hi=20there; p=" + p},
		// g= is RFC 4871, ignored; unknown tags ignored.
		{"v=DKIM1; g=*; zz=1; p=" + p, "v=DKIM1; k=rsa; p=" + p},
		// Revoked.
		{"v=DKIM1; k=rsa; p=", "v=DKIM1; k=rsa; p="},
		{rfc8463EdRecord, rfc8463EdRecord},
	}
	for _, c := range good {
		k, err := dkim.ParseKey(c.in)
		if err != nil {
			t.Errorf("ParseKey(%q): %v", c.in, err)
			continue
		}
		if got := k.String(); got != c.want {
			t.Errorf("ParseKey(%q).String() = %q, want %q", c.in, got, c.want)
		}
	}

	bad := []struct {
		in   string
		want error
	}{
		{`"v=DKIM1; k=rsa; p=` + p + `"`, dkim.ErrKeyQuoted},                  // zone-file quotes pasted in
		{`v=DKIM1; k=rsa; p=` + p[:100] + `" "` + p[100:], dkim.ErrKeyQuoted}, // two strings pasted with their quotes
		{`v=DKIM1\; k=rsa\; p=` + p, dkim.ErrKeyEscapedSemicolon},
		{"v=DKIM1; k=rsa; p=" + p[:len(p)-8], dkim.ErrKeyTruncated}, // cut, still base64
		{"v=DKIM1; k=rsa; p=" + p[:len(p)-3], dkim.ErrKeyTruncated}, // cut mid-quantum
		{"v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPa", dkim.ErrKeyTruncated},
		{"v=DKIM1; k=rsa; p=-----BEGIN PUBLIC KEY-----" + p + "-----END PUBLIC KEY-----", dkim.ErrKeyPEM},
		{"k=rsa; v=DKIM1; p=" + p, dkim.ErrKeyVersion}, // v= not first
		{"v=DKIM2; p=" + p, dkim.ErrKeyVersion},
		{"v=DKIM1; k=dsa; p=" + p, dkim.ErrKeyType},
		{"v=DKIM1; k=rsa", dkim.ErrKeyNoData},
		{"v=DKIM1; p=!!!!", dkim.ErrKeyData},
		{"v=DKIM1; k=ed25519; p=" + p, dkim.ErrKeyData}, // RSA data under k=ed25519
		{"v=DKIM1; k=rsa; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=", dkim.ErrKeyData},
		// SubjectPublicKeyInfo-wrapped ed25519 (Mail::DKIM badkey1_ed25519).
		{"v=DKIM1; k=ed25519; p=MCowBQYDK2VwAyEA3SUqa9UbfciWkk7tlcJ9P1VD5pXAasg0JUn/OgjVbKE=", dkim.ErrKeyData},
		{"v=DKIM1; k=rsa; k=rsa; p=" + p, dkim.ErrKeySyntax}, // duplicate tag
		{"v=DKIM1; k; p=" + p, dkim.ErrKeySyntax},
		{"", dkim.ErrKeyNoData},
		{strings.Repeat("a", dkim.MaxKeyRecordLength+1), dkim.ErrKeySyntax},
	}
	for _, c := range bad {
		_, err := dkim.ParseKey(c.in)
		if !errors.Is(err, c.want) {
			t.Errorf("ParseKey(%.60q) = %v, want %v", c.in, err, c.want)
		}
		if err != nil && !errors.Is(err, dkim.ErrKeySyntax) {
			t.Errorf("ParseKey(%.60q) = %v, does not wrap ErrKeySyntax", c.in, err)
		}
	}
}

func TestKeyPublicKeyAndCompare(t *testing.T) {
	spki, err := dkim.ParseKey(rfc8463RSARecord)
	if err != nil {
		t.Fatal(err)
	}
	if spki.Bits() != 1024 || spki.Revoked() {
		t.Errorf("Bits = %d, Revoked = %v", spki.Bits(), spki.Revoked())
	}
	pub, err := spki.PublicKey()
	if err != nil {
		t.Fatal(err)
	}
	rk := pub.(*rsa.PublicKey)
	// The same key, as a bare PKCS#1 record, is the same public key.
	pkcs1 := &dkim.Key{Type: dkim.KeyRSA, Data: pkcs1Bytes(rk)}
	if !spki.SamePublicKey(pkcs1) || !pkcs1.SamePublicKey(spki) {
		t.Error("SamePublicKey(SPKI, PKCS#1 of the same key) = false")
	}
	ed, _ := dkim.ParseKey(rfc8463EdRecord)
	if spki.SamePublicKey(ed) {
		t.Error("SamePublicKey(rsa, ed25519) = true")
	}
	revoked, _ := dkim.ParseKey("v=DKIM1; p=")
	if revoked.SamePublicKey(revoked) {
		t.Error("a revoked key compares equal")
	}
	if _, err := revoked.PublicKey(); !errors.Is(err, dkim.ErrKeyRevoked) {
		t.Errorf("revoked PublicKey() = %v", err)
	}
}

func TestGenerateKey(t *testing.T) {
	for _, c := range []struct {
		kt   dkim.KeyType
		bits int
		ok   bool
	}{
		{dkim.KeyRSA, 0, true},
		{dkim.KeyRSA, 1024, false},
		{dkim.KeyRSA, 512, false},
		{dkim.KeyRSA, 3072, true},
		{dkim.KeyRSA, 8192, false},
		{dkim.KeyEd25519, 0, true},
		{dkim.KeyEd25519, 2048, false},
		{"dsa", 0, false},
	} {
		if testing.Short() && c.bits == 3072 {
			continue
		}
		priv, rec, err := dkim.GenerateKey(c.kt, c.bits, rand.Reader)
		if !c.ok {
			if err == nil {
				t.Errorf("GenerateKey(%s, %d) succeeded, want refusal", c.kt, c.bits)
			}
			continue
		}
		if err != nil {
			t.Errorf("GenerateKey(%s, %d): %v", c.kt, c.bits, err)
			continue
		}
		want := c.bits
		if want == 0 {
			want = map[dkim.KeyType]int{dkim.KeyRSA: 2048, dkim.KeyEd25519: 256}[c.kt]
		}
		if rec.Bits() != want {
			t.Errorf("GenerateKey(%s, %d): %d-bit key", c.kt, c.bits, rec.Bits())
		}
		if !rec.Matches(priv) {
			t.Errorf("GenerateKey(%s, %d): record does not match private key", c.kt, c.bits)
		}
		parsed, err := dkim.ParseKey(rec.String())
		if err != nil || !parsed.Matches(priv) || !parsed.SamePublicKey(rec) {
			t.Errorf("record %q does not round-trip: %v", rec.String(), err)
		}
		pemData, err := dkim.MarshalPrivateKeyPEM(priv)
		if err != nil {
			t.Fatal(err)
		}
		back, err := dkim.ParsePrivateKeyPEM(pemData)
		if err != nil {
			t.Fatal(err)
		}
		if !rec.Matches(back) {
			t.Errorf("PEM round trip lost the key")
		}
		other, _, _ := dkim.GenerateKey(dkim.KeyEd25519, 0, rand.Reader)
		if rec.Matches(other) {
			t.Errorf("record matches an unrelated key")
		}
	}
}

func TestParsePrivateKeyPEMCorpus(t *testing.T) {
	dir := corpusDir(t)
	for _, name := range []string{"rfc8463/rsa-private.pem", "rfc6376/rfc6376-appendix-c-private.pem"} {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		priv, err := dkim.ParsePrivateKeyPEM(data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if _, ok := priv.(*rsa.PrivateKey); !ok {
			t.Errorf("%s: %T", name, priv)
		}
	}
	k, _ := dkim.ParseKey(rfc8463RSARecord)
	data, _ := os.ReadFile(filepath.Join(dir, "rfc8463/rsa-private.pem"))
	priv, _ := dkim.ParsePrivateKeyPEM(data)
	if !k.Matches(priv) {
		t.Error("RFC 8463 RSA record does not match its private key")
	}
	seed := rfc8032Seed(t)
	edk, _ := dkim.ParseKey(rfc8463EdRecord)
	if !edk.Matches(ed25519.NewKeyFromSeed(seed)) {
		t.Error("RFC 8463 ed25519 record does not match the RFC 8032 seed")
	}
	if _, err := dkim.ParsePrivateKeyPEM([]byte("nope")); err == nil {
		t.Error("ParsePrivateKeyPEM accepted garbage")
	}
}

// TestParseKeyTruncatedLongDER: a 2048-bit key's SubjectPublicKeyInfo
// gives its length in two bytes (X.690 section 8.1.3.5: 0x82 then the
// length, big-endian); a record cut at a quantum boundary, so that the
// base64 still decodes, is reported as truncated from that length.
func TestParseKeyTruncatedLongDER(t *testing.T) {
	rk, _ := testKeys(t)
	rec, err := dkim.NewKey(rk.Public())
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Data) < 256 || rec.Data[1] != 0x82 {
		t.Fatalf("DER of %d bytes starting % x; want a two-byte length", len(rec.Data), rec.Data[:4])
	}
	p := strings.TrimPrefix(rec.String(), "v=DKIM1; k=rsa; p=")
	for _, cut := range []int{8, 40, 200} { // 6, 30 and 150 bytes short
		_, err := dkim.ParseKey("v=DKIM1; k=rsa; p=" + p[:len(p)-cut])
		if !errors.Is(err, dkim.ErrKeyTruncated) {
			t.Errorf("cut %d characters: %v; want ErrKeyTruncated", cut, err)
		}
	}
}

// TestParseKeyNotesHex: n= is DKIM-Quoted-Printable (RFC 6376 section
// 2.11); hex digits are read in either case, 0-9, A-F and a-f.
func TestParseKeyNotesHex(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"=3A=3a", "::"},
		{"=6F=6f", "oo"},
		{"=40=4F", "@O"},
		{"=2a=2f", "*/"},
	} {
		k, err := dkim.ParseKey("v=DKIM1; k=ed25519; n=" + c.in + "; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=")
		if err != nil {
			t.Errorf("n=%s: %v", c.in, err)
			continue
		}
		if k.Notes != c.want {
			t.Errorf("n=%s: Notes %q; want %q", c.in, k.Notes, c.want)
		}
	}
	for _, in := range []string{"=3g", "=G0", "=3", "=:0", "=/0", "=@0", "=`0"} {
		if _, err := dkim.ParseKey("v=DKIM1; k=ed25519; n=" + in + "; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="); !errors.Is(err, dkim.ErrKeySyntax) {
			t.Errorf("n=%s: %v; want ErrKeySyntax", in, err)
		}
	}
}

// errReader is a source of randomness that fails at once.
type errReader struct{}

var errNoEntropy = errors.New("no entropy")

func (errReader) Read([]byte) (int, error) { return 0, errNoEntropy }

// TestGenerateKeyBounds: the sizes at both ends of what GenerateKey
// makes are accepted (it goes on to generate, and here meets a source of
// randomness that fails) and the sizes just past them are refused with
// ErrKeySize, without generating anything.
//
// crypto/rsa ignores the reader since Go 1.26 unless
// GODEBUG=cryptocustomrand=1, which the test sets so that it does not
// generate a 4096-bit key.
func TestGenerateKeyBounds(t *testing.T) {
	t.Setenv("GODEBUG", "cryptocustomrand=1")
	for _, c := range []struct {
		bits int
		want error
	}{
		{dkim.MinGenerateRSABits - 8, dkim.ErrKeySize},
		{dkim.MinGenerateRSABits, errNoEntropy},
		{dkim.MaxGenerateRSABits, errNoEntropy},
		{dkim.MaxGenerateRSABits + 8, dkim.ErrKeySize},
		{dkim.MinGenerateRSABits + 4, dkim.ErrKeySize}, // not a multiple of 8
	} {
		_, _, err := dkim.GenerateKey(dkim.KeyRSA, c.bits, errReader{})
		if !errors.Is(err, c.want) {
			t.Errorf("GenerateKey(rsa, %d): %v, want %v", c.bits, err, c.want)
		}
	}
}
