//go:build amd64 && !purego

package dkim

import "testing"

// TestDecodeFeatures checks the CPUID and XCR0 bits each code path needs,
// with the bit positions written out from the Intel SDM (volume 2A,
// CPUID leaves 1 and 7; volume 1, section 13.3, XCR0): starting from a
// CPU with everything, each bit taken away removes the paths that need it.
func TestDecodeFeatures(t *testing.T) {
	bit := func(n uint) uint32 { return 1 << n }
	// Leaf 1 ECX: SSSE3 9, SSE4.1 19, POPCNT 23, OSXSAVE 27, AVX 28.
	ecx1 := bit(9) | bit(19) | bit(23) | bit(27) | bit(28)
	// Leaf 7 EBX: BMI1 3, AVX2 5, BMI2 8, AVX512F 16, SHA 29, AVX512BW 30.
	ebx7 := bit(3) | bit(5) | bit(8) | bit(16) | bit(29) | bit(30)
	// Leaf 7 ECX: AVX512_VBMI2 6.
	ecx7 := bit(6)
	// XCR0: x87 0, SSE 1, AVX 2, opmask 5, ZMM_Hi256 6, Hi16_ZMM 7.
	xcr0 := bit(0) | bit(1) | bit(2) | bit(5) | bit(6) | bit(7)
	type want struct{ avx2, avx512, fused, sha, avx2SHA bool }
	all, noFused, noAVX512, none := want{true, true, true, true, true}, want{true, true, false, false, false}, want{true, false, false, true, true}, want{}
	noAVX2 := want{sha: true}
	tests := []struct {
		name                         string
		maxLeaf, ecx1, ebx7, ecx7, x uint32
		want                         want
	}{
		{"everything", 7, ecx1, ebx7, ecx7, xcr0, all},
		{"max leaf 6", 6, ecx1, ebx7, ecx7, xcr0, none},
		{"no SSSE3", 7, ecx1 &^ bit(9), ebx7, ecx7, xcr0, noFused},
		{"no SSE4.1", 7, ecx1 &^ bit(19), ebx7, ecx7, xcr0, noFused},
		{"no POPCNT", 7, ecx1 &^ bit(23), ebx7, ecx7, xcr0, noAVX512},
		{"no OSXSAVE", 7, ecx1 &^ bit(27), ebx7, ecx7, xcr0, none},
		{"no AVX", 7, ecx1 &^ bit(28), ebx7, ecx7, xcr0, none},
		{"no BMI1", 7, ecx1, ebx7 &^ bit(3), ecx7, xcr0, noAVX512},
		{"no AVX2", 7, ecx1, ebx7 &^ bit(5), ecx7, xcr0, noAVX2},
		{"no BMI2", 7, ecx1, ebx7 &^ bit(8), ecx7, xcr0, noAVX512},
		{"no AVX512F", 7, ecx1, ebx7 &^ bit(16), ecx7, xcr0, noAVX512},
		{"no SHA", 7, ecx1, ebx7 &^ bit(29), ecx7, xcr0, noFused},
		{"no AVX512BW", 7, ecx1, ebx7 &^ bit(30), ecx7, xcr0, noAVX512},
		{"no VBMI2", 7, ecx1, ebx7, 0, xcr0, noAVX512},
		{"OS saves no YMM", 7, ecx1, ebx7, ecx7, xcr0 &^ bit(2), none},
		{"OS saves no SSE", 7, ecx1, ebx7, ecx7, xcr0 &^ bit(1), none},
		{"OS saves no opmask", 7, ecx1, ebx7, ecx7, xcr0 &^ bit(5), noAVX512},
		{"OS saves no ZMM upper halves", 7, ecx1, ebx7, ecx7, xcr0 &^ bit(6), noAVX512},
		{"OS saves no ZMM16-31", 7, ecx1, ebx7, ecx7, xcr0 &^ bit(7), noAVX512},
		{"AVX2 CPU with SHA (Zen 2/3)", 0x10, ecx1, bit(3) | bit(5) | bit(8) | bit(29), 0, bit(0) | bit(1) | bit(2), noAVX512},
	}
	for _, tt := range tests {
		f := decodeFeatures(tt.maxLeaf, tt.ecx1, tt.ebx7, tt.ecx7, tt.x)
		if got := (want{f.avx2, f.avx512, f.fused, f.sha, f.avx2SHA}); got != tt.want {
			t.Errorf("%s: avx2, avx512, fused, sha, avx2SHA = %v; want %v", tt.name, got, tt.want)
		}
	}
}

// cpuBit is one CPUID or XCR0 bit a kernel needs, with its position
// written out from the Intel SDM again (not from the constants of
// cpu_amd64.go).
type cpuBit struct {
	name string
	reg  int // 0 leaf 1 ECX, 1 leaf 7 EBX, 2 leaf 7 ECX, 3 XCR0
	pos  uint
}

var (
	bitSSSE3    = cpuBit{"SSSE3", 0, 9}
	bitSSE41    = cpuBit{"SSE4.1", 0, 19}
	bitPOPCNT   = cpuBit{"POPCNT", 0, 23}
	bitOSXSAVE  = cpuBit{"OSXSAVE", 0, 27}
	bitAVX      = cpuBit{"AVX", 0, 28}
	bitBMI1     = cpuBit{"BMI1", 1, 3}
	bitAVX2     = cpuBit{"AVX2", 1, 5}
	bitBMI2     = cpuBit{"BMI2", 1, 8}
	bitAVX512F  = cpuBit{"AVX512F", 1, 16}
	bitSHA      = cpuBit{"SHA", 1, 29}
	bitAVX512BW = cpuBit{"AVX512BW", 1, 30}
	bitVBMI2    = cpuBit{"AVX512_VBMI2", 2, 6}
	bitXSSE     = cpuBit{"XCR0.SSE", 3, 1}
	bitXAVX     = cpuBit{"XCR0.AVX", 3, 2}
	bitXOpmask  = cpuBit{"XCR0.opmask", 3, 5}
	bitXZMMHi   = cpuBit{"XCR0.ZMM_Hi256", 3, 6}
	bitXHi16    = cpuBit{"XCR0.Hi16_ZMM", 3, 7}
)

