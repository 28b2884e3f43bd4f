package dmarc_test

import (
	"errors"
	"testing"

	"github.com/domainauth/domainauth/dmarc"
)

// RFC 7489 section 6.2 and RFC 9989 make rua and ruf lists of URIs, and a
// mailto URI (RFC 6068) names its recipient with an addr-spec: a local
// part, "@" and a domain. Without one no report can be sent, so such a URI
// is refused like any other bad value, not kept as a destination.
func TestMailtoNeedsAnAddress(t *testing.T) {
	for s, ok := range map[string]bool{
		"mailto:dmarc@example.com":           true,
		"MAILTO:dmarc@example.com!10m":       true,
		"mailto:dmarc@example.com?subject=x": true,
		"https://example.com/report":         true,
		"mailto:dmarc":                       false,
		"mailto:dmarc@":                      false,
		"mailto:@example.com":                false,
		"mailto:?subject=x@y":                false,
		"mailto:dmarc!10m":                   false,
	} {
		_, err := dmarc.ParseURI(s)
		if ok && err != nil {
			t.Errorf("ParseURI(%q): %v", s, err)
		}
		if !ok && (!errors.Is(err, dmarc.ErrBadValue) || !errors.Is(err, dmarc.ErrSyntax)) {
			t.Errorf("ParseURI(%q) = %v, want a bad value", s, err)
		}
	}
	rec, err := dmarc.Parse("v=DMARC1; p=none; rua=mailto:dmarc,mailto:dmarc@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.RUA) != 1 || rec.RUA[0].Address != "mailto:dmarc@example.com" {
		t.Errorf("RUA = %v, want only mailto:dmarc@example.com", rec.RUA)
	}
	if len(rec.Discarded) != 1 || rec.Discarded[0].Tag != "rua" || !errors.Is(rec.Discarded[0], dmarc.ErrBadValue) {
		t.Errorf("Discarded = %v, want the rua URI without an address", rec.Discarded)
	}
}
