package dkim

import "io"

// NewBodyCanonicalizer exposes the body canonicalizer to the external tests.
func NewBodyCanonicalizer(w io.Writer, c Canonicalization, limit int64) io.WriteCloser {
	return newBodyCanonicalizer(w, c, limit)
}
