package authres_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/domainauth/domainauth/authres"
)

func TestTrusted(t *testing.T) {
	fields := []string{
		// Ours, written by our border MTA.
		"mx.esp.example; spf=pass smtp.mailfrom=customer.example; dmarc=pass header.from=customer.example",
		// A foreign one: what the sender's side claims. Never trusted.
		"mail.attacker.example; dmarc=pass header.from=bank.example",
		// Foreign and malformed: skipped unread, no error.
		"outlook.example; dmarc=none action=none header.from=x.example",
		// Unreadable authserv-id: skipped.
		"; dkim=pass",
		// Ours in other case with a trailing dot, but malformed: reported.
		"MX.ESP.EXAMPLE.; dkim=",
		// Ours again (a second MX).
		"Authentication-Results: mx2.esp.example; none",
	}
	got, err := authres.Trusted(fields, "mx.esp.example", "mx2.esp.example.")
	want := []*H{
		{AuthServID: "mx.esp.example", Results: []R{
			{Method: "spf", Value: "pass", Properties: []P{{"smtp", "mailfrom", "customer.example"}}},
			{Method: "dmarc", Value: "pass", Properties: []P{{"header", "from", "customer.example"}}},
		}},
		{AuthServID: "mx2.esp.example"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Trusted (-want +got):\n%s", d)
	}
	var fe *authres.FieldError
	if !errors.As(err, &fe) || fe.Index != 4 || !errors.Is(err, authres.ErrSyntax) {
		t.Errorf("error %v: want a *FieldError for field 4 wrapping ErrSyntax", err)
	}

	if got, err := authres.Trusted(fields); got != nil || err != nil {
		t.Errorf("Trusted with no ids = %v, %v; want nothing", got, err)
	}
	if got, err := authres.Trusted(fields, ""); got != nil || err != nil {
		t.Errorf(`Trusted with id "" = %v, %v; want nothing`, got, err)
	}
}

func TestClaims(t *testing.T) {
	for _, tc := range []struct {
		field string
		want  bool
	}{
		{"mx.esp.example; dmarc=pass header.from=bank.example", true},
		{"Authentication-Results: (forged) MX.ESP.Example; none", true},
		{`"mx.esp.example" 1; spf=pass`, true},
		{"mx.esp.example.attacker.example; dmarc=pass", false},
		{"other.example; dmarc=pass", false},
		{"; no authserv-id at all", true},
		{"(unclosed comment", true},
	} {
		if got := authres.Claims(tc.field, "mx.esp.example"); got != tc.want {
			t.Errorf("Claims(%q) = %v, want %v", tc.field, got, tc.want)
		}
	}
}

// TestTrustedUnicodeLookalike: an authserv-id in which a non-ASCII letter
// stands for an ASCII one under Unicode case folding (KELVIN SIGN U+212A
// folds to "k", LATIN SMALL LETTER LONG S U+017F to "s") is another name.
// A border MTA that removes the fields claiming its authserv-id compares
// ASCII case-insensitively (RFC 4343) and lets such a field through, so
// Trusted must not take it for its own. Claims, which decides what the
// border removes, still removes it: a reader downstream that folds
// Unicode would attribute it to you. Unquoted, such an id is no token at
// all (RFC 2045 tokens are ASCII): its authserv-id cannot be read, and
// Trusted skips it while Claims removes it, as for any unreadable id,
// instead of reading the ASCII part before the first non-ASCII letter.
func TestTrustedUnicodeLookalike(t *testing.T) {
	ids := []string{"mx.esp.example", "mk.esp.example"}
	for _, id := range []string{"m\u212a.esp.example", "mx.e\u017fp.example", "MX.E\u017fP.EXAMPLE."} {
		for _, field := range []string{`"` + id + `"; dmarc=pass header.from=bank.example`, id + "; dmarc=pass header.from=bank.example"} {
			got, err := authres.Trusted([]string{field}, ids...)
			if got != nil || err != nil {
				t.Errorf("Trusted(%q) = %v, %v; want nothing", field, got, err)
			}
			if !authres.Claims(field, ids...) {
				t.Errorf("Claims(%q) = false; want true", field)
			}
		}
	}
	// A non-ASCII id of your own (quoted, as RFC 8601 writes one with a
	// U-label) is compared byte for byte apart from ASCII case.
	field := "\"mx.b\u00fccher.example\"; none"
	if got, _ := authres.Trusted([]string{field}, "MX.b\u00fccher.example"); len(got) != 1 {
		t.Errorf("Trusted(%q) with its own U-label id = %v; want the field", field, got)
	}
	if got, _ := authres.Trusted([]string{field}, "MX.B\u00dcCHER.example"); got != nil {
		t.Errorf("Trusted(%q) with non-ASCII letters in another case = %v; want nothing", field, got)
	}
}

// TestAuthServIDNotAPrefix: an unquoted authserv-id is a token, which
// ends at white space, a comment or the ";"; a byte that cannot be in a
// token (a non-ASCII letter, a "/") makes the id unreadable instead of
// cutting it short. Before, "mx.b\u00fccher.example" read as "mx.b",
// which Claims then matched against an id "mx.b".
func TestAuthServIDNotAPrefix(t *testing.T) {
	for _, v := range []string{"mx.b\u00fccher.example; none", "mx.esp.example/x; none", "mx.esp.example\"x\"; none"} {
		if id, err := authres.AuthServID(v); err == nil {
			t.Errorf("AuthServID(%q) = %q, nil; want an error", v, id)
		}
	}
	for _, tc := range []struct{ v, want string }{
		{"mx.esp.example; none", "mx.esp.example"},
		{"mx.esp.example 1; none", "mx.esp.example"},
		{"mx.esp.example(comment); none", "mx.esp.example"},
		{"mx.esp.example\r\n\t; none", "mx.esp.example"},
		{"mx.esp.example", "mx.esp.example"},
		{"\"mx.b\u00fccher.example\" ; none", "mx.b\u00fccher.example"},
	} {
		if id, err := authres.AuthServID(tc.v); err != nil || id != tc.want {
			t.Errorf("AuthServID(%q) = %q, %v; want %q", tc.v, id, err, tc.want)
		}
	}
}
