package arc_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/arc"
)

func TestParseAuthResults(t *testing.T) {
	for _, tc := range []struct {
		in      string
		inst    int
		results string
		ok      bool
	}{
		{" i=1; lists.example.org; spf=pass", 1, "lists.example.org; spf=pass", true},
		{"i = 12 ;mx.example; none", 12, "mx.example; none", true},
		{"\r\n\ti=50;x", 50, "x", true},
		{"i=100;x", 100, "x", true},                       // a number of 3 digits parses; the chain limit is checked elsewhere
		{"i=1 lists.example.org; spf=pass", 0, "", false}, // no ';' (aar_i_no_semi)
		{"lists.example.org; i=1", 0, "", false},          // not first (aar_i_not_prefixed)
		{"i=0; x", 0, "", false},
		{"i=; x", 0, "", false},
		{"i=squanch; x", 0, "", false},
		{"i=1000; x", 0, "", false},
		{"I=1; x", 0, "", false}, // tag names are case-sensitive
		{"", 0, "", false},
		{"i", 0, "", false},
		{"i=1", 0, "", false},
	} {
		a, err := arc.ParseAuthResults(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ParseAuthResults(%q): err=%v, want ok=%v", tc.in, err, tc.ok)
			continue
		}
		if err != nil {
			if !errors.Is(err, arc.ErrSyntax) {
				t.Errorf("ParseAuthResults(%q): %v does not wrap ErrSyntax", tc.in, err)
			}
			continue
		}
		if a.Instance != tc.inst || a.Results != tc.results {
			t.Errorf("ParseAuthResults(%q) = %d %q, want %d %q", tc.in, a.Instance, a.Results, tc.inst, tc.results)
		}
	}
}

const sealValue = "i=2; a=rsa-sha256; cv=pass; d=example.org; s=dummy; t=12345; b=AAAA"
const amsValue = "i=2; a=rsa-sha256; c=relaxed/simple; d=example.org; s=dummy; t=12345; h=from : to; bh=AAAA; b=AAAA"

func TestParseSeal(t *testing.T) {
	s, err := arc.ParseSeal(sealValue)
	if err != nil {
		t.Fatal(err)
	}
	if s.Instance != 2 || s.ChainValidation != arc.Pass || s.Domain != "example.org" || s.Selector != "dummy" || s.Timestamp.Unix() != 12345 || len(s.Signature) != 3 {
		t.Errorf("ParseSeal = %+v", s)
	}
	for _, bad := range []struct{ value, tag string }{
		{strings.Replace(sealValue, "cv=pass", "cv=Pass", 1), "cv"},
		{strings.Replace(sealValue, "cv=pass", "cv=", 1), "cv"},
		{strings.Replace(sealValue, "cv=pass; ", "", 1), "cv"},
		{sealValue + "; h=from", "h"},
		{sealValue + "; i=3", "i"},
		{strings.Replace(sealValue, "a=rsa-sha256", "a=RSA-SHA256", 1), "a"},
		{strings.Replace(sealValue, "d=example.org", "d=example..org", 1), "d"},
		{strings.Replace(sealValue, "s=dummy", "s=", 1), "s"},
		{strings.Replace(sealValue, "t=12345", "t=-1", 1), "t"},
		{strings.Replace(sealValue, "t=12345", "t=1234567890123", 1), "t"}, // 13 digits: more than RFC 6376 allows
		{strings.Replace(sealValue, "b=AAAA", "b=A", 1), "b"},
		{strings.Replace(sealValue, "; s=dummy", "", 1), "s"},
		{strings.Replace(sealValue, "; d=example.org", "", 1), "d"},
		{strings.Replace(sealValue, "; b=AAAA", "", 1), "b"},
		{strings.Replace(sealValue, "a=rsa-sha256; ", "", 1), "a"},
		{strings.Replace(sealValue, "i=2; ", "", 1), "i"},
		{strings.Replace(sealValue, "s=dummy", "s=du;;mmy", 1), ""},
	} {
		_, err := arc.ParseSeal(bad.value)
		var fe *arc.SyntaxError
		if !errors.As(err, &fe) || !errors.Is(err, arc.ErrSyntax) || fe.Field != arc.SealField || fe.Tag != bad.tag {
			t.Errorf("ParseSeal(%q): %v, want a SyntaxError on tag %q", bad.value, err, bad.tag)
		}
	}
	if _, err := arc.ParseSeal(strings.Repeat("x", arc.MaxFieldLength+1)); !errors.Is(err, arc.ErrSyntax) {
		t.Errorf("over-long seal: %v", err)
	}
}

