//go:build amd64 && !purego

package dkim

// CPU feature detection for the paths of path.go: which of the kernels
// of scan_amd64.s this CPU can run.

func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)

func xgetbv0() (eax uint32)

// What the CPU has, read once (see cpuFeatures).
var cpuAVX2, cpuAVX512, cpuFused = cpuFeatures()

// cpuPath returns the fastest code path the CPU has.
func cpuPath() int {
	switch {
	case cpuFused:
		return pathFused
	case cpuAVX512:
		return pathCompact
	case cpuAVX2:
		return pathScan
	}
	return pathGeneric
}

// cpuFeatures reads CPUID and XCR0 for the three levels of assembly: the
// AVX2 scans; the AVX-512 kernel (AVX-512 F, BW and VBMI2 for
// VPCOMPRESSB, BMI1, BMI2 and POPCNT, with the ZMM registers saved); and
// on top of that the SHA extensions (with SSSE3 and SSE4.1) for the
// kernels that hash as they go. Each level needs the one before.
func cpuFeatures() (avx2, avx512, fused bool) {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false, false, false
	}
	_, _, ecx1, _ := cpuid(1, 0)
	_, ebx7, ecx7, _ := cpuid(7, 0)
	var xcr0 uint32
	if ecx1&osxsave != 0 {
		xcr0 = xgetbv0() // XGETBV faults unless the OS enabled it
	}
	return decodeFeatures(maxLeaf, ecx1, ebx7, ecx7, xcr0)
}

// The CPUID and XCR0 bits cpuFeatures reads (Intel SDM volume 2A, CPUID;
// volume 1, section 13.3 for XCR0).
const (
	ssse3    = 1 << 9  // leaf 1 ECX
	sse41    = 1 << 19 // leaf 1 ECX
	popcnt   = 1 << 23 // leaf 1 ECX
	osxsave  = 1 << 27 // leaf 1 ECX
	avx      = 1 << 28 // leaf 1 ECX
	bmi1     = 1 << 3  // leaf 7 EBX
	avx2Bit  = 1 << 5  // leaf 7 EBX
	bmi2     = 1 << 8  // leaf 7 EBX
	avx512f  = 1 << 16 // leaf 7 EBX
	shaExt   = 1 << 29 // leaf 7 EBX
	avx512b  = 1 << 30 // leaf 7 EBX: BW
	vbmi2    = 1 << 6  // leaf 7 ECX
	ymmSaved = 0x06    // XCR0: SSE, AVX
	zmmSaved = 0xe6    // XCR0: SSE, AVX, opmask, ZMM0-15 upper halves, ZMM16-31
)

// decodeFeatures is cpuFeatures from the registers: the highest basic
// leaf, leaf 1 ECX, leaf 7 (subleaf 0) EBX and ECX, and XCR0.
func decodeFeatures(maxLeaf, ecx1, ebx7, ecx7, xcr0 uint32) (avx2, avx512, fused bool) {
	if maxLeaf < 7 || ecx1&osxsave == 0 || ecx1&avx == 0 {
		return false, false, false
	}
	avx2 = xcr0&ymmSaved == ymmSaved && ebx7&avx2Bit != 0
	const leaf7 = avx512f | bmi1 | bmi2 | avx512b
	avx512 = avx2 && xcr0&zmmSaved == zmmSaved && ecx1&popcnt != 0 && ebx7&leaf7 == leaf7 && ecx7&vbmi2 != 0
	fused = avx512 && ecx1&ssse3 != 0 && ecx1&sse41 != 0 && ebx7&shaExt != 0
	return avx2, avx512, fused
}
