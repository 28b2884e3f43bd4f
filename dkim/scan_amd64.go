//go:build amd64 && !purego

package dkim

import (
	"bytes"
	"os"
)

// startPath is the path chosen at start-up, from the CPU and CodePathEnv.
// Only the assembly paths read it: elsewhere there is one path.
var startPath = choosePath(os.Getenv(CodePathEnv), cpuPath())

// candidateAVX2 is nextCandidate for p[i:] 32 bytes at a time with AVX2,
// for i >= 1, which also passes over a CRLF followed by a byte above
// 0x20 (scanRelaxed would only step over it). It stops at the first
// candidate (found) or where fewer than 34 bytes are left, which may be
// between the CR and the LF of a line end it passed over; the caller goes
// on from there. See scan_amd64.s.
//
//go:noescape
func candidateAVX2(p []byte, i int) (j int, found bool)

func cpuid(leaf, sub uint32) (eax, ebx, ecx, edx uint32)

func xgetbv0() (eax uint32)

// haveAVX2 reports whether the AVX2 scans run: the CPU has AVX2, the
// operating system saves the AVX registers, and CodePathEnv does not ask
// for the generic path. Tests turn it off to check the other paths.
var haveAVX2 = startPath >= pathAVX2

// What the CPU has, read once (see cpuFeatures).
var cpuAVX2, cpuAVX512, cpuFused = cpuFeatures()

// cpuPath returns the fastest code path the CPU has.
func cpuPath() int {
	switch {
	case cpuFused:
		return pathFused
	case cpuAVX512:
		return pathAVX512
	case cpuAVX2:
		return pathAVX2
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

// vectorMin is the shortest p[i:] worth the AVX2 scan; shorter ones go to
// the word-at-a-time loop directly.
const vectorMin = 64

// nextCandidate returns the index of the first byte from p[i] on that
// may need a change: a byte below 0x21 that is not a space, or a space
// followed by one; len(p) when there is none. It may pass over a CRLF
// that is followed by content (see candidateAVX2).
func nextCandidate(p []byte, i int) int {
	if i == 0 && len(p) > 0 && p[0] > ' ' {
		i = 1 // p[0] is no candidate, and the AVX2 scan reads p[i-1]
	}
	if haveAVX2 && i > 0 && len(p)-i >= vectorMin {
		j, found := candidateAVX2(p, i)
		if found {
			return j
		}
		i = resumeAt(p, i, j)
	}
	return nextCandidateWords(p, i)
}

// compactAVX512 canonicalizes (relaxed) src[1:] into dst from dst[o] 64
// bytes at a time, up to the first bare CR, keeping the last byte of each
// run of white space, as a space, unless a line end follows, and writing
// a bare LF as CRLF. With h not nil it also hashes the output from dst[hp]
// into h, a whole block whenever the output is final that far. It returns
// how far it read src, wrote dst and hashed. See scan_amd64.s and
// compactRelaxed.
//
//go:noescape
func compactAVX512(h *[8]uint32, dst []byte, o, hp int, src []byte) (nsrc, ndst, nhash int)

// candidateHashAVX512 is candidateAVX2 64 bytes at a time with AVX-512,
// which also hashes the blocks of p it has passed, from p[hp], into h. It
// returns how far it hashed. See scan_amd64.s.
//
//go:noescape
func candidateHashAVX512(h *[8]uint32, p []byte, i, hp int) (j int, found bool, nhash int)

// shaBlocks hashes the whole 64-byte blocks of p into the SHA-256 state h
// with the SHA extensions. See scan_amd64.s.
//
//go:noescape
func shaBlocks(h *[8]uint32, p []byte)

// haveAVX512 reports whether compactAVX512 runs: the CPU has what it uses
// (see cpuFeatures) and CodePathEnv asks for no slower path. Tests turn
// it off to check the other paths.
var haveAVX512 = startPath >= pathAVX512

// haveFused reports whether the body hash is our own SHA-256 (bodyDigest)
// with the SHA extensions, so that the AVX-512 kernels can hash in the
// same loop as they canonicalize (compactAVX512, candidateHashAVX512):
// the CPU has them and CodePathEnv asks for no slower path. Tests turn it
// off to check the other paths.
var haveFused = startPath >= pathFused

// compactRelaxed canonicalizes (relaxed) as much of p as the AVX-512
// kernel can into out from out[o], which leaves at least compactRoom
// bytes of room. p[0] is content (neither white space nor a line end), p
// has at least compactMin bytes. It returns how much of p it consumed and
// where the output ends in out, or 0, o, hp where there is no kernel.
// With h not nil it also hashes out from out[hp], whole blocks, into h as
// far as the output is final, and returns how far it hashed.
//
// It stops after a content byte: white space and line ends before the
// point where the kernel stopped may still change with what follows
// (white space before a line end goes, a line end may be trailing), so
// they are taken back from out and left in p for the byte-wise paths.
// The bytes taken back are the same in p and out, since content bytes
// pass unchanged and in order; the kernel has hashed none of them.
func compactRelaxed(h *[8]uint32, out []byte, o, hp int, p []byte) (consumed, end, hashed int) {
	if !haveAVX512 {
		return 0, o, hp
	}
	out[o] = p[0]
	ns, nd, nh := compactAVX512(h, out, o+1, hp, p)
	for ns > 1 && !isContent(p[ns-1]) {
		ns--
	}
	for nd > o+1 && !isContent(out[nd-1]) {
		nd--
	}
	return ns, nd, nh
}

// lfAVX2 looks at p 32 bytes at a time from p[i] (i >= 1), for as long as
// the block and the byte after it are within p, for an LF that simple
// canonicalization may have to act on: one without a CR before it, or
// one followed by CR or LF (an empty line, which may be trailing). It
// returns that LF (found) or where it stopped. See scan_amd64.s.
//
//go:noescape
func lfAVX2(p []byte, i int) (j int, found bool)

// nextLF returns the index of the first LF from p[i] on, or -1; with
// AVX2 it may pass over LFs that end a line with CRLF and are followed by
// neither CR nor LF, which scanSimple would only step over.
func nextLF(p []byte, i int) int {
	if i == 0 && len(p) > 0 && p[0] != '\n' {
		i = 1 // p[0] is no LF, and the AVX2 scan reads p[i-1]
	}
	if haveAVX2 && i > 0 && len(p)-i >= vectorMin {
		j, found := lfAVX2(p, i)
		if found {
			return j
		}
		i = j
	}
	q := bytes.IndexByte(p[i:], '\n')
	if q < 0 {
		return -1
	}
	return q + i
}
