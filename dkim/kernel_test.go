package dkim

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
)

// An asmKernel is one assembly kernel (see asmKernels) with the Go
// reference it must match: one of the functions is set.
type asmKernel struct {
	name    string
	missing string // why this CPU cannot run it; "" when it can

	candidate     func(p []byte, i int) (int, bool)
	lf            func(p []byte, i int) (int, bool)
	compact       func(dst []byte, o int, src []byte) (int, int)
	compactHash   func(h *[8]uint32, dst []byte, o, hp int, src []byte) (int, int, int)
	candidateHash func(h *[8]uint32, p []byte, i, hp int) (int, bool, int)
	blocks        func(h *[8]uint32, p []byte)
	masks         func(p []byte, i int, masks []uint64)
}

// diff runs the kernel and its Go reference on the same input and returns
// what differs, or "". The input is p (the source) with a start i (for
// the scans), a start hp for the hashing, and room bytes of output for the
// compact kernels, whose output must match up to where they say they
// wrote (the bytes after it are scratch, stored a block at a time).
func (k asmKernel) diff(p []byte, i, hp, room int) string {
	i = max(i, 1) // the kernels read p[i-1]
	switch {
	case k.candidate != nil:
		j, f := k.candidate(p, i)
		wj, wf := candidateGeneric(p, i)
		if j != wj || f != wf {
			return fmt.Sprintf("from %d: %d, %v; reference %d, %v", i, j, f, wj, wf)
		}
	case k.lf != nil:
		j, f := k.lf(p, i)
		wj, wf := lfGeneric(p, i)
		if j != wj || f != wf {
			return fmt.Sprintf("from %d: %d, %v; reference %d, %v", i, j, f, wj, wf)
		}
	case k.candidateHash != nil:
		hp = min(hp, i)
		h, wh := sha256Init, sha256Init
		j, f, nh := k.candidateHash(&h, p, i, hp)
		wj, wf, wnh := candidateHashGeneric(&wh, p, i, hp)
		if j != wj || f != wf || nh != wnh || h != wh {
			return fmt.Sprintf("from %d hashing from %d: %d, %v, hashed to %d, state %x; reference %d, %v, %d, %x", i, hp, j, f, nh, h, wj, wf, wnh, wh)
		}
	case k.compact != nil, k.compactHash != nil:
		if len(p) == 0 {
			return ""
		}
		o := i % 64
		dst, want := make([]byte, o+room), make([]byte, o+room)
		var ns, nd, nh, wns, wnd, wnh int
		h, wh := sha256Init, sha256Init
		if k.compact != nil {
			ns, nd = k.compact(dst, o, p)
			wns, wnd = compactGeneric(want, o, p)
		} else {
			hp = min(hp, o)
			ns, nd, nh = k.compactHash(&h, dst, o, hp, p)
			wns, wnd, wnh = compactHashGeneric(&wh, want, o, hp, p)
		}
		if ns != wns || nd != wnd || nh != wnh || h != wh || !bytes.Equal(dst[:nd], want[:wnd]) {
			return fmt.Sprintf("at %d with %d of room, hashing from %d: read %d, wrote %d, hashed %d, state %x, output %q; reference %d, %d, %d, %x, %q",
				o, room, hp, ns, nd, nh, h, dst[o:nd], wns, wnd, wnh, wh, want[o:wnd])
		}
	case k.masks != nil:
		// As many masks as p holds from i (it needs p[i-1] and the two
		// bytes after the last one), and fewer when hp says so.
		if i > len(p) {
			return ""
		}
		n := max(0, (len(p)-2-i)/64)
		n -= min(n, hp%3)
		got, want := make([]uint64, n), make([]uint64, n)
		k.masks(p, i, got)
		candidateMasksGeneric(p, i, want)
		for w := range got {
			if got[w] != want[w] {
				return fmt.Sprintf("from %d, mask %d of %d: %064b; reference %064b", i, w, n, got[w], want[w])
			}
		}
	case k.blocks != nil:
		h, wh := sha256Init, sha256Init
		h[0] ^= uint32(i) // any state, not only the initial one
		wh[0] ^= uint32(i)
		k.blocks(&h, p)
		hashBlocksGeneric(&wh, p)
		if h != wh {
			return fmt.Sprintf("%d bytes: state %x; reference %x", len(p), h, wh)
		}
	}
	return ""
}

