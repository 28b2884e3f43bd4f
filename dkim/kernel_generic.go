package dkim

// The Go reference of each vector kernel: the same blocks, the same
// stopping points, the same output and the same hashing as the assembly
// (scan_amd64.s), written as loops over the bytes of a block. They are
// built on every architecture; scan_noasm.go makes them the hooks where
// there is no assembly, and kernel_test.go holds each assembly kernel to
// its reference byte for byte, with the hash state, on the CPUs that run
// it. hashBlocksGeneric (sha256block.go) is the SHA-256 one.

// isCtl reports whether c is below 0x21: white space, a line end or
// another control byte (the kernels' unsigned c <= 0x20).
func isCtl(c byte) bool { return c <= ' ' }

// candidateAt is the candidate rule of the scan kernels for p[j], with
// p[j-1] and p[j+2] within p: a byte below 0x21 that is not a space,
// unless it is a line end followed by content, or a space followed by a
// byte below 0x21.
func candidateAt(p []byte, j int) bool {
	c, n := p[j], p[j+1]
	okCR := c == '\r' && n == '\n' && !isCtl(p[j+2])
	okLF := c == '\n' && p[j-1] == '\r' && !isCtl(n)
	return isCtl(c) && c != ' ' && !okCR && !okLF || c == ' ' && isCtl(n)
}

// candidateGeneric is the reference of scanCandidates: from p[i] (i >= 1),
// blocks of 32 bytes while the block and the two bytes after it are in
// p; the first candidate (found), or where it stopped.
func candidateGeneric(p []byte, i int) (j int, found bool) {
	for ; i <= len(p)-34; i += 32 {
		for j := i; j < i+32; j++ {
			if candidateAt(p, j) {
				return j, true
			}
		}
	}
	return i, false
}

// lfGeneric is the reference of scanLF: from p[i] (i >= 1), blocks of 32
// bytes while the block and the byte after it are in p; the first LF
// without a CR before it or with a CR or LF after it (found), or where it
// stopped.
func lfGeneric(p []byte, i int) (j int, found bool) {
	for ; i <= len(p)-33; i += 32 {
		for j := i; j < i+32; j++ {
			if p[j] == '\n' && (p[j-1] != '\r' || p[j+1] == '\r' || p[j+1] == '\n') {
				return j, true
			}
		}
	}
	return i, false
}

// candidateHashGeneric is the reference of hashScan: candidateGeneric in
// blocks of 64 bytes while the block and the two bytes after it are in p,
// which after each block it passed hashes one block of p from p[hp] into
// h, if the scan has passed all of it.
func candidateHashGeneric(h *[8]uint32, p []byte, i, hp int) (j int, found bool, nhash int) {
	for i <= len(p)-66 {
		for j := i; j < i+64; j++ {
			if candidateAt(p, j) {
				return j, true, hp
			}
		}
		i += 64
		if hp+64 <= i {
			hashBlocksGeneric(h, p[hp:hp+64])
			hp += 64
		}
	}
	return i, false, hp
}

// hashLag is how far behind the output that is final compactHashGeneric
// hashes (HASHLAG in scan_amd64.s).
const hashLag = 576

// compactGeneric is the reference of compactSpan: relaxed
// canonicalization of src[1:] into dst from dst[o], in blocks of 64
// bytes while src has 65 bytes from the block on and dst has 192 from
// the output on; it stops at a bare CR. See compactBlock.
func compactGeneric(dst []byte, o int, src []byte) (nsrc, ndst int) {
	s, d := 1, o
	for s <= len(src)-65 && d <= len(dst)-192 {
		var whole bool
		s, d, whole = compactBlock(dst, d, src, s)
		if !whole {
			break
		}
	}
	return s, d
}

// compactHashGeneric is the reference of compactHashSpan: compactGeneric
// which, after each whole block, hashes one block of dst from dst[hp]
// into h if it ends hashLag bytes or more before the end of the output
// that is final: the output as it was after the last block of src that
// ended with content.
func compactHashGeneric(h *[8]uint32, dst []byte, o, hp int, src []byte) (nsrc, ndst, nhash int) {
	s, d := 1, o
	final := o
	for s <= len(src)-65 && d <= len(dst)-192 {
		var whole bool
		s, d, whole = compactBlock(dst, d, src, s)
		if !whole {
			break
		}
		if !isCtl(src[s-1]) {
			final = d
		}
		if hp+hashLag <= final {
			hashBlocksGeneric(h, dst[hp:hp+64])
			hp += 64
		}
	}
	return s, d, hp
}

// compactBlock canonicalizes the 64 bytes of src from src[s] into dst from
// dst[d] as the compact kernels do, byte by byte: white space is dropped
// when white space or a line end follows, and kept as a space otherwise;
// a bare LF gets a CR before it; a bare CR (one without an LF after it)
// ends the block. It returns where it stopped in src and dst, and whether
// it took the whole block.
func compactBlock(dst []byte, d int, src []byte, s int) (ns, nd int, whole bool) {
	for j := s; j < s+64; j++ {
		c, next := src[j], src[j+1]
		ws := c == ' ' || c == '\t'
		switch {
		case c == '\r' && next != '\n':
			return j, d, false
		case ws && (next == ' ' || next == '\t' || next == '\r' || next == '\n'):
			continue
		case ws:
			c = ' '
		case c == '\n' && src[j-1] != '\r':
			dst[d] = '\r'
			d++
		}
		dst[d] = c
		d++
	}
	return s + 64, d, true
}

// candidateMasksGeneric is the reference of scanMasks: for each w, bit b
// of masks[w] is set when p[i+64w+b] is a candidate (candidateAt), for
// i >= 1 and len(p) >= i+64*len(masks)+2.
func candidateMasksGeneric(p []byte, i int, masks []uint64) {
	for w := range masks {
		var m uint64
		for b := range 64 {
			if candidateAt(p, i+64*w+b) {
				m |= 1 << b
			}
		}
		masks[w] = m
	}
}