func TestParseMessageSignature(t *testing.T) {
	m, err := arc.ParseMessageSignature(amsValue + "; l=10; x=99999")
	if err != nil {
		t.Fatal(err)
	}
	if m.Instance != 2 || m.HeaderCanonicalization != "relaxed" || m.BodyCanonicalization != "simple" || strings.Join(m.Headers, ",") != "from,to" || *m.BodyLength != 10 || m.Expiration.Unix() != 99999 || len(m.BodyHash) != 3 {
		t.Errorf("ParseMessageSignature = %+v", m)
	}
	m, err = arc.ParseMessageSignature(strings.Replace(amsValue, "c=relaxed/simple; ", "", 1))
	if err != nil || m.HeaderCanonicalization != "simple" || m.BodyCanonicalization != "simple" {
		t.Errorf("no c=: %+v %v, want simple/simple", m, err)
	}
	for _, bad := range []struct{ value, tag string }{
		{strings.Replace(amsValue, "c=relaxed/simple", "c=", 1), "c"},
		{strings.Replace(amsValue, "c=relaxed/simple", "c=fancy", 1), "c"},
		{strings.Replace(amsValue, "h=from : to", "h=from : arc-seal", 1), "h"},
		{strings.Replace(amsValue, "bh=AAAA", "bh=", 1), "bh"},
		{strings.Replace(amsValue, "; bh=AAAA", "", 1), "bh"},
		{strings.Replace(amsValue, "; h=from : to", "", 1), "h"},
		{amsValue + "; l=x", "l"},
		{amsValue + "; x=1.5", "x"},
		{amsValue + "; a=rsa-sha256", "a"},
	} {
		_, err := arc.ParseMessageSignature(bad.value)
		var fe *arc.SyntaxError
		if !errors.As(err, &fe) || !errors.Is(err, arc.ErrSyntax) || fe.Field != arc.MessageSigField || fe.Tag != bad.tag {
			t.Errorf("ParseMessageSignature(%q): %v, want a SyntaxError on tag %q", bad.value, err, bad.tag)
		}
	}
}

func TestSyntaxErrorMessage(t *testing.T) {
	_, err := arc.ParseSeal("i=1; cv=maybe")
	want := `arc: ARC-Seal tag cv= at offset 5: malformed ARC header field: cv="maybe" is not none, fail or pass`
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
	_, err = arc.ParseSeal("i=1")
	want = "arc: ARC-Seal tag a=: malformed ARC header field: required tag a= missing"
	if err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
}

func TestChainStatusString(t *testing.T) {
	for s, want := range map[arc.ChainStatus]string{arc.None: "none", arc.Fail: "fail", arc.Pass: "pass", 0: "ChainStatus(0)"} {
		if s.String() != want {
			t.Errorf("%d.String() = %q, want %q", int(s), s.String(), want)
		}
	}
}

// arcSet returns the three fields of a syntactically valid set of
// instance i (the signatures are garbage).
func arcSet(i int) string {
	cv := "pass"
	if i == 1 {
		cv = "none"
	}
	return fmt.Sprintf("ARC-Seal: i=%d; a=rsa-sha256; cv=%s; d=example.org; s=dummy; b=AAAA\r\n"+
		"ARC-Message-Signature: i=%d; a=rsa-sha256; d=example.org; s=dummy; h=from; bh=AAAA; b=AAAA\r\n"+
		"ARC-Authentication-Results: i=%d; mx.example.org; none\r\n", i, cv, i, i)
}

const plainMessage = "From: a@example.com\r\nTo: b@example.net\r\nSubject: hi\r\n\r\nbody\r\n"

