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
	type want struct{ avx2, avx512, fused bool }
	all, noFused, onlyAVX2, none := want{true, true, true}, want{true, true, false}, want{true, false, false}, want{}
	tests := []struct {
		name                         string
		maxLeaf, ecx1, ebx7, ecx7, x uint32
		want                         want
	}{
		{"everything", 7, ecx1, ebx7, ecx7, xcr0, all},
		{"max leaf 6", 6, ecx1, ebx7, ecx7, xcr0, none},
		{"no SSSE3", 7, ecx1 &^ bit(9), ebx7, ecx7, xcr0, noFused},
		{"no SSE4.1", 7, ecx1 &^ bit(19), ebx7, ecx7, xcr0, noFused},
		{"no POPCNT", 7, ecx1 &^ bit(23), ebx7, ecx7, xcr0, onlyAVX2},
		{"no OSXSAVE", 7, ecx1 &^ bit(27), ebx7, ecx7, xcr0, none},
		{"no AVX", 7, ecx1 &^ bit(28), ebx7, ecx7, xcr0, none},
		{"no BMI1", 7, ecx1, ebx7 &^ bit(3), ecx7, xcr0, onlyAVX2},
		{"no AVX2", 7, ecx1, ebx7 &^ bit(5), ecx7, xcr0, none},
		{"no BMI2", 7, ecx1, ebx7 &^ bit(8), ecx7, xcr0, onlyAVX2},
		{"no AVX512F", 7, ecx1, ebx7 &^ bit(16), ecx7, xcr0, onlyAVX2},
		{"no SHA", 7, ecx1, ebx7 &^ bit(29), ecx7, xcr0, noFused},
		{"no AVX512BW", 7, ecx1, ebx7 &^ bit(30), ecx7, xcr0, onlyAVX2},
		{"no VBMI2", 7, ecx1, ebx7, 0, xcr0, onlyAVX2},
		{"OS saves no YMM", 7, ecx1, ebx7, ecx7, xcr0 &^ bit(2), none},
		{"OS saves no SSE", 7, ecx1, ebx7, ecx7, xcr0 &^ bit(1), none},
		{"OS saves no opmask", 7, ecx1, ebx7, ecx7, xcr0 &^ bit(5), onlyAVX2},
		{"OS saves no ZMM upper halves", 7, ecx1, ebx7, ecx7, xcr0 &^ bit(6), onlyAVX2},
		{"OS saves no ZMM16-31", 7, ecx1, ebx7, ecx7, xcr0 &^ bit(7), onlyAVX2},
		{"AVX2 CPU with SHA (Zen 2/3)", 0x10, ecx1, bit(3) | bit(5) | bit(8) | bit(29), 0, bit(0) | bit(1) | bit(2), onlyAVX2},
	}
	for _, tt := range tests {
		a, b, c := decodeFeatures(tt.maxLeaf, tt.ecx1, tt.ebx7, tt.ecx7, tt.x)
		if got := (want{a, b, c}); got != tt.want {
			t.Errorf("%s: avx2, avx512, fused = %v; want %v", tt.name, got, tt.want)
		}
	}
}
