package dkim

import (
	"crypto/sha256"
	"encoding/binary"
	"hash"
)

// bodyDigest is SHA-256 for the body hash, with our own block loop
// (hashBlocks) so that the canonicalization kernels can hash into its
// state in the same loop as they canonicalize: with SHA-256 instructions
// the rounds of one message are a chain of dependent instructions that
// leaves most of the core idle, and the kernels' work fits in the gaps
// (see scan_amd64.s). Apart from that it is an ordinary hash.Hash.
//
// The body canonicalizer keeps it at a block boundary (nx == 0) between
// its writes; blocks and takePartial are for that.
type bodyDigest struct {
	h   [8]uint32
	x   [64]byte // a partial block
	nx  int      // bytes in x
	len uint64   // bytes written
}

// The initial hash value of FIPS 180-4, section 5.3.3.
var sha256Init = [8]uint32{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19}

// newBodyHash returns the SHA-256 hash for a body: a bodyDigest where the
// kernels hash as they go (haveDigest), crypto/sha256 elsewhere.
func newBodyHash() hash.Hash {
	if haveDigest {
		d := new(bodyDigest)
		d.Reset()
		return d
	}
	return sha256.New()
}

// bodyHashFits reports whether h, made by newBodyHash before, is what
// newBodyHash makes now (tests switch the code path).
func bodyHashFits(h hash.Hash) bool {
	_, ours := h.(*bodyDigest)
	return ours == haveDigest
}

func (d *bodyDigest) Reset() {
	d.h = sha256Init
	d.nx = 0
	d.len = 0
}

func (d *bodyDigest) Size() int      { return sha256.Size }
func (d *bodyDigest) BlockSize() int { return sha256.BlockSize }

func (d *bodyDigest) Write(p []byte) (int, error) {
	n := len(p)
	d.len += uint64(n)
	if d.nx > 0 {
		c := copy(d.x[d.nx:], p)
		d.nx += c
		p = p[c:]
		if d.nx < len(d.x) {
			return n, nil
		}
		hashBlocks(&d.h, d.x[:])
		d.nx = 0
	}
	if w := len(p) &^ 63; w > 0 {
		hashBlocks(&d.h, p[:w])
		p = p[w:]
	}
	d.nx = copy(d.x[:], p)
	return n, nil
}

// Sum appends the hash of what was written to in; d does not change.
func (d *bodyDigest) Sum(in []byte) []byte {
	e := *d
	// Padding (FIPS 180-4, 5.1.1): 0x80, zeros up to 56 bytes into a
	// block, and the length in bits.
	var pad [72]byte
	pad[0] = 0x80
	n := 56 - int(e.len%64)
	if n <= 0 {
		n += 64
	}
	binary.BigEndian.PutUint64(pad[n:], e.len*8)
	e.Write(pad[:n+8])
	for _, v := range e.h {
		in = binary.BigEndian.AppendUint32(in, v)
	}
	return in
}

// blocks hashes p, whole blocks, straight into the state, which must be at
// a block boundary.
func (d *bodyDigest) blocks(p []byte) {
	hashBlocks(&d.h, p)
	d.len += uint64(len(p))
}

// takePartial moves the partial block, if any, to dst and returns its
// length: the state is at a block boundary again, and the bytes count as
// not yet written.
func (d *bodyDigest) takePartial(dst []byte) int {
	n := copy(dst, d.x[:d.nx])
	d.len -= uint64(n)
	d.nx = 0
	return n
}
