package authres_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/domainauth/domainauth/authres"
)

type (
	H = authres.Header
	R = authres.Result
	P = authres.Property
)

// rfc8601 are the fields of RFC 8601 Appendix B as printed there (with
// CRLF line ends and the RFC's indentation), and what they mean.
var rfc8601 = []struct {
	name  string
	field string
	want  *H
}{
	{
		"B.2 service provided, no authentication done",
		"Authentication-Results: example.org 1; none",
		&H{AuthServID: "example.org", Version: 1},
	},
	{
		"B.3 service provided, authentication done",
		"Authentication-Results: example.com;\r\n" +
			"          spf=pass smtp.mailfrom=example.net",
		&H{AuthServID: "example.com", Results: []R{
			{Method: "spf", Value: "pass", Properties: []P{{"smtp", "mailfrom", "example.net"}}},
		}},
	},
	{
		"B.4 several authentications, single MTA, first field",
		"Authentication-Results: example.com;\r\n" +
			"          auth=pass (cram-md5) smtp.auth=sender@example.net;\r\n" +
			"          spf=pass smtp.mailfrom=example.net",
		&H{AuthServID: "example.com", Results: []R{
			{Method: "auth", Value: "pass", Comment: "cram-md5", Properties: []P{{"smtp", "auth", "sender@example.net"}}},
			{Method: "spf", Value: "pass", Properties: []P{{"smtp", "mailfrom", "example.net"}}},
		}},
	},
	{
		"B.4 several authentications, single MTA, second field",
		"Authentication-Results: example.com; iprev=pass\r\n" +
			"          policy.iprev=192.0.2.200",
		&H{AuthServID: "example.com", Results: []R{
			{Method: "iprev", Value: "pass", Properties: []P{{"policy", "iprev", "192.0.2.200"}}},
		}},
	},
	{
		"B.5 several authentications, different MTAs, first field",
		"Authentication-Results: example.com;\r\n" +
			"          dkim=pass (good signature) header.d=example.com",
		&H{AuthServID: "example.com", Results: []R{
			{Method: "dkim", Value: "pass", Comment: "good signature", Properties: []P{{"header", "d", "example.com"}}},
		}},
	},
	{
		"B.5 several authentications, different MTAs, second field",
		"Authentication-Results: example.com;\r\n" +
			"          auth=pass (cram-md5) smtp.auth=sender@example.com;\r\n" +
			"          spf=fail smtp.mailfrom=example.com",
		&H{AuthServID: "example.com", Results: []R{
			{Method: "auth", Value: "pass", Comment: "cram-md5", Properties: []P{{"smtp", "auth", "sender@example.com"}}},
			{Method: "spf", Value: "fail", Properties: []P{{"smtp", "mailfrom", "example.com"}}},
		}},
	},
	{
		"B.6 multi-tiered authentication, outer field",
		"Authentication-Results: example.com;\r\n" +
			"      dkim=pass reason=\"good signature\"\r\n" +
			"        header.i=@mail-router.example.net;\r\n" +
			"      dkim=fail reason=\"bad signature\"\r\n" +
			"        header.i=@newyork.example.com",
		&H{AuthServID: "example.com", Results: []R{
			{Method: "dkim", Value: "pass", Reason: "good signature", Properties: []P{{"header", "i", "@mail-router.example.net"}}},
			{Method: "dkim", Value: "fail", Reason: "bad signature", Properties: []P{{"header", "i", "@newyork.example.com"}}},
		}},
	},
	{
		"B.6 multi-tiered authentication, inner field",
		"Authentication-Results: example.net;\r\n" +
			"      dkim=pass (good signature) header.i=@newyork.example.com",
		&H{AuthServID: "example.net", Results: []R{
			{Method: "dkim", Value: "pass", Comment: "good signature", Properties: []P{{"header", "i", "@newyork.example.com"}}},
		}},
	},
	{
		"B.7 comment-heavy example",
		"Authentication-Results: foo.example.net (foobar) 1 (baz);\r\n" +
			"    dkim (Because I like it) / 1 (One yay) = (wait for it) fail\r\n" +
			"      policy (A dot can go here) . (like that) expired\r\n" +
			"      (this surprised me) = (as I wasn't expecting it) 1362471462",
		&H{AuthServID: "foo.example.net", Version: 1, Results: []R{
			{Method: "dkim", MethodVersion: 1, Value: "fail", Properties: []P{{"policy", "expired", "1362471462"}}},
		}},
	},
	{
		"RFC 6008 A.1 two signatures of one domain told apart by header.b",
		"Authentication-Results: mail-router.example.net;\r\n" +
			"      dkim=pass (good signature) header.d=newyork.example.com\r\n" +
			"            header.b=oINEO8hg;\r\n" +
			"      dkim=fail (bad signature) header.d=newyork.example.com\r\n" +
			"            header.b=EToRSuvU",
		&H{AuthServID: "mail-router.example.net", Results: []R{
			{Method: "dkim", Value: "pass", Comment: "good signature", Properties: []P{{"header", "d", "newyork.example.com"}, {"header", "b", "oINEO8hg"}}},
			{Method: "dkim", Value: "fail", Comment: "bad signature", Properties: []P{{"header", "d", "newyork.example.com"}, {"header", "b", "EToRSuvU"}}},
		}},
	},
}

