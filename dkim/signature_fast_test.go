package dkim

import (
	"bytes"
	"encoding/base64"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// checkSignatureFastPaths holds the fast routines of ParseSignature to
// the general ones they stand in for, on the same input:
// appendFieldNames (where it accepts v) to splitColonList and
// validFieldName, appendBase64Value to appendBase64FWS, and stripFWS and
// appendBase64FWS to the plain reading of their input. (The tag list's
// duplicate check against a bit set is tagvalue's own, held to the
// pairwise check there: TestDuplicateBitSet.)
func checkSignatureFastPaths(t *testing.T, v string) {
	t.Helper()

	names, ok := appendFieldNames(make([]string, 0, 2), v)
	if ok {
		slow := splitColonList(v)
		if !slices.Equal(names, slow) {
			t.Fatalf("appendFieldNames(%q) = %q; want %q", v, names, slow)
		}
		for _, n := range names {
			if !validFieldName(n) {
				t.Fatalf("appendFieldNames(%q) accepted the invalid name %q", v, n)
			}
		}
	} else if ws := slices.ContainsFunc([]byte(v), func(c byte) bool { return c < 0x21 && !isWSPorEOL(c) || c > 0x7e }); !ws {
		// Refused without a byte no name may hold: there must be white
		// space inside a name.
		inner := false
		for _, part := range bytes.Split([]byte(v), []byte(":")) {
			part = bytes.Trim(part, " \t\r\n")
			inner = inner || bytes.ContainsAny(part, " \t\r\n")
		}
		if !inner {
			t.Fatalf("appendFieldNames(%q) refused a list of valid names", v)
		}
	}

	// stripFWS and appendBase64FWS, which find the white space with
	// wordRun, against the plain reading: every byte that is not space,
	// tab, CR or LF kept, and the rest decoded as base64.
	plain := string(slices.DeleteFunc([]byte(v), func(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }))
	if got := stripFWS(v); got != plain {
		t.Fatalf("stripFWS(%q) = %q; want %q", v, got, plain)
	}
	prefix := []byte{1, 2}
	wantDec, wantDecErr := base64.StdEncoding.AppendDecode(slices.Clone(prefix), []byte(plain))
	gotDec, n, gotDecErr := appendBase64FWS(slices.Clone(prefix), v)
	if (gotDecErr == nil) != (wantDecErr == nil) || gotDecErr != nil && gotDecErr.Error() != wantDecErr.Error() ||
		gotDecErr == nil && !bytes.Equal(gotDec, wantDec) || n != len(plain) {
		t.Fatalf("appendBase64FWS(%q) = %x, %d, %v; want %x, %d, %v", v, gotDec, n, gotDecErr, wantDec, len(plain), wantDecErr)
	}

	b, err := appendBase64Value(slices.Clone(prefix), v)
	wb, _, wantErr := appendBase64FWS(slices.Clone(prefix), v)
	if !bytes.Equal(b, wb) || (err == nil) != (wantErr == nil) || err != nil && err.Error() != wantErr.Error() {
		t.Fatalf("appendBase64Value(%q) = %x, %v; want %x, %v", v, b, err, wb, wantErr)
	}
}

// TestSignatureFastPaths runs checkSignatureFastPaths on tag lists with
// duplicate tags of one and of more letters (in both cases), on h=
// values with folded, empty and invalid names, and on base64 with and
// without white space, invalid bytes and padding.
func TestSignatureFastPaths(t *testing.T) {
	for _, v := range []string{
		"v=1; a=rsa-sha256; d=example.com; s=sel; h=From:To; bh=abc=; b=xyz",
		"v=1; v=2", "a=1; A=2; a=3", "bh=1; b=2; bh=3", "bh=1; BH=2; Bh=3; bh=4",
		"x_y=1; z=2; x_y=3", "z=1; zz=2; z=3", "v=1;; v=2", "v=1; =2; v=3", "v=1; a=\x01",
		"From:To", " From : To :", "From:\r\n\tTo", "Fr om:To", "From::To", ":", "", " ",
		"From:T\x7fo", "From:T\x80o", "From:T\x01o", "From\x01:To", "From:To\r\n",
		"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", "47DEQpj8HBSa+/TImW+5JC\r\n\teuQeRkm5NMpJWZG3hSuFU=",
		"47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU", "47DE\x01Qpj8", "ab=c", "====", "YQ==", "YQ", "Y Q = =",
	} {
		checkSignatureFastPaths(t, v)
	}
	rng := rand.New(rand.NewPCG(9, 10))
	alphabet := []byte("vabhdsABH=;:_ \t\r\n\x01\x7f\x80+/Q5xz")
	for range 20000 {
		checkSignatureFastPaths(t, string(randomBytes(rng, alphabet, rng.IntN(40))))
	}
}

// TestDecodeBase64Value holds decodeBase64Value (through
// appendBase64Value) to appendBase64FWS on the base64 of random bytes of
// every length up to 40, with white space put in at random places, and
// each also with one byte changed to a byte outside the alphabet, to
// padding, or to white space; and checks that it takes, rather than
// leaving to appendBase64FWS, every such text that is valid.
func TestDecodeBase64Value(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	ws := []string{" ", "\t", "\r\n\t", "\r\n ", "\n", "  "}
	for range 20000 {
		raw := make([]byte, rng.IntN(41))
		for i := range raw {
			raw[i] = byte(rng.Uint32())
		}
		enc := base64.StdEncoding.EncodeToString(raw)
		var b strings.Builder
		for i := range len(enc) + 1 {
			if rng.IntN(8) == 0 {
				b.WriteString(ws[rng.IntN(len(ws))])
			}
			if i < len(enc) {
				b.WriteByte(enc[i])
			}
		}
		v := b.String()
		got, ok := decodeBase64Value([]byte{1, 2}, v)
		if !ok || !bytes.Equal(got, append([]byte{1, 2}, raw...)) {
			t.Fatalf("decodeBase64Value(%q) = %x, %v; want %x, true", v, got, ok, raw)
		}
		checkSignatureFastPaths(t, v)
		if len(v) > 0 {
			bad := []byte(v)
			bad[rng.IntN(len(bad))] = " \t=\x01*-_.\x80A"[rng.IntN(10)]
			checkSignatureFastPaths(t, string(bad))
		}
	}
}

// FuzzSignatureFastPaths runs checkSignatureFastPaths on any input.
func FuzzSignatureFastPaths(f *testing.F) {
	f.Add("v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.com; s=ed; h=From:From:To; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=; b=")
	f.Add("From : To:\r\n\tSubject::Date")
	f.Add("Fr om:To")
	f.Add("bh=1; BH=2; bh=3")
	f.Add("YQ==")
	// A folded b= value, as decodeBase64Value takes it, and its last
	// quantum broken by a fold.
	f.Add("TVHV5cQj6ryowXMVIO9\r\n\therkKWQQAvjozUP8jkLpVsgZjbRMczMCKgxYg/mkIQ1NcAMCdD3rx8KEqqjTaqkmpQEpnN\r\n\tF6BXgNhq0VPCKT+J0PdrVaQDXslYDyqs8IOuaszeRTg==")
	f.Add("YWJjZA=\r\n\t=")
	f.Fuzz(func(t *testing.T, v string) { checkSignatureFastPaths(t, v) })
}

// TestParseSignatureManyNames: a signature with more h= names, and longer
// b= and bh= values, than ParseSignature's one allocation has room for,
// and with every size of that allocation, parses as it should.
func TestParseSignatureManyNames(t *testing.T) {
	for _, tt := range []struct{ names, sigBytes int }{{1, 64}, {32, 64}, {33, 64}, {100, 64}, {5, 256}, {40, 256}, {5, 512}, {5, 2000}} {
		var hl []string
		for i := range tt.names {
			hl = append(hl, "X-N"+string(rune('a'+i%26))+string(rune('a'+i/26)))
		}
		sig := &Signature{Version: 1, Algorithm: RSASHA256, Domain: "example.com", Selector: "s",
			Headers: hl, BodyHash: bytes.Repeat([]byte{7}, 32), Signature: bytes.Repeat([]byte{9}, tt.sigBytes),
			HeaderCanonicalization: Relaxed, BodyCanonicalization: Relaxed}
		for _, form := range []string{sig.String(), sig.HeaderField()} {
			got, err := ParseSignature(form)
			if err != nil {
				t.Fatalf("%d names, %d bytes: %v", tt.names, tt.sigBytes, err)
			}
			if !slices.Equal(got.Headers, hl) || !bytes.Equal(got.Signature, sig.Signature) || !bytes.Equal(got.BodyHash, sig.BodyHash) {
				t.Fatalf("%d names, %d bytes: got h=%q b=%x bh=%x", tt.names, tt.sigBytes, got.Headers, got.Signature, got.BodyHash)
			}
		}
	}
}

// TestStrippedAt holds appendStrippedAt, which strips b= where
// parseSignature found it, to appendStripped, which looks for it again,
// on fields whose b= comes first, last, folded, with white space around
// its "=", empty, and in a value that repeats the field name (for which
// parseSignature gives no position).
func TestStrippedAt(t *testing.T) {
	tail := "a=rsa-sha256; d=example.com; s=s; h=From; bh=YQ=="
	for _, raw := range []string{
		"DKIM-Signature: v=1; " + tail + "; b=YWJj",
		"DKIM-Signature: b=YWJj; v=1; " + tail,
		"DKIM-Signature: v=1; " + tail + ";\r\n\tb=YW\r\n\tJj ;",
		"DKIM-Signature: v=1; " + tail + "; b \t= YWJj",
		"DKIM-Signature: v=1; " + tail + "; b=",
		"DKIM-Signature:v=1;" + tail + ";b=YWJj;x=9999999999",
		"dkim-signature : v=1; " + tail + "; b=YWJj",
		"DKIM-Signature:DKIM-Signature: v=1; " + tail + "; b=YWJj",
		"DKIM-Signature:dkim-signature \t: v=1; " + tail + "; b=YWJj",
	} {
		_, bAt, err := parseSignature(raw[strings.IndexByte(raw, ':')+1:])
		if err != nil {
			t.Fatalf("%q: %v", raw, err)
		}
		got, err := appendStrippedAt(nil, raw, bAt)
		want, wantErr := appendStripped(nil, raw)
		if string(got) != string(want) || (err == nil) != (wantErr == nil) {
			t.Errorf("%q (b= at %d): stripped %q, %v; want %q, %v", raw, bAt, got, err, want, wantErr)
		}
	}
}

// TestTagCodeUnknownTags: tags whose names tagCode must not take for
// those of a signature (other case, longer, shorter, or the bh= of
// another case) are ignored, as any unknown tag is.
func TestTagCodeUnknownTags(t *testing.T) {
	base := "v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=sel; h=From:To; bh=YWJj; b=YWJjZA=="
	want, err := ParseSignature(base)
	if err != nil {
		t.Fatal(err)
	}
	for _, extra := range []string{"B=!", "BH=!", "Bh=!", "bH=!", "bhx=!", "bb=!", "hh=!", "D=x", "S=y", "H=X",
		"V=2", "A=x", "C=x", "I=x", "L=x", "Q=x", "T=x", "X=x", "Z=x", "dd=x", "ss=x", "b_=x", "x1=x"} {
		got, err := ParseSignature(base + "; " + extra)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("with %s: %+v, %v; want %+v", extra, got, err, want)
		}
	}
}
