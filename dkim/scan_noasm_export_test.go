//go:build !amd64 || purego

package dkim

// Kernels lists every code path of the body canonicalizer, as on amd64.
// This build has no assembly: the paths other than generic run the Go
// references of the kernels (kernel_generic.go) in their place, so that
// every canonicalization test holds the references to the RFC here too
// (Ref is set: they are no paths to measure).
func Kernels() []Kernel {
	use := func(scan, compact, fused bool) func() func() {
		return func() func() {
			saved := [3]bool{haveScan, haveCompact, haveFused}
			haveScan, haveCompact, haveFused = scan, compact, fused
			return func() { haveScan, haveCompact, haveFused = saved[0], saved[1], saved[2] }
		}
	}
	return []Kernel{
		{"avx512-sha", use(true, true, true), true},
		{"avx512", use(true, true, false), true},
		{"avx2", use(true, false, false), true},
		{"generic", use(false, false, false), false},
	}
}
