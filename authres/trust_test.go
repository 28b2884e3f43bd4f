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
