//go:build amd64 && !purego

package dkim

import "os"

// startPath is the path chosen at start-up, from the CPU and CodePathEnv.
// Only the assembly build reads it: elsewhere there is one path.
var startPath = choosePath(os.Getenv(CodePathEnv), cpuPaths())

// The hooks that the portable code (scan.go, body.go, fused.go,
// bodyhash.go) calls, here with the kernels of scan_amd64.s; the paths
// of path.go turn them on (cpu_amd64.go says what the CPU can run).
// scan_noasm.go has the same hooks for the other architectures and the
// purego build tag.

// haveScan reports whether the vector scans run (scanCandidates, scanLF:
// AVX2 here): the CPU has them and CodePathEnv does not ask for the
// generic path. Tests turn it off to check the other paths.
var haveScan = pathHooks[startPath].scan

// haveDigest reports whether the body hash is our own SHA-256
// (bodyDigest) with the SHA extensions, so that the scan can hash the
// spans that need no change in the same loop as it finds them (hashSpan,
// with hashScan): the CPU has them and CodePathEnv asks for a path that
// uses them (avx2-sha, avx512-sha). Tests turn it off to check the other
// paths.
var haveDigest = pathHooks[startPath].digest

// haveCompact reports whether compactSpan runs (AVX2 or AVX-512 VBMI2
// here, see haveWide): the CPU has what it uses (see cpuFeatures) and
// CodePathEnv asks for no slower path. Tests turn it off to check the
// other paths.
var haveCompact = pathHooks[startPath].compact

// haveFused reports whether a compact kernel that hashes as it goes
// (compactHashSpan) canonicalizes the spans that need changes, into the
// bodyDigest of haveDigest: the CPU has the SHA extensions with AVX2 or
// with the AVX-512 kernels, and CodePathEnv asks for a path that uses
// them. Tests turn it off to check the other paths.
var haveFused = pathHooks[startPath].fused

// haveWide reports whether the compact kernels and the scans that hash
// are the AVX-512 ones (compactAVX512, compactHashAVX512,
// candidateHashAVX512) rather than the AVX2 ones: CodePathEnv asks for
// an avx512 path and the CPU has it.
var haveWide = pathHooks[startPath].wide

// scanCandidates is nextCandidate's vector scan (candidateAVX2).
func scanCandidates(p []byte, i int) (j int, found bool) { return candidateAVX2(p, i) }

// scanMasks is relaxedSpans' vector scan (masksAVX2): the masks of
// candidates for 64 bytes each from p[i] (see candidateMasksGeneric).
func scanMasks(p []byte, i int, masks []uint64) { masksAVX2(p, i, masks) }

// scanLF is nextLF's vector scan (lfAVX2).
func scanLF(p []byte, i int) (j int, found bool) { return lfAVX2(p, i) }

// compactSpan is compactRelaxed's kernel: compactAVX512 on the paths
// with the AVX-512 kernels (haveWide), compactAVX2 on the others. The
// hooks fall back to the Go references where the CPU lacks the
// instructions: they are never set there but by tests (see Kernels),
// which so run the plumbing of those paths on any amd64 CPU. They are
// called once per span of hundreds of bytes or more, so the test costs
// nothing measurable.
func compactSpan(dst []byte, o int, src []byte) (nsrc, ndst int) {
	switch {
	case haveWide && cpuAVX512:
		return compactAVX512(dst, o, src)
	case !haveWide && cpuAVX2:
		return compactAVX2(dst, o, src)
	}
	return compactGeneric(dst, o, src)
}

// compactHashSpan is compactRelaxedHashed's kernel: compactHashAVX512
// on the path with the AVX-512 kernels (haveWide), compactHashAVX2 on
// the others (avx2-sha), each where the CPU has it, the Go reference
// elsewhere.
func compactHashSpan(h *[8]uint32, dst []byte, o, hp int, src []byte) (nsrc, ndst, nhash int) {
	switch {
	case haveWide && cpuFused:
		return compactHashAVX512(h, dst, o, hp, src)
	case cpuAVX2SHA:
		return compactHashAVX2(h, dst, o, hp, src)
	}
	return compactHashGeneric(h, dst, o, hp, src)
}

