//go:build amd64 && !purego

package dkim

// Kernels lists the scan paths this CPU can run, fastest first. Use
// switches the body canonicalizer to one and returns what restores the
// default.
func Kernels() []Kernel {
	use := func(avx2, avx512 bool) func() func() {
		return func() func() {
			haveAVX2, haveAVX512 = avx2, avx512
			return func() { haveAVX2, haveAVX512 = cpuAVX2, cpuAVX512 }
		}
	}
	var ks []Kernel
	if cpuAVX512 {
		ks = append(ks, Kernel{"avx512", use(cpuAVX2, true)})
	}
	if cpuAVX2 {
		ks = append(ks, Kernel{"avx2", use(true, false)})
	}
	return append(ks, Kernel{"words", use(false, false)})
}
