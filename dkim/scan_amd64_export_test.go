//go:build amd64 && !purego

package dkim

// Kernels lists every code path of the body canonicalizer, fastest first,
// named as in CodePathEnv (avx512-sha: the AVX-512 kernels hash as they
// go, into bodyDigest), whatever CodePathEnv says. Use switches the body
// canonicalizer to one and returns what restores the path in use before;
// it is nil for the paths this CPU cannot run. An AVX-512 path on a CPU
// with AVX2 but not AVX-512 runs the Go references of the AVX-512 kernels
// (Ref is set), so that the rest of it, the plumbing of fused.go above
// all, is tested on this CPU too; likewise a path that hashes as it goes
// on a CPU without the SHA extensions.
func Kernels() []Kernel {
	kernel := func(p int, ok, ref bool) Kernel {
		k := Kernel{Name: pathNames[p], Ref: ref}
		if ok {
			k.Use = func() func() { return usePath(p) }
		}
		return k
	}
	return []Kernel{
		kernel(pathFused, cpuAVX2, !cpuFused),
		kernel(pathCompact, cpuAVX2, !cpuAVX512),
		kernel(pathHashScan, cpuAVX2, !cpuAVX2SHA),
		kernel(pathScan, cpuAVX2, false),
		kernel(pathGeneric, true, false),
	}
}
