//go:build !amd64 || purego

package dkim

// Kernels lists every code path of the body canonicalizer, as on amd64.
// This build has no assembly: the paths other than generic run the Go
// references of the kernels (kernel_generic.go) in their place, so that
// every canonicalization test holds the references to the RFC here too
// (Ref is set: they are no paths to measure).
func Kernels() []Kernel {
	kernel := func(p int) Kernel {
		return Kernel{Name: pathNames[p], Use: func() func() { return usePath(p) }, Ref: p != pathGeneric}
	}
	return []Kernel{kernel(pathFused), kernel(pathCompact), kernel(pathHashScan), kernel(pathScan), kernel(pathGeneric)}
}
