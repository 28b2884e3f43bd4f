package dkim_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/domainauth/domainauth/dkim"
)

// TestHeaderFieldsFormattedOnce: Close formats each field once, the
// hashed part and then the b= value in the same buffer; what HeaderFields
// returns must be exactly what Signature.HeaderField formats, for every
// way the tags fold (long h=, z=, i=, l=, x=, RSA and Ed25519 b=, several
// signatures).
func TestHeaderFieldsFormattedOnce(t *testing.T) {
	rk, ek := testKeys(t)
	long := make([]string, 0, 40)
	for range 20 {
		long = append(long, "From", "X-A-Rather-Long-Header-Field-Name")
	}
	msg := "From: Joe <joe@example.com>\r\nX-A-Rather-Long-Header-Field-Name: v\r\nSubject: hi\r\n\r\nbody\r\n"
	now := func() time.Time { return time.Unix(1700000000, 0) }
	var opts []dkim.SignOptions
	for _, key := range []crypto.Signer{rk, ek} {
		for _, o := range []dkim.SignOptions{
			{},
			{Headers: long},
			{CopyHeaders: true, Identity: "joe+x@mail.example.com", BodyLength: true, Expiration: time.Hour},
			{NoTimestamp: true, HeaderCanonicalization: dkim.Simple, BodyCanonicalization: dkim.Simple},
			{HeaderCanonicalization: dkim.Simple},
			{BodyCanonicalization: dkim.Simple},
			{Selector: strings.Repeat("s", 50), Domain: strings.Repeat("d", 40) + ".example.com"},
		} {
			if o.Selector == "" {
				o.Selector, o.Domain = "sel", "example.com"
			}
			o.Key, o.Now = key, now
			opts = append(opts, o)
		}
	}
	check := func(opts ...dkim.SignOptions) {
		t.Helper()
		s := closedSigner(t, msg, opts...)
		var want strings.Builder
		for _, sig := range s.Signatures() {
			want.WriteString(sig.HeaderField())
		}
		if got := s.HeaderFields(); got != want.String() {
			t.Errorf("HeaderFields() =\n%s\nwant (HeaderField of each)\n%s", got, want.String())
		}
	}
	for _, o := range opts {
		check(o)
	}
	check(opts...)
}

// TestHeaderFieldsBeforeClose: no fields before Close, nor after a failed one.
func TestHeaderFieldsBeforeClose(t *testing.T) {
	_, ek := testKeys(t)
	s, err := dkim.NewSigner(dkim.SignOptions{Domain: "example.com", Selector: "ed", Key: ek})
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(s, "From: a@example.com\r\n\r\nbody\r\n")
	if h := s.HeaderFields(); h != "" {
		t.Errorf("before Close: %q", h)
	}
	s, _ = dkim.NewSigner(dkim.SignOptions{Domain: "example.com", Selector: "ed", Key: ek})
	io.WriteString(s, "To: a@example.com\r\n\r\nbody\r\n")
	if err := s.Close(); err == nil {
		t.Fatal("Close without From: no error")
	}
	if h := s.HeaderFields(); h != "" {
		t.Errorf("after a failed Close: %q", h)
	}
}

// TestSignAllocs pins the allocations of signing a small message (issue:
// per-message overhead at 4 KiB). Before the work on it: 32 (Ed25519) and
// 33 (RSA), the field formatted twice and the hash state allocated per
// message; then 16 and 17, until the body hash came from a pool and h=
// was joined on the stack; then 11 and 12, until the Signer held its
// first signature's job, the header buffer came from a pool, the domain
// and selector check was remembered and the Signature shared its
// allocation with h=; then 4 and 5, until Sign reused its Signers and a
// Signer held its first Signature. What is left: the field and the
// signature Key.Sign returns (and RSA's big.Int work).
func TestSignAllocs(t *testing.T) {
	if testing.CoverMode() != "" || raceEnabled {
		t.Skip("coverage and the race detector allocate")
	}
	rk, ek := testKeys(t)
	msg := benchMessage(4 << 10)
	for _, tt := range []struct {
		name string
		key  crypto.Signer
		max  float64
	}{{"Ed25519", ek, 2}, {"RSA2048", rk, 3}} {
		opts := dkim.SignOptions{Domain: "example.com", Selector: "sel", Key: tt.key}
		var r bytes.Reader
		got := testing.AllocsPerRun(50, func() {
			r.Reset(msg)
			if _, err := dkim.Sign(&r, opts); err != nil {
				t.Fatal(err)
			}
		})
		t.Logf("%s: %.0f allocations per Sign", tt.name, got)
		if got > tt.max {
			t.Errorf("%s: %.0f allocations per Sign; want at most %.0f", tt.name, got, tt.max)
		}
	}
}

