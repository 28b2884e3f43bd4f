//go:build amd64 && !purego

package dkim

// CPU feature detection for the paths of path.go: which of the kernels
// of scan_amd64.s this CPU can run.

func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)

func xgetbv0() (eax uint32)

// features says which kernels of scan_amd64.s a CPU can run.
type features struct {
	avx2    bool // candidateAVX2, lfAVX2, masksAVX2
	sha     bool // shaBlocks: the SHA extensions, with SSSE3 and SSE4.1 as AVX (VEX) instructions
	avx2SHA bool // candidateHashAVX2, compactHashAVX2: avx2 and sha
	avx512  bool // compactAVX512, which needs avx2 too (its path also uses the scans)
	fused   bool // compactHashAVX512, candidateHashAVX512: avx512 and sha
}

// What the CPU has, read once (see cpuFeatures).
var (
	cpu                                  = cpuFeatures()
	cpuAVX2, cpuAVX512, cpuFused, cpuSHA = cpu.avx2, cpu.avx512, cpu.fused, cpu.sha
	cpuAVX2SHA                           = cpu.avx2SHA
)

// cpuPaths returns the set of code paths the CPU can run.
func cpuPaths() uint { return pathsFor(cpu) }

// cpuPath returns the fastest code path the CPU has.
func cpuPath() int { return choosePath("", cpuPaths()) }

// pathsFor returns the set of code paths a CPU with f can run, bit p for
// path p (see choosePath).
func pathsFor(f features) uint {
	paths := uint(1) << pathGeneric
	for p, ok := range [...]bool{pathScan: f.avx2, pathHashScan: f.avx2SHA, pathCompact: f.avx512, pathFused: f.fused} {
		if ok {
			paths |= 1 << p
		}
	}
	return paths
}

// cpuFeatures reads CPUID and XCR0 for the levels of assembly: the AVX2
// scans; the SHA-256 block function (the SHA extensions); the AVX-512
// kernel (AVX-512 F, BW and VBMI2 for VPCOMPRESSB, BMI1, BMI2 and POPCNT,
// with the ZMM registers saved), on top of the scans; and the SHA
// extensions with the AVX2 scan or with the AVX-512 kernels, for the
// kernels that hash as they go.
func cpuFeatures() features {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return features{}
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
func decodeFeatures(maxLeaf, ecx1, ebx7, ecx7, xcr0 uint32) (f features) {
	// Every kernel is VEX or EVEX encoded, which needs AVX enabled by the
	// OS (XCR0 SSE and AVX state, read with XGETBV once OSXSAVE says so).
	if maxLeaf < 7 || ecx1&osxsave == 0 || ecx1&avx == 0 || xcr0&ymmSaved != ymmSaved {
		return features{}
	}
	f.avx2 = ebx7&avx2Bit != 0
	f.sha = ecx1&ssse3 != 0 && ecx1&sse41 != 0 && ebx7&shaExt != 0
	const leaf7 = avx512f | bmi1 | bmi2 | avx512b
	f.avx2SHA = f.avx2 && f.sha
	f.avx512 = f.avx2 && xcr0&zmmSaved == zmmSaved && ecx1&popcnt != 0 && ebx7&leaf7 == leaf7 && ecx7&vbmi2 != 0
	f.fused = f.avx512 && f.sha
	return f
}