func TestParseRFC8601(t *testing.T) {
	for _, tc := range rfc8601 {
		t.Run(tc.name, func(t *testing.T) {
			// The whole field, the value alone, and the value with the
			// final CRLF all read the same.
			value := strings.TrimPrefix(tc.field, "Authentication-Results:")
			for _, in := range []string{tc.field, value, tc.field + "\r\n", strings.ReplaceAll(tc.field, "\r\n", "\n")} {
				h, err := authres.Parse(in)
				if err != nil {
					t.Fatalf("Parse(%q): %v", in, err)
				}
				if d := cmp.Diff(tc.want, h); d != "" {
					t.Errorf("Parse(%q) mismatch (-want +got):\n%s", in, d)
				}
			}
			roundTrip(t, tc.want)
		})
	}
}

// roundTrip checks that String and Field read back as h, and that both
// are fixed points.
func roundTrip(t *testing.T, h *H) {
	t.Helper()
	if err := h.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	for _, s := range []string{h.String(), h.Field()} {
		got, err := authres.Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q): %v", s, err)
		}
		if d := cmp.Diff(h, got); d != "" {
			t.Errorf("Parse(%q) mismatch (-want +got):\n%s", s, d)
		}
		if got.String() != h.String() {
			t.Errorf("String not a fixed point: %q then %q", h.String(), got.String())
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, in string
		want     *H
	}{
		{"upper-case names are lowered, values kept",
			"MX.Example.COM; SPF=Pass SMTP.MailFrom=Bounce@Example.NET",
			&H{AuthServID: "MX.Example.COM", Results: []R{{Method: "spf", Value: "pass", Properties: []P{{"smtp", "mailfrom", "Bounce@Example.NET"}}}}}},
		{"field name in any case, space before the colon",
			"authentication-results : x.example; none",
			&H{AuthServID: "x.example"}},
		{"none in upper case, with comments",
			"x.example (mx) ; (nothing) NONE (really)",
			&H{AuthServID: "x.example"}},
		{"a method called none",
			"x.example; none=pass",
			&H{AuthServID: "x.example", Results: []R{{Method: "none", Value: "pass"}}}},
		{"quoted authserv-id with escapes",
			`"mx \"one\"" 2; spf=pass`,
			&H{AuthServID: `mx "one"`, Version: 2, Results: []R{{Method: "spf", Value: "pass"}}}},
		{"unknown method and ptype kept",
			"x.example; x-custom/3=maybe body.hash=abc123",
			&H{AuthServID: "x.example", Results: []R{{Method: "x-custom", MethodVersion: 3, Value: "maybe", Properties: []P{{"body", "hash", "abc123"}}}}}},
		{"quoted-string local-part in an address",
			`x.example; spf=pass smtp.mailfrom="john doe"@example.com`,
			&H{AuthServID: "x.example", Results: []R{{Method: "spf", Value: "pass", Properties: []P{{"smtp", "mailfrom", `"john doe"@example.com`}}}}}},
		{"SRS address with = and / in the local-part",
			"x.example; spf=pass smtp.mailfrom=SRS0=HHH=TT=example.org/a@fwd.example",
			&H{AuthServID: "x.example", Results: []R{{Method: "spf", Value: "pass", Properties: []P{{"smtp", "mailfrom", "SRS0=HHH=TT=example.org/a@fwd.example"}}}}}},
		{"lenient: header.b with a slash, IPv6 bare",
			"x.example; dkim=pass header.b=gfT/i2HB; arc=pass smtp.remote-ip=2001:db8::1",
			&H{AuthServID: "x.example", Results: []R{
				{Method: "dkim", Value: "pass", Properties: []P{{"header", "b", "gfT/i2HB"}}},
				{Method: "arc", Value: "pass", Properties: []P{{"smtp", "remote-ip", "2001:db8::1"}}},
			}}},
		{"lenient: ; after the last result",
			"x.example; spf=pass smtp.mailfrom=example.net; ",
			&H{AuthServID: "x.example", Results: []R{{Method: "spf", Value: "pass", Properties: []P{{"smtp", "mailfrom", "example.net"}}}}}},
		{"nested comment with quoted-pairs and a fold, kept as Comment",
			"x.example; dkim=fail (a (nested \\) one)\r\n\tok) header.d=example.com",
			&H{AuthServID: "x.example", Results: []R{{Method: "dkim", Value: "fail", Comment: "a (nested ) one)\tok", Properties: []P{{"header", "d", "example.com"}}}}}},
		{"only the first comment after the result is kept",
			"x.example; dkim=fail (one) (two) header.d=example.com (three)",
			&H{AuthServID: "x.example", Results: []R{{Method: "dkim", Value: "fail", Comment: "one", Properties: []P{{"header", "d", "example.com"}}}}}},
		{"reason as a token, case-insensitive keyword",
			"x.example; dkim=fail REASON=expired",
			&H{AuthServID: "x.example", Results: []R{{Method: "dkim", Value: "fail", Reason: "expired"}}}},
		{"ptype called reason",
			"x.example; x=pass reason.code=5",
			&H{AuthServID: "x.example", Results: []R{{Method: "x", Value: "pass", Properties: []P{{"reason", "code", "5"}}}}}},
		{"quoted property value followed directly by the next",
			`x.example; x=pass a.b="v w"c.d=e`,
			&H{AuthServID: "x.example", Results: []R{{Method: "x", Value: "pass", Properties: []P{{"a", "b", "v w"}, {"c", "d", "e"}}}}}},
		{"quoted reason followed directly by a property",
			`x.example; x=pass reason="v w"c.d=e`,
			&H{AuthServID: "x.example", Results: []R{{Method: "x", Value: "pass", Reason: "v w", Properties: []P{{"c", "d", "e"}}}}}},
		{"UTF-8 in a quoted reason and an address",
			"x.example; dkim=fail reason=\"clé expirée\" header.i=jörg@bücher.example",
			&H{AuthServID: "x.example", Results: []R{{Method: "dkim", Value: "fail", Reason: "clé expirée", Properties: []P{{"header", "i", "jörg@bücher.example"}}}}}},
		{"empty quoted authserv-id",
			`""; none`,
			&H{AuthServID: ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, err := authres.Parse(tc.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.in, err)
			}
			if d := cmp.Diff(tc.want, h); d != "" {
				t.Errorf("mismatch (-want +got):\n%s", d)
			}
			roundTrip(t, h)
		})
	}
}

