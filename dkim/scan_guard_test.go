//go:build linux

package dkim

import (
	"syscall"
	"testing"
)

// TestNextCandidateGuardPage puts p at the very end of a readable page,
// followed by a page that may not be read, so that a scan reading one
// byte past len(p) crashes the test instead of going unnoticed.
func TestNextCandidateGuardPage(t *testing.T) { eachScan(t, testNextCandidateGuardPage) }

func testNextCandidateGuardPage(t *testing.T) {
	mem := guardedPage(t)
	page := len(mem)
	for size := 0; size <= 300; size++ {
		p := mem[page-size:]
		for k := range p {
			p[k] = 'a'
		}
		if size >= 2 {
			copy(p[size-2:], "\r\n")
		}
		for i := 0; i <= len(p); i++ {
			checkCandidate(t, p, i)
			checkLF(t, p, i)
		}
	}
}

// TestScanGuardPageBefore puts p at the very start of a readable page,
// after a page that may not be read: the vector scans read p[i-1], so
// nextCandidate and nextLF must never hand them i == 0, whatever p[0] is
// (an LF, white space, a control byte: the bytes for which they cannot
// skip p[0]).
func TestScanGuardPageBefore(t *testing.T) { eachScan(t, testScanGuardPageBefore) }

func testScanGuardPageBefore(t *testing.T) {
	page := syscall.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, 2*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skipf("mmap: %v", err)
	}
	t.Cleanup(func() { syscall.Munmap(mem) })
	if err := syscall.Mprotect(mem[:page], syscall.PROT_NONE); err != nil {
		t.Skipf("mprotect: %v", err)
	}
	for _, first := range []byte{'\n', '\r', ' ', '\t', 0, 'a'} {
		for size := 1; size <= 200; size++ {
			p := mem[page : page+size]
			for k := range p {
				p[k] = "ab\r\nc d"[k%7]
			}
			p[0] = first
			checkCandidate(t, p, 0)
			checkLF(t, p, 0)
		}
	}
}

// TestCompactRelaxedGuardPage runs the compact kernel of the path in use
// (compactAVX2 or compactAVX512) with its input and its output each
// ending at a page that may not be touched: the kernel loads a byte
// before and after each block and stores whole blocks, and must keep all
// of that within the slices.
func TestCompactRelaxedGuardPage(t *testing.T) {
	if !haveCompact {
		t.Skip("no compact kernel on this path")
	}
	page := syscall.Getpagesize()
	src, dst := guardedPage(t), guardedPage(t)
	for size := compactMin; size <= compactMin+200; size++ {
		p := src[page-size:]
		// CRLF lines, then LF lines, then a run of LFs: each bare LF
		// makes the kernel store a CR and one more block.
		const crlf, lf = "word  word\t \r\n", "word \n"
		for k := range p {
			switch {
			case k < size/3:
				p[k] = crlf[k%len(crlf)]
			case k < 2*size/3:
				p[k] = lf[k%len(lf)]
			default:
				p[k] = '\n'
			}
		}
		p[0] = 'w'
		for _, room := range []int{compactRoom, compactRoom + 1, compactRoom + 63} {
			out := dst[page-room:]
			consumed, filled := compactRelaxed(out, 0, p)
			if consumed < 1 || consumed > len(p) || filled < 1 || filled > len(out) || filled > consumed {
				t.Fatalf("size %d room %d: consumed %d filled %d", size, room, consumed, filled)
			}
			if !isContent(p[consumed-1]) || !isContent(out[filled-1]) {
				t.Fatalf("size %d room %d: stopped after %q, wrote %q last", size, room, p[consumed-1], out[filled-1])
			}
		}
	}
}

// TestFusedGuardPage runs the kernels that hash as they go with their
// input and output each ending at a page that may not be touched, and
// checks that what they hashed is SHA-256 over whole blocks that lie
// before where they stopped: the scan that hashes (on avx2-sha and
// avx512-sha), and the compact kernel that hashes (on avx512-sha).
func TestFusedGuardPage(t *testing.T) {
	if !haveDigest {
		t.Skip("no kernels that hash as they go on this path")
	}
	page := syscall.Getpagesize()
	hashed := func(p []byte) [8]uint32 {
		var d bodyDigest
		d.Reset()
		d.Write(p)
		return d.h
	}
	src, dst := guardedPage(t), guardedPage(t)
	const line = "word word.\r\n"
	most := [2]int{} // the most each kernel hashed: the test must reach the hashing
	for size := 1; size <= 400; size++ {
		p := src[page-size:]
		for k := range p {
			p[k] = line[k%len(line)]
		}
		for i := 1; i <= size; i += 5 {
			var d bodyDigest
			d.Reset()
			j, found, nh := hashScan(&d.h, p, i, 0)
			if j < i || j > len(p) || nh%64 != 0 || nh > j || found && p[j] > ' ' {
				t.Fatalf("size %d from %d: j %d found %v hashed %d", size, i, j, found, nh)
			}
			most[0] = max(most[0], nh)
			if d.h != hashed(p[:nh]) {
				t.Fatalf("size %d from %d: the state is not SHA-256 of the %d bytes hashed", size, i, nh)
			}
		}
	}
	for size := 640; haveFused && size <= 1000; size += 3 {
		p := src[page-size:]
		for k := range p {
			p[k] = (line + "with  space \t\r\n")[k%27]
		}
		for _, room := range []int{compactRoom, size / 2, size, size + 64} {
			out := dst[page-room:]
			var d bodyDigest
			d.Reset()
			ns, nd, nh := compactRelaxedHashed(&d.h, out, 0, 0, p)
			if ns < 1 || ns > len(p) || nd < 1 || nd > len(out) || nh%64 != 0 || nh > nd {
				t.Fatalf("size %d room %d: consumed %d filled %d hashed %d", size, room, ns, nd, nh)
			}
			most[1] = max(most[1], nh)
			if d.h != hashed(out[:nh]) {
				t.Fatalf("size %d room %d: the state is not SHA-256 of the %d bytes hashed", size, room, nh)
			}
		}
	}
	if most[0] < 256 || haveFused && most[1] < 128 {
		t.Fatalf("the kernels hashed at most %v bytes: the test does not reach the hashing", most)
	}
}

// guardedPage returns a page of memory followed by one that may not be
// touched: a slice that ends where the page does crashes the test when
// anything reads or writes one byte past it.
func guardedPage(t *testing.T) []byte {
	page := syscall.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, 2*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skipf("mmap: %v", err)
	}
	t.Cleanup(func() { syscall.Munmap(mem) })
	if err := syscall.Mprotect(mem[page:], syscall.PROT_NONE); err != nil {
		t.Skipf("mprotect: %v", err)
	}
	return mem[:page:page]
}
