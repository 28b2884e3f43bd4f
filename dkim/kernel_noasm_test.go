//go:build !amd64 || purego

package dkim

// asmKernels is empty where there is no assembly: the differential tests
// of kernel_test.go have nothing to compare, and the references are held
// to the RFC and crypto/sha256 by the other tests.
func asmKernels() []asmKernel { return nil }
