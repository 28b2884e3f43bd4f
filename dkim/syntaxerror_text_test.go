package dkim_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/dkim"
)

// A SyntaxError names the tag it is about. When the parser stopped at
// text that is not a tag name (no "=" after it, or characters a name
// cannot have), that text comes from the key record's publisher or the
// message's sender: the error quotes it, so that a line break, an escape
// sequence or a bidi override in it does not reach a log line or a
// verify report as it is. A tag that is a name is printed as before.
func TestSyntaxErrorQuotesTag(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain tag", "v=DKIM1; k=rsa; p=!!", " tag p= at offset"},
		{"escape and bidi, no =", "v=DKIM1; \x1b[31mx\u202e; k=rsa; p=MIIB", ` tag "\x1b[31mx\u202e" at offset`},
		{"line break in name", "v=DKIM1; a\nb=1; p=MIIB", ` tag "a\nb" at offset`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := dkim.ParseKey(tt.in)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			for _, r := range msg {
				if !strconv.IsPrint(r) {
					t.Errorf("error text has the unprintable %U: %q", r, msg)
					break
				}
			}
			if !strings.Contains(msg, tt.want) {
				t.Errorf("error %q, want it to contain %q", msg, tt.want)
			}
		})
	}
}
