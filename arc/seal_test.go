package arc_test

import (
	"bytes"
	"context"
	"crypto"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/arc"
	"github.com/domainauth/domainauth/dkim"
)

// ed25519Key returns a reproducible Ed25519 key and publishes it at
// sel._domainkey.domain in res.
func ed25519Key(t testing.TB, res *domainauth.FakeResolver, sel, domain string, seed byte) crypto.Signer {
	t.Helper()
	priv, rec, err := dkim.GenerateKey(dkim.KeyEd25519, 0, bytes.NewReader(bytes.Repeat([]byte{seed}, 64)))
	if err != nil {
		t.Fatal(err)
	}
	if err := res.AddZone(sel + "._domainkey." + domain + `. 300 IN TXT "` + rec.String() + `"`); err != nil {
		t.Fatal(err)
	}
	return priv
}

var fixedNow = func() time.Time { return time.Unix(1_700_000_000, 0) }

const authorMessage = "From: Alice <alice@example.com>\r\n" +
	"To: list@lists.example.org\r\n" +
	"Subject: Meeting on Thursday\r\n" +
	"Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n" +
	"Message-ID: <m1@example.com>\r\n" +
	"\r\n" +
	"Shall we meet on Thursday at ten?\r\n"

// hop is an intermediary: it records its results, optionally changes
// the message, and seals it.
func hop(t *testing.T, s *arc.Sealer, msg string, change func(string) string) string {
	t.Helper()
	// What the hop found on arrival.
	r, err := s.Verifier.Verify(context.Background(), strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	dk, err := dkim.Verify(context.Background(), s.Verifier.Resolver, strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	results := s.AuthServID + "; arc=" + r.Status.String()
	for _, d := range dk {
		results += "; dkim=" + d.Status.String() + " header.d=" + d.Domain()
	}
	if change != nil {
		msg = change(msg)
	}
	sealed, err := s.SealChain(context.Background(), strings.NewReader(msg), r, results)
	if err != nil {
		t.Fatal(err)
	}
	if sealed.ChainValidation != r.Status {
		t.Errorf("sealed with cv=%s, but the chain on arrival was %s", sealed.ChainValidation, r.Status)
	}
	return sealed.HeaderFields() + msg
}

// listChange is what a mailing list does: a tag in the Subject and a
// footer under the body.
func listChange(msg string) string {
	msg = strings.Replace(msg, "Subject: ", "Subject: [team] ", 1)
	return msg + "-- \r\nteam mailing list\r\nhttps://lists.example.org/team\r\n"
}

func TestMailingListDKIMBreaksARCHolds(t *testing.T) {
	res, err := domainauth.NewFakeResolver("")
	if err != nil {
		t.Fatal(err)
	}
	authorKey := ed25519Key(t, res, "s1", "example.com", 1)
	listKey := ed25519Key(t, res, "arc", "lists.example.org", 2)
	sigs, err := dkim.Sign(strings.NewReader(authorMessage), dkim.SignOptions{Domain: "example.com", Selector: "s1", Key: authorKey, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	msg := sigs + authorMessage
	list := &arc.Sealer{Domain: "lists.example.org", Selector: "arc", Key: listKey, AuthServID: "lists.example.org", Verifier: arc.Verifier{Resolver: res}, Now: fixedNow}
	out := hop(t, list, msg, listChange)

	// At the final receiver: the author's signature is broken...
	dk, err := dkim.Verify(context.Background(), res, strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(dk) != 1 || dk[0].Status != dkim.Fail {
		t.Fatalf("DKIM after the list: %+v, want one fail", dk)
	}
	// ...but the chain holds, and says what the list saw.
	r, err := arc.Verify(context.Background(), res, strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != arc.Pass || r.Sealer() != "lists.example.org" || r.Instances() != 1 || r.OldestPass != 0 {
		t.Fatalf("ARC after the list: %s %v sealer %q, %d sets, oldest-pass %d", r.Status, r.Err, r.Sealer(), r.Instances(), r.OldestPass)
	}
	if got := r.Sets[0].AuthResults.Results; got != "lists.example.org; arc=none; dkim=pass header.d=example.com" {
		t.Errorf("AAR = %q", got)
	}
	// A change after sealing breaks the chain.
	tampered := strings.Replace(out, "ten?", "eleven?", 1)
	r, err = arc.Verify(context.Background(), res, strings.NewReader(tampered))
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != arc.Fail || !errors.Is(r.Err, arc.ErrMessageSignature) || !errors.Is(r.Err, dkim.ErrBodyHashMismatch) {
		t.Errorf("tampered: %s %v, want a body hash failure of the AMS", r.Status, r.Err)
	}
	tampered = strings.Replace(out, "i=1; lists.example.org; arc=none; dkim=pass", "i=1; lists.example.org; arc=none; dkim=fail", 1)
	r, err = arc.Verify(context.Background(), res, strings.NewReader(tampered))
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != arc.Fail || !errors.Is(r.Err, arc.ErrSeal) || !errors.Is(r.Err, dkim.ErrSignatureMismatch) {
		t.Errorf("AAR changed: %s %v, want a seal failure", r.Status, r.Err)
	}
}

func TestOldestPass(t *testing.T) {
	res, err := domainauth.NewFakeResolver("")
	if err != nil {
		t.Fatal(err)
	}
	var hops []*arc.Sealer
	for i, d := range []string{"a.example", "b.example", "c.example"} {
		hops = append(hops, &arc.Sealer{Domain: d, Selector: "arc", Key: ed25519Key(t, res, "arc", d, byte(10+i)), AuthServID: "mx." + d, Verifier: arc.Verifier{Resolver: res, AllSignatures: true}, Now: fixedNow})
	}
	plain := authorMessage
	for i := range hops {
		plain = hop(t, hops[i], plain, nil)
	}
	r, err := hops[0].Verifier.Verify(context.Background(), strings.NewReader(plain))
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != arc.Pass || r.Instances() != 3 || r.OldestPass != 0 {
		t.Fatalf("three untouched hops: %s %v, %d sets, oldest-pass %d; want pass, 3, 0", r.Status, r.Err, r.Instances(), r.OldestPass)
	}
	// The second hop adds a footer: the first AMS no longer verifies,
	// the chain still does, and the oldest pass is instance 2.
	msg := hop(t, hops[0], authorMessage, nil)
	msg = hop(t, hops[1], msg, listChange)
	msg = hop(t, hops[2], msg, nil)
	r, err = hops[0].Verifier.Verify(context.Background(), strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != arc.Pass || r.OldestPass != 2 {
		t.Fatalf("footer at hop 2: %s %v, oldest-pass %d; want pass, 2", r.Status, r.Err, r.OldestPass)
	}
	for i, want := range []bool{false, true, true} {
		s := r.Sets[i]
		if !s.MessageSignatureChecked || (s.MessageSignatureErr == nil) != want {
			t.Errorf("set %d: checked %v, err %v", i+1, s.MessageSignatureChecked, s.MessageSignatureErr)
		}
	}
	// Without AllSignatures the check stops at the first failure.
	v := arc.Verifier{Resolver: res}
	r, err = v.Verify(context.Background(), strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != arc.Pass || r.OldestPass != 2 || r.Sets[0].MessageSignatureChecked != true || r.Sets[0].MessageSignatureErr == nil {
		t.Errorf("default verifier: %s, oldest-pass %d, set 1 %+v", r.Status, r.OldestPass, r.Sets[0])
	}
	// A limit of 2 sets refuses the three-set chain, and a sealer with it
	// refuses to add a fourth... or a third.
	small := arc.Verifier{Resolver: res, MaxSets: 2}
	if r, _ := small.Verify(context.Background(), strings.NewReader(msg)); r.Status != arc.Fail || !errors.Is(r.Err, arc.ErrTooManySets) {
		t.Errorf("MaxSets 2: %s %v", r.Status, r.Err)
	}
	s := *hops[0]
	s.Verifier = small
	two := hop(t, hops[1], hop(t, hops[0], authorMessage, nil), nil)
	// Two sets are six ARC fields: within a limit of 2 sets.
	if r, _ := small.Verify(context.Background(), strings.NewReader(two)); r.Status != arc.Pass {
		t.Errorf("two sets with MaxSets 2: %s %v, want pass", r.Status, r.Err)
	}
	if _, err := s.SealResults(context.Background(), strings.NewReader(two), "mx.a.example; none"); !errors.Is(err, arc.ErrChainFull) {
		t.Errorf("sealing a third set with MaxSets 2: %v, want ErrChainFull", err)
	}
	// The second set is within the limit of 2.
	one := hop(t, hops[0], authorMessage, nil)
	if _, err := s.SealResults(context.Background(), strings.NewReader(one), "mx.a.example; none"); err != nil {
		t.Errorf("sealing a second set with MaxSets 2: %v", err)
	}
}

func TestSealOptions(t *testing.T) {
	res, _ := domainauth.NewFakeResolver("")
	key := ed25519Key(t, res, "arc", "example.org", 3)
	good := arc.Sealer{Domain: "example.org", Selector: "arc", Key: key, AuthServID: "mx.example.org", Verifier: arc.Verifier{Resolver: res}}
	for name, mod := range map[string]func(*arc.Sealer){
		"no domain":               func(s *arc.Sealer) { s.Domain = "" },
		"bad domain":              func(s *arc.Sealer) { s.Domain = "a..b" },
		"no selector":             func(s *arc.Sealer) { s.Selector = "" },
		"bad selector":            func(s *arc.Sealer) { s.Selector = "a;b" },
		"empty label in selector": func(s *arc.Sealer) { s.Selector = "a..b" },
		"selector label over 63":  func(s *arc.Sealer) { s.Selector = strings.Repeat("s", 64) },
		"no key":                  func(s *arc.Sealer) { s.Key = nil },
		"no authserv":             func(s *arc.Sealer) { s.AuthServID = "" },
		"bad authserv":            func(s *arc.Sealer) { s.AuthServID = "a b" },
		"seal in h=":              func(s *arc.Sealer) { s.Headers = []string{"from", "arc-seal"} },
		"bad name in h":           func(s *arc.Sealer) { s.Headers = []string{"fr:om"} },
	} {
		s := good
		mod(&s)
		if _, err := s.Seal(context.Background(), strings.NewReader(authorMessage)); !errors.Is(err, arc.ErrSealOptions) {
			t.Errorf("%s: %v, want ErrSealOptions", name, err)
		}
	}
	if _, err := good.SealResults(context.Background(), strings.NewReader(authorMessage), " "); !errors.Is(err, arc.ErrSealOptions) {
		t.Errorf("empty results: %v", err)
	}
	if _, err := good.Seal(context.Background(), strings.NewReader(authorMessage)); !errors.Is(err, arc.ErrNoAuthResults) {
		t.Errorf("no Authentication-Results: %v, want ErrNoAuthResults", err)
	}
	// The AAR gathers the fields of the authserv-id, in order, and nothing else.
	msg := "Authentication-Results: mx.example.org;spf=pass smtp.mailfrom=example.com;\r\n dkim=pass (good; really) header.d=example.com\r\n" +
		"Authentication-Results: other.example; dmarc=fail\r\n" +
		"Authentication-Results: MX.example.org 1; dmarc=pass header.from=example.com\r\n" +
		"Authentication-Results: mx.example.org; none\r\n" + authorMessage
	good.NoTimestamp = true
	out, err := good.Seal(context.Background(), strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	want := "ARC-Authentication-Results: i=1; mx.example.org;\r\n\tspf=pass smtp.mailfrom=example.com;\r\n\tdkim=pass (good; really) header.d=example.com;\r\n\tdmarc=pass header.from=example.com\r\n"
	if out.AuthResults != want {
		t.Errorf("AAR:\n%q\nwant\n%q", out.AuthResults, want)
	}
	// Semicolons inside quoted strings and comments do not split results.
	out3, err := good.Seal(context.Background(), strings.NewReader("Authentication-Results: mx.example.org; dkim=fail reason=\"a;b\" (x\\) ;y) header.d=example.com; spf=pass\r\n"+authorMessage))
	if err != nil || out3.AuthResults != "ARC-Authentication-Results: i=1; mx.example.org;\r\n\tdkim=fail reason=\"a;b\" (x\\) ;y) header.d=example.com;\r\n\tspf=pass\r\n" {
		t.Errorf("quoted and commented semicolons: %q %v", out3.AuthResults, err)
	}
	// A field of the authserv-id with no results gives "none".
	out2, err := good.Seal(context.Background(), strings.NewReader("Authentication-Results: mx.example.org; none\r\n"+authorMessage))
	if err != nil || out2.AuthResults != "ARC-Authentication-Results: i=1; mx.example.org;\r\n\tnone\r\n" {
		t.Errorf("none only: %q %v", out2.AuthResults, err)
	}
	if strings.Contains(out.Seal, "t=") || strings.Contains(out.MessageSignature, "; t=") {
		t.Errorf("NoTimestamp: %s%s", out.Seal, out.MessageSignature)
	}
	for _, l := range strings.Split(out.HeaderFields(), "\r\n") {
		if len(l) > 78 && !strings.Contains(l, "b=") {
			t.Errorf("line of %d characters: %q", len(l), l)
		}
	}
	if !strings.Contains(out.MessageSignature, "h=from:reply-to"[:5]) || !strings.Contains(out.MessageSignature, "h=from:subject:date:to:message-id") {
		t.Errorf("default h=: %s", out.MessageSignature)
	}
	r, err := arc.Verify(context.Background(), res, strings.NewReader(out.HeaderFields()+msg))
	if err != nil || r.Status != arc.Pass {
		t.Errorf("sealed message: %v %v %v", r.Status, r.Err, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := good.Seal(ctx, strings.NewReader(msg)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// TestSealChainNeedsAVerdict: SealChain without a chain verdict, or with
// a Status outside None..Pass, is refused with ErrSealOptions (and does
// not dereference a nil chain).
func TestSealChainNeedsAVerdict(t *testing.T) {
	s := &arc.Sealer{}
	for _, chain := range []*arc.Result{nil, {}, {Status: arc.Pass + 1}} {
		if _, err := s.SealChain(context.Background(), strings.NewReader(authorMessage), chain, "x; arc=none"); !errors.Is(err, arc.ErrSealOptions) {
			t.Errorf("SealChain(%v): %v, want ErrSealOptions", chain, err)
		}
	}
}

// TestSealNamesASCII: the sealer writes d= and s= into tag values, which
// are ASCII (RFC 6376 section 3.2, which RFC 8617 uses). A selector
// outside ASCII is refused, as the dkim Signer refuses it (the KELVIN SIGN
// would otherwise name the key record of "key" while s= spells something
// verifiers refuse); an internationalized domain is written as its
// A-label, as the dkim Signer writes d=, and the seal verifies.
func TestSealNamesASCII(t *testing.T) {
	res, _ := domainauth.NewFakeResolver("")
	key := ed25519Key(t, res, "key", "xn--bcher-kva.example", 3)
	for _, sel := range []string{"\u212aey", "s\u00e9l"} {
		s := arc.Sealer{Domain: "xn--bcher-kva.example", Selector: sel, Key: key, AuthServID: "mx.example.org", Verifier: arc.Verifier{Resolver: res}}
		if _, err := s.SealResults(context.Background(), strings.NewReader(authorMessage), "mx.example.org; none"); !errors.Is(err, arc.ErrSealOptions) {
			t.Errorf("selector %q: %v, want ErrSealOptions", sel, err)
		}
	}
	s := arc.Sealer{Domain: "B\u00fccher.example.", Selector: "key", Key: key, AuthServID: "mx.example.org", Verifier: arc.Verifier{Resolver: res}}
	out := sealVerifies(t, &s, res, "mx.example.org; none")
	for _, f := range []string{out.Seal, out.MessageSignature} {
		if !strings.Contains(f, "d=xn--bcher-kva.example;") {
			t.Errorf("d= is not the A-label:\n%s", f)
		}
	}
}

// sealVerifies seals authorMessage with s and results, and checks that
// the sealed message verifies (arc=pass) against res.
func sealVerifies(t *testing.T, s *arc.Sealer, res *domainauth.FakeResolver, results string) *arc.Sealed {
	t.Helper()
	out, err := s.SealResults(context.Background(), strings.NewReader(authorMessage), results)
	if err != nil {
		t.Fatalf("SealResults(%q): %v", results, err)
	}
	r, err := arc.Verify(context.Background(), res, strings.NewReader(out.HeaderFields()+authorMessage))
	if err != nil || r.Status != arc.Pass {
		t.Errorf("sealed with results %q: %v %v %v", results, r.Status, r.Err, err)
	}
	return out
}

// TestSealResultsNoFieldInjection: the results given to SealResults and
// SealChain become the body of the ARC-Authentication-Results field. A
// line break that does not fold the field (CR or LF not followed, as CRLF,
// by a space or tab) would end the AAR there and start a field of the
// caller's text, or the body, in the sealed message, and any other control
// character is not allowed in a header field: such results are refused
// with ErrSealOptions, not written. Folded results are still sealed.
func TestSealResultsNoFieldInjection(t *testing.T) {
	res, _ := domainauth.NewFakeResolver("")
	key := ed25519Key(t, res, "arc", "example.org", 3)
	s := arc.Sealer{Domain: "example.org", Selector: "arc", Key: key, AuthServID: "mx.example.org", Verifier: arc.Verifier{Resolver: res}, NoTimestamp: true}
	for _, results := range []string{
		"mx.example.org; none\r\nX-Injected: yes",
		"mx.example.org; none\nX-Injected: yes",
		"mx.example.org; none\rX-Injected: yes",
		"mx.example.org; none\r\n\r\nbody",
		"mx.example.org; spf=pass reason=\"a\r\nX-Injected: yes\"",
		"mx.example.org; none\x00",
		"mx.example.org; spf=pass (\x1b[31m)",
	} {
		checkResultsRefused(t, &s, results)
	}
	folded := "mx.example.org;\r\n\tspf=pass smtp.mailfrom=example.com;\r\n dkim=pass\theader.d=example.com"
	out := sealVerifies(t, &s, res, folded)
	if want := arc.AuthResultsField + ": i=1; " + folded + "\r\n"; out.AuthResults != want {
		t.Errorf("AAR %q, want %q", out.AuthResults, want)
	}
}

// TestSealResultsOwnID: the AAR carries this intermediary's own results
// (RFC 8617 section 4.1.1), so SealResults and SealChain refuse results
// under another authserv-id: an upstream Authentication-Results field
// passed on by mistake, which the sender may have written. The id is
// compared as Seal gathers fields: ASCII case folded, a version allowed.
func TestSealResultsOwnID(t *testing.T) {
	res, _ := domainauth.NewFakeResolver("")
	key := ed25519Key(t, res, "arc", "example.org", 3)
	s := arc.Sealer{Domain: "example.org", Selector: "arc", Key: key, AuthServID: "mx.example.org", Verifier: arc.Verifier{Resolver: res}}
	for _, results := range []string{"other.example; dkim=pass header.d=example.com", "mx.example.org.evil; none",
		"mx.exampl\u212a.org; none", "mx.example.orgx; none", "dkim=pass header.d=example.com"} {
		checkResultsRefused(t, &s, results)
	}
	for _, results := range []string{"mx.example.org; none", "MX.Example.ORG 1; spf=pass smtp.mailfrom=example.com"} {
		sealVerifies(t, &s, res, results)
	}
}

// checkResultsRefused checks that SealResults and SealChain both refuse
// results with ErrSealOptions, and write nothing.
func checkResultsRefused(t *testing.T, s *arc.Sealer, results string) {
	t.Helper()
	if out, err := s.SealResults(context.Background(), strings.NewReader(authorMessage), results); !errors.Is(err, arc.ErrSealOptions) || out != nil {
		t.Errorf("SealResults(%q) = %v; want ErrSealOptions", results, err)
		if out != nil {
			t.Logf("written: %q", out.AuthResults)
		}
	}
	chain := &arc.Result{Status: arc.None}
	if out, err := s.SealChain(context.Background(), strings.NewReader(authorMessage), chain, results); !errors.Is(err, arc.ErrSealOptions) || out != nil {
		t.Errorf("SealChain(%q) = %v; want ErrSealOptions", results, err)
	}
}
