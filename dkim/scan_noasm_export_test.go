//go:build !amd64 || purego

package dkim

// Kernels lists every code path of the body canonicalizer, as on amd64;
// this build can run the generic one only (Use is nil for the others).
func Kernels() []Kernel {
	return []Kernel{
		{"avx512-sha", nil},
		{"avx512", nil},
		{"avx2", nil},
		{"generic", func() func() { return func() {} }},
	}
}