func verifyStatus(t *testing.T, v *arc.Verifier, msg string) *arc.Result {
	t.Helper()
	r, err := v.Verify(context.Background(), strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestVerifyStructure(t *testing.T) {
	v := &arc.Verifier{Resolver: suiteDNS(t, nil)}
	if r := verifyStatus(t, v, plainMessage); r.Status != arc.None || r.Err != nil {
		t.Errorf("no ARC: %v %v, want none", r.Status, r.Err)
	}
	var b strings.Builder
	for i := 51; i >= 1; i-- {
		b.WriteString(arcSet(i))
	}
	r := verifyStatus(t, v, b.String()+plainMessage)
	if r.Status != arc.Fail || !errors.Is(r.Err, arc.ErrTooManySets) {
		t.Errorf("51 sets: %v %v, want fail with ErrTooManySets", r.Status, r.Err)
	}
	small := &arc.Verifier{Resolver: v.Resolver, MaxSets: 2}
	r = verifyStatus(t, small, arcSet(3)+arcSet(2)+arcSet(1)+plainMessage)
	if r.Status != arc.Fail || !errors.Is(r.Err, arc.ErrTooManySets) {
		t.Errorf("3 sets, MaxSets 2: %v %v, want ErrTooManySets", r.Status, r.Err)
	}
	// 3 sets of which one field is missing: 8 fields, under 3*MaxSets=6? no: over.
	r = verifyStatus(t, small, arcSet(2)+arcSet(1)+arcSet(1)+plainMessage)
	if r.Status != arc.Fail || !errors.Is(r.Err, arc.ErrTooManySets) {
		t.Errorf("9 fields, MaxSets 2: %v %v, want ErrTooManySets", r.Status, r.Err)
	}
	for name, msg := range map[string]string{
		"gap":       arcSet(3) + arcSet(1),
		"duplicate": arcSet(1) + arcSet(1),
		"missing":   strings.SplitAfterN(arcSet(1), "\r\n", 2)[1],
	} {
		r := verifyStatus(t, v, msg+plainMessage)
		if r.Status != arc.Fail || !errors.Is(r.Err, arc.ErrStructure) {
			t.Errorf("%s: %v %v, want ErrStructure", name, r.Status, r.Err)
		}
	}
	r = verifyStatus(t, v, strings.Replace(arcSet(2), "cv=pass", "cv=fail", 1)+arcSet(1)+plainMessage)
	if r.Status != arc.Fail || !errors.Is(r.Err, arc.ErrChainMarkedFailed) {
		t.Errorf("newest cv=fail: %v %v", r.Status, r.Err)
	}
	r = verifyStatus(t, v, arcSet(2)+strings.Replace(arcSet(1), "cv=none", "cv=pass", 1)+plainMessage)
	if r.Status != arc.Fail || !errors.Is(r.Err, arc.ErrSealCV) {
		t.Errorf("i=1 cv=pass: %v %v", r.Status, r.Err)
	}
	r = verifyStatus(t, v, strings.Replace(arcSet(2), "cv=pass", "cv=none", 1)+arcSet(1)+plainMessage)
	if r.Status != arc.Fail || !errors.Is(r.Err, arc.ErrSealCV) {
		t.Errorf("i=2 cv=none: %v %v", r.Status, r.Err)
	}
	r = verifyStatus(t, v, strings.Replace(arcSet(1), "cv=none", "cv=bogus", 1)+plainMessage)
	if r.Status != arc.Fail || !errors.Is(r.Err, arc.ErrSyntax) {
		t.Errorf("cv=bogus: %v %v", r.Status, r.Err)
	}
	// Field names match ignoring ASCII case only: a set whose names are
	// written with the long s (U+017F) for s, which Unicode case folding
	// takes for the three ARC fields, is no ARC set.
	lookalike := strings.NewReplacer("ARC-Seal:", "ARC-\u017feal:", "ARC-Message-Signature:", "ARC-Me\u017f\u017fage-Signature:",
		"ARC-Authentication-Results:", "ARC-Authentication-Re\u017fults:").Replace(arcSet(1))
	if r := verifyStatus(t, v, lookalike+plainMessage); r.Status != arc.None || len(r.Sets) != 0 {
		t.Errorf("look-alike field names: %v %v, %d sets; want none", r.Status, r.Err, len(r.Sets))
	}
	// The set is complete but the key is missing: the AMS cannot verify.
	r = verifyStatus(t, v, arcSet(1)+plainMessage)
	if r.Status != arc.Fail || !errors.Is(r.Err, arc.ErrMessageSignature) || len(r.Sets) != 1 || r.Sealer() != "example.org" {
		t.Errorf("no key: %v %v %d", r.Status, r.Err, len(r.Sets))
	}
}

func TestVerifyHeaderLimit(t *testing.T) {
	v := &arc.Verifier{Resolver: suiteDNS(t, nil), MaxHeaderFields: 2}
	if _, err := v.Verify(context.Background(), strings.NewReader(plainMessage)); err == nil {
		t.Error("3 header fields with MaxHeaderFields 2: no error")
	}
	v = &arc.Verifier{Resolver: suiteDNS(t, nil), MaxHeaderBytes: 20}
	if _, err := v.Verify(context.Background(), strings.NewReader(plainMessage)); err == nil {
		t.Error("header over MaxHeaderBytes: no error")
	}
}

// patternReader produces n bytes of mail-like text without holding them.
type patternReader struct{ n int64 }

func (p *patternReader) Read(b []byte) (int, error) {
	if p.n <= 0 {
		return 0, io.EOF
	}
	const line = "The quick brown fox  jumps over the lazy dog. \t \r\n"
	k := 0
	for k < len(b) && p.n > 0 {
		c := copy(b[k:min(len(b), k+int(min(int64(len(line)), p.n)))], line)
		k += c
		p.n -= int64(c)
	}
	return k, nil
}

func TestVerifyStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 64 MiB")
	}
	sc, msg := suiteMessage(t, "cv_pass_i1_1")
	hdr, _, _ := strings.Cut(msg, "\n\n")
	v := &arc.Verifier{Resolver: suiteDNS(t, sc.TXT)}
	measure := func(n int64) uint64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		r, err := v.Verify(context.Background(), io.MultiReader(strings.NewReader(hdr+"\n\n"), &patternReader{n}))
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != arc.Fail || !errors.Is(r.Err, arc.ErrMessageSignature) {
			t.Fatalf("changed body: %v %v, want a body hash failure", r.Status, r.Err)
		}
		return after.TotalAlloc - before.TotalAlloc
	}
	small, large := measure(1<<10), measure(64<<20)
	// 64 MiB of body may cost a few buffers more, never the body itself.
	if large > small+(1<<20) {
		t.Errorf("verifying a 64 MiB body allocated %d bytes, a 1 KiB body %d: memory grows with the body", large, small)
	}
}

