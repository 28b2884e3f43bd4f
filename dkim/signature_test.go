package dkim_test

import (
	"encoding/base64"
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

// TestHeaderFieldLineWidth: RFC 5322 section 2.1.1 says a line SHOULD be
// at most 78 characters without its CRLF. HeaderField folds to keep every
// line of the DKIM-Signature field within that, counting the ";" that
// ends a tag, for every length of d= and s= (whose tags cannot be broken)
// up to 60, with h= lists that put a colon or a semicolon at the edge.
// A tab after a fold counts as 8 columns, as the folder counts it.
func TestHeaderFieldLineWidth(t *testing.T) {
	hlists := [][]string{
		{"From", "To", "Subject", "Date", "Message-ID"},
		{"From", "Reply-To", "Subject", "Date", "To", "Cc", "Content-Type", "Content-Transfer-Encoding", "MIME-Version", "Message-ID", "List-Unsubscribe"},
	}
	for dl := 1; dl <= 60; dl++ {
		for sl := 1; sl <= 60; sl++ {
			for hi, h := range hlists {
				s := dkim.Signature{Version: 1, Algorithm: dkim.RSASHA256,
					HeaderCanonicalization: dkim.Relaxed, BodyCanonicalization: dkim.Relaxed,
					Domain: strings.Repeat("d", dl), Selector: strings.Repeat("s", sl), Headers: h,
					Timestamp: time.Unix(1700000000, 0), BodyHash: make([]byte, 32), Signature: make([]byte, 256)}
				field := s.HeaderField()
				for i, line := range strings.Split(strings.TrimSuffix(field, "\r\n"), "\r\n") {
					width := len(line)
					if i > 0 {
						width += 7 // the tab
					}
					if width > 78 {
						t.Fatalf("d= %d s= %d h= list %d: line %d is %d columns: %q\n%s", dl, sl, hi, i, width, line, field)
					}
				}
				back, err := dkim.ParseSignature(field)
				if err != nil || back.Domain != s.Domain || back.Selector != s.Selector || strings.Join(back.Headers, ":") != strings.Join(h, ":") {
					t.Fatalf("d= %d s= %d: ParseSignature(HeaderField()) = %+v, %v", dl, sl, back, err)
				}
			}
		}
	}
}

// TestSignFoldedVerifies: with simple header canonicalization the folds
// of the DKIM-Signature field are hashed as they are, so what Sign hashes
// (the field with an empty b=) must fold where the field it writes does.
// Every d= length from 1 to 60 moves the folds across the field.
func TestSignFoldedVerifies(t *testing.T) {
	_, ek := testKeys(t)
	erec, _ := dkim.NewKey(ek.Public())
	entries := map[string]*dkim.Key{}
	var domains []string
	for dl := 1; dl <= 60; dl++ {
		d := strings.Repeat("d", dl) + ".example"
		domains = append(domains, d)
		entries["ed._domainkey."+d] = erec
	}
	v := dkim.Verifier{Resolver: zoneFor(t, entries)}
	for _, d := range domains {
		opts := dkim.SignOptions{Domain: d, Selector: "ed", Key: ek, HeaderCanonicalization: dkim.Simple}
		checkPass(t, &v, strings.NewReader(signWith(t, opts)), "d="+d)
	}
}

// TestHeaderFieldBValueNotFoldedEarly: b= is the last tag, so no ";"
// follows its value, and a value that ends exactly at column 78 stays on
// the line of "b=". With a 44-character bh= the column after "b=" is 59 or
// more unless b= starts a line, so only b= values of 1 to 9 bytes can end
// there; the d= lengths and h= names move the column where b= starts.
func TestHeaderFieldBValueNotFoldedEarly(t *testing.T) {
	edge := 0
	for dl := 1; dl <= 60; dl++ {
		for _, h := range []string{"From", "Subject", "Date", "Reply-To", "Cc"} {
			for sig := 1; sig <= 9; sig++ {
				s := dkim.Signature{Version: 1, Algorithm: dkim.Ed25519SHA256,
					HeaderCanonicalization: dkim.Relaxed, BodyCanonicalization: dkim.Relaxed,
					Domain: strings.Repeat("d", dl), Selector: "s", Headers: []string{h},
					BodyHash: make([]byte, 32), Signature: make([]byte, sig)}
				field := strings.TrimSuffix(s.HeaderField(), "\r\n")
				value := base64.StdEncoding.EncodeToString(s.Signature)
				lines := strings.Split(field, "\r\n")
				i := len(lines) - 1
				for i > 0 && !strings.Contains(lines[i], " b=") {
					i--
				}
				at := strings.LastIndex(lines[i], " b=")
				if i == 0 || at < 0 {
					continue // b= begins a line, where its first piece never folds
				}
				col := at + len(" b=") + 7 // the tab is 8 columns
				if col+len(value) == 78 {
					edge++
				}
				if col+len(value) <= 78 && (i != len(lines)-1 || lines[i][at+len(" b="):] != value) {
					t.Fatalf("d= %d, h=%s, %d-byte b=: the value fits after b= at column %d but was folded:\n%s", dl, h, sig, col, field)
				}
			}
		}
	}
	if edge == 0 {
		t.Fatal("no layout put the end of b= at exactly column 78; the test does not reach the edge it is for")
	}
}
