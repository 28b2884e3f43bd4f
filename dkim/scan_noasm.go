//go:build !amd64 || purego

package dkim

// The hooks of scan_amd64.go where there is no assembly: the vector paths
// are off (the have* constants), so that the portable code runs the word
// scans and crypto/sha256, and the kernels are stubs that are never
// reached, but for hashBlocks, which bodyDigest uses, in plain Go.

const (
	haveScan    = false
	haveCompact = false
	haveFused   = false
)

// cpuPath returns the only path there is without assembly.
func cpuPath() int { return pathGeneric }

func scanCandidates(p []byte, i int) (j int, found bool) { return i, false }

func scanLF(p []byte, i int) (j int, found bool) { return i, false }

func compactSpan(dst []byte, o int, src []byte) (nsrc, ndst int) { return 1, o }

func compactHashSpan(h *[8]uint32, dst []byte, o, hp int, src []byte) (nsrc, ndst, nhash int) {
	return 1, o, hp
}

func hashScan(h *[8]uint32, p []byte, i, hp int) (j int, found bool, nhash int) {
	return i, false, hp
}

func hashBlocks(h *[8]uint32, p []byte) { hashBlocksGeneric(h, p) }