// suiteMessage returns the scenario and message of a validation test.
func suiteMessage(t testing.TB, name string) (suiteScenario, string) {
	for _, sc := range loadSuite(t, "arc-draft-validation-tests.yml") {
		for _, tt := range sc.Tests {
			if tt.Name == name {
				return sc, tt.Message
			}
		}
	}
	t.Fatalf("no validation test %s", name)
	return suiteScenario{}, ""
}

// errReader fails after its data.
type errReader struct {
	data string
	err  error
}

func (e *errReader) Read(p []byte) (int, error) {
	if e.data == "" {
		return 0, e.err
	}
	n := copy(p, e.data)
	e.data = e.data[n:]
	return n, nil
}

func TestVerifyReadErrors(t *testing.T) {
	sc, msg := suiteMessage(t, "cv_pass_i1_1")
	v := arc.Verifier{Resolver: suiteDNS(t, sc.TXT)}
	boom := errors.New("connection reset")
	hdr, _, _ := strings.Cut(msg, "\n\n")
	// In the body: the chain needs it.
	if _, err := v.Verify(context.Background(), &errReader{hdr + "\n\nsome", boom}); !errors.Is(err, boom) {
		t.Errorf("error in the body: %v", err)
	}
	// In the header.
	if _, err := v.Verify(context.Background(), &errReader{"From: a", boom}); !errors.Is(err, boom) {
		t.Errorf("error in the header: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := v.Verify(ctx, strings.NewReader(msg)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	// Without ARC fields the body is not needed, and not read.
	if r, err := v.Verify(context.Background(), &errReader{plainMessage, boom}); err != nil || r.Status != arc.None {
		t.Errorf("no ARC, error after the header: %v %v", r, err)
	}
}

// d= and s= that are each valid but make a key name over 253 octets.
func TestKeyNameTooLong(t *testing.T) {
	d := strings.Repeat("d", 60) + "." + strings.Repeat("e", 60) + "." + strings.Repeat("f", 60) + ".example"
	s := strings.Repeat("s", 60)
	set := strings.ReplaceAll(strings.ReplaceAll(arcSet(1), "d=example.org", "d="+d), "s=dummy", "s="+s)
	v := arc.Verifier{Resolver: suiteDNS(t, nil)}
	r := verifyStatus(t, &v, set+plainMessage)
	if r.Status != arc.Fail || !errors.Is(r.Err, arc.ErrMessageSignature) || !errors.Is(r.Err, arc.ErrSyntax) {
		t.Errorf("%s %v, want a syntax error of the key name", r.Status, r.Err)
	}
}

// One key lookup per key name and message, however many signatures use it.
func TestKeyLookedUpOnce(t *testing.T) {
	sc, msg := suiteMessage(t, "cv_pass_i2_1")
	res := suiteDNS(t, sc.TXT)
	r, err := arc.Verify(context.Background(), res, strings.NewReader(msg))
	if err != nil || r.Status != arc.Pass {
		t.Fatalf("%v %v", r, err)
	}
	if n := res.LookupCount(); n != 1 {
		t.Errorf("%d lookups for four signatures with one key, want 1: %v", n, res.Lookups())
	}
}
