package dmarc_test

import (
	"errors"
	"net/mail"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dmarc"
)

func TestFromDomain(t *testing.T) {
	cases := []struct {
		name   string
		fields []string
		want   string
		err    error
	}{
		// RFC 6376 appendix A.2 and RFC 5322 appendix A.1.1/A.1.2.
		{"display name", []string{"Joe SixPack <joe@football.example.com>"}, "football.example.com", nil},
		{"bare address", []string{"jdoe@one.test"}, "one.test", nil},
		{"quoted display name with comma", []string{`"Joe Q. Public" <john.q.public@example.com>`}, "example.com", nil},
		{"comment after address", []string{"pete@silly.example (Pete)"}, "silly.example", nil},
		{"upper case domain", []string{"Mary Smith <mary@EXAMPLE.NET>"}, "example.net", nil},
		{"trailing dot (not a dot-atom, RFC 5322 section 3.2.3)", []string{"a@example.org."}, "", dmarc.ErrBadFrom},
		{"folded", []string{"Joe SixPack\r\n <joe@football.example.com>"}, "football.example.com", nil},
		{"encoded word display name", []string{"=?utf-8?q?J=C3=B6rg?= <jorg@example.de>"}, "example.de", nil},
		{"quoted local part", []string{`"john smith"@example.com`}, "example.com", nil},
		{"internationalized domain", []string{"José <jose@bücher.example>"}, "xn--bcher-kva.example", nil},
		// Display names in any character set: only the address matters.
		{"iso-2022-jp display name", []string{"=?iso-2022-jp?B?GyRCRnxLXDhsGyhC?= <info@example.jp>"}, "example.jp", nil},
		{"windows-1252 display name", []string{"=?windows-1252?Q?J=F6rg?= <jorg@example.de>"}, "example.de", nil},
		{"gb2312 display name", []string{"=?gb2312?B?1tDOxA==?= <a@example.cn>"}, "example.cn", nil},
		{"folded with LF", []string{"Joe SixPack\n\t<joe@football.example.com>"}, "football.example.com", nil},
		// Several authors (RFC 5322 section 3.6.2).
		{"authors in one domain", []string{"a@example.com, B <b@Example.com>"}, "example.com", nil},
		{"authors in two domains", []string{"a@example.com, b@example.net"}, "", dmarc.ErrMultipleFromDomains},
		{"authors in a subdomain", []string{"a@example.com, b@news.example.com"}, "", dmarc.ErrMultipleFromDomains},
		// Messages DMARC cannot evaluate.
		{"no From", nil, "", dmarc.ErrNoFrom},
		{"two From fields", []string{"a@example.com", "b@example.com"}, "", dmarc.ErrMultipleFrom},
		{"empty", []string{"  "}, "", dmarc.ErrBadFrom},
		{"no domain", []string{"joe"}, "", dmarc.ErrBadFrom},
		{"empty group", []string{"undisclosed-recipients:;"}, "", dmarc.ErrBadFrom},
		{"address literal", []string{"joe@[192.0.2.1]"}, "", dmarc.ErrBadFrom},
		{"single label", []string{"root@localhost"}, "", dmarc.ErrBadFrom},
		{"bad domain", []string{"joe@exa mple.com"}, "", dmarc.ErrBadFrom},
		{"label too long", []string{"joe@" + strings.Repeat("a", 64) + ".com"}, "", dmarc.ErrBadFrom},
		{"unbalanced", []string{"Joe <joe@example.com"}, "", dmarc.ErrBadFrom},
		{"too many addresses", []string{strings.Repeat("a@example.com, ", 101) + "a@example.com"}, "", dmarc.ErrBadFrom},
		{"too long", []string{strings.Repeat("x", 9000) + " <a@example.com>"}, "", dmarc.ErrBadFrom},
		// A line break not followed by white space is no folding: it must
		// not join the two halves of a domain.
		{"LF inside the domain", []string{"a@exa\nmple.com"}, "", dmarc.ErrBadFrom},
		{"CR inside the domain", []string{"a@exa\rmple.com"}, "", dmarc.ErrBadFrom},
		{"CRLF inside the domain", []string{"a@exa\r\nmple.com"}, "", dmarc.ErrBadFrom},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := dmarc.FromDomain(c.fields)
			if c.err != nil {
				if !errors.Is(err, c.err) {
					t.Fatalf("FromDomain(%q) = %q, %v; want error %v", c.fields, got, err, c.err)
				}
				if got != "" {
					t.Errorf("domain %q returned with the error", got)
				}
				return
			}
			if err != nil || got != c.want {
				t.Fatalf("FromDomain(%q) = %q, %v; want %q", c.fields, got, err, c.want)
			}
		})
	}
}

// The fields as net/mail reads them from a message.
func TestFromDomainNetMail(t *testing.T) {
	m, err := mail.ReadMessage(strings.NewReader("From: Joe SixPack <joe@football.example.com>\r\nFrom: Eve <eve@evil.example>\r\nSubject: hi\r\n\r\nbody\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dmarc.FromDomain(m.Header["From"]); !errors.Is(err, dmarc.ErrMultipleFrom) {
		t.Fatalf("two From fields: %v, want ErrMultipleFrom", err)
	}
}

func FuzzFromDomain(f *testing.F) {
	for _, s := range []string{
		"Joe SixPack <joe@football.example.com>", "a@example.com, b@example.net", "undisclosed:;",
		"=?utf-8?q?J=C3=B6rg?= <jorg@example.de>", `"a\"b"@x.example`, "(c) a@b.example (d)",
		"José <jose@bücher.example>", "<@route.example:a@b.example>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := dmarc.FromDomain([]string{s})
		switch {
		case err != nil && d != "":
			t.Fatalf("domain %q and error %v", d, err)
		case err != nil:
			for _, e := range []error{dmarc.ErrBadFrom, dmarc.ErrMultipleFromDomains} {
				if errors.Is(err, e) {
					return
				}
			}
			t.Fatalf("error %v wraps none of the FromDomain errors", err)
		case d == "" || d != strings.ToLower(d) || strings.HasSuffix(d, ".") || !strings.Contains(d, "."):
			t.Fatalf("FromDomain(%q) = %q: not a normalized domain", s, d)
		}
	})
}
