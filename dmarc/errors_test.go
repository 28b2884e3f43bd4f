package dmarc_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/domainauth/domainauth"
	"github.com/domainauth/domainauth/dmarc"
)

// errorsZone holds one record of each kind an error can come from.
const errorsZone = `$ORIGIN example.
$TTL 300
_dmarc.broken       TXT "v=DMARC1; p=block"
_dmarc.ok           TXT "v=DMARC1; p=reject; adkim=r"
_dmarc.np           TXT "v=DMARC1; p=reject; np=quarantine"
`

// TestErrorPrefixOnce checks that every error the package returns names
// the package once: "dmarc: " at the start, never repeated by wrapping
// (a record error used to read "dmarc: record at ...: dmarc: tag ...").
func TestErrorPrefixOnce(t *testing.T) {
	ctx := context.Background()
	fake := domainauth.MustFakeResolver(errorsZone)
	fake.Fail("_dmarc.timeout.example", 0, domainauth.FailTimeout)
	fake.Fail("_dmarc.servfail.example", 0, domainauth.FailServFail)
	fake.Fail("_dmarc.key.example", 0, domainauth.FailTimeout)
	fake.Fail("gone.np.example", 0, domainauth.FailServFail)
	fake.Fail("example.com._report._dmarc.reports.example", 0, domainauth.FailTimeout)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()

	errs := map[string]error{}
	add := func(name string, err error) {
		if err == nil {
			t.Errorf("%s: no error", name)
			return
		}
		errs[name] = err
	}
	_, err := dmarc.Parse("v=DMARC1; p=block")
	add("parse: bad p", err)
	_, err = dmarc.Parse("v=spf1 -all")
	add("parse: not DMARC", err)
	_, err = dmarc.Parse("v=DMARC1; p=none; p=reject")
	add("parse: duplicate", err)
	rec, err := dmarc.Parse("v=DMARC1; p=none; bad$tag; adkim=x")
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range rec.Discarded {
		add(fmt.Sprintf("discarded %d", i), d)
	}
	_, err = dmarc.Lookup(ctx, fake, "broken.example")
	add("lookup: invalid record", err)
	_, err = dmarc.Lookup(ctx, fake, "timeout.example")
	add("lookup: timeout", err)
	_, err = dmarc.Lookup(ctx, fake, "servfail.example")
	add("lookup: SERVFAIL", err)
	_, err = dmarc.Lookup(ctx, fake, "gone.np.example")
	add("lookup: existence query SERVFAIL", err)
	_, err = dmarc.Lookup(cancelled, fake, "ok.example")
	add("lookup: cancelled", err)
	_, err = dmarc.Lookup(ctx, fake, "bad..example")
	add("lookup: bad From domain", err)
	add("verify: invalid record", dmarc.Verify(ctx, fake, dmarc.Input{FromDomain: "broken.example"}).Err)
	add("verify: timeout", dmarc.Verify(ctx, fake, dmarc.Input{FromDomain: "timeout.example"}).Err)
	add("verify: identifier walk", dmarc.Verify(ctx, fake, dmarc.Input{FromDomain: "ok.example",
		DKIM: []dmarc.DKIMResult{{Domain: "key.example", Result: dmarc.AuthPass}}}).Err)
	_, err = dmarc.FromDomain(nil)
	add("from: none", err)
	_, err = dmarc.FromDomain([]string{"a@example.com", "b@example.com"})
	add("from: two fields", err)
	_, err = dmarc.FromDomain([]string{"a@example.com, b@example.org"})
	add("from: two domains", err)
	_, err = dmarc.FromDomain([]string{"no address"})
	add("from: bad", err)
	_, err = dmarc.ParseURI("mailto:a@example.com!")
	add("uri: size", err)
	_, err = dmarc.ParseURI("no-scheme")
	add("uri: scheme", err)
	_, err = dmarc.ReportDomain(dmarc.URI{Address: "mailto:nobody"})
	add("report domain", err)
	_, err = dmarc.AuthorizeExternal(ctx, fake, "example.com", dmarc.URI{Address: "mailto:d@reports.example"})
	add("authorize: timeout", err)
	_, err = dmarc.AuthorizeExternal(ctx, fake, "bad..example", dmarc.URI{Address: "mailto:d@reports.example"})
	add("authorize: bad domain", err)
	_, err = dmarc.Build(dmarc.Record{Percent: 200})
	add("build", err)
	_, err = dmarc.ParseMode("rfc1")
	add("parse mode", err)
	_, err = dmarc.Mode(9).MarshalText()
	add("marshal mode", err)

	for name, err := range errs {
		if n := strings.Count(err.Error(), "dmarc:"); n != 1 || !strings.HasPrefix(err.Error(), "dmarc: ") {
			t.Errorf("%s: %q has \"dmarc:\" %d times, want once, at the start", name, err, n)
		}
	}
}

// netErr is a network failure that is not a *net.DNSError.
type netErr struct{}

func (netErr) Error() string   { return "network unreachable" }
func (netErr) Timeout() bool   { return false }
func (netErr) Temporary() bool { return true }

