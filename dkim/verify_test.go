package dkim_test

import (
	"bytes"
	"context"
	"crypto"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/dkim"
)

// signWith signs testMessage with the given options.
func signWith(t *testing.T, o dkim.SignOptions) string {
	t.Helper()
	var b bytes.Buffer
	if err := dkim.SignMessage(&b, strings.NewReader(testMessage), o); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// checkPass checks that v finds exactly one signature in the message r
// holds, and that it passes.
func checkPass(t *testing.T, v *dkim.Verifier, r io.Reader, what string) {
	t.Helper()
	results, err := v.Verify(context.Background(), r)
	if err != nil || len(results) != 1 || results[0].Status != dkim.Pass {
		t.Errorf("%s: %v %+v", what, err, results)
	}
}

func TestVerifyReasons(t *testing.T) {
	rk, ek := testKeys(t)
	rrec, _ := dkim.NewKey(rk.Public())
	erec, _ := dkim.NewKey(ek.Public())
	now := time.Unix(1700000000, 0)
	clock := func() time.Time { return now }
	sign := func(sel string, key crypto.Signer, mod func(*dkim.SignOptions)) string {
		o := dkim.SignOptions{Domain: "example.com", Selector: sel, Key: key, Now: clock}
		if mod != nil {
			mod(&o)
		}
		return signWith(t, o)
	}
	zone := `$ORIGIN example.com.
rsa._domainkey     TXT "` + rrec.String() + `"
ed._domainkey      TXT "` + erec.String() + `"
revoked._domainkey TXT "v=DKIM1; k=rsa; p="
wrongk._domainkey  TXT "v=DKIM1; k=ed25519; p=` + strings.TrimPrefix(erec.String(), "v=DKIM1; k=ed25519; p=") + `"
sha1only._domainkey TXT "v=DKIM1; h=sha1; k=ed25519; p=` + strings.TrimPrefix(erec.String(), "v=DKIM1; k=ed25519; p=") + `"
tlsrpt._domainkey  TXT "v=DKIM1; s=tlsrpt; k=ed25519; p=` + strings.TrimPrefix(erec.String(), "v=DKIM1; k=ed25519; p=") + `"
strict._domainkey  TXT "v=DKIM1; t=s; k=ed25519; p=` + strings.TrimPrefix(erec.String(), "v=DKIM1; k=ed25519; p=") + `"
quoted._domainkey  TXT "\"v=DKIM1; k=ed25519; p=` + strings.TrimPrefix(erec.String(), "v=DKIM1; k=ed25519; p=") + `\""
small._domainkey   TXT "v=DKIM1; k=rsa; p=MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBALgSoqXVSEmfcIsOzw7oRuCCOwsmtX/SJnTWxYyj2leFxfS/AVJ+dYfY+hXqMsT7l+MZvvh/R1WzN4MO/kI/7XsCAwEAAQ=="
`
	res := domainauth.MustFakeResolver(zone)
	res.Fail("timeout._domainkey.example.com.", 0, domainauth.FailTimeout)
	res.Fail("servfail._domainkey.example.com.", 0, domainauth.FailServFail)

	cases := []struct {
		name   string
		msg    string
		status dkim.Status
		reason error
	}{
		{"rsa pass", sign("rsa", rk, nil), dkim.Pass, nil},
		{"ed25519 pass", sign("ed", ek, nil), dkim.Pass, nil},
		{"no key", sign("missing", ek, nil), dkim.PermError, dkim.ErrNoKey},
		{"dns timeout", sign("timeout", ek, nil), dkim.TempError, dkim.ErrKeyUnavailable},
		{"dns servfail", sign("servfail", ek, nil), dkim.TempError, dkim.ErrKeyUnavailable},
		{"revoked", sign("revoked", rk, nil), dkim.PermError, dkim.ErrKeyRevoked},
		{"key type mismatch", sign("wrongk", rk, nil), dkim.PermError, dkim.ErrKeyTypeMismatch},
		{"h= excludes sha256", sign("sha1only", ek, nil), dkim.PermError, dkim.ErrKeyHashNotAllowed},
		{"s=tlsrpt", sign("tlsrpt", ek, nil), dkim.PermError, dkim.ErrKeyNotForEmail},
		{"t=s with subdomain i=", sign("strict", ek, func(o *dkim.SignOptions) { o.Identity = "joe@mail.example.com" }), dkim.PermError, dkim.ErrKeyStrictIdentity},
		{"t=s with exact i=", sign("strict", ek, func(o *dkim.SignOptions) { o.Identity = "joe@example.com" }), dkim.Pass, nil},
		{"quoted record", sign("quoted", ek, nil), dkim.PermError, dkim.ErrKeyQuoted},
		{"512-bit key (RFC 8301)", sign("small", rk, nil), dkim.PermError, dkim.ErrKeyTooSmall},
		{"expired", sign("ed", ek, func(o *dkim.SignOptions) {
			o.Now = func() time.Time { return now.Add(-2 * time.Hour) }
			o.Expiration = time.Hour
		}), dkim.PermError, dkim.ErrExpired},
		{"not yet expired", sign("ed", ek, func(o *dkim.SignOptions) { o.Expiration = time.Hour }), dkim.Pass, nil},
		{"rsa-sha1", strings.Replace(sign("rsa", rk, nil), "a=rsa-sha256", "a=rsa-sha1", 1), dkim.PermError, dkim.ErrSHA1},
		{"unknown algorithm", strings.Replace(sign("rsa", rk, nil), "a=rsa-sha256", "a=rsa-sha512", 1), dkim.PermError, dkim.ErrUnsupportedAlgorithm},
		{"v=2", strings.Replace(sign("rsa", rk, nil), "v=1", "v=2", 1), dkim.PermError, dkim.ErrUnsupportedVersion},
		{"q=http", strings.Replace(sign("rsa", rk, nil), "s=rsa;", "s=rsa; q=http;", 1), dkim.PermError, dkim.ErrUnsupportedQueryMethod},
		{"i= outside d=", strings.Replace(sign("rsa", rk, nil), "s=rsa;", "s=rsa; i=@example.net;", 1), dkim.PermError, dkim.ErrIdentityMismatch},
		{"only From signed", sign("ed", ek, func(o *dkim.SignOptions) { o.Headers = []string{"From"} }), dkim.Pass, nil},
		{"missing bh", strings.Replace(sign("rsa", rk, nil), "bh=", "xh=", 1), dkim.PermError, dkim.ErrSignatureSyntax},
		{"l= beyond body", strings.Replace(sign("ed", ek, func(o *dkim.SignOptions) { o.BodyLength = true }), "l=", "l=9", 1), dkim.PermError, dkim.ErrBodyLengthExceeded},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := dkim.Verifier{Resolver: res, Now: clock}
			results, err := v.Verify(context.Background(), strings.NewReader(c.msg))
			if err != nil {
				t.Fatal(err)
			}
			if len(results) != 1 {
				t.Fatalf("%d results", len(results))
			}
			r := results[0]
			if r.Status != c.status || c.reason != nil && !errors.Is(r.Err, c.reason) || c.reason == nil && r.Err != nil {
				t.Errorf("got %v (%v), want %v (%v)", r.Status, r.Err, c.status, c.reason)
			}
		})
	}
}

