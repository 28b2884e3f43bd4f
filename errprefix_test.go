package domainauth_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/authres"
	"github.com/domainauth/domainauth/records"
	"github.com/domainauth/domainauth/reports"
	"github.com/domainauth/domainauth/spf"
	"github.com/domainauth/domainauth/tracking"
)

// TestErrorPrefixOnce builds real errors from malformed input and checks
// the house style: the message starts with the package's prefix, and the
// prefix appears exactly once, however the error was wrapped inside the
// package.
func TestErrorPrefixOnce(t *testing.T) {
	errOf := func(_ any, err error) error { return err }
	longLabel := strings.Repeat("a", 64)
	tests := []struct {
		name, prefix string
		err          error
	}{
		{"NormalizeDomain, empty label", "domainauth: ", errOf(domainauth.NormalizeDomain("example..com"))},
		{"NormalizeDomain, IDNA", "domainauth: ", errOf(domainauth.NormalizeDomain("xn--a.example"))},
		{"NewFakeResolver", "domainauth: ", errOf(domainauth.NewFakeResolver("example.com. IN TXT \"unclosed\n"))},

		{"spf.Parse", "spf: ", errOf(spf.Parse("v=spf1 foo:example.com -all"))},
		{"spf.Parse, macro", "spf: ", errOf(spf.Parse("v=spf1 include:%{z}.example -all"))},

		{"records.Generate, domain", "records: ", errOf(records.Generate(records.MailgunStyle(), records.Account{Domain: longLabel + ".example", ID: "1"}))},
		{"records.Generate, From", "records: ", errOf(records.Generate(records.MailgunStyle(), records.Account{Domain: "example.com", ID: "1", From: "a@other.example"}))},
		{"records.Generate, provider SPF", "records: ", errOf(records.Generate(brokenSPFProvider(), records.Account{Domain: "example.com", ID: "1",
			Existing: &records.Existing{TXT: map[string][]string{"cio1.example.com": {"v=spf1 -all"}}}}))},

		{"tracking.ParseHSTS", "tracking: ", errOf(tracking.ParseHSTS("max-age=ten"))},
		{"tracking.ParseLink", "tracking: ", errOf(tracking.ParseLink("https://link.example.com/c/a.b", ""))},

		{"reports.ParseAggregate", "reports: ", errOf(new(reports.Parser).ParseAggregate(strings.NewReader("<feedback>\n<version>1</versio></feedback>")))},
		{"reports.ParseAggregate, empty", "reports: ", errOf(new(reports.Parser).ParseAggregate(strings.NewReader("")))},
		{"reports.ParseTLS", "reports: ", errOf(new(reports.Parser).ParseTLS(strings.NewReader(`{"organization-name": `)))},

		{"authres.Parse", "authres: ", errOf(authres.Parse("mx.example; spf"))},
		{"authres.Trusted", "authres: ", errOf(authres.Trusted([]string{`mx.example; spf=pass reason="x`}, "mx.example"))},
		{"authres.Validate", "authres: ", authres.Header{AuthServID: "mx.example", Version: -1}.Validate()},
	}
	for _, tt := range tests {
		if tt.err == nil {
			t.Errorf("%s: no error from malformed input", tt.name)
			continue
		}
		msg := tt.err.Error()
		if !strings.HasPrefix(msg, tt.prefix) || strings.Count(msg, tt.prefix) != 1 {
			t.Errorf("%s: %q, want it to start with %q and say it once", tt.name, msg, tt.prefix)
		}
	}
	// The parse errors are each package's *SyntaxError, matched by its
	// ErrSyntax.
	for _, c := range []struct {
		name     string
		err, is  error
		asSyntax func(error) bool
	}{
		{"domainauth", errOf(domainauth.NormalizeDomain("a..b")), domainauth.ErrSyntax, func(err error) bool { var e *domainauth.SyntaxError; return errors.As(err, &e) }},
		{"spf", errOf(spf.Parse("v=spf1 foo")), spf.ErrSyntax, func(err error) bool { var e *spf.SyntaxError; return errors.As(err, &e) }},
		{"tracking", errOf(tracking.ParseHSTS("")), tracking.ErrSyntax, func(err error) bool { var e *tracking.SyntaxError; return errors.As(err, &e) }},
		{"reports", errOf(new(reports.Parser).ParseAggregate(strings.NewReader(""))), reports.ErrSyntax, func(err error) bool { var e *reports.SyntaxError; return errors.As(err, &e) }},
		{"authres", errOf(authres.Parse("x; " + strings.Repeat("(", authres.MaxCommentDepth+2))), authres.ErrSyntax, func(err error) bool { var e *authres.SyntaxError; return errors.As(err, &e) }},
	} {
		if !c.asSyntax(c.err) || !errors.Is(c.err, c.is) {
			t.Errorf("%s: %v (%T), want a *SyntaxError matching ErrSyntax", c.name, c.err, c.err)
		}
	}
}

// brokenSPFProvider is a provider whose own SPF record does not parse, so
// that records wraps an spf error.
func brokenSPFProvider() records.Provider {
	p := records.MailgunStyle()
	p.SPF.Mechanisms = []string{"inclde:mailgun.org"}
	return p
}