func TestParseErrors(t *testing.T) {
	deep := "x.example; spf=pass " + strings.Repeat("(", authres.MaxCommentDepth+1) + strings.Repeat(")", authres.MaxCommentDepth+1)
	many := "x.example" + strings.Repeat("; spf=pass", authres.MaxResults+1)
	props := "x.example; spf=pass" + strings.Repeat(" smtp.helo=a", authres.MaxProperties+1)
	tests := []struct {
		name, in string
		offset   int
		msg      string
		limit    bool
	}{
		{"empty", "", 0, "expected authserv-id, found end of field", false},
		{"no results and no none", "x.example", 9, `expected ';' after authserv-id, found end of field`, false},
		{"nothing after ;", "x.example;", 10, `expected a result or "none"`, false},
		{"none then more", "x.example; none; spf=pass", 15, `expected '=' after method "none"`, false},
		{"missing =", "x.example; spf pass", 15, `expected '=' after method "spf", found 'p'`, false},
		{"missing result", "x.example; spf=", 15, `expected result of "spf", found end of field`, false},
		{"keyword ending in hyphen", "x.example; spf=pass-", 19, `ends with a hyphen`, false},
		{"property without dot", "x.example; dmarc=none action=none", 28, `expected '.' after property type "action", found '='`, false},
		{"reason after a property", "x.example; dkim=fail header.d=a.example reason=x", 46, "reason after a property, or a second reason", false},
		{"property without value", "x.example; spf=pass smtp.mailfrom=", 34, `expected a value for "smtp.mailfrom"`, false},
		{"junk after the result", `x.example; spf=pass"x"`, 19, `unexpected '"' after "spf" result`, false},
		{"unclosed comment", "x.example; spf=pass (oops", 20, "comment not closed", false},
		{"unclosed quoted-string", `x.example; dkim=fail reason="oops`, 28, "quoted-string not closed", false},
		{"bare CR in a quoted-string", "x.example; dkim=fail reason=\"a\rb\"", 30, "carriage return", false},
		{"line break without continuation", "x.example;\r\nspf=pass", 10, `expected method or "none", found '\r'`, false},
		{"control character in a comment", "x.example; spf=pass (a\x00b)", 22, "control character in comment", false},
		{"version not a number", "x.example 1a; none", 11, `expected ';' after version, found 'a'`, false},
		{"method version missing", "x.example; dkim/=pass", 16, "expected method version", false},
		{"invalid UTF-8", "x.example; dkim=fail reason=\"\xff\"", 29, "invalid UTF-8", false},
		{"version too long", "x.example 1234567890; none", 10, "longer than 9 digits", true},
		{"comments too deep", deep, 20 + authres.MaxCommentDepth, "nested deeper", true},
		{"too many results", many, len("x.example") + authres.MaxResults*len("; spf=pass") + 2, "more than 64 results", true},
		{"too many properties", props, len("x.example; spf=pass") + authres.MaxProperties*len(" smtp.helo=a") + 1, "more than 32 properties", true},
		{"too long", "x.example; spf=pass reason=" + strings.Repeat("a", authres.MaxLength), authres.MaxLength, "longer than", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, err := authres.Parse(tc.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %+v, want error", tc.in, h)
			}
			var se *authres.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *SyntaxError", err)
			}
			if se.Offset != tc.offset {
				t.Errorf("offset %d, want %d (%v)", se.Offset, tc.offset, err)
			}
			if !strings.Contains(se.Msg, tc.msg) {
				t.Errorf("message %q, want it to contain %q", se.Msg, tc.msg)
			}
			wantErr, notErr := authres.ErrMalformed, authres.ErrLimit
			if tc.limit {
				wantErr, notErr = authres.ErrLimit, authres.ErrMalformed
			}
			if !errors.Is(err, wantErr) || errors.Is(err, notErr) {
				t.Errorf("errors.Is(%v, %v) = false or errors.Is(%v) = true", err, wantErr, notErr)
			}
			// ErrSyntax matches every *SyntaxError, limits included.
			if !errors.Is(err, authres.ErrSyntax) {
				t.Errorf("errors.Is(%v, ErrSyntax) = false", err)
			}
		})
	}
}

