package dkim_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/domainauth/domainauth/dkim"
)

func TestParseSignature(t *testing.T) {
	// RFC 6376 Appendix A.2.
	const a2 = "v=1; a=rsa-sha256; s=brisbane; d=example.com;\r\n" +
		"      c=simple/simple; q=dns/txt; i=joe@football.example.com;\r\n" +
		"      h=Received : From : To : Subject : Date : Message-ID;\r\n" +
		"      bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n" +
		"      b=AuUoFEfDxTDkHlLXSZEpZj79LICEps6eda7W3deTVFOk4yAUoqOB\r\n" +
		"        4nujc7YopdG5dWLSdNg6xNAZpOPr+kHxt1IrE+NahM6L/LbvaHut\r\n" +
		"        KVdkLLkpVaVVQPzeRDI009SO2Il5Lu7rDNH6mZckBdrIx0orEtZV\r\n" +
		"        4bmp/YzhwvcubU4=;"
	sig, err := dkim.ParseSignature(a2)
	if err != nil {
		t.Fatal(err)
	}
	if sig.Domain != "example.com" || sig.Selector != "brisbane" || sig.Identity != "joe@football.example.com" ||
		strings.Join(sig.Headers, ",") != "Received,From,To,Subject,Date,Message-ID" ||
		sig.HeaderCanonicalization != dkim.Simple || sig.BodyCanonicalization != dkim.Simple ||
		len(sig.Signature) != 128 || len(sig.BodyHash) != 32 || sig.Algorithm != dkim.RSASHA256 {
		t.Errorf("%+v", sig)
	}
	// Defaults, qp-encoded i=, z=, t=/x=, l=.
	sig, err = dkim.ParseSignature("DKIM-Signature: v=1; a=ed25519-sha256; d=example.com; s=s; h=from; bh=AAAA; b=;" +
		" i=j=3Bo=40sub.example.com; z=From:a=7Cb|To:=20c; t=100; x=200; l=0")
	if err != nil {
		t.Fatal(err)
	}
	if sig.HeaderCanonicalization != dkim.Simple || sig.BodyCanonicalization != dkim.Simple {
		t.Errorf("default c= is %s/%s", sig.HeaderCanonicalization, sig.BodyCanonicalization)
	}
	if sig.Identity != "j;o@sub.example.com" || strings.Join(sig.CopiedHeaders, "|") != "From:a|b|To: c" {
		t.Errorf("i=%q z=%q", sig.Identity, sig.CopiedHeaders)
	}
	if !sig.Timestamp.Equal(time.Unix(100, 0)) || !sig.Expiration.Equal(time.Unix(200, 0)) || sig.BodyLength == nil || *sig.BodyLength != 0 {
		t.Errorf("t=%v x=%v l=%v", sig.Timestamp, sig.Expiration, sig.BodyLength)
	}

	const base = "v=1; a=rsa-sha256; d=example.com; s=s; h=from; bh=AAAA; b=AAAA"
	for _, c := range []struct {
		in   string
		want error
	}{
		{strings.Replace(base, "v=1", "v=2", 1), dkim.ErrUnsupportedVersion},
		{strings.Replace(base, "v=1; ", "", 1), dkim.ErrSignatureSyntax},    // v= required
		{strings.Replace(base, "; s=s", "", 1), dkim.ErrSignatureSyntax},    // s= required
		{strings.Replace(base, "h=from", "h=", 1), dkim.ErrSignatureSyntax}, // empty h=
		{strings.Replace(base, "bh=AAAA", "bh=A!", 1), dkim.ErrSignatureSyntax},
		{strings.Replace(base, "a=rsa-sha256", "a=rsa", 1), dkim.ErrSignatureSyntax},
		{base + "; c=relaxed/stressed", dkim.ErrUnsupportedCanonicalization},
		{base + "; c=", dkim.ErrUnsupportedCanonicalization},
		{base + "; i=joe", dkim.ErrSignatureSyntax},
		{base + "; i=joe=4", dkim.ErrSignatureSyntax},
		{base + "; l=-1", dkim.ErrSignatureSyntax},
		{base + "; l=99999999999999999999999", dkim.ErrSignatureSyntax},
		{base + "; t=1234567890123", dkim.ErrSignatureSyntax},
		{base + "; t=20; x=10", dkim.ErrSignatureSyntax},
		{base + "; d=example.org", dkim.ErrSignatureSyntax}, // duplicate tag
		{"synerr", dkim.ErrSignatureSyntax},
	} {
		_, err := dkim.ParseSignature(c.in)
		var se *dkim.SyntaxError
		if !errors.Is(err, c.want) || !errors.As(err, &se) {
			t.Errorf("ParseSignature(%q) = %v, want %v", c.in, err, c.want)
		}
	}
}

// TestSignatureStringDefaultCanonicalization: an unset canonicalization
// is simple, the RFC 6376 default, and String writes it out.
func TestSignatureStringDefaultCanonicalization(t *testing.T) {
	for _, c := range []struct {
		hc, bc dkim.Canonicalization
		want   string
	}{
		{"", "", "c=simple/simple;"},
		{dkim.Relaxed, "", "c=relaxed/simple;"},
		{"", dkim.Relaxed, "c=simple/relaxed;"},
	} {
		s := dkim.Signature{Version: 1, Algorithm: dkim.Ed25519SHA256, Domain: "example.com", Selector: "ed",
			Headers: []string{"From"}, BodyHash: []byte{1}, Signature: []byte{2},
			HeaderCanonicalization: c.hc, BodyCanonicalization: c.bc}
		if got := s.String(); !strings.Contains(got, c.want) {
			t.Errorf("c=%q/%q: %s; want %s", c.hc, c.bc, got, c.want)
		}
	}
}

// TestHeaderFieldFoldsCopiedHeadersAtBars: a long z= is folded after a
// "|", between copied fields, never inside one (after the colon of
// "Subject:"), and parses back to the same copies.
func TestHeaderFieldFoldsCopiedHeadersAtBars(t *testing.T) {
	var copies []string
	for i := range 6 {
		copies = append(copies, fmt.Sprintf("Subject:copied-field-%d-xxxxxxxx", i))
	}
	s := dkim.Signature{Version: 1, Algorithm: dkim.Ed25519SHA256, Domain: "example.com", Selector: "ed",
		Headers: []string{"From"}, BodyHash: []byte{1}, Signature: []byte{2}, CopiedHeaders: copies}
	field := s.HeaderField()
	_, z, _ := strings.Cut(field, " z=")
	z, _, _ = strings.Cut(z, ";")
	if !strings.Contains(z, "\r\n\t") {
		t.Fatalf("z= not folded: %q", field)
	}
	for _, line := range strings.Split(z, "\r\n\t")[:strings.Count(z, "\r\n\t")] {
		if !strings.HasSuffix(line, "|") {
			t.Errorf("z= folded after %q, want after a |: %q", line, z)
		}
	}
	back, err := dkim.ParseSignature(field)
	if err != nil || strings.Join(back.CopiedHeaders, "\n") != strings.Join(copies, "\n") {
		t.Errorf("ParseSignature(HeaderField()) = %v, %v; want z= %q", back, err, copies)
	}
}
