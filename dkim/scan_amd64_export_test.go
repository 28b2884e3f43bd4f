//go:build amd64 && !purego

package dkim

// Kernels lists the scan paths this CPU can run, fastest first
// (avx512-sha: the AVX-512 kernels hash as they go, into bodyDigest). Use
// switches the body canonicalizer to one and returns what restores the
// default.
func Kernels() []Kernel {
	use := func(avx2, avx512, fused bool) func() func() {
		return func() func() {
			haveAVX2, haveAVX512, haveFused = avx2, avx512, fused
			return func() { haveAVX2, haveAVX512, haveFused = cpuAVX2, cpuAVX512, cpuFused }
		}
	}
	var ks []Kernel
	if cpuFused {
		ks = append(ks, Kernel{"avx512-sha", use(cpuAVX2, true, true)})
	}
	if cpuAVX512 {
		ks = append(ks, Kernel{"avx512", use(cpuAVX2, true, false)})
	}
	if cpuAVX2 {
		ks = append(ks, Kernel{"avx2", use(true, false, false)})
	}
	return append(ks, Kernel{"words", use(false, false, false)})
}
