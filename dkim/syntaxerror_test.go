package dkim_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/dkim"
)

// syntaxCase is a malformed input and the SyntaxError it must give.
type syntaxCase struct {
	name   string
	err    error  // what the parser returned
	in     string // SyntaxError.In
	tag    string // SyntaxError.Tag
	offset int    // SyntaxError.Offset
	reason error  // a sentinel the error must also match
}

const goodSig = "v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=AAAA; b=AAAA"

const goodEdKey = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="

func parseSig(in string) error { _, err := dkim.ParseSignature(in); return err }
func parseKey(in string) error { _, err := dkim.ParseKey(in); return err }

// signatureCases reach every way ParseSignature fails.
func signatureCases() []syntaxCase {
	off := func(s, sub string) int { return strings.Index(s, sub) }
	withT := goodSig + "; t=20; x=10"
	return []syntaxCase{
		{"too long", parseSig(goodSig + "; z=" + strings.Repeat("a", dkim.MaxSignatureLength)), "DKIM-Signature", "", dkim.MaxSignatureLength, dkim.ErrSignatureSyntax},
		{"tag-list syntax", parseSig("v=1; a"), "DKIM-Signature", "a", 5, dkim.ErrSignatureSyntax},
		{"duplicate tag", parseSig(goodSig + "; d=example.org"), "DKIM-Signature", "d", len(goodSig) + 2, dkim.ErrSignatureSyntax},
		{"v=2", parseSig(strings.Replace(goodSig, "v=1", "v=2", 1)), "DKIM-Signature", "v", 0, dkim.ErrUnsupportedVersion},
		{"a= not key-hash", parseSig(strings.Replace(goodSig, "rsa-sha256", "rsa", 1)), "DKIM-Signature", "a", off(goodSig, "a="), dkim.ErrSignatureSyntax},
		{"b= not base64", parseSig(strings.Replace(goodSig, "b=AAAA", "b=A!", 1)), "DKIM-Signature", "b", off(goodSig, " b=") + 1, dkim.ErrSignatureSyntax},
		{"bh= not base64", parseSig(strings.Replace(goodSig, "bh=AAAA", "bh=A!", 1)), "DKIM-Signature", "bh", off(goodSig, "bh="), dkim.ErrSignatureSyntax},
		{"c= unknown", parseSig(goodSig + "; c=fancy"), "DKIM-Signature", "c", len(goodSig) + 2, dkim.ErrUnsupportedCanonicalization},
		{"empty d=", parseSig(strings.Replace(goodSig, "d=example.com", "d=", 1)), "DKIM-Signature", "d", off(goodSig, "d="), dkim.ErrSignatureSyntax},
		{"empty s=", parseSig(strings.Replace(goodSig, "s=s", "s=", 1)), "DKIM-Signature", "s", off(goodSig, "s=s"), dkim.ErrSignatureSyntax},
		{"empty h=", parseSig(strings.Replace(goodSig, "h=from", "h=", 1)), "DKIM-Signature", "h", off(goodSig, "h="), dkim.ErrSignatureSyntax},
		{"i= bad quoted-printable", parseSig(goodSig + "; i=a=4@example.com"), "DKIM-Signature", "i", len(goodSig) + 2, dkim.ErrSignatureSyntax},
		{"i= without @", parseSig(goodSig + "; i=joe"), "DKIM-Signature", "i", len(goodSig) + 2, dkim.ErrSignatureSyntax},
		{"l= negative", parseSig(goodSig + "; l=-1"), "DKIM-Signature", "l", len(goodSig) + 2, dkim.ErrSignatureSyntax},
		{"t= too many digits", parseSig(goodSig + "; t=1234567890123"), "DKIM-Signature", "t", len(goodSig) + 2, dkim.ErrSignatureSyntax},
		{"x= before t=", parseSig(withT), "DKIM-Signature", "x", off(withT, "x="), dkim.ErrSignatureSyntax},
		{"z= bad quoted-printable", parseSig(goodSig + "; z=From:a=4"), "DKIM-Signature", "z", len(goodSig) + 2, dkim.ErrSignatureSyntax},
		{"v= missing", parseSig(strings.Replace(goodSig, "v=1; ", "", 1)), "DKIM-Signature", "v", -1, dkim.ErrSignatureSyntax},
		{"s= missing", parseSig(strings.Replace(goodSig, "; s=s", "", 1)), "DKIM-Signature", "s", -1, dkim.ErrSignatureSyntax},
	}
}

