//go:build amd64 && !purego

package dkim

// Kernels lists every code path of the body canonicalizer, fastest first,
// named as in CodePathEnv (avx512-sha: the AVX-512 kernels hash as they
// go, into bodyDigest), whatever CodePathEnv says. Use switches the body
// canonicalizer to one and returns what restores the path in use before;
// it is nil for the paths this CPU cannot run. An AVX-512 path on a CPU
// with AVX2 but not AVX-512 runs the Go references of the AVX-512 kernels
// (Ref is set), so that the rest of it, the plumbing of fused.go above
// all, is tested on this CPU too.
func Kernels() []Kernel {
	use := func(ok, avx2, avx512, fused bool) func() func() {
		if !ok {
			return nil
		}
		return func() func() {
			saved := [3]bool{haveScan, haveCompact, haveFused}
			haveScan, haveCompact, haveFused = avx2, avx512, fused
			return func() { haveScan, haveCompact, haveFused = saved[0], saved[1], saved[2] }
		}
	}
	return []Kernel{
		{"avx512-sha", use(cpuAVX2, true, true, true), !cpuFused},
		{"avx512", use(cpuAVX2, true, true, false), !cpuAVX512},
		{"avx2", use(cpuAVX2, true, false, false), false},
		{"generic", use(true, false, false, false), false},
	}
}
