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
var order = []string{"generic", "avx2", "avx512", "avx512-sha"}

// TestChoosePath: the path asked for is run when the CPU has it, lowered
// to the fastest the CPU has otherwise; unset, "auto" and unknown values
// mean the fastest the CPU has.
func TestChoosePath(t *testing.T) {
	for cpu, cpuName := range order {
		for _, env := range append([]string{"", "auto", "AVX2", "sse", "words"}, order...) {
			want := cpuName
			if i := slices.Index(order, env); i >= 0 && i < cpu {
				want = env
			}
			if got := pathNames[choosePath(env, cpu)]; got != want {
				t.Errorf("CPU up to %s, %s=%q: path %s; want %s", cpuName, CodePathEnv, env, got, want)
			}
		}
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
	cpu := slices.Index(order, pathNames[cpuPath()])
	for _, env := range append([]string{"", "auto", "bogus"}, order...) {
		want := order[cpu]
		if i := slices.Index(order, env); i >= 0 && i < cpu {
			want = env
		}
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
			t.Errorf("%s=%q on a CPU up to %s: child says %q; want codepath=%s", CodePathEnv, env, order[cpu], out, want)
		}
	}
}