// keyCases reach every way ParseKey fails.
func keyCases() []syntaxCase {
	p := strings.TrimPrefix(goodEdKey, "v=DKIM1; k=ed25519; ")
	return []syntaxCase{
		{"too long", parseKey(strings.Repeat("a", dkim.MaxKeyRecordLength+1)), "key record", "", dkim.MaxKeyRecordLength, dkim.ErrKeySyntax},
		{"quoted", parseKey(`"` + goodEdKey + `"`), "key record", "", 0, dkim.ErrKeyQuoted},
		{"escaped semicolon", parseKey(`v=DKIM1\; ` + p), "key record", "", 7, dkim.ErrKeyEscapedSemicolon},
		{"PEM armour", parseKey("v=DKIM1; p=-----BEGIN PUBLIC KEY-----"), "key record", "p", 11, dkim.ErrKeyPEM},
		{"tag-list syntax", parseKey("v=DKIM1; k; " + p), "key record", "k", 9, dkim.ErrKeySyntax},
		{"v= not first", parseKey("k=ed25519; v=DKIM1; " + p), "key record", "v", 11, dkim.ErrKeyVersion},
		{"k= unknown", parseKey("v=DKIM1; k=dsa; " + p), "key record", "k", 9, dkim.ErrKeyType},
		{"n= bad quoted-printable", parseKey("v=DKIM1; n=a=4; " + p), "key record", "n", 9, dkim.ErrKeySyntax},
		{"p= missing", parseKey("v=DKIM1; k=ed25519"), "key record", "", -1, dkim.ErrKeyNoData},
		{"p= truncated", parseKey("v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHUR"), "key record", "p", 20, dkim.ErrKeyTruncated},
		{"p= not base64", parseKey("v=DKIM1; k=ed25519; p=!!!!"), "key record", "p", 20, dkim.ErrKeyData},
		{"p= not a key", parseKey("v=DKIM1; k=rsa; p=AAAA"), "key record", "p", 16, dkim.ErrKeyData},
	}
}

// verifyCases are the syntax errors Verify finds beyond ParseSignature:
// a key record that does not parse, named, and d= with s= making a key
// name longer than DNS allows.
func verifyCases(t *testing.T) []syntaxCase {
	d := strings.Repeat("d", 60) + "." + strings.Repeat("e", 60) + "." + strings.Repeat("f", 60) + ".example"
	s := strings.Repeat("s", 60)
	res := domainauth.MustFakeResolver(`$ORIGIN example.com.
quoted._domainkey TXT "\"` + goodEdKey + `\""
pem._domainkey    TXT "v=DKIM1; p=-----BEGIN PUBLIC KEY-----"
`)
	verify := func(sel, domain string) error {
		msg := fmt.Sprintf("DKIM-Signature: v=1; a=ed25519-sha256; d=%s; s=%s; h=from; bh=AAAA; b=AAAA\r\nFrom: a@example.com\r\n\r\nbody\r\n", domain, sel)
		results, err := dkim.Verify(context.Background(), res, strings.NewReader(msg))
		if err != nil || len(results) != 1 || results[0].Status != dkim.PermError {
			t.Fatalf("Verify(s=%s, d=%s) = %v, %v; want one PermError", sel, domain, results, err)
		}
		return results[0].Err
	}
	return []syntaxCase{
		{"Verify: quoted key record", verify("quoted", "example.com"), "key record at quoted._domainkey.example.com", "", 0, dkim.ErrKeyQuoted},
		{"Verify: key record with PEM", verify("pem", "example.com"), "key record at pem._domainkey.example.com", "p", 11, dkim.ErrKeyInvalid},
		{"Verify: key name too long", verify(s, d), "DKIM-Signature", "s", -1, dkim.ErrSignatureSyntax},
	}
}