// hashScan is hashSpan's kernel: candidateHashAVX512 on the path with
// the AVX-512 kernels (haveWide), candidateHashAVX2 on the others
// (avx2-sha), each where the CPU has it, the Go reference elsewhere.
func hashScan(h *[8]uint32, p []byte, i, hp int) (j int, found bool, nhash int) {
	switch {
	case haveWide && cpuFused:
		return candidateHashAVX512(h, p, i, hp)
	case cpuAVX2SHA:
		return candidateHashAVX2(h, p, i, hp)
	}
	return candidateHashGeneric(h, p, i, hp)
}

// hashBlocks is bodyDigest's block function: shaBlocks where the CPU has
// the SHA extensions, the Go reference elsewhere. bodyDigest is the body
// hash only with haveDigest, but tests use it on any CPU, and one without
// the extensions would die of SIGILL in shaBlocks.
func hashBlocks(h *[8]uint32, p []byte) {
	if cpuSHA {
		shaBlocks(h, p)
		return
	}
	hashBlocksGeneric(h, p)
}

// candidateAVX2 is nextCandidate for p[i:] 32 bytes at a time with AVX2,
// for i >= 1, which also passes over a CRLF followed by a byte above
// 0x20 (scanRelaxed would only step over it). It stops at the first
// candidate (found) or where fewer than 34 bytes are left, which may be
// between the CR and the LF of a line end it passed over; the caller goes
// on from there. See scan_amd64.s.
//
//go:noescape
func candidateAVX2(p []byte, i int) (j int, found bool)

// masksAVX2 sets bit b of masks[w] when p[i+64w+b] is a candidate as
// candidateAVX2 finds them, for i >= 1 and len(p) >= i+64*len(masks)+2.
// See scan_amd64.s.
//
//go:noescape
func masksAVX2(p []byte, i int, masks []uint64)

// lfAVX2 looks at p 32 bytes at a time from p[i] (i >= 1), for as long as
// the block and the byte after it are within p, for an LF that simple
// canonicalization may have to act on: one without a CR before it, or
// one followed by CR or LF (an empty line, which may be trailing). It
// returns that LF (found) or where it stopped. See scan_amd64.s.
//
//go:noescape
func lfAVX2(p []byte, i int) (j int, found bool)

// compactAVX512 canonicalizes (relaxed) src[1:] into dst from dst[o] 64
// bytes at a time, up to the first bare CR, keeping the last byte of each
// run of white space, as a space, unless a line end follows, and writing
// a bare LF as CRLF. It returns how far it read src and wrote dst. See
// scan_amd64.s and compactRelaxed.
//
//go:noescape
func compactAVX512(dst []byte, o int, src []byte) (nsrc, ndst int)

// compactHashAVX512 is compactAVX512, which also hashes the output from
// dst[hp] into h, a whole block whenever the output is final that far,
// and returns how far it hashed. See scan_amd64.s and
// compactRelaxedHashed.
//
//go:noescape
func compactHashAVX512(h *[8]uint32, dst []byte, o, hp int, src []byte) (nsrc, ndst, nhash int)

// candidateHashAVX512 is candidateAVX2 64 bytes at a time with AVX-512,
// which also hashes the blocks of p it has passed, from p[hp], into h. It
// returns how far it hashed. See scan_amd64.s.
//
//go:noescape
func candidateHashAVX512(h *[8]uint32, p []byte, i, hp int) (j int, found bool, nhash int)

// candidateHashAVX2 is candidateAVX2 64 bytes at a time (two blocks of
// 32), which also hashes the blocks of p it has passed, from p[hp], into
// h with the SHA extensions, as candidateHashAVX512 does: see
// candidateHashGeneric. It returns how far it hashed. See scan_amd64.s.
//
//go:noescape
func candidateHashAVX2(h *[8]uint32, p []byte, i, hp int) (j int, found bool, nhash int)

// compactHashAVX2 is compactHashAVX512 with AVX2 and the SHA extensions:
// see compactHashGeneric. See scan_amd64.s.
//
//go:noescape
func compactHashAVX2(h *[8]uint32, dst []byte, o, hp int, src []byte) (nsrc, ndst, nhash int)

// shaBlocks hashes the whole 64-byte blocks of p into the SHA-256 state h
// with the SHA extensions. See scan_amd64.s.
//
//go:noescape
func shaBlocks(h *[8]uint32, p []byte)

// compactAVX2 is compactAVX512 with AVX2: see compactGeneric. See
// scan_amd64.s.
//
//go:noescape
func compactAVX2(dst []byte, o int, src []byte) (nsrc, ndst int)