// kernelInput returns random text of n bytes from the bytes the kernels
// look at (white space, line ends, bytes around 0x20, high bytes), dense
// or sparse in them.
func kernelInput(rng *rand.Rand, n int) []byte {
	const special = "  \t\r\n\r\n\x00\x1f\x20\x21\x7f\x80\xff"
	dense := rng.IntN(4)
	p := make([]byte, n)
	for k := range p {
		switch {
		case rng.IntN(1+dense*8) == 0:
			p[k] = special[rng.IntN(len(special))]
		case rng.IntN(50) == 0:
			p[k] = "\r\n\r\n \r\n"[rng.IntN(7)]
		default:
			p[k] = 'a' + byte(rng.IntN(26))
		}
	}
	return p
}

// TestKernelsMatchReference holds each assembly kernel this CPU can run
// to its Go reference, byte for byte, results and hash state included, on
// random input of every length around the block sizes, from every start;
// a kernel the CPU cannot run is a skipped subtest that says why.
func TestKernelsMatchReference(t *testing.T) {
	ks := asmKernels()
	if len(ks) == 0 {
		t.Skip("no assembly in this build: the Go references are what runs")
	}
	for _, k := range ks {
		t.Run(k.name, func(t *testing.T) {
			if k.missing != "" {
				t.Skip(k.missing)
			}
			rng := rand.New(rand.NewPCG(64, uint64(len(k.name))))
			// Every length up to a few blocks past the kernels' bounds
			// (34, 33, 66, 65 and 192 bytes), from every start, so that
			// each bound is met exactly; then longer inputs.
			for n := range 400 {
				p := kernelInput(rng, n)
				for i := 0; i <= n; i++ {
					if d := k.diff(p, i, rng.IntN(i+1), 192+rng.IntN(2*n+64)); d != "" {
						t.Fatalf("%q\n%s", p, d)
					}
				}
			}
			rounds := 300
			if testing.Short() {
				rounds = 60
			}
			for range rounds {
				p := kernelInput(rng, 400+rng.IntN(3000))
				for range 8 {
					i := rng.IntN(len(p) + 1)
					if d := k.diff(p, i, rng.IntN(i+1), 192+rng.IntN(2*len(p)+64)); d != "" {
						t.Fatalf("%q\n%s", p, d)
					}
				}
			}
		})
	}
}

// FuzzKernels holds every assembly kernel this CPU can run to its Go
// reference on the fuzzer's input, and the references to what they must
// compute: the compact reference to the byte-wise canonicalizer (through
// compactRelaxed's take-back) and the SHA-256 one to crypto/sha256.
func FuzzKernels(f *testing.F) {
	f.Add([]byte("word  word\t \r\nword \nx\r\n\r\n  \r"), uint16(1), uint16(0), uint16(300))
	f.Add(bytes.Repeat([]byte("lorem ipsum dolor\r\n"), 40), uint16(5), uint16(0), uint16(2000))
	f.Add(bytes.Repeat([]byte("a  \n"), 100), uint16(64), uint16(1), uint16(192))
	f.Fuzz(func(t *testing.T, p []byte, i, hp, room uint16) {
		start := int(i) % (len(p) + 1)
		for _, k := range asmKernels() {
			if k.missing != "" {
				continue
			}
			if d := k.diff(p, start, int(hp)%(start+1), 192+int(room)%4096); d != "" {
				t.Fatalf("%s on %q\n%s", k.name, p, d)
			}
		}
		checkCompactReference(t, p)
		checkHashReference(t, p)
		checkSpans(t, p)
	})
}

// checkSpans runs relaxedSpans on p (from content) with each scan, the
// vector one (or its reference) and the word one, and checks what it
// wrote against the byte-wise canonicalizer (slowWrite) fed what it
// consumed and then content: all it wrote must be final. It may stop
// after a line end or a space it wrote only where content follows in p,
// since Write goes on with what follows as content.
func checkSpans(t *testing.T, p []byte) {
	if len(p) == 0 || !isContent(p[0]) {
		return
	}
	defer usePath(pathGeneric)()
	scans := []bool{false}
	if canScan() {
		scans = append(scans, true)
	}
	for _, scan := range scans {
		haveScan = scan
		checkSpansWith(t, p, fmt.Sprintf("relaxedSpans (vector scan %v)", scan), (*bodyCanonicalizer).relaxedSpans)
	}
	haveScan = false
	checkSpansWith(t, p, "wordSpans", (*bodyCanonicalizer).wordSpans)
}