// TestSignPooledBodies: the body hashes a Signer takes from its pool
// carry nothing from one message to the next (bodies that end in white
// space, empty lines and none, in both canonicalizations), and the
// Signatures of a Signer keep their body
// hashes after later Signers reuse its hashes.
func TestSignPooledBodies(t *testing.T) {
	_, ek := testKeys(t)
	head := "From: Joe <joe@example.com>\r\nSubject: pooled\r\n\r\n"
	bodies := []string{"Hello  there. \r\n\r\n", "Other\ttext\r\nand more\r\n", strings.Repeat("line  of text \r\n", 400), ""}
	want := func(c dkim.Canonicalization, body string) []byte {
		var h = sha256.New()
		w := dkim.NewBodyCanonicalizer(h, c, -1)
		w.Write([]byte(body))
		w.Close()
		return h.Sum(nil)
	}
	opts := []dkim.SignOptions{
		{Domain: "example.com", Selector: "s", Key: ek, BodyCanonicalization: dkim.Relaxed},
		{Domain: "example.com", Selector: "s", Key: ek, BodyCanonicalization: dkim.Simple},
	}
	var kept []*dkim.Signature
	var keptBodies []string
	for round := range 3 {
		for _, body := range bodies {
			s, err := dkim.NewSigner(opts...)
			if err != nil {
				t.Fatal(err)
			}
			s.Write([]byte(head + body))
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			for i, sig := range s.Signatures() {
				if w := want(opts[i].BodyCanonicalization, body); !bytes.Equal(sig.BodyHash, w) {
					t.Fatalf("round %d, body %q, %s: bh=%x; want %x", round, body, opts[i].BodyCanonicalization, sig.BodyHash, w)
				}
				kept = append(kept, sig)
				keptBodies = append(keptBodies, body)
			}
		}
	}
	for i, sig := range kept {
		if w := want(opts[i%2].BodyCanonicalization, keptBodies[i]); !bytes.Equal(sig.BodyHash, w) {
			t.Errorf("signature %d: bh=%x after later signing; want %x", i, sig.BodyHash, w)
		}
	}
}

