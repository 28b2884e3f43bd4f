//go:build !amd64 || purego

package dkim

// The hooks of scan_amd64.go where there is no assembly: the kernels are
// their Go references (kernel_generic.go, sha256block.go), and the paths
// that use them are off, so that the portable code runs the word scans
// and crypto/sha256. Tests turn the paths on (see Kernels), so that the
// references run through every canonicalization test on every
// architecture.
var (
	haveScan    = false
	haveDigest  = false
	haveCompact = false
	haveFused   = false
	haveWide    = false
)

// cpuPaths returns the only path there is without assembly.
func cpuPaths() uint { return 1 << pathGeneric }

// cpuPath returns the only path there is without assembly.
func cpuPath() int { return pathGeneric }

func scanCandidates(p []byte, i int) (j int, found bool) { return candidateGeneric(p, i) }

func scanMasks(p []byte, i int, masks []uint64) { candidateMasksGeneric(p, i, masks) }

func scanLF(p []byte, i int) (j int, found bool) { return lfGeneric(p, i) }

func compactSpan(dst []byte, o int, src []byte) (nsrc, ndst int) {
	return compactGeneric(dst, o, src)
}

func compactHashSpan(h *[8]uint32, dst []byte, o, hp int, src []byte) (nsrc, ndst, nhash int) {
	return compactHashGeneric(h, dst, o, hp, src)
}

func hashScan(h *[8]uint32, p []byte, i, hp int) (j int, found bool, nhash int) {
	return candidateHashGeneric(h, p, i, hp)
}

func hashBlocks(h *[8]uint32, p []byte) { hashBlocksGeneric(h, p) }
