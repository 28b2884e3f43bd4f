package spf_test

import (
	"testing"

	"github.com/domainauth/domainauth/spf"
)

// TestResultString: the names of RFC 7208 section 2.6, and a number for a
// value that is none of them.
func TestResultString(t *testing.T) {
	for r, want := range map[spf.Result]string{
		spf.None: "none", spf.Neutral: "neutral", spf.Pass: "pass", spf.Fail: "fail",
		spf.SoftFail: "softfail", spf.TempError: "temperror", spf.PermError: "permerror",
		spf.PermError + 1: "Result(7)", 200: "Result(200)",
	} {
		if got := r.String(); got != want {
			t.Errorf("Result(%d).String() = %q, want %q", int(r), got, want)
		}
	}
}