// TestIsTemporaryAgrees checks that dmarc.IsTemporary and the root
// package's IsTemporary give the same answer for every error: DNS and
// context failures are temporary, a malformed record is not.
func TestIsTemporaryAgrees(t *testing.T) {
	ctx := context.Background()
	fake := domainauth.MustFakeResolver(errorsZone)
	fake.Fail("_dmarc.timeout.example", 0, domainauth.FailTimeout)
	_, lookupTimeout := dmarc.Lookup(ctx, fake, "timeout.example")
	_, lookupInvalid := dmarc.Lookup(ctx, fake, "broken.example")
	_, parseErr := dmarc.Parse("v=DMARC1; p=block")
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, lookupCancelled := dmarc.Lookup(cancelled, fake, "ok.example")

	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"not found", &net.DNSError{Err: "no such host", Name: "x.example", IsNotFound: true}, false},
		{"timeout", &net.DNSError{Err: "i/o timeout", Name: "x.example", IsTimeout: true, IsTemporary: true}, true},
		{"SERVFAIL", &net.DNSError{Err: "server misbehaving", Name: "x.example", IsTemporary: true}, true},
		{"wrapped timeout", fmt.Errorf("resolver: %w", &net.DNSError{Err: "i/o timeout", IsTimeout: true}), true},
		{"network error", netErr{}, true},
		{"context canceled", context.Canceled, true},
		{"deadline exceeded", fmt.Errorf("x: %w", context.DeadlineExceeded), true},
		{"plain error", errors.New("something else"), false},
		{"lookup timeout", lookupTimeout, true},
		{"lookup cancelled", lookupCancelled, true},
		{"invalid record", lookupInvalid, false},
		{"syntax error", parseErr, false},
	}
	for _, tt := range tests {
		root, d := domainauth.IsTemporary(tt.err), dmarc.IsTemporary(tt.err)
		if root != tt.want || d != tt.want {
			t.Errorf("%s (%v): domainauth.IsTemporary %v, dmarc.IsTemporary %v, want %v", tt.name, tt.err, root, d, tt.want)
		}
	}
}

// TestErrSyntaxMatchesEverySyntaxError: ErrSyntax is the one sentinel for
// "the text is not a usable record" (as spf.ErrSyntax is), matched by
// every parse error whatever its specific reason, which errors.Is still
// finds.
func TestErrSyntaxMatchesEverySyntaxError(t *testing.T) {
	ctx := context.Background()
	fake := domainauth.MustFakeResolver(errorsZone)
	for _, tt := range []struct {
		txt    string
		reason error
	}{
		{"v=spf1 -all", dmarc.ErrNotDMARC},
		{"v=DMARC1; p=block", dmarc.ErrBadValue},
		{"v=DMARC1; adkim=s", dmarc.ErrNoPolicy},
		{"v=DMARC1; p=none; p=reject", dmarc.ErrDuplicateTag},
	} {
		_, err := dmarc.Parse(tt.txt)
		if !errors.Is(err, dmarc.ErrSyntax) || !errors.Is(err, tt.reason) {
			t.Errorf("Parse(%q) = %v; want it to match ErrSyntax and %v", tt.txt, err, tt.reason)
		}
	}
	rec, err := dmarc.Parse("v=DMARC1; p=none; bad$tag; adkim=x")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range rec.Discarded {
		if !errors.Is(d, dmarc.ErrSyntax) {
			t.Errorf("discarded %v does not match ErrSyntax", d)
		}
	}
	if len(rec.Discarded) != 2 || !errors.Is(rec.Discarded[0], dmarc.ErrMalformedTag) || !errors.Is(rec.Discarded[1], dmarc.ErrBadValue) {
		t.Errorf("discarded %v; want a malformed tag, then a bad value", rec.Discarded)
	}
	if _, err := dmarc.ParseURI("no-scheme"); !errors.Is(err, dmarc.ErrSyntax) || !errors.Is(err, dmarc.ErrBadValue) {
		t.Errorf("ParseURI: %v; want it to match ErrSyntax and ErrBadValue", err)
	}
	_, err = dmarc.Lookup(ctx, fake, "broken.example")
	if !errors.Is(err, dmarc.ErrInvalidRecord) || !errors.Is(err, dmarc.ErrSyntax) {
		t.Errorf("Lookup of an invalid record: %v; want ErrInvalidRecord and ErrSyntax", err)
	}
}

// plainErrResolver fails every query with an error that is not a
// *net.DNSError; the Resolver contract makes it a temporary failure.
type plainErrResolver struct{}

func (plainErrResolver) LookupTXT(context.Context, string) ([]string, error) {
	return nil, errors.New("connection reset")
}

// A lookup failure keeps a *net.DNSError in the chain for errors.As, also
// when the resolver's error is not one, and it is temporary: DMARC then
// gives temperror, never "no policy".
func TestLookupErrorReachesDNSError(t *testing.T) {
	ctx := context.Background()
	fake := domainauth.MustFakeResolver(errorsZone)
	fake.Fail("_dmarc.timeout.example", 0, domainauth.FailTimeout)
	for name, r := range map[string]dmarc.Resolver{"fake timeout": fake, "plain error": plainErrResolver{}} {
		_, err := dmarc.Lookup(ctx, r, "timeout.example")
		var de *net.DNSError
		if !errors.As(err, &de) || !dmarc.IsTemporary(err) || de.IsNotFound {
			t.Errorf("%s: %v (%T); want a temporary error wrapping a *net.DNSError", name, err, err)
		}
		if res := dmarc.Verify(ctx, r, dmarc.Input{FromDomain: "timeout.example"}); res.Status != dmarc.StatusTempError {
			t.Errorf("%s: Verify %s, want temperror", name, res.Status)
		}
	}
}
