package dkim

// fusedBufSize is the buffer compactHashed uses once a body is past
// fusedGrowAt bytes: the fused kernel runs once per buffer's worth of
// output, and each run starts with the hashing behind (see fusedKeep),
// so the larger the buffer the less of the canonicalization is left
// outside the hash's shadow. Short bodies keep the small one.
const (
	fusedBufSize = 8192
	fusedGrowAt  = 64 << 10
)

// fusedMin is the shortest input for which Write tries hashSpan.
const fusedMin = 1024

// hashSpan hashes the span of p that relaxed canonicalization leaves
// unchanged, as scanRelaxed finds it, which is known to go on to p[i]
// at least (i >= 64), and returns its length. The blocks of it the scan
// has passed go straight into the digest (hashScan); the rest
// is emitted as usual.
func (b *bodyCanonicalizer) hashSpan(p []byte, i int) int {
	d := b.digest
	b.flush() // less than a block left, at the start of the buffer
	// Complete the digest's block with the first bytes of the span; from
	// there on, whole blocks of p go straight in.
	hp := 0
	if b.n > 0 {
		hp = copy(b.buf[b.n:], p[:64-b.n])
		d.blocks(b.buf[:64])
		b.n = 0
	}
	for {
		j, found, nh := hashScan(&d.h, p, i, hp)
		d.len += uint64(nh - hp)
		hp = nh
		if !found {
			j = nextCandidate(p, resumeAt(p, i, j))
		}
		next, ok := spanGoesOn(p, j)
		if !ok {
			b.emit(p[hp:j])
			return j
		}
		i = next
	}
}

// fusedKeep is how much of the output not yet hashed compactHashed keeps
// in the buffer when it makes room, for the kernel to hash as it goes: it
// hashes only output written a few blocks before (see scan_amd64.s), so
// what it starts with is what it can hash from its first block on.
const fusedKeep = 1024

// compactHashed runs the compact kernel on p, as compactRelaxed does, and
// hashes its output in the same loop as far as it is final.
func (b *bodyCanonicalizer) compactHashed(p []byte) int {
	d := b.digest
	if len(b.buf) < fusedBufSize && b.seen >= fusedGrowAt {
		big := make([]byte, fusedBufSize)
		b.n = copy(big, b.buf[b.h:b.n])
		b.h = 0
		b.buf = big
	}
	if len(b.buf)-b.n < compactRoom {
		b.slide(fusedKeep)
	}
	ns, nd, nh := compactRelaxedHashed(&d.h, b.buf, b.n, b.h, p)
	d.len += uint64(nh - b.h)
	b.n, b.h = nd, nh
	return ns
}

// slide hashes the whole blocks of what the buffer holds unhashed, all
// but about the last keep bytes of it, and moves the rest to the start.
func (b *bodyCanonicalizer) slide(keep int) {
	if w := (b.n - b.h - keep) &^ 63; w > 0 {
		b.digest.blocks(b.buf[b.h : b.h+w])
		b.h += w
	}
	b.n = copy(b.buf, b.buf[b.h:b.n])
	b.h = 0
}

// compactRelaxedHashed is compactRelaxed with the kernel that hashes as
// it goes (compactHashSpan): it also hashes out from out[hp], whole
// blocks, into h as far as the output is final, and returns how far it
// hashed. The kernel has hashed none of the bytes taken back.
func compactRelaxedHashed(h *[8]uint32, out []byte, o, hp int, p []byte) (consumed, end, hashed int) {
	if !haveFused {
		return 0, o, hp
	}
	out[o] = p[0]
	ns, nd, nh := compactHashSpan(h, out, o+1, hp, p)
	ns, nd = takeBack(p, ns, out, o, nd)
	return ns, nd, nh
}
