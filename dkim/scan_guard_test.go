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
	page := syscall.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, 2*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skipf("mmap: %v", err)
	}
	defer syscall.Munmap(mem)
	if err := syscall.Mprotect(mem[page:], syscall.PROT_NONE); err != nil {
		t.Skipf("mprotect: %v", err)
	}
	for size := 0; size <= 300; size++ {
		p := mem[page-size : page : page]
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

// TestCompactRelaxedGuardPage runs the AVX-512 kernel with its input and
// its output each ending at a page that may not be touched: the kernel
// loads a byte before and after each block and stores whole blocks, and
// must keep all of that within the slices.
func TestCompactRelaxedGuardPage(t *testing.T) {
	if !haveAVX512 {
		t.Skip("no AVX-512 kernel on this CPU")
	}
	page := syscall.Getpagesize()
	guarded := func() []byte {
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
	src, dst := guarded(), guarded()
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
			consumed, filled := compactRelaxed(out, p)
			if consumed < 1 || consumed > len(p) || filled < 1 || filled > len(out) || filled > consumed {
				t.Fatalf("size %d room %d: consumed %d filled %d", size, room, consumed, filled)
			}
			if !isContent(p[consumed-1]) || !isContent(out[filled-1]) {
				t.Fatalf("size %d room %d: stopped after %q, wrote %q last", size, room, p[consumed-1], out[filled-1])
			}
		}
	}
}
