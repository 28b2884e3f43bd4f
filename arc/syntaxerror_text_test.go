package arc_test

import (
	"strings"
	"testing"

	"github.com/domainauth/domainauth/arc"
)

// An ARC field comes from whoever sent or forwarded the message: the
// text a syntax error stopped at is quoted (and cut at 64 bytes), never
// written into the error as it is.
func TestSyntaxErrorQuotesTag(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"i=1; \x1b[2J\u202ecv", `arc: ARC-Seal tag "\x1b[2J\u202ecv" at offset 5: `},
		{"i=1; " + strings.Repeat("x", 100), `arc: ARC-Seal tag "` + strings.Repeat("x", 64) + `"... at offset 5: `},
	} {
		_, err := arc.ParseSeal(tt.in)
		if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("ParseSeal(%q): %v, want it to start %s", tt.in, err, tt.want)
		}
	}
}
