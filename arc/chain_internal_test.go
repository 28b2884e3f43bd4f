package arc

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/internal/dkimbridge"
)

// handSet adds an ARC set that Sealer cannot write: its AMS with body
// canonicalization bc and, when limit >= 0, l=limit. The chain before it
// must be valid (cv=pass when there is one).
func handSet(t *testing.T, msg string, key ed25519.PrivateKey, bc dkim.Canonicalization, limit int64) string {
	t.Helper()
	br := bytesReader(msg)
	fields, err := dkimbridge.ReadHeader(br, 1<<20, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var v Verifier
	c := v.newChain(fields)
	inst := c.highest + 1
	cv := "none"
	if inst > 1 {
		cv = "pass"
	}
	bh := dkimbridge.NewBodyHash(string(bc), limit)
	var rest bytes.Buffer
	rest.ReadFrom(br)
	bh.Write(rest.Bytes())
	bh.Close()
	is := strconv.Itoa(inst)
	aar := AuthResultsField + ": i=" + is + "; mx.example; none\r\n"
	ams := []tag{{"a", "ed25519-sha256"}, {"b", ""}, {"bh", base64.StdEncoding.EncodeToString(bh.Sum())}, {"c", "relaxed/" + string(bc)}, {"d", "example.org"}, {"h", "from:subject"}, {"i", is}, {"s", "k"}}
	if limit >= 0 {
		ams = append(ams, tag{"l", strconv.FormatInt(limit, 10)})
	}
	hh := sha256.New()
	dkimbridge.HashHeaders(hh, nil, fields, []string{"from", "subject"}, MessageSigField+": "+joinTags(ams), "relaxed")
	ams[1].value = base64.StdEncoding.EncodeToString(ed25519.Sign(key, hh.Sum(nil)))
	amsField := foldField(MessageSigField, ams)
	as := []tag{{"a", "ed25519-sha256"}, {"b", ""}, {"cv", cv}, {"d", "example.org"}, {"i", is}, {"s", "k"}}
	hh.Reset()
	hashSeal(hh, nil, c.raw, aar, amsField, SealField+": "+joinTags(as))
	as[1].value = base64.StdEncoding.EncodeToString(ed25519.Sign(key, hh.Sum(nil)))
	return foldField(SealField, as) + amsField + aar + msg
}

func bytesReader(s string) *bufio.Reader { return bufio.NewReader(strings.NewReader(s)) }

const handMessage = "From: a@example.com\r\nSubject: s\r\n\r\nfirst line of the body\r\nsecond line\r\n"

func handWorld(t *testing.T) (ed25519.PrivateKey, *domainauth.FakeResolver) {
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))
	rec, err := dkim.NewKey(key.Public())
	if err != nil {
		t.Fatal(err)
	}
	res := domainauth.MustFakeResolver(`k._domainkey.example.org. 300 IN TXT "` + rec.String() + `"`)
	return key, res
}

