package receive_test

import (
	"bytes"
	"context"
	"crypto"
	"errors"
	"io"
	"net/netip"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/arc"
	"github.com/domainauth/domainauth/dkim"
	"github.com/domainauth/domainauth/dmarc"
	"github.com/domainauth/domainauth/receive"
	"github.com/domainauth/domainauth/spf"
)

var fixedNow = func() time.Time { return time.Unix(1_700_000_000, 0) }

// world is the DNS of the tests: the author's domain example.com (SPF
// for 192.0.2.0/24, a DKIM key, DMARC p=reject) and the list's domain
// lists.example.org (SPF for 198.51.100.7, an ARC key).
type world struct {
	res       *domainauth.FakeResolver
	authorKey crypto.Signer
	listKey   crypto.Signer
}

func newWorld(t testing.TB) *world {
	t.Helper()
	w := &world{}
	var err error
	w.res, err = domainauth.NewFakeResolver(`
example.com.             300 IN TXT "v=spf1 ip4:192.0.2.0/24 -all"
_dmarc.example.com.      300 IN TXT "v=DMARC1; p=reject"
lists.example.org.       300 IN TXT "v=spf1 ip4:198.51.100.7 -all"
_dmarc.lists.example.org. 300 IN TXT "v=DMARC1; p=none"
`)
	if err != nil {
		t.Fatal(err)
	}
	w.authorKey = key(t, w.res, "s1._domainkey.example.com", 1)
	w.listKey = key(t, w.res, "arc._domainkey.lists.example.org", 2)
	return w
}

func key(t testing.TB, res *domainauth.FakeResolver, name string, seed byte) crypto.Signer {
	priv, rec, err := dkim.GenerateKey(dkim.KeyEd25519, 0, bytes.NewReader(bytes.Repeat([]byte{seed}, 64)))
	if err != nil {
		t.Fatal(err)
	}
	if err := res.AddZone(name + `. 300 IN TXT "` + rec.String() + `"`); err != nil {
		t.Fatal(err)
	}
	return priv
}

const authorMessage = "From: Alice <alice@example.com>\r\n" +
	"To: team@lists.example.org\r\n" +
	"Subject: Meeting on Thursday\r\n" +
	"Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n" +
	"Message-ID: <m1@example.com>\r\n" +
	"\r\n" +
	"Shall we meet on Thursday at ten?\r\n"