// TestSignPooledHeader: the header buffer a Signer takes from its pool
// carries nothing from one message to the next, and what a Signer
// returns (z= copies, h=, the fields) stays as it was after later
// Signers reuse the buffer, over headers of growing and shrinking size.
func TestSignPooledHeader(t *testing.T) {
	_, ek := testKeys(t)
	opts := dkim.SignOptions{Domain: "example.com", Selector: "s", Key: ek, CopyHeaders: true, NoTimestamp: true}
	heads := []string{
		"From: Joe <joe@example.com>\r\nSubject: first\r\n\r\n",
		"From: Sue <sue@example.net>\r\nTo: a@example.org\r\nSubject: second, and\r\n longer\r\nCc: b@example.org\r\n\r\n",
		"FROM: X <x@example.com>\r\n\r\n",
		"From: Joe <joe@example.com>\r\nX-Long: " + strings.Repeat("y", 20000) + "\r\nSubject: big\r\n\r\n",
		"From: Joe <joe@example.com>\nSubject: lf\n\n",
	}
	type kept struct {
		sig    *dkim.Signature
		field  string
		copies []string
		names  []string
	}
	var all []kept
	for round := range 3 {
		for _, head := range heads {
			s, err := dkim.NewSigner(opts)
			if err != nil {
				t.Fatal(err)
			}
			s.Write([]byte(head + "Body.\r\n"))
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			// What a fresh Signer of the same message gives, with no
			// buffer from the pool to reuse.
			fresh, err := dkim.Sign(strings.NewReader(head+"Body.\r\n"), opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := s.HeaderFields(); got != fresh {
				t.Fatalf("round %d: %q\nsigned as %q\nwant %q", round, head, got, fresh)
			}
			sig := s.Signatures()[0]
			all = append(all, kept{sig, s.HeaderFields(), slices.Clone(sig.CopiedHeaders), slices.Clone(sig.Headers)})
		}
	}
	for i, k := range all {
		if got := k.sig.HeaderField(); got != k.field {
			t.Errorf("signature %d after later signing: %q; want %q", i, got, k.field)
		}
		if !slices.Equal(k.sig.CopiedHeaders, k.copies) || !slices.Equal(k.sig.Headers, k.names) {
			t.Errorf("signature %d after later signing: z=%q h=%q; want z=%q h=%q", i, k.sig.CopiedHeaders, k.sig.Headers, k.copies, k.names)
		}
		if !strings.HasPrefix(k.copies[0], "From:") && !strings.HasPrefix(k.copies[0], "FROM:") {
			t.Errorf("signature %d: z= starts %q", i, k.copies[0])
		}
	}
}

// TestSignPooledSigner: Sign, which reuses its Signers, gives what a new
// Signer gives for each of a run of messages and options, also after a
// Sign that failed on its options, on its reader or on the message.
func TestSignPooledSigner(t *testing.T) {
	rk, ek := testKeys(t)
	now := func() time.Time { return time.Unix(1700000000, 0) }
	ed := dkim.SignOptions{Domain: "example.com", Selector: "ed", Key: ek, Now: now}
	rsaSimple := dkim.SignOptions{Domain: "example.org", Selector: "rsa", Key: rk, Now: now,
		HeaderCanonicalization: dkim.Simple, BodyCanonicalization: dkim.Simple, BodyLength: true}
	msgA := "From: Joe <joe@example.com>\r\nSubject: a\r\n\r\nBody  a.\r\n"
	msgB := "From: Sue <sue@example.net>\r\nTo: x@example.org\r\nSubject: b\r\n\r\nBody b, longer.\r\n\r\n"
	fresh := func(msg string, opts ...dkim.SignOptions) string {
		t.Helper()
		return closedSigner(t, msg, opts...).HeaderFields()
	}
	for round := range 3 {
		for _, c := range []struct {
			msg  string
			opts []dkim.SignOptions
		}{
			{msgA, []dkim.SignOptions{ed}},
			{msgB, []dkim.SignOptions{rsaSimple}},
			{msgB, []dkim.SignOptions{ed, rsaSimple}},
			{msgA, []dkim.SignOptions{rsaSimple, ed}},
		} {
			got, err := dkim.Sign(strings.NewReader(c.msg), c.opts...)
			if want := fresh(c.msg, c.opts...); err != nil || got != want {
				t.Fatalf("round %d: Sign = %q, %v; want %q", round, got, err, want)
			}
		}
		// Failures in between: bad options, a reader that fails, no From.
		if _, err := dkim.Sign(strings.NewReader(msgA), ed, dkim.SignOptions{Domain: "example.com", Key: ek}); err == nil {
			t.Fatal("Sign without a selector succeeded")
		}
		if _, err := dkim.Sign(io.MultiReader(strings.NewReader(msgB[:30]), iotest.ErrReader(io.ErrUnexpectedEOF)), ed); err == nil {
			t.Fatal("Sign of a failing reader succeeded")
		}
		if _, err := dkim.Sign(strings.NewReader("Subject: no from\r\n\r\nx\r\n"), ed); err == nil {
			t.Fatal("Sign of a message without From succeeded")
		}
		if _, err := dkim.Sign(strings.NewReader(msgA)); err == nil {
			t.Fatal("Sign without options succeeded")
		}
	}
}

// TestVerifyPooledState: the state Verify takes from its pool (header
// fields, jobs, body hashes, keys) carries nothing from one message to the
// next, and the Results of a verification stay as they were after later
// ones reuse that state.
func TestVerifyPooledState(t *testing.T) {
	rk, ek := testKeys(t)
	rrec, _ := dkim.NewKey(rk.Public())
	erec, _ := dkim.NewKey(ek.Public())
	res := zoneFor(t, map[string]*dkim.Key{"rsa._domainkey.example.com": rrec, "ed._domainkey.example.com": erec})
	body := "From: Joe <joe@example.com>\r\nSubject: one\r\n\r\nHello.\r\n"
	var three strings.Builder
	err := dkim.SignMessage(&three, strings.NewReader(body),
		dkim.SignOptions{Domain: "example.com", Selector: "rsa", Key: rk},
		dkim.SignOptions{Domain: "example.com", Selector: "ed", Key: ek, BodyCanonicalization: dkim.Simple},
		dkim.SignOptions{Domain: "example.com", Selector: "ed", Key: ek, BodyLength: true})
	if err != nil {
		t.Fatal(err)
	}
	one := signWith(t, dkim.SignOptions{Domain: "example.com", Selector: "ed", Key: ek})
	tampered := strings.Replace(three.String(), "Hello.", "Hallo.", 1)
	v := dkim.Verifier{Resolver: res}
	verify := func(msg string) []dkim.Result {
		t.Helper()
		r, err := v.Verify(context.Background(), strings.NewReader(msg))
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	summary := func(rs []dkim.Result) string {
		var b strings.Builder
		for _, r := range rs {
			b.WriteString(r.Status.String() + " " + r.Signature.Selector + " " + string(r.Signature.BodyCanonicalization) + ";")
		}
		return b.String()
	}
	first := verify(three.String())
	want := "pass rsa relaxed;pass ed simple;pass ed relaxed;"
	if got := summary(first); got != want {
		t.Fatalf("three signatures: %s; want %s", got, want)
	}
	for range 3 {
		if got := summary(verify(one)); got != "pass ed relaxed;" {
			t.Errorf("one signature after three: %s", got)
		}
		if got := summary(verify(tampered)); got != "fail rsa relaxed;fail ed simple;fail ed relaxed;" {
			t.Errorf("tampered body: %s", got)
		}
		if got := summary(verify(three.String())); got != want {
			t.Errorf("three signatures again: %s", got)
		}
	}
	if got := summary(first); got != want {
		t.Errorf("first Results after reuse: %s; want %s", got, want)
	}
}

// closedSigner returns a new Signer for opts that has signed msg.
func closedSigner(t *testing.T, msg string, opts ...dkim.SignOptions) *dkim.Signer {
	t.Helper()
	s, err := dkim.NewSigner(opts...)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(s, msg)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return s
}
