package dmarc_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/dmarc"
)

// An rua with no valid URI is a tag not set: no destinations, not in
// Present (RFC 7489 section 6.3: invalid values fall back to the default).
func TestParseRUAAllInvalid(t *testing.T) {
	r := dmarc.MustParse("v=DMARC1; p=none; rua=reporting@example.com; ruf=x")
	if r.Present.Has(dmarc.TagRUA) || r.Present.Has(dmarc.TagRUF) || r.RUA != nil || r.RUF != nil || len(r.Discarded) != 2 {
		t.Errorf("Present %v, RUA %v, RUF %v, discarded %v", r.Present, r.RUA, r.RUF, r.Discarded)
	}
}

// SyntaxError names the value only when there is one.
func TestSyntaxErrorText(t *testing.T) {
	tests := []struct {
		e    dmarc.SyntaxError
		want string
	}{
		{dmarc.SyntaxError{Tag: "p", Offset: 3, Err: dmarc.ErrBadValue, Value: "block"}, `dmarc: tag "p" at offset 3: invalid value "block"`},
		{dmarc.SyntaxError{Tag: "p", Offset: 3, Err: dmarc.ErrNoPolicy}, `dmarc: tag "p" at offset 3: missing p tag and no valid rua`},
		{dmarc.SyntaxError{Offset: 5, Err: dmarc.ErrMalformedTag}, `dmarc: offset 5: malformed tag`},
		{dmarc.SyntaxError{Offset: 0, Err: dmarc.ErrBadValue, Value: "x"}, `dmarc: "x" at offset 0: invalid value`},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

// An invalid policy domain is an error naming it, before any query.
func TestAuthorizeExternalBadPolicyDomain(t *testing.T) {
	fake := domainauth.MustFakeResolver(`*._report._dmarc.reports.example.net. 300 TXT "v=DMARC1"`)
	ok, err := dmarc.AuthorizeExternal(context.Background(), fake, "a..example.com", dmarc.URI{Address: "mailto:r@reports.example.net"})
	if ok || err == nil || !strings.Contains(err.Error(), "a..example.com") {
		t.Errorf("AuthorizeExternal = %v, %v; want an error naming the policy domain", ok, err)
	}
}

// A pass says which identifier aligned, with which domain.
func TestEvaluatePassReason(t *testing.T) {
	fake := domainauth.MustFakeResolver(`_dmarc.example.com. 300 TXT "v=DMARC1; p=reject"`)
	lr, err := dmarc.Lookup(context.Background(), fake, "example.com")
	if err != nil {
		t.Fatal(err)
	}
	res := new(dmarc.Checker).Evaluate(lr, dmarc.Input{FromDomain: "example.com",
		DKIM: []dmarc.DKIMResult{{Domain: "mail.example.com", Selector: "s", Result: dmarc.AuthPass}}})
	if res.Status != dmarc.StatusPass || !strings.Contains(res.Reason, "passed for mail.example.com") || !strings.Contains(res.Reason, "example.com") {
		t.Errorf("%s: reason %q", res.Status, res.Reason)
	}
}

// fo holds four options; any other bit is refused.
func TestValidateFOBits(t *testing.T) {
	for _, fo := range []dmarc.FailureOptions{1 << 4, 1<<4 | dmarc.FailureDKIM} {
		r := dmarc.Record{Mode: dmarc.RFC7489, Policy: dmarc.None, FailureOptions: fo}
		if err := r.Validate(); !errors.Is(err, dmarc.ErrBuild) {
			t.Errorf("fo bits %b: %v", fo, err)
		}
	}
	r := dmarc.Record{Mode: dmarc.RFC7489, Policy: dmarc.None, FailureOptions: dmarc.FailureAll | dmarc.FailureAny | dmarc.FailureDKIM | dmarc.FailureSPF}
	if err := r.Validate(); err != nil {
		t.Errorf("all four options: %v", err)
	}
}

// Text whose first tag is malformed is not a DMARC record (RFC 7489
// section 6.4, RFC 9989 section 4.8: v=DMARC1 comes first); the error
// points at the first well-formed tag, after the malformed ones, so a
// publisher sees where the v tag that should lead actually is.
func TestNotDMARCOffsetAfterMalformedTags(t *testing.T) {
	for _, tt := range []struct {
		txt    string
		offset int
	}{
		{"x; v=DMARC1; p=none", 3},
		{"x; y; v=DMARC1; p=none", 6},
		{"x", 0},
	} {
		_, err := dmarc.Parse(tt.txt)
		var se *dmarc.SyntaxError
		if !errors.As(err, &se) || !errors.Is(err, dmarc.ErrNotDMARC) || se.Tag != "v" || se.Offset != tt.offset {
			t.Errorf("Parse(%q) = %v; want ErrNotDMARC for tag v at offset %d", tt.txt, err, tt.offset)
		}
	}
}