// signed is the author's message as it leaves example.com.
func (w *world) signed(t testing.TB) string {
	sigs, err := dkim.Sign(strings.NewReader(authorMessage), dkim.SignOptions{Domain: "example.com", Selector: "s1", Key: w.authorKey, Now: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	return sigs + authorMessage
}

var (
	authorEnv = receive.Envelope{IP: netip.MustParseAddr("192.0.2.25"), HELO: "mail.example.com", MailFrom: "bounce@example.com"}
	listEnv   = receive.Envelope{IP: netip.MustParseAddr("198.51.100.7"), HELO: "lists.example.org", MailFrom: "team-bounces@lists.example.org"}
)

// throughList is the author's message after the list: it received it
// (the list is itself a receive.Receiver), tagged the Subject, added a
// footer and sealed it.
func (w *world) throughList(t testing.TB) string {
	msg := w.signed(t)
	list := receive.Receiver{AuthServID: "lists.example.org", Resolver: w.res}
	got, err := list.Authenticate(context.Background(), strings.NewReader(msg), authorEnv)
	if err != nil {
		t.Fatal(err)
	}
	msg = strings.Replace(msg, "Subject: ", "Subject: [team] ", 1) + "-- \r\nteam mailing list\r\n"
	s := arc.Sealer{Domain: "lists.example.org", Selector: "arc", Key: w.listKey, AuthServID: "lists.example.org", Now: fixedNow, Verifier: arc.Verifier{Resolver: w.res}}
	sealed, err := s.SealChain(context.Background(), strings.NewReader(msg), got.ARC, got.AuthResults.String())
	if err != nil {
		t.Fatal(err)
	}
	return sealed.HeaderFields() + msg
}

func TestDirect(t *testing.T) { bothPaths(t, testDirect) }

func testDirect(t *testing.T, buffer int) {
	w := newWorld(t)
	r := receive.Receiver{BufferBytes: buffer, AuthServID: "mx.example.net", Resolver: w.res}
	res, err := r.Authenticate(context.Background(), strings.NewReader(w.signed(t)), authorEnv)
	if err != nil {
		t.Fatal(err)
	}
	if res.SPF.Result != spf.Pass || res.SPFIdentity != "mailfrom" || res.SPFDomain != "example.com" {
		t.Errorf("SPF: %v %s %s", res.SPF.Result, res.SPFIdentity, res.SPFDomain)
	}
	if len(res.DKIM) != 1 || res.DKIM[0].Status != dkim.Pass {
		t.Errorf("DKIM: %+v", res.DKIM)
	}
	if res.ARC == nil || res.ARC.Status != arc.None {
		t.Errorf("ARC: %+v", res.ARC)
	}
	if res.DMARC.Status != dmarc.StatusPass || res.DMARC.Disposition != dmarc.None || res.Override != nil {
		t.Errorf("DMARC: %+v", res.DMARC)
	}
	for _, want := range []string{"Authentication-Results: mx.example.net;", "spf=pass smtp.mailfrom=bounce@example.com", "dkim=pass", "header.d=example.com", "arc=none", "smtp.remote-ip=192.0.2.25", "dmarc=pass", "header.from=example.com"} {
		if !strings.Contains(unfold(res.AuthResultsField), want) {
			t.Errorf("Authentication-Results lacks %q:\n%s", want, res.AuthResultsField)
		}
	}
	wantSPF := "Received-SPF: pass (mx.example.net: domain of bounce@example.com designates 192.0.2.25 as permitted sender)\r\n" +
		"\tclient-ip=192.0.2.25;\r\n\tenvelope-from=\"bounce@example.com\";\r\n\thelo=mail.example.com;\r\n" +
		"\treceiver=mx.example.net;\r\n\tidentity=mailfrom;\r\n\tmechanism=\"ip4:192.0.2.0/24\"\r\n"
	if res.ReceivedSPF != wantSPF {
		t.Errorf("Received-SPF:\n%q\nwant\n%q", res.ReceivedSPF, wantSPF)
	}
	if res.Fields() != res.AuthResultsField+res.ReceivedSPF {
		t.Error("Fields is not Authentication-Results then Received-SPF")
	}
}

func unfold(s string) string { return strings.Join(strings.Fields(s), " ") }

func TestMailingListOverride(t *testing.T) { bothPaths(t, testMailingListOverride) }

func testMailingListOverride(t *testing.T, buffer int) {
	w := newWorld(t)
	msg := w.throughList(t)
	r := receive.Receiver{BufferBytes: buffer, AuthServID: "mx.example.net", Resolver: w.res}
	res, err := r.Authenticate(context.Background(), strings.NewReader(msg), listEnv)
	if err != nil {
		t.Fatal(err)
	}
	// The list's changes broke the author's signature; SPF passes for the
	// list's domain, which is not aligned with From: DMARC fails.
	if len(res.DKIM) != 1 || res.DKIM[0].Status != dkim.Fail || res.SPF.Result != spf.Pass {
		t.Fatalf("DKIM %+v, SPF %v", res.DKIM, res.SPF.Result)
	}
	if res.DMARC.Status != dmarc.StatusFail || res.DMARC.Disposition != dmarc.Reject || res.Override != nil {
		t.Fatalf("without local policy: DMARC %s disposition %s override %+v", res.DMARC.Status, res.DMARC.Disposition, res.Override)
	}
	if res.ARC.Status != arc.Pass || res.ARC.Sealer() != "lists.example.org" {
		t.Fatalf("ARC: %s %v", res.ARC.Status, res.ARC.Err)
	}
	// The list said what it saw: the author's DKIM passed.
	if aar := res.ARC.Sets[0].AuthResults.Results; !strings.Contains(aar, "dkim=pass") || !strings.Contains(aar, "smtp.remote-ip=192.0.2.25") {
		t.Errorf("AAR: %s", aar)
	}
	// A receiver that does not trust the list keeps the DMARC verdict.
	r.LocalPolicy = receive.TrustedSealers("other.example")
	res, err = r.Authenticate(context.Background(), strings.NewReader(msg), listEnv)
	if err != nil {
		t.Fatal(err)
	}
	if res.Override != nil || res.DMARC.Disposition != dmarc.Reject {
		t.Errorf("untrusted sealer: override %+v disposition %s", res.Override, res.DMARC.Disposition)
	}
	// One that trusts it overrides the fail, and says why.
	r.LocalPolicy = receive.TrustedSealers("Lists.Example.Org.")
	res, err = r.Authenticate(context.Background(), strings.NewReader(msg), listEnv)
	if err != nil {
		t.Fatal(err)
	}
	want := &receive.Override{Type: "local_policy", Comment: "arc=pass as[1].d=lists.example.org as[1].s=arc remote-ip[1]=192.0.2.25"}
	if res.Override == nil || *res.Override != *want {
		t.Fatalf("override = %+v, want %+v", res.Override, want)
	}
	if res.DMARC.Status != dmarc.StatusFail || res.DMARC.Disposition != dmarc.None {
		t.Errorf("after override: DMARC %s disposition %s, want fail and none", res.DMARC.Status, res.DMARC.Disposition)
	}
	f := unfold(res.AuthResultsField)
	for _, want := range []string{"dmarc=fail", "policy.override=local_policy", "arc=pass (i=1 d=lists.example.org)", "dkim=fail"} {
		if !strings.Contains(f, want) {
			t.Errorf("Authentication-Results lacks %q: %s", want, f)
		}
	}
	// A tampered message: the chain fails, and there is no override.
	res, err = r.Authenticate(context.Background(), strings.NewReader(strings.Replace(msg, "ten?", "eleven?", 1)), listEnv)
	if err != nil {
		t.Fatal(err)
	}
	if res.ARC.Status != arc.Fail || res.Override != nil || res.DMARC.Disposition != dmarc.Reject {
		t.Errorf("tampered: ARC %s, override %+v, disposition %s", res.ARC.Status, res.Override, res.DMARC.Disposition)
	}
	if !strings.Contains(res.AuthResultsField, "arc=fail") || !strings.Contains(res.AuthResultsField, "reason=") {
		t.Errorf("tampered: %s", res.AuthResultsField)
	}
}

// The one call gives what the separate steps give.
func TestSameAsSeparateSteps(t *testing.T) { bothPaths(t, testSameAsSeparateSteps) }

func testSameAsSeparateSteps(t *testing.T, buffer int) {
	w := newWorld(t)
	msg := w.throughList(t)
	ctx := context.Background()
	r := receive.Receiver{BufferBytes: buffer, AuthServID: "mx.example.net", Resolver: w.res, DMARC: dmarc.Checker{Mode: dmarc.RFC9989}}
	res, err := r.Authenticate(ctx, strings.NewReader(msg), listEnv)
	if err != nil {
		t.Fatal(err)
	}
	dk, err := dkim.Verify(ctx, w.res, strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	ar, err := arc.Verify(ctx, w.res, strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	sp := (&spf.Checker{Resolver: w.res, HELO: listEnv.HELO}).CheckMailFrom(ctx, listEnv.IP, listEnv.MailFrom)
	dc := dmarc.Checker{Resolver: w.res, Mode: dmarc.RFC9989}
	dm := dc.Verify(ctx, dmarc.Input{FromDomain: "example.com",
		SPF:  dmarc.SPFResult{Domain: "lists.example.org", Result: dmarc.AuthPass},
		DKIM: []dmarc.DKIMResult{{Domain: "example.com", Selector: "s1", Result: dmarc.AuthFail}}})
	if len(dk) != len(res.DKIM) || dk[0].Status != res.DKIM[0].Status || !errors.Is(res.DKIM[0].Err, dkim.ErrBodyHashMismatch) {
		t.Errorf("DKIM %+v, separately %+v", res.DKIM, dk)
	}
	if ar.Status != res.ARC.Status || ar.OldestPass != res.ARC.OldestPass || ar.Sealer() != res.ARC.Sealer() {
		t.Errorf("ARC %+v, separately %+v", res.ARC, ar)
	}
	if sp.Result != res.SPF.Result || sp.Term.String() != res.SPF.Term.String() {
		t.Errorf("SPF %+v, separately %+v", res.SPF, sp)
	}
	if dm.Status != res.DMARC.Status || dm.Policy != res.DMARC.Policy || dm.PolicyDomain != res.DMARC.PolicyDomain || dm.Discovery != res.DMARC.Discovery {
		t.Errorf("DMARC %+v, separately %+v", res.DMARC, dm)
	}
}

// onceReader is a message reader that fails the test if it is read again
// after the end, and counts what was read.
type onceReader struct {
	t    testing.TB
	r    io.Reader
	n    int
	done bool
}

func (o *onceReader) Read(p []byte) (int, error) {
	if o.done {
		o.t.Error("message read again after its end")
	}
	n, err := o.r.Read(p)
	o.n += n
	if err == io.EOF {
		o.done = true
	}
	return n, err
}

func TestReadOnce(t *testing.T) { bothPaths(t, testReadOnce) }

func testReadOnce(t *testing.T, buffer int) {
	w := newWorld(t)
	msg := w.throughList(t)
	or := &onceReader{t: t, r: strings.NewReader(msg)}
	r := receive.Receiver{BufferBytes: buffer, Resolver: w.res}
	res, err := r.Authenticate(context.Background(), or, listEnv)
	if err != nil {
		t.Fatal(err)
	}
	if or.n != len(msg) || !or.done {
		t.Errorf("read %d of %d bytes", or.n, len(msg))
	}
	if !strings.HasPrefix(res.AuthResultsField, "Authentication-Results: localhost;") {
		t.Errorf("default authserv-id: %s", res.AuthResultsField)
	}
}

// patternReader produces n bytes of text without holding them.
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

func TestStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 64 MiB")
	}
	w := newWorld(t)
	msg := w.throughList(t)
	hdr, _, _ := strings.Cut(msg, "\r\n\r\n")
	r := receive.Receiver{Resolver: w.res}
	measure := func(n int64) uint64 {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		res, err := r.Authenticate(context.Background(), io.MultiReader(strings.NewReader(hdr+"\r\n\r\n"), &patternReader{n}), listEnv)
		runtime.ReadMemStats(&after)
		if err != nil {
			t.Fatal(err)
		}
		if res.ARC.Status != arc.Fail || res.DKIM[0].Status != dkim.Fail {
			t.Fatalf("changed body: ARC %s DKIM %s", res.ARC.Status, res.DKIM[0].Status)
		}
		return after.TotalAlloc - before.TotalAlloc
	}
	small, large := measure(1<<10), measure(64<<20)
	if large > small+(1<<20) {
		t.Errorf("a 64 MiB body allocated %d bytes, a 1 KiB body %d: memory grows with the body", large, small)
	}
}

func TestSkipAndErrors(t *testing.T) { bothPaths(t, testSkipAndErrors) }

func testSkipAndErrors(t *testing.T, buffer int) {
	w := newWorld(t)
	msg := w.signed(t)
	r := receive.Receiver{BufferBytes: buffer, Resolver: w.res, SkipSPF: true, SkipARC: true}
	res, err := r.Authenticate(context.Background(), strings.NewReader(msg), authorEnv)
	if err != nil {
		t.Fatal(err)
	}
	if res.ReceivedSPF != "" || res.ARC != nil || strings.Contains(unfold(res.AuthResultsField), " spf=") || strings.Contains(unfold(res.AuthResultsField), " arc=") {
		t.Errorf("skipped SPF and ARC: %s%s", res.AuthResultsField, res.ReceivedSPF)
	}
	if res.DMARC.Status != dmarc.StatusPass || !res.DMARC.DKIMAligned {
		t.Errorf("DMARC on DKIM alone: %+v", res.DMARC)
	}
	r = receive.Receiver{BufferBytes: buffer, Resolver: w.res, SkipDKIM: true, SkipDMARC: true}
	res, err = r.Authenticate(context.Background(), strings.NewReader(msg), receive.Envelope{IP: authorEnv.IP, HELO: "mail.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if res.SPFIdentity != "helo" || res.SPFDomain != "mail.example.com" || res.DKIM != nil || strings.Contains(res.AuthResultsField, "dkim=") || strings.Contains(res.AuthResultsField, "dmarc=") {
		t.Errorf("null MAIL FROM, no DKIM/DMARC: %+v\n%s", res, res.AuthResultsField)
	}
	if !strings.Contains(res.AuthResultsField, "smtp.helo=mail.example.com") || !strings.Contains(res.ReceivedSPF, "identity=helo") || strings.Contains(res.ReceivedSPF, "envelope-from") {
		t.Errorf("HELO check fields: %s%s", res.AuthResultsField, res.ReceivedSPF)
	}
	// No From: DMARC cannot be evaluated.
	r = receive.Receiver{BufferBytes: buffer, Resolver: w.res}
	res, err = r.Authenticate(context.Background(), strings.NewReader("Subject: x\r\n\r\nbody\r\n"), authorEnv)
	if err != nil {
		t.Fatal(err)
	}
	if res.DMARC.Status != dmarc.StatusPermError || !errors.Is(res.DMARC.Err, dmarc.ErrNoFrom) {
		t.Errorf("no From: %+v", res.DMARC)
	}
	// A header over the limit is an error of the call.
	r = receive.Receiver{BufferBytes: buffer, Resolver: w.res, DKIM: dkim.Verifier{MaxHeaderFields: 3}}
	if _, err := r.Authenticate(context.Background(), strings.NewReader(msg), authorEnv); !errors.Is(err, dkim.ErrHeaderTooLarge) {
		t.Errorf("header over the DKIM limit: %v", err)
	}
	r = receive.Receiver{BufferBytes: buffer, Resolver: w.res, ARC: arc.Verifier{MaxHeaderFields: 3}, SkipDKIM: true}
	if _, err := r.Authenticate(context.Background(), strings.NewReader(msg), authorEnv); !errors.Is(err, dkim.ErrHeaderTooLarge) {
		t.Errorf("header over the ARC limit: %v", err)
	}
	// A failing reader and a cancelled context are errors too.
	boom := errors.New("connection reset")
	if _, err := r.Authenticate(context.Background(), io.MultiReader(strings.NewReader(msg[:100]), iotestErr{boom}), authorEnv); !errors.Is(err, boom) {
		t.Errorf("read error: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Authenticate(ctx, strings.NewReader(msg), authorEnv); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

type iotestErr struct{ err error }

func (e iotestErr) Read([]byte) (int, error) { return 0, e.err }

// bothPaths runs a test on messages checked in memory (the default for
// small messages), streamed through the pipes (BufferBytes -1), and
// streamed after a first 100 bytes were read into memory.
func bothPaths(t *testing.T, test func(*testing.T, int)) {
	t.Run("in-memory", func(t *testing.T) { test(t, 0) })
	t.Run("streamed", func(t *testing.T) { test(t, -1) })
	t.Run("buffered-then-streamed", func(t *testing.T) { test(t, 100) })
}

// The whole path through the real DNS client, against the zone served on
// 127.0.0.1.
func TestLoopbackDNS(t *testing.T) {
	w := newWorld(t)
	msg := w.throughList(t)
	srv, err := w.res.Serve()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r := receive.Receiver{AuthServID: "mx.example.net", Resolver: srv.Resolver(), LocalPolicy: receive.TrustedSealers("lists.example.org")}
	res, err := r.Authenticate(ctx, strings.NewReader(msg), listEnv)
	if err != nil {
		t.Fatal(err)
	}
	if res.SPF.Result != spf.Pass || res.DKIM[0].Status != dkim.Fail || res.ARC.Status != arc.Pass || res.DMARC.Status != dmarc.StatusFail || res.Override == nil {
		t.Errorf("SPF %s, DKIM %s, ARC %s (%v), DMARC %s, override %+v", res.SPF.Result, res.DKIM[0].Status, res.ARC.Status, res.ARC.Err, res.DMARC.Status, res.Override)
	}
	if srv.Queries() == 0 {
		t.Error("no query reached the loopback server")
	}
}

// A MAIL FROM without local part still names its domain.
func TestMailFromWithoutLocalPart(t *testing.T) {
	w := newWorld(t)
	r := receive.Receiver{Resolver: w.res, SkipDKIM: true, SkipARC: true, SkipDMARC: true}
	res, err := r.Authenticate(context.Background(), strings.NewReader(authorMessage), receive.Envelope{IP: authorEnv.IP, MailFrom: "@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	if res.SPFDomain != "example.com" || res.SPFIdentity != "mailfrom" || res.SPF.Result != spf.Pass {
		t.Errorf("MAIL FROM @example.com: %s %s %s", res.SPFIdentity, res.SPFDomain, res.SPF.Result)
	}
}

// A small message is checked in memory: it costs less than streaming it
// through the pipes, whose chunk buffer alone is 32 KiB.
func TestSmallMessageInMemory(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector drops pooled buffers at random")
	}
	w := newWorld(t)
	msg := w.throughList(t)
	alloc := func(buffer int) uint64 {
		r := receive.Receiver{Resolver: w.res, BufferBytes: buffer}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for range 20 {
			if _, err := r.Authenticate(context.Background(), strings.NewReader(msg), listEnv); err != nil {
				t.Fatal(err)
			}
		}
		runtime.ReadMemStats(&after)
		return (after.TotalAlloc - before.TotalAlloc) / 20
	}
	alloc(0) // fill the buffer pool
	if mem, streamed := alloc(0), alloc(-1); mem+16<<10 > streamed {
		t.Errorf("default: %d bytes per message, streamed: %d; want the default in memory, at least 16 KiB less", mem, streamed)
	}
}

// blockingResolver answers nothing until ctx ends.
type blockingResolver struct{ receive.Resolver }

func (b blockingResolver) LookupTXT(ctx context.Context, name string) ([]string, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// When reading the message fails, the DNS work still running is
// cancelled instead of waited for.
func TestReadErrorCancelsLookups(t *testing.T) {
	w := newWorld(t)
	r := receive.Receiver{Resolver: blockingResolver{w.res}}
	done := make(chan error, 1)
	go func() {
		_, err := r.Authenticate(context.Background(), iotestErr{errors.New("reset")}, authorEnv)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Error("no error")
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Authenticate still waits for the SPF lookup after the read failed")
	}
	// The same when a verifier refuses the header, in memory or streamed.
	for _, buffer := range []int{0, -1} {
		r := receive.Receiver{Resolver: blockingResolver{w.res}, DKIM: dkim.Verifier{MaxHeaderFields: 2}, BufferBytes: buffer}
		go func() {
			_, err := r.Authenticate(context.Background(), strings.NewReader(authorMessage), authorEnv)
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, dkim.ErrHeaderTooLarge) {
				t.Errorf("BufferBytes %d: %v", buffer, err)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("BufferBytes %d: Authenticate still waits for the SPF lookup after DKIM refused the header", buffer)
		}
	}
}

// A streamed message whose header a verifier refuses, followed by a body
// of many chunks: the verifier stops reading early, and Authenticate must
// still end with its error instead of waiting for it to read the rest.
func TestStreamedVerifierStopsEarly(t *testing.T) {
	w := newWorld(t)
	msg := authorMessage + strings.Repeat("a line of the body of a long message\r\n", 20000) // ~760 KB
	for _, r := range []receive.Receiver{
		{Resolver: w.res, BufferBytes: -1, DKIM: dkim.Verifier{MaxHeaderFields: 2}},
		{Resolver: w.res, BufferBytes: -1, ARC: arc.Verifier{MaxHeaderFields: 2}, SkipDKIM: true},
	} {
		done := make(chan error, 1)
		go func() {
			_, err := r.Authenticate(context.Background(), strings.NewReader(msg), authorEnv)
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, dkim.ErrHeaderTooLarge) {
				t.Errorf("SkipDKIM %v: %v, want the header limit's error", r.SkipDKIM, err)
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("SkipDKIM %v: Authenticate still running after a verifier refused the header", r.SkipDKIM)
		}
	}
}

// stutterReader returns (0, nil) many times before each read of r: by the
// io.Reader contract "nothing happened", which the checks must not see
// (a bufio.Reader below them gives up with io.ErrNoProgress after 100
// such reads in a row).
type stutterReader struct {
	r io.Reader
	n int
}

func (s *stutterReader) Read(p []byte) (int, error) {
	if s.n < 150 {
		s.n++
		return 0, nil
	}
	s.n = 0
	return s.r.Read(p)
}

// A message source that returns empty reads is read like any other, in
// memory and streamed: the signature verifies and DMARC passes.
func TestEmptyReads(t *testing.T) { bothPaths(t, testEmptyReads) }

func testEmptyReads(t *testing.T, buffer int) {
	w := newWorld(t)
	r := receive.Receiver{BufferBytes: buffer, Resolver: w.res}
	res, err := r.Authenticate(context.Background(), &stutterReader{r: strings.NewReader(w.signed(t))}, authorEnv)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.DKIM) != 1 || res.DKIM[0].Status != dkim.Pass || res.DMARC.Status != dmarc.StatusPass {
		t.Errorf("DKIM %+v, DMARC %s (%s)", res.DKIM, res.DMARC.Status, res.DMARC.Reason)
	}
}