// checkSpansWith is checkSpans for one of relaxedSpans and wordSpans.
func checkSpansWith(t *testing.T, p []byte, name string, spans func(*bodyCanonicalizer, []byte) int) {
	t.Helper()
	var got bytes.Buffer
	b := newBodyCanonicalizer(&got, Relaxed, -1)
	k := spans(b, p)
	b.flush()
	if k > 0 && !isContent(p[k-1]) && (k == len(p) || !isContent(p[k])) {
		t.Fatalf("%s on %q stopped at %d, between %q and no content", name, p, k, p[k-1])
	}
	var want bytes.Buffer
	r := newBodyCanonicalizer(&want, Relaxed, -1)
	r.slowWrite(p[:k])
	r.slowWrite([]byte("x"))
	r.Close()
	got.WriteString("x\r\n")
	if got.String() != want.String() {
		t.Fatalf("%s on %q, consumed %d:\n got %q\nwant %q", name, p, k, got.String(), want.String())
	}
}

// canScan reports whether this CPU and build can turn haveScan on (the
// avx2 path of Kernels).
func canScan() bool {
	for _, k := range Kernels() {
		if k.Name == "avx2" {
			return k.Use != nil
		}
	}
	return false
}

// TestRelaxedSpans holds relaxedSpans to the byte-wise canonicalizer on
// random input and on text with edits on every line, and checks that it
// goes through such text to its last bytes (it stops only at what it
// does not handle).
func TestRelaxedSpans(t *testing.T) {
	rng := rand.New(rand.NewPCG(6376, 344))
	for range 2000 {
		p := kernelInput(rng, 1+rng.IntN(1200))
		p[0] = 'w'
		checkSpans(t, p)
	}
	text := []byte("Word  word\tword \r\n  indented\t \nbare LF\r\n\r\n \r\nafter blank\x0c ctl  \r\n")
	for n := 1; n <= 40; n++ {
		p := bytes.Repeat(text, n)
		checkSpans(t, p)
		for _, scan := range []bool{false, true} {
			saved := haveScan
			haveScan = scan && canScan()
			b := newBodyCanonicalizer(io.Discard, Relaxed, -1)
			k := b.relaxedSpans(p)
			haveScan = saved
			// It may stop before the last line end (the end of p) and
			// the masks need two bytes past the last block.
			if len(p)-k > 66+len(text) {
				t.Fatalf("relaxedSpans (vector scan %v) stopped at %d of %d", scan, k, len(p))
			}
		}
	}
}

// checkCompactReference runs the compact reference as compactRelaxed runs
// its kernel and checks what it wrote against the body canonicalizer on
// the generic path, fed what it consumed.
func checkCompactReference(t *testing.T, p []byte) {
	if len(p) < compactMin || !isContent(p[0]) {
		return
	}
	out := make([]byte, len(p)*2+compactRoom)
	out[0] = p[0]
	ns, nd := compactGeneric(out, 1, p)
	ns, nd = takeBack(p, ns, out, 0, nd)
	var want bytes.Buffer
	b := newBodyCanonicalizer(&want, Relaxed, -1)
	defer usePath(pathGeneric)()
	b.Write(p[:ns])
	b.Close()
	// p[:ns] ends with content: its canonical form is the output and the
	// CRLF that ends the last line.
	if got := string(out[:nd]) + "\r\n"; got != want.String() {
		t.Fatalf("compact reference on %q, consumed %d:\n got %q\nwant %q", p, ns, got, want.String())
	}
}