func TestAuthServID(t *testing.T) {
	for in, want := range map[string]string{
		"Authentication-Results: (c) mx.example.net; dkim=pass": "mx.example.net",
		`"quoted id" ; garbage that does not parse`:             "quoted id",
		"example.org 1; none":                                   "example.org",
	} {
		got, err := authres.AuthServID(in)
		if err != nil || got != want {
			t.Errorf("AuthServID(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := authres.AuthServID("; spf=pass"); err == nil {
		t.Error(`AuthServID("; spf=pass") succeeded, want error`)
	}
}

// TestParseGrowth checks the limit on what a field becomes when written
// back: lenient bare values gain quotes, so an input under MaxLength can
// need more than MaxLength as Field writes it; Parse refuses it rather
// than accept what it could not read back.
func TestParseGrowth(t *testing.T) {
	item := " a.b=c/"
	n := authres.MaxResults
	var b strings.Builder
	b.WriteString("x.example")
	for range n {
		b.WriteString("; m=pass")
		for range authres.MaxProperties - 1 {
			b.WriteString(item)
		}
	}
	in := b.String()
	if len(in) > authres.MaxLength {
		t.Fatalf("test input too long: %d", len(in))
	}
	_, err := authres.Parse(in)
	if !errors.Is(err, authres.ErrLimit) || !strings.Contains(err.Error(), "written back") {
		t.Fatalf("Parse of %d bytes: %v, want ErrLimit for the written-back length", len(in), err)
	}
	// Half as much fits.
	half := in[:strings.Index(in[len(in)/2:], ";")+len(in)/2]
	h, err := authres.Parse(half)
	if err != nil {
		t.Fatalf("Parse of %d bytes: %v", len(half), err)
	}
	roundTrip(t, h)
}
