package dkim

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// order is the code paths from slowest to fastest, as CodePathEnv's
// documentation lists them (in reverse).
var order = []string{"generic", "avx2", "avx2-sha", "avx512", "avx512-sha"}

// cpuSets are the sets of paths (bit i for order[i]) of the CPUs there
// are: with each path and every slower one, and with AVX-512 but without
// the SHA extensions (Intel Skylake-SP and Cascade Lake), which have
// avx512 but not avx2-sha.
var cpuSets = map[string]uint{
	"generic only":         0b00001,
	"AVX2":                 0b00011,
	"AVX2 and SHA":         0b00111,
	"AVX-512 and SHA":      0b11111,
	"AVX-512 without SHA":  0b01011,
	"up to avx512 (tests)": 0b01111,
}

// wantPath is the path a CPU with the paths in set runs for env: the one
// named, if the CPU has it, or the fastest it has below it; the fastest
// it has for any other value.
func wantPath(env string, set uint) string {
	i := slices.Index(order, env)
	if i < 0 {
		i = len(order) - 1
	}
	for set&(1<<i) == 0 {
		i--
	}
	return order[i]
}

// TestChoosePath: the path asked for is run when the CPU has it, lowered
// to the fastest the CPU has below it otherwise; unset, "auto" and
// unknown values mean the fastest the CPU has.
func TestChoosePath(t *testing.T) {
	for cpu, set := range cpuSets {
		for _, env := range append([]string{"", "auto", "AVX2", "sse", "words"}, order...) {
			want := wantPath(env, set)
			if got := pathNames[choosePath(env, set)]; got != want {
				t.Errorf("CPU with %s, %s=%q: path %s; want %s", cpu, CodePathEnv, env, got, want)
			}
		}
	}
	// The one case the order alone does not give: AVX-512 without SHA.
	if got := pathNames[choosePath("avx2-sha", cpuSets["AVX-512 without SHA"])]; got != "avx2" {
		t.Errorf("AVX-512 without SHA, %s=avx2-sha: path %s; want avx2", CodePathEnv, got)
	}
}

// TestPathNames: order is the paths of pathNames, slowest first.
func TestPathNames(t *testing.T) {
	if !slices.Equal(order, pathNames[:]) {
		t.Fatalf("pathNames %v; want %v", pathNames, order)
	}
}

// TestCodePathKernels: CodePath names the path each Kernel switches to.
func TestCodePathKernels(t *testing.T) {
	EachKernel(t, func(t *testing.T) {
		name := t.Name()[strings.LastIndexByte(t.Name(), '/')+1:]
		if got := CodePath(); got != name {
			t.Errorf("CodePath() = %s with kernel %s", got, name)
		}
	})
}

// TestCodePathEnv starts this test binary again with CodePathEnv set to
// each value and checks the path the package chose at start-up.
func TestCodePathEnv(t *testing.T) {
	if os.Getenv("DKIM_CODEPATH_CHILD") != "" {
		fmt.Printf("codepath=%s\n", CodePath())
		return
	}
	if testing.Short() {
		t.Skip("starts the test binary once per path")
	}
	set := cpuPaths()
	for _, env := range append([]string{"", "auto", "bogus"}, order...) {
		want := wantPath(env, set)
		cmd := exec.Command(os.Args[0], "-test.run=^TestCodePathEnv$", "-test.count=1")
		cmd.Env = append(os.Environ(), "DKIM_CODEPATH_CHILD=1", CodePathEnv+"="+env)
		out, err := cmd.CombinedOutput()
		if errors.Is(err, syscall.ENOEXEC) {
			// Run under an emulator (qemu-user) without binfmt_misc:
			// the binary cannot start itself again.
			t.Skipf("cannot start the test binary again: %v", err)
		}
		if err != nil {
			t.Fatalf("%s=%q: %v\n%s", CodePathEnv, env, err, out)
		}
		if !strings.Contains(string(out), "codepath="+want+"\n") {
			t.Errorf("%s=%q on a CPU up to %s: child says %q; want codepath=%s", CodePathEnv, env, pathNames[cpuPath()], out, want)
		}
	}
}
