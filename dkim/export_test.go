package dkim

import (
	"crypto/sha256"
	"io"
	"strings"
	"testing"

	"github.com/domainauth/domainauth/internal/dkimbridge"
)

// NewBodyCanonicalizer exposes the body canonicalizer to the external tests.
func NewBodyCanonicalizer(w io.Writer, c Canonicalization, limit int64) io.WriteCloser {
	return newBodyCanonicalizer(w, c, limit)
}

// BodyHash canonicalizes the body in, written in pieces cut at cuts, into
// the body hash Sign and Verify use (newBodyHash), and returns the hash
// and the canonical length the canonicalizer counted.
func BodyHash(c Canonicalization, limit int64, in string, cuts ...int) ([]byte, int64) {
	h := newBodyHash()
	w := newBodyCanonicalizer(h, c, limit)
	WriteInPieces(w, in, cuts...)
	w.Close()
	return h.Sum(nil), w.total
}

// WriteInPieces writes in to w in pieces cut at the offsets cuts, which
// are in order.
func WriteInPieces(w io.Writer, in string, cuts ...int) {
	prev := 0
	for _, k := range cuts {
		w.Write([]byte(in[prev:k]))
		prev = k
	}
	w.Write([]byte(in[prev:]))
}

// SumBody is BodyHash for a body in one piece, without a limit, for
// benchmarks.
func SumBody(c Canonicalization, body []byte) []byte {
	h := newBodyHash()
	w := newBodyCanonicalizer(h, c, -1)
	w.Write(body)
	w.Close()
	return h.Sum(nil)
}

// HeaderDigest computes the SHA-256 header hash of the i-th DKIM-Signature
// field of msg (RFC 6376 section 3.7), for reproducing published signatures.
func HeaderDigest(msg string, i int) ([]byte, *Signature, error) {
	h := headerParser{maxBytes: DefaultMaxHeaderBytes, maxFields: DefaultMaxHeaderFields}
	h.write([]byte(msg))
	fields, err := h.fields()
	if err != nil {
		return nil, nil, err
	}
	for _, f := range fields {
		if !strings.EqualFold(f.name, FieldName) {
			continue
		}
		if i > 0 {
			i--
			continue
		}
		sig, err := ParseSignature(dkimbridge.FieldValue(f.raw))
		if err != nil {
			return nil, nil, err
		}
		stripped, err := stripSignatureValue(dkimbridge.TrimEOL(f.raw))
		if err != nil {
			return nil, nil, err
		}
		hh := sha256.New()
		hashHeaders(hh, nil, fields, sig.Headers, stripped, sig.HeaderCanonicalization)
		return hh.Sum(nil), sig, nil
	}
	return nil, nil, io.EOF
}

// usePath turns on the hooks of path p (pathHooks) and returns what
// restores the ones in use before.
func usePath(p int) (restore func()) {
	saved := hooks{haveScan, haveDigest, haveCompact, haveFused, haveWide}
	h := pathHooks[p]
	haveScan, haveDigest, haveCompact, haveFused, haveWide = h.scan, h.digest, h.compact, h.fused, h.wide
	return func() {
		haveScan, haveDigest, haveCompact, haveFused, haveWide = saved.scan, saved.digest, saved.compact, saved.fused, saved.wide
	}
}

// A Kernel is one of the code paths of the body canonicalizer.
type Kernel struct {
	Name string
	Use  func() (restore func()) // nil where the CPU or the build cannot run it
	Ref  bool                    // the path runs the Go references of its kernels (no assembly in this build)
}

// EachKernel runs f once with each code path of the body canonicalizer, as
// a subtest named after it. The paths this CPU or build cannot run are
// subtests too, skipped with a message, so that the test output says
// which paths were not checked here.
func EachKernel(t *testing.T, f func(t *testing.T)) {
	for _, k := range Kernels() {
		t.Run(k.Name, func(t *testing.T) {
			if k.Use == nil {
				t.Skipf("path %s: this CPU (%s at most) or build cannot run it", k.Name, pathNames[cpuPath()])
			}
			defer k.Use()()
			f(t)
		})
	}
}

// EachKernelB is EachKernel for benchmarks.
func EachKernelB(b *testing.B, f func(b *testing.B)) {
	for _, k := range Kernels() {
		b.Run(k.Name, func(b *testing.B) {
			if k.Use == nil {
				b.Skipf("path %s: this CPU (%s at most) or build cannot run it", k.Name, pathNames[cpuPath()])
			}
			if k.Ref {
				b.Skipf("path %s: this build has no assembly; the Go references of its kernels are no path to measure", k.Name)
			}
			defer k.Use()()
			f(b)
		})
	}
}

// CompactRelaxed exposes the compact kernel's wrapper: it reports
// ok=false where the path in use has none.
func CompactRelaxed(out, p []byte) (consumed, filled int, ok bool) {
	if !haveCompact {
		return 0, 0, false
	}
	consumed, filled = compactRelaxed(out, 0, p)
	return consumed, filled, true
}