// TestErrorPrefixOnce builds every kind of syntax error from a real
// malformed input and checks its text: "dkim: " once, at the start, then
// what was parsed, the tag and the offset when known.
func TestErrorPrefixOnce(t *testing.T) {
	cases := append(append(signatureCases(), keyCases()...), verifyCases(t)...)
	for _, c := range cases {
		if c.err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		msg := c.err.Error()
		if !strings.HasPrefix(msg, "dkim: "+c.in) || strings.Count(msg, "dkim:") != 1 {
			t.Errorf("%s: %q, want %q once, at the start", c.name, msg, "dkim: "+c.in)
		}
		// Where: what precedes the reason.
		where, _, _ := strings.Cut(strings.TrimPrefix(msg, "dkim: "), ": ")
		want := c.in
		if c.tag != "" {
			want += " tag " + c.tag + "="
		}
		if c.offset >= 0 {
			want += fmt.Sprintf(" at offset %d", c.offset)
		}
		if where != want {
			t.Errorf("%s: %q, want it to start %q", c.name, msg, "dkim: "+want+": ")
		}
	}
}

// TestSyntaxErrorMatches: every parse failure is a *SyntaxError with the
// right In, Tag and Offset, matches ErrSyntax and keeps its precise reason.
func TestSyntaxErrorMatches(t *testing.T) {
	cases := append(append(signatureCases(), keyCases()...), verifyCases(t)...)
	for _, c := range cases {
		var se *dkim.SyntaxError
		if !errors.As(c.err, &se) {
			t.Errorf("%s: %v (%T) is not a *SyntaxError", c.name, c.err, c.err)
			continue
		}
		if !errors.Is(c.err, dkim.ErrSyntax) || !errors.Is(c.err, c.reason) {
			t.Errorf("%s: %v does not match ErrSyntax and %v", c.name, c.err, c.reason)
		}
		if se.In != c.in || se.Tag != c.tag || se.Offset != c.offset {
			t.Errorf("%s: In %q Tag %q Offset %d, want %q %q %d", c.name, se.In, se.Tag, se.Offset, c.in, c.tag, c.offset)
		}
	}
	// ErrSyntax is for syntax only: a key that parses but is revoked, or
	// a reason of Verify that is not about syntax, does not match it.
	for _, err := range []error{dkim.ErrKeyRevoked, dkim.ErrExpired, dkim.ErrKeySyntax, dkim.ErrSignatureSyntax} {
		if errors.Is(err, dkim.ErrSyntax) {
			t.Errorf("%v matches ErrSyntax", err)
		}
	}
	if err := (&dkim.SyntaxError{In: "key record", Offset: -1, Err: dkim.ErrKeyNoData}); errors.Is(err, dkim.ErrKeyRevoked) {
		t.Errorf("%v matches ErrKeyRevoked", err)
	}
}

// TestKeyInvalidKeepsReasons: the key record error in Result.Err matches
// ErrKeyInvalid, ErrKeySyntax and the precise publishing mistake, so
// that callers testing any of them keep working.
func TestKeyInvalidKeepsReasons(t *testing.T) {
	for _, c := range verifyCases(t)[:2] {
		if !errors.Is(c.err, dkim.ErrKeyInvalid) || !errors.Is(c.err, dkim.ErrKeySyntax) || !errors.Is(c.err, c.reason) {
			t.Errorf("%s: %v does not match ErrKeyInvalid, ErrKeySyntax and %v", c.name, c.err, c.reason)
		}
	}
}

// TestKeyReasonNamesTheMistake: the reason in the text says what is wrong
// with p=, not only that it is wrong: an Ed25519 key published in its
// SubjectPublicKeyInfo wrapping (44 bytes, 0x30 first) is named as such,
// other wrong lengths give the length.
func TestKeyReasonNamesTheMistake(t *testing.T) {
	spki := "MCowBQYDK2VwAyEA3SUqa9UbfciWkk7tlcJ9P1VD5pXAasg0JUn/OgjVbKE=" // 44 bytes
	long := base64.StdEncoding.EncodeToString(append([]byte{0x30}, make([]byte, 44)...))
	for _, c := range []struct{ p, want string }{
		{spki, "wrapped in SubjectPublicKeyInfo"},
		{long, "ed25519 key has 45 bytes, want 32"},
	} {
		_, err := dkim.ParseKey("v=DKIM1; k=ed25519; p=" + c.p)
		if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, dkim.ErrKeyData) {
			t.Errorf("p=%s: %v, want ErrKeyData saying %q", c.p, err, c.want)
		}
	}
}