// checkHashReference checks hashBlocksGeneric against crypto/sha256 on p,
// padded as FIPS 180-4 section 5.1.1 says.
func checkHashReference(t *testing.T, p []byte) {
	msg := append(bytes.Clone(p), 0x80)
	for len(msg)%64 != 56 {
		msg = append(msg, 0)
	}
	msg = binary.BigEndian.AppendUint64(msg, uint64(len(p))*8)
	h := sha256Init
	hashBlocksGeneric(&h, msg)
	var got []byte
	for _, v := range h {
		got = binary.BigEndian.AppendUint32(got, v)
	}
	if want := sha256.Sum256(p); !bytes.Equal(got, want[:]) {
		t.Fatalf("hashBlocksGeneric on %d bytes: %x, want %x", len(p), got, want)
	}
}

// TestKernelReferences checks the Go references on every architecture:
// the SHA-256 one against crypto/sha256 at every length around the
// padding, the compact one against the byte-wise canonicalizer.
func TestKernelReferences(t *testing.T) {
	rng := rand.New(rand.NewPCG(6376, 180))
	for n := range 300 {
		checkHashReference(t, kernelInput(rng, n))
	}
	for range 300 {
		p := kernelInput(rng, compactMin+rng.IntN(1500))
		p[0] = 'w'
		checkCompactReference(t, p)
		checkSpans(t, p)
	}
}

// TestKernelReferenceBounds pins the references to the bounds scan_amd64.s
// documents for each kernel, on input with nothing for them to stop at:
// a scan goes on by whole blocks while the block and the bytes it looks at
// after it are within p (two for the candidate scans, one for the LF
// scan); the compact kernels while src has 65 bytes from the block and
// dst 192 from the output, and the hashing one hashes a block once the
// output is hashLag bytes past it. The differential tests hold the
// assembly to the references; this holds the references to the contract,
// on every architecture.
func TestKernelReferenceBounds(t *testing.T) {
	content := bytes.Repeat([]byte("a"), 700)
	stopsAt := func(i, n, need, step int) int { // the first block start past the bound
		for i <= n-need {
			i += step
		}
		return i
	}
	for n := 0; n <= len(content); n++ {
		p := content[:n]
		for i := 1; i <= n; i++ {
			if j, found := candidateGeneric(p, i); found || j != stopsAt(i, n, 34, 32) {
				t.Fatalf("candidateGeneric(%d bytes, %d) = %d, %v; want %d, false", n, i, j, found, stopsAt(i, n, 34, 32))
			}
			if j, found := lfGeneric(p, i); found || j != stopsAt(i, n, 33, 32) {
				t.Fatalf("lfGeneric(%d bytes, %d) = %d, %v; want %d, false", n, i, j, found, stopsAt(i, n, 33, 32))
			}
			h := sha256Init
			j, found, nh := candidateHashGeneric(&h, p, i, i)
			want := sha256Init
			hashBlocksGeneric(&want, p[i:nh])
			if found || j != stopsAt(i, n, 66, 64) || nh != j || h != want {
				t.Fatalf("candidateHashGeneric(%d bytes, %d) = %d, %v, hashed to %d; want %d, false, all of it", n, i, j, found, nh, stopsAt(i, n, 66, 64))
			}
		}
		if n == 0 {
			continue
		}
		for _, room := range []int{192, 193, 255, 256, 400, 2000} {
			const o = 3
			dst := make([]byte, o+room)
			s, d := compactGeneric(dst, o, p)
			// One output byte per input byte: the output bound counts in
			// blocks as the input does.
			blocks := 0
			for 1+64*blocks <= n-65 && o+64*blocks <= len(dst)-192 {
				blocks++
			}
			if s != 1+64*blocks || d != o+64*blocks || !bytes.Equal(dst[o:d], p[1:s]) {
				t.Fatalf("compactGeneric(%d bytes, room %d) read to %d, wrote to %d; want %d blocks", n, room, s, d, blocks)
			}
			h := sha256Init
			hs, hd, nh := compactHashGeneric(&h, dst, o, o, p)
			hashed := o + 64*max(0, blocks-hashLag/64+1)
			want := sha256Init
			hashBlocksGeneric(&want, dst[o:nh])
			if hs != s || hd != d || nh != hashed || h != want {
				t.Fatalf("compactHashGeneric(%d bytes, room %d) = %d, %d, hashed to %d; want %d, %d, %d", n, room, hs, hd, nh, s, d, hashed)
			}
		}
	}
}
