package spf_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/spf"
)

// TestSyntaxErrorMessage: the message names the reason, the offending term
// when there is one, and the offset.
func TestSyntaxErrorMessage(t *testing.T) {
	for _, tt := range []struct {
		in, term string
	}{
		{"v=spf1 ip4:192.0.2.0/33 -all", "ip4:192.0.2.0/33"},
		{"v=spf2 -all", ""},
	} {
		_, err := spf.Parse(tt.in)
		var se *spf.SyntaxError
		if !errors.As(err, &se) {
			t.Fatalf("Parse(%q) = %v; want a *SyntaxError", tt.in, err)
		}
		msg := err.Error()
		if !strings.Contains(msg, se.Err.Error()) || !strings.Contains(msg, fmt.Sprintf("at offset %d", se.Offset)) {
			t.Errorf("Parse(%q): message %q lacks the reason %q or the offset %d", tt.in, msg, se.Err, se.Offset)
		}
		if hasTerm := strings.Contains(msg, "in term"); hasTerm != (tt.term != "") || tt.term != "" && !strings.Contains(msg, fmt.Sprintf("%q", tt.term)) {
			t.Errorf("Parse(%q): message %q; want the term %q named exactly when there is one", tt.in, msg, tt.term)
		}
	}
}
