//go:build !amd64 || purego

package dkim

// Kernels lists the scan paths this build can run: the word-at-a-time
// loop only.
func Kernels() []Kernel {
	return []Kernel{{"words", func() func() { return func() {} }}}
}
