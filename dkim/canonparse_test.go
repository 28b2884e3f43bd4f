package dkim_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dkim"
)

// ParseCanonicalization is exported, so its error is the package's
// SyntaxError like every other parse error of dkim: it names the package
// once and the tag, and matches both ErrSyntax and the precise reason.
func TestParseCanonicalizationError(t *testing.T) {
	for _, c := range []string{"", "fancy", "relaxed/fancy", "simple/"} {
		_, _, err := dkim.ParseCanonicalization(c)
		if err == nil {
			t.Errorf("%q: no error", c)
			continue
		}
		var se *dkim.SyntaxError
		if !errors.As(err, &se) || se.Tag != "c" {
			t.Errorf("%q: %v is not a *dkim.SyntaxError on tag c", c, err)
		}
		if !errors.Is(err, dkim.ErrSyntax) || !errors.Is(err, dkim.ErrUnsupportedCanonicalization) {
			t.Errorf("%q: %v does not match ErrSyntax and ErrUnsupportedCanonicalization", c, err)
		}
		if n := strings.Count(err.Error(), "dkim:"); n != 1 || !strings.HasPrefix(err.Error(), "dkim: ") {
			t.Errorf("%q: %q names the package %d times, want once at the start", c, err, n)
		}
	}
	// Inside a DKIM-Signature the reason is given once, under the field's name.
	_, err := dkim.ParseSignature("v=1; a=rsa-sha256; c=fancy; d=example.com; s=s; h=from; bh=AAAA; b=AAAA")
	if err == nil || strings.Count(err.Error(), "dkim:") != 1 || !errors.Is(err, dkim.ErrUnsupportedCanonicalization) {
		t.Errorf("ParseSignature with c=fancy: %v", err)
	}
}
