//go:build !amd64 || purego

package dkim

import "bytes"

// haveAVX2 is false where there is no assembly scan.
const haveAVX2 = false

// nextCandidate returns the index of the first byte from p[i] on that
// may need a change: a byte below 0x21 that is not a space, or a space
// followed by one; len(p) when there is none.
func nextCandidate(p []byte, i int) int { return nextCandidateWords(p, i) }

// haveAVX512 is false where there is no assembly kernel.
const haveAVX512 = false

// compactRelaxed has no kernel here: it consumes nothing.
func compactRelaxed(out, p []byte) (consumed, filled int) { return 0, 0 }

// nextLF returns the index of the first LF from p[i] on, or -1.
func nextLF(p []byte, i int) int {
	q := bytes.IndexByte(p[i:], '\n')
	if q < 0 {
		return -1
	}
	return q + i
}