// kernelNeeds lists, for each kernel of scan_amd64.s, the bits without
// which it cannot run: the instructions it uses (VEX needs AVX enabled by
// the OS, EVEX and the mask registers the AVX-512 state).
var kernelNeeds = map[string][]cpuBit{
	"candidateAVX2": {bitOSXSAVE, bitAVX, bitAVX2, bitXSSE, bitXAVX},
	"lfAVX2":        {bitOSXSAVE, bitAVX, bitAVX2, bitXSSE, bitXAVX},
	"masksAVX2":     {bitOSXSAVE, bitAVX, bitAVX2, bitXSSE, bitXAVX},
	"compactAVX2":   {bitOSXSAVE, bitAVX, bitAVX2, bitXSSE, bitXAVX},
	"compactAVX512": {bitOSXSAVE, bitAVX, bitPOPCNT, bitBMI1, bitBMI2, bitAVX512F, bitAVX512BW, bitVBMI2,
		bitXSSE, bitXAVX, bitXOpmask, bitXZMMHi, bitXHi16},
	"shaBlocks": {bitOSXSAVE, bitAVX, bitSSSE3, bitSSE41, bitSHA, bitXSSE, bitXAVX},
}

func init() {
	both := append(append([]cpuBit(nil), kernelNeeds["compactAVX512"]...), kernelNeeds["shaBlocks"]...)
	kernelNeeds["compactHashAVX512"] = both
	kernelNeeds["candidateHashAVX512"] = both
	avx2SHA := append(append([]cpuBit(nil), kernelNeeds["candidateAVX2"]...), kernelNeeds["shaBlocks"]...)
	kernelNeeds["candidateHashAVX2"] = avx2SHA
	kernelNeeds["compactHashAVX2"] = avx2SHA
}

// kernelsRun lists the kernels that run on path p of CPU f: those of the
// path, and shaBlocks wherever bodyDigest hashes with it (hashBlocks).
// It says it from the hooks of the path, not from its number: the paths
// form no strict ladder (avx512 has no SHA-256 of its own).
func kernelsRun(p int, f features) []string {
	var k []string
	h := pathHooks[p]
	if h.scan {
		k = append(k, "candidateAVX2", "lfAVX2", "masksAVX2")
	}
	switch {
	case h.compact && h.wide:
		k = append(k, "compactAVX512")
	case h.compact:
		k = append(k, "compactAVX2")
	}
	switch {
	case h.fused && h.wide:
		k = append(k, "compactHashAVX512", "candidateHashAVX512")
	case h.fused:
		k = append(k, "compactHashAVX2", "candidateHashAVX2")
	}
	if f.sha {
		k = append(k, "shaBlocks")
	}
	return k
}

// TestPathNeverLacksFeatures goes through every combination of the bits
// the kernels need (and a highest CPUID leaf of 6 or 7): whatever
// CodePathEnv asks for, the path chosen runs no kernel whose bits are
// absent; and with every bit present, the fastest path is chosen.
func TestPathNeverLacksFeatures(t *testing.T) {
	all := []cpuBit{bitSSSE3, bitSSE41, bitPOPCNT, bitOSXSAVE, bitAVX, bitBMI1, bitAVX2, bitBMI2, bitAVX512F,
		bitSHA, bitAVX512BW, bitVBMI2, bitXSSE, bitXAVX, bitXOpmask, bitXZMMHi, bitXHi16}
	envs := append([]string{"", "auto"}, pathNames[:]...)
	seen := map[string]bool{}
	for combo := range uint64(1) << (len(all) + 1) {
		var regs [4]uint32
		regs[3] = 1 // XCR0 x87, always set
		for i, b := range all {
			if combo>>i&1 != 0 {
				regs[b.reg] |= 1 << b.pos
			}
		}
		maxLeaf := uint32(6)
		if combo>>len(all)&1 != 0 {
			maxLeaf = 7
		}
		f := decodeFeatures(maxLeaf, regs[0], regs[1], regs[2], regs[3])
		for _, env := range envs {
			p := choosePath(env, pathsFor(f))
			for _, k := range kernelsRun(p, f) {
				seen[k] = true
				for _, b := range kernelNeeds[k] {
					if maxLeaf < 7 || regs[b.reg]&(1<<b.pos) == 0 {
						t.Fatalf("max leaf %d, registers %#x, %s=%q: path %s runs %s without %s",
							maxLeaf, regs, CodePathEnv, env, pathNames[p], k, b.name)
					}
				}
			}
		}
		if fastest := choosePath("", pathsFor(f)); combo == 1<<(len(all)+1)-1 && fastest != pathFused {
			t.Fatalf("every bit present: path %s, want %s", pathNames[fastest], pathNames[pathFused])
		}
	}
	if len(seen) != len(kernelNeeds) {
		t.Fatalf("kernels chosen at least once: %v; want all of %d", seen, len(kernelNeeds))
	}
}
