package bench

import (
	"fmt"
	"os"
	"testing"

	"github.com/domainauth/domainauth/dkim"
)

// TestMain prints the dkim code path in use (chosen by the CPU and
// DOMAINAUTH_DKIM_PATH, see dkim.CodePathEnv) next to the benchmark
// output's own goos/goarch/cpu lines, so that every table says which path
// it measured. ./run -path NAME sets the variable.
func TestMain(m *testing.M) {
	fmt.Printf("dkim-path: %s\n", dkim.CodePath())
	os.Exit(m.Run())
}