// TestVerifyFromNotSigned edits h= so it lacks From; the check comes before
// any cryptography.
func TestVerifyFromNotSigned(t *testing.T) {
	_, ek := testKeys(t)
	msg := signWith(t, dkim.SignOptions{Domain: "example.com", Selector: "ed", Key: ek, Headers: []string{"From", "To"}})
	msg = strings.Replace(msg, "h=From:To", "h=To:To", 1)
	results, err := dkim.Verify(context.Background(), domainauth.MustFakeResolver(""), strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	if results[0].Status != dkim.PermError || !errors.Is(results[0].Err, dkim.ErrFromNotSigned) {
		t.Errorf("%v %v", results[0].Status, results[0].Err)
	}
}

func TestVerifyLimits(t *testing.T) {
	_, ek := testKeys(t)
	erec, _ := dkim.NewKey(ek.Public())
	res := zoneFor(t, map[string]*dkim.Key{"ed._domainkey.example.com": erec})
	msg := signWith(t, dkim.SignOptions{Domain: "example.com", Selector: "ed", Key: ek})
	sig, rest, _ := strings.Cut(msg, "From: Joe")
	many := strings.Repeat(sig, 4) + "From: Joe" + rest

	v := dkim.Verifier{Resolver: res, MaxSignatures: 2}
	results, err := v.Verify(context.Background(), strings.NewReader(many))
	if err != nil {
		t.Fatal(err)
	}
	var statuses []string
	for _, r := range results {
		statuses = append(statuses, r.Status.String())
	}
	if got := strings.Join(statuses, ","); got != "pass,pass,neutral,neutral" {
		t.Errorf("statuses %s", got)
	}
	if !errors.Is(results[3].Err, dkim.ErrTooManySignatures) {
		t.Errorf("err %v", results[3].Err)
	}
	// One lookup for four identical signatures: keys are cached per message.
	res.ResetLookups()
	v.MaxSignatures = 0
	v.Verify(context.Background(), strings.NewReader(many))
	if n := res.LookupCount(); n != 1 {
		t.Errorf("%d lookups for one key", n)
	}

	// Header too large.
	v = dkim.Verifier{Resolver: res, MaxHeaderBytes: 100}
	if _, err := v.Verify(context.Background(), strings.NewReader(msg)); !errors.Is(err, dkim.ErrHeaderTooLarge) {
		t.Errorf("MaxHeaderBytes: %v", err)
	}
	v = dkim.Verifier{Resolver: res, MaxHeaderFields: 3}
	if _, err := v.Verify(context.Background(), strings.NewReader(msg)); !errors.Is(err, dkim.ErrHeaderTooLarge) {
		t.Errorf("MaxHeaderFields: %v", err)
	}

	// A resolver that hangs until the deadline: temperror, no hang.
	hang := domainauth.MustFakeResolver("")
	hang.Fail("ed._domainkey.example.com.", 0, domainauth.FailHang)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	results, err = dkim.Verify(ctx, hang, strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	if results[0].Status != dkim.TempError || !errors.Is(results[0].Err, context.DeadlineExceeded) {
		t.Errorf("hang: %v %v", results[0].Status, results[0].Err)
	}
	// An already cancelled context stops the body read.
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	if _, err := dkim.Verify(ctx, res, strings.NewReader(msg)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	// So it does when the message is in memory, where the body is handed
	// over in one piece instead of read chunk by chunk.
	if _, err := dkim.Verify(ctx, res, bytes.NewReader([]byte(msg))); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled, *bytes.Reader: %v", err)
	}
	if _, err := dkim.Verify(ctx, res, bytes.NewBufferString(msg)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled, *bytes.Buffer: %v", err)
	}
}

func TestVerifyUnsignedAndHeaderOnly(t *testing.T) {
	res := domainauth.MustFakeResolver("")
	for _, msg := range []string{"", "From: a@example.com\r\n", "From: a@example.com\r\n\r\nbody", "no colon at all"} {
		results, err := dkim.Verify(context.Background(), res, strings.NewReader(msg))
		if err != nil || len(results) != 0 {
			t.Errorf("Verify(%q) = %v, %v", msg, results, err)
		}
	}
}

// cancellingResolver answers from res without looking at ctx, as a
// resolver that ignores cancellation does, and cancels after its first
// answer. It has only LookupTXT, so KeyCache takes its plain path.
type cancellingResolver struct {
	res    dkim.TXTResolver
	cancel context.CancelFunc
	calls  []string
}

func (c *cancellingResolver) LookupTXT(_ context.Context, name string) ([]string, error) {
	c.calls = append(c.calls, name)
	c.cancel()
	return c.res.LookupTXT(context.Background(), name)
}

// TestVerifyNoLookupAfterCancel: once ctx has ended, Verify starts no
// further key lookups, even when the resolver itself would answer: the
// second signature's key is reported unavailable with the context's
// error (a temporary failure), without a query.
func TestVerifyNoLookupAfterCancel(t *testing.T) {
	rk, ek := testKeys(t)
	rrec, _ := dkim.NewKey(rk.Public())
	erec, _ := dkim.NewKey(ek.Public())
	zone := zoneFor(t, map[string]*dkim.Key{"r._domainkey.example.com": rrec, "e._domainkey.example.org": erec})
	s, err := dkim.NewSigner(
		dkim.SignOptions{Domain: "example.com", Selector: "r", Key: rk},
		dkim.SignOptions{Domain: "example.org", Selector: "e", Key: ek},
	)
	if err != nil {
		t.Fatal(err)
	}
	s.Write([]byte(testMessage))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	signed := s.HeaderFields() + testMessage
	for _, cache := range []*dkim.KeyCache{nil, {}} {
		ctx, cancel := context.WithCancel(context.Background())
		r := &cancellingResolver{res: zone, cancel: cancel}
		v := dkim.Verifier{Resolver: r, KeyCache: cache}
		results, err := v.Verify(ctx, strings.NewReader(signed))
		if err != nil || len(results) != 2 {
			t.Fatalf("cache %v: %v %+v", cache != nil, err, results)
		}
		if results[0].Status != dkim.Pass {
			t.Errorf("cache %v: first signature %v %v, want pass", cache != nil, results[0].Status, results[0].Err)
		}
		if results[1].Status != dkim.TempError || !errors.Is(results[1].Err, context.Canceled) || !errors.Is(results[1].Err, dkim.ErrKeyUnavailable) {
			t.Errorf("cache %v: second signature %v %v, want temperror, key unavailable, cancelled", cache != nil, results[1].Status, results[1].Err)
		}
		if len(r.calls) != 1 {
			t.Errorf("cache %v: lookups %q, want only the first", cache != nil, r.calls)
		}
	}
}

// TestVerifyInMemoryNotAtStart: Verify takes a message in memory from
// the reader's own bytes, and must take them from where the reader is,
// as reading it would: a *bytes.Reader moved past a prefix with Seek and
// a *bytes.Buffer whose prefix was read both verify, and a header longer
// than the pieces Verify parses such a message in (16 KiB) before the
// DKIM-Signature field too. FuzzVerify only gives fresh *bytes.Readers
// of short messages.
func TestVerifyInMemoryNotAtStart(t *testing.T) {
	_, ek := testKeys(t)
	erec, _ := dkim.NewKey(ek.Public())
	v := dkim.Verifier{Resolver: zoneFor(t, map[string]*dkim.Key{"ed._domainkey.example.com": erec})}
	signed := signWith(t, dkim.SignOptions{Domain: "example.com", Selector: "ed", Key: ek})
	prefix := "X-Not-This: message\r\n\r\nbody of another\r\n"
	check := func(what string, r io.Reader) {
		t.Helper()
		checkPass(t, &v, r, what)
	}
	br := bytes.NewReader([]byte(prefix + signed))
	if _, err := br.Seek(int64(len(prefix)), io.SeekStart); err != nil {
		t.Fatal(err)
	}
	check("*bytes.Reader after Seek", br)
	buf := bytes.NewBufferString(prefix + signed)
	buf.Next(len(prefix))
	check("*bytes.Buffer after Next", buf)
	long := strings.Repeat("X-Filler: "+strings.Repeat("f", 60)+"\r\n", 20<<10/72) + signed
	check("*bytes.Reader, long header", bytes.NewReader([]byte(long)))
	check("*bytes.Buffer, long header", bytes.NewBufferString(long))
	check("streamed, long header", strings.NewReader(long))
}
