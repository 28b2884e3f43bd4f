//go:build amd64 && !purego

package dkim

// The assembly kernels, for kernel_test.go to hold to their Go references;
// each comes with what the CPU must have for it, and is nil (with the
// reason) where the CPU lacks it: calling it there would die of SIGILL.
func asmKernels() []asmKernel {
	avx2, avx512, fused, sha, avx2SHA := "", "", "", "", ""
	if !cpuAVX2 {
		avx2 = "this CPU has no AVX2 (or the OS does not save the YMM registers)"
	}
	if !cpuAVX512 {
		avx512 = "this CPU has no AVX-512 F, BW and VBMI2 with BMI1, BMI2 and POPCNT (or the OS does not save the ZMM registers)"
	}
	if !cpuFused {
		fused = "this CPU cannot run the AVX-512 kernel and the SHA extensions together"
	}
	if !cpuSHA {
		sha = "this CPU has no SHA extensions with AVX"
	}
	if !cpuAVX2SHA {
		avx2SHA = "this CPU cannot run the AVX2 scan and the SHA extensions together"
	}
	return []asmKernel{
		{name: "candidateAVX2", missing: avx2, candidate: candidateAVX2},
		{name: "lfAVX2", missing: avx2, lf: lfAVX2},
		{name: "masksAVX2", missing: avx2, masks: masksAVX2},
		{name: "compactAVX512", missing: avx512, compact: compactAVX512},
		{name: "compactAVX2", missing: avx2, compact: compactAVX2},
		{name: "compactHashAVX512", missing: fused, compactHash: compactHashAVX512},
		{name: "candidateHashAVX512", missing: fused, candidateHash: candidateHashAVX512},
		{name: "candidateHashAVX2", missing: avx2SHA, candidateHash: candidateHashAVX2},
		{name: "compactHashAVX2", missing: avx2SHA, compactHash: compactHashAVX2},
		{name: "shaBlocks", missing: sha, blocks: shaBlocks},
	}
}
