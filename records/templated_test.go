package records_test

import (
	"errors"
	"testing"

	"github.com/domainauth/domainauth/records"
)

// IsTemplated is about the domain: records and verify use it to decide
// whether the From domain can be checked. Before it was defined once,
// records said "${user}@example.com" was literal and verify said it was a
// template, and records rejected "news@${domain}".
func TestIsTemplated(t *testing.T) {
	for _, c := range []struct {
		addr string
		want bool
	}{
		// The domain is (or may be) a template: unknowable.
		{"{{ customer.email }}", true},
		{"{{customer.email}}", true},
		{"${from}", true},
		{"{% if vip %}vip{% endif %}", true},
		{"news@{{ domain }}", true},
		{"news@${domain}", true},
		{"news@mail.{{ brand }}.example", true},
		{"news@example.com}}", true},
		{"news@{%domain%}", true},
		{"{{ user@example.com }}", true},
		// A template only in the local part or display name: the domain is
		// known.
		{"${user}@example.com", false},
		{"{{user}}@example.com", false},
		{"{{ user }}@example.com", false},
		{"{% user %}@example.com", false},
		{"{{ first }} <news@example.com>", false},
		// No template.
		{"news@example.com", false},
		{"", false},
		{"not an address", false},
	} {
		if got := records.IsTemplated(c.addr); got != c.want {
			t.Errorf("IsTemplated(%q) = %v, want %v", c.addr, got, c.want)
		}
	}
}

// A template in the local part leaves the domain checked: inside the
// sending domain it is accepted, outside it is an error like any literal
// address.
func TestGenerateFromLocalTemplate(t *testing.T) {
	for _, c := range []struct {
		from string
		want error // nil: accepted
	}{
		{"${user}@example.com", nil},
		{"{{ user }}@news.example.com", nil},
		{"{{ first }} <{{ user }}@Example.com>", nil},
		{"news@{{ domain }}", nil},
		{"${user}@other.example", records.ErrOutsideDomain},
		{"{{ user }}@other.example", records.ErrOutsideDomain},
		{"{{ first }} <{{ user }}@other.example>", records.ErrOutsideDomain},
	} {
		a := mailgunAccount()
		a.From = c.from
		_, err := records.Generate(records.MailgunStyle(), a)
		if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
			t.Errorf("From %q: error %v, want %v", c.from, err, c.want)
		}
		var fe *records.FieldError
		if c.want != nil && (!errors.As(err, &fe) || fe.Field != "Account.From") {
			t.Errorf("From %q: error %v, want a FieldError for Account.From", c.from, err)
		}
	}
}