func verifyHand(t *testing.T, res *domainauth.FakeResolver, msg string) *Result {
	t.Helper()
	v := Verifier{Resolver: res, AllSignatures: true}
	r, err := v.Verify(context.Background(), strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// Each AMS is checked against the body hash of its own canonicalization
// and l=, shared only between AMSes that agree on both.
func TestBodyHashPerSignature(t *testing.T) {
	key, res := handWorld(t)
	msg := handSet(t, handMessage, key, dkim.Simple, -1)
	msg = handSet(t, msg, key, dkim.Relaxed, -1)
	msg = handSet(t, msg, key, dkim.Relaxed, 10)
	msg = handSet(t, msg, key, dkim.Relaxed, -1)
	r := verifyHand(t, res, msg)
	if r.Status != Pass || r.OldestPass != 0 {
		t.Fatalf("four sets, simple, relaxed, relaxed l=10, relaxed: %s %v, oldest-pass %d", r.Status, r.Err, r.OldestPass)
	}
	for _, s := range r.Sets {
		if s.MessageSignatureErr != nil {
			t.Errorf("set %d: %v", s.Instance, s.MessageSignatureErr)
		}
	}
}

// l= shorter than the body passes, also after text is added below it;
// l= longer than the body fails.
func TestBodyLength(t *testing.T) {
	key, res := handWorld(t)
	msg := handSet(t, handMessage, key, dkim.Relaxed, 10)
	if r := verifyHand(t, res, msg+"more text\r\n"); r.Status != Pass {
		t.Errorf("l=10, text added: %s %v", r.Status, r.Err)
	}
	if r := verifyHand(t, res, strings.Replace(msg, "first", "First", 1)); r.Status != Fail || !errors.Is(r.Err, dkim.ErrBodyHashMismatch) {
		t.Errorf("l=10, signed part changed: %s %v", r.Status, r.Err)
	}
	msg = handSet(t, handMessage, key, dkim.Relaxed, 1000)
	if r := verifyHand(t, res, msg); r.Status != Fail || !errors.Is(r.Err, dkim.ErrBodyLengthExceeded) {
		t.Errorf("l=1000: %s %v", r.Status, r.Err)
	}
}

// Folding breaks a line only when the next tag does not fit on it.
func TestFoldField(t *testing.T) {
	for n := 1; n < 80; n++ {
		d := strings.Repeat("d", n)
		f := foldField(SealField, []tag{{"a", "ed25519-sha256"}, {"cv", "pass"}, {"d", d + ".example"}, {"i", "12"}, {"s", "sel" + d}, {"t", "1700000000"}})
		lines := strings.Split(strings.TrimSuffix(f, "\r\n"), "\r\n")
		for i, l := range lines {
			if len(l) > 78 && strings.Count(l, "=") == 1 && i > 0 {
				continue // one tag alone, too long for any line
			}
			if len(l) > 78 {
				t.Errorf("n=%d: line of %d: %q", n, len(l), l)
			}
			if i+1 < len(lines) {
				next, _, semi := strings.Cut(strings.TrimPrefix(lines[i+1], "\t"), ";")
				if len(l)+1+len(next)+len(";")*boolInt(semi) <= 78 {
					t.Errorf("n=%d: folded before %q, which fitted on %q", n, next, l)
				}
			}
		}
		if got := strings.Join(strings.Fields(strings.ReplaceAll(f, "\r\n", "")), " "); got != SealField+": a=ed25519-sha256; cv=pass; d="+d+".example; i=12; s=sel"+d+"; t=1700000000" {
			t.Errorf("n=%d: unfolded %q", n, got)
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// The sealer's own body hash (relaxed, whole body) is not confused with
// a chain's relaxed hash cut at l=0.
func TestSealAfterLengthZero(t *testing.T) {
	key, res := handWorld(t)
	msg := handSet(t, handMessage, key, dkim.Relaxed, 0)
	s := Sealer{Domain: "example.org", Selector: "k", Key: key, AuthServID: "mx.example", Verifier: Verifier{Resolver: res}}
	set, err := s.SealResults(context.Background(), strings.NewReader(msg), "mx.example; none")
	if err != nil {
		t.Fatal(err)
	}
	if set.ChainValidation != Pass {
		t.Fatalf("chain with l=0: %s %v", set.ChainValidation, set.Chain.Err)
	}
	if r := verifyHand(t, res, set.HeaderFields()+msg); r.Status != Pass {
		t.Errorf("sealed after an l=0 AMS: %s %v", r.Status, r.Err)
	}
	// The sealer's header limits are the Verifier's.
	s.Verifier.MaxHeaderFields = 1
	if _, err := s.SealResults(context.Background(), strings.NewReader(msg), "mx.example; none"); !errors.Is(err, dkim.ErrHeaderTooLarge) {
		t.Errorf("MaxHeaderFields 1: %v", err)
	}
	s.Verifier.MaxHeaderFields, s.Verifier.MaxHeaderBytes = 0, 10
	if _, err := s.SealResults(context.Background(), strings.NewReader(msg), "mx.example; none"); !errors.Is(err, dkim.ErrHeaderTooLarge) {
		t.Errorf("MaxHeaderBytes 10: %v", err)
	}
}

// A first tag too long for the first line stays on it.
func TestFoldLongFirstTag(t *testing.T) {
	f := foldField(SealField, []tag{{"a", strings.Repeat("x", 100)}, {"i", "1"}})
	if !strings.HasPrefix(f, SealField+": a=xxx") || !strings.Contains(f, ";\r\n\ti=1\r\n") {
		t.Errorf("%q", f)
	}
}

// TestCollectResultsLookalikeID: the sealer copies the results of the
// Authentication-Results fields of its own authserv-id only. An id that
// Unicode case folding makes equal to it (KELVIN SIGN for "k", LONG S for
// "s") is another id: a border MTA that compares ASCII case-insensitively
// leaves such a forged field in place, and its results must not reach
// the ARC-Authentication-Results.
func TestCollectResultsLookalikeID(t *testing.T) {
	field := func(v string) dkimbridge.Field {
		return dkimbridge.Field{Name: "Authentication-Results", Raw: "Authentication-Results: " + v + "\r\n"}
	}
	// Nor is an id that Unicode white space (NO-BREAK SPACE, NEXT LINE,
	// IDEOGRAPHIC SPACE) would cut short: to a mail server it is one
	// token, "mk.esp.example\u00a0x", not ours.
	for _, forged := range []string{"m\u212a.esp.example; dmarc=pass header.from=bank.example", "mk.e\u017fp.example; dmarc=pass header.from=bank.example",
		"mk.esp.example\u00a0x; dmarc=pass", "mk.esp.example\u0085x; dmarc=pass", "mk.esp.example\u3000x; dmarc=pass",
		"mk.esp.example x; dmarc=pass", "mk.esp.example 1 2; dmarc=pass"} {
		if got := collectResults([]dkimbridge.Field{field(forged)}, "mk.esp.example"); got != "" {
			t.Errorf("collectResults(%q) = %q; want nothing", forged, got)
		}
	}
	for _, own := range []string{"MK.ESP.example; spf=pass smtp.mailfrom=a.example", "mk.esp.example 1; spf=pass smtp.mailfrom=a.example", " mk.esp.example\r\n\t1 ; spf=pass smtp.mailfrom=a.example"} {
		got := collectResults([]dkimbridge.Field{field(own)}, "mk.esp.example")
		if want := "mk.esp.example;\r\n\tspf=pass smtp.mailfrom=a.example"; got != want {
			t.Errorf("collectResults(%q) = %q, want %q", own, got, want)
		}
	}
}
