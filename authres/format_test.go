package authres_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/authres"
)

func TestString(t *testing.T) {
	one := func(r R) *H { return &H{AuthServID: "x.example", Results: []R{r}} }
	prop := func(v string) *H {
		return one(R{Method: "spf", Value: "pass", Properties: []P{{"smtp", "mailfrom", v}}})
	}
	tests := []struct {
		name string
		h    *H
		want string
	}{
		{"none form with version (RFC 8601 B.2)", &H{AuthServID: "example.org", Version: 1}, "example.org 1; none"},
		{"none form, empty non-nil Results", &H{AuthServID: "example.org", Results: []R{}}, "example.org; none"},
		{"RFC 8601 B.3", rfc8601[1].want, "example.com; spf=pass smtp.mailfrom=example.net"},
		{"RFC 8601 B.7 without its comments", rfc8601[8].want, "foo.example.net 1; dkim/1=fail policy.expired=1362471462"},
		{"RFC 8601 B.6: reasons are quoted", rfc8601[6].want,
			`example.com; dkim=pass reason="good signature" header.i=@mail-router.example.net; dkim=fail reason="bad signature" header.i=@newyork.example.com`},
		{"keywords written in lower case", one(R{Method: "SPF", Value: "Pass", Properties: []P{{"SMTP", "HELO", "Mail.Example"}}}),
			"x.example; spf=pass smtp.helo=Mail.Example"},
		{"authserv-id that is not a token", &H{AuthServID: "mx one", Results: []R{{Method: "spf", Value: "none"}}}, `"mx one"; spf=none`},
		{"empty authserv-id", &H{}, `""; none`},
		{"token reason bare", one(R{Method: "dkim", Value: "fail", Reason: "expired"}), "x.example; dkim=fail reason=expired"},
		{"reason with quotes and backslash", one(R{Method: "dkim", Value: "fail", Reason: `bad "sig" \ here`}),
			`x.example; dkim=fail reason="bad \"sig\" \\ here"`},
		{"control characters in a reason become spaces", one(R{Method: "dkim", Value: "fail", Reason: "a\r\nb\x00c\td"}),
			"x.example; dkim=fail reason=\"a  b c\td\""},
		{"comment with parentheses escaped", one(R{Method: "dkim", Value: "pass", Comment: `a (b) \c`}),
			`x.example; dkim=pass (a \(b\) \\c)`},
		{"address bare", prop("user+tag@example.com"), "x.example; spf=pass smtp.mailfrom=user+tag@example.com"},
		{"SRS address bare (= and / are atext)", prop("SRS0=h=tt=example.org/a@fwd.example"), "x.example; spf=pass smtp.mailfrom=SRS0=h=tt=example.org/a@fwd.example"},
		{"domain-only identity bare", prop("@example.com"), "x.example; spf=pass smtp.mailfrom=@example.com"},
		{"quoted local-part kept bare", prop(`"john doe"@example.com`), `x.example; spf=pass smtp.mailfrom="john doe"@example.com`},
		{"local-part with a space quoted whole", prop("john doe@example.com"), `x.example; spf=pass smtp.mailfrom="john doe@example.com"`},
		{"local-part with a double dot quoted", prop("a..b@example.com"), `x.example; spf=pass smtp.mailfrom="a..b@example.com"`},
		{"one-label domain after @ quoted", prop("root@localhost"), `x.example; spf=pass smtp.mailfrom="root@localhost"`},
		{"U-labels bare", prop("jörg@bücher.example"), "x.example; spf=pass smtp.mailfrom=jörg@bücher.example"},
		{"slash is not a token character", prop("gfT/i2HB"), `x.example; spf=pass smtp.mailfrom="gfT/i2HB"`},
		{"IPv6 quoted", prop("2001:db8::1"), `x.example; spf=pass smtp.mailfrom="2001:db8::1"`},
		{"empty value quoted", prop(""), `x.example; spf=pass smtp.mailfrom=""`},
		{"IPv4 is a token", prop("192.0.2.1"), "x.example; spf=pass smtp.mailfrom=192.0.2.1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.h.String(); got != tc.want {
				t.Errorf("String() = %q\nwant       %q", got, tc.want)
			}
			if _, err := authres.Parse(tc.want); err != nil {
				t.Errorf("Parse(%q): %v", tc.want, err)
			}
		})
	}
}

func TestRoundTripBuilt(t *testing.T) {
	for _, h := range []*H{
		{AuthServID: "x.example", Results: []R{{Method: "spf", Value: "pass", Properties: []P{{"smtp", "mailfrom", `"john doe"@example.com`}}}}},
		{AuthServID: "x.example", Results: []R{{Method: "spf", Value: "pass", Properties: []P{{"smtp", "mailfrom", `"x\"y"@exa/mple`}}}}},
		{AuthServID: "mx \"one\"", Version: 7, Results: []R{{Method: "x", MethodVersion: 2, Value: "y", Comment: "((", Reason: "\t", Properties: []P{{"a", "b", `\`}}}}},
	} {
		roundTrip(t, h)
	}
}

func TestField(t *testing.T) {
	h := &H{AuthServID: "mx.example.net", Results: []R{
		{Method: "spf", Value: "pass", Properties: []P{{"smtp", "mailfrom", "bounce.esp.example"}}},
		{Method: "dkim", Value: "pass", Properties: []P{{"header", "d", "example.com"}, {"header", "s", "sel1"}, {"header", "b", "oINEO8hg"}}},
		{Method: "dmarc", Value: "pass", Comment: "p=reject dis=none", Properties: []P{{"header", "from", "example.com"}}},
	}}
	want := "Authentication-Results: mx.example.net;\r\n" +
		"\tspf=pass smtp.mailfrom=bounce.esp.example;\r\n" +
		"\tdkim=pass header.d=example.com header.s=sel1 header.b=oINEO8hg;\r\n" +
		"\tdmarc=pass (p=reject dis=none) header.from=example.com"
	if got := h.Field(); got != want {
		t.Errorf("Field() =\n%s\nwant\n%s", got, want)
	}

	short := &H{AuthServID: "example.org", Version: 1}
	if got, want := short.Field(), "Authentication-Results: example.org 1; none"; got != want {
		t.Errorf("Field() = %q, want %q", got, want)
	}

	// A result longer than a line continues on further lines, folded
	// between its parts only; a part longer than a line stays whole.
	long := &H{AuthServID: "mx.example.net", Results: []R{
		{Method: "dkim", Value: "fail", Reason: strings.Repeat("very long reason ", 6), Properties: []P{
			{"header", "d", "a-rather-long-signing-domain.example.com"}, {"header", "i", "someone@a-rather-long-signing-domain.example.com"},
			{"header", "s", "selector2025"}, {"header", "a", "rsa-sha256"}, {"header", "b", "oINEO8hg"}}},
		{Method: "spf", Value: "pass"},
	}}
	f := long.Field()
	for _, line := range strings.Split(f, "\r\n") {
		if len(line) > 78 && !strings.Contains(line, "very long reason") {
			t.Errorf("line of %d characters: %q", len(line), line)
		}
		if strings.HasPrefix(line, "\t") && strings.Count(line, "\"")%2 != 0 {
			t.Errorf("fold inside a quoted-string: %q", line)
		}
	}
	if got, want := strings.ReplaceAll(f, "\r\n\t", " "), "Authentication-Results: "+long.String(); got != want {
		t.Errorf("unfolded Field() =\n%q\nwant\n%q", got, want)
	}
	roundTrip(t, long)
}

func TestValidate(t *testing.T) {
	ok := func() *H {
		return &H{AuthServID: "x.example", Results: []R{{Method: "spf", Value: "pass", Properties: []P{{"smtp", "helo", "a.example"}}}}}
	}
	tests := []struct {
		name   string
		change func(h *H)
		msg    string
	}{
		{"method with a space", func(h *H) { h.Results[0].Method = "sp f" }, `method "sp f" is not a keyword`},
		{"empty result", func(h *H) { h.Results[0].Value = "" }, `result "" is not a keyword`},
		{"keyword ending in a hyphen", func(h *H) { h.Results[0].Properties[0].Type = "smtp-" }, `property type "smtp-"`},
		{"property name with a dot", func(h *H) { h.Results[0].Properties[0].Name = "mail.from" }, `property name "mail.from"`},
		{"line break in a reason", func(h *H) { h.Results[0].Reason = "a\nb" }, "reason: control character"},
		{"invalid UTF-8 in a value", func(h *H) { h.Results[0].Properties[0].Value = "\xff" }, "smtp.helo: invalid UTF-8"},
		{"negative version", func(h *H) { h.Version = -1 }, "version -1"},
		{"too many results", func(h *H) { h.Results = make([]R, authres.MaxResults+1) }, "more than 64"},
	}
	if err := ok().Validate(); err != nil {
		t.Fatalf("valid header: %v", err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := ok()
			tc.change(h)
			err := h.Validate()
			if !errors.Is(err, authres.ErrInvalid) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("Validate() = %v, want ErrInvalid with %q", err, tc.msg)
			}
		})
	}
}

func TestGet(t *testing.T) {
	h, err := authres.Parse("x.example; dkim=pass header.d=example.com header.S=sel1")
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := h.Results[0].Get("HEADER", "s"); !ok || v != "sel1" {
		t.Errorf(`Get("HEADER", "s") = %q, %v`, v, ok)
	}
	if v, ok := h.Results[0].Get("header", "i"); ok {
		t.Errorf(`Get("header", "i") = %q, true; want none`, v)
	}
}

// TestStringKeywordsNoLineBreak: String and Field write control
// characters as spaces (see their documentation), in keywords too. A
// method, result, ptype or property that is not a keyword is an error of
// Validate, but a caller who writes without validating, with a keyword
// built from text it does not control, must not get a line break that
// ends the field and starts another ("X-Injected: yes").
func TestStringKeywordsNoLineBreak(t *testing.T) {
	const evil = "a\r\nX-Injected: yes\x00"
	for name, h := range map[string]H{
		"method":        {AuthServID: "x.example", Results: []R{{Method: evil, Value: "pass"}}},
		"result":        {AuthServID: "x.example", Results: []R{{Method: "spf", Value: evil}}},
		"property type": {AuthServID: "x.example", Results: []R{{Method: "spf", Value: "pass", Properties: []P{{evil, "helo", "a.example"}}}}},
		"property name": {AuthServID: "x.example", Results: []R{{Method: "spf", Value: "pass", Properties: []P{{"smtp", evil, "a.example"}}}}},
	} {
		if h.Validate() == nil {
			t.Errorf("%s: Validate accepted %q", name, evil)
		}
		for _, s := range []string{h.String(), strings.ReplaceAll(h.Field(), "\r\n\t", " ")} {
			if i := strings.IndexFunc(s, func(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }); i >= 0 {
				t.Errorf("%s: control character %q written in %q", name, s[i], s)
			}
		}
	}
}
