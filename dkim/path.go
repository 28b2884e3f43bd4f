package dkim

// CodePathEnv names the environment variable that chooses the code path of
// the body canonicalizer, read once when the program starts (the package
// is initialized). Its values, fastest first:
//
//   - "avx512-sha": the AVX-512 (VBMI2) kernels canonicalize inside our
//     own SHA-256 loop, which uses the SHA extensions (amd64);
//   - "avx512": the AVX-512 kernel canonicalizes, crypto/sha256 hashes;
//   - "avx2": AVX2 scans find the spans that need no change;
//   - "generic": plain Go, eight bytes at a time, and crypto/sha256: what
//     every other architecture and the purego build tag run.
//
// Unset, empty or "auto" means the fastest path the CPU has; so does a
// value not in this list. A path the CPU cannot run is lowered to the
// fastest it can run below it. [CodePath] says which path is in use. All
// paths give the same bytes and the same hashes; the variable is for
// measuring and testing the paths other CPUs take, on one machine:
//
//	DOMAINAUTH_DKIM_PATH=avx2 go test ./dkim
const CodePathEnv = "DOMAINAUTH_DKIM_PATH"

// The code paths, slowest first; each needs what the ones before it need.
// They are named by role; pathNames (the one place in the portable code
// that names instruction sets) says what each is on amd64, and the
// kernels are in scan_amd64.s.
const (
	pathGeneric = iota // plain Go: the word scans and crypto/sha256
	pathScan           // vector scans for the spans that need no change (haveScan)
	pathCompact        // and a kernel that canonicalizes spans that do (haveCompact)
	pathFused          // and those kernels hash as they go, into bodyDigest (haveFused)
)

// pathNames are the names of CodePathEnv and CodePath, by path.
var pathNames = [...]string{pathGeneric: "generic", pathScan: "avx2", pathCompact: "avx512", pathFused: "avx512-sha"}

// choosePath returns the path to run given the value of CodePathEnv and
// the fastest path the CPU has: the one asked for, lowered to cpu.
func choosePath(env string, cpu int) int {
	for p, name := range pathNames {
		if env == name {
			return min(p, cpu)
		}
	}
	return cpu
}

// CodePath returns the name of the body canonicalizer's code path in use
// (see CodePathEnv): "avx512-sha", "avx512", "avx2" or "generic".
func CodePath() string {
	switch {
	case haveFused:
		return pathNames[pathFused]
	case haveCompact:
		return pathNames[pathCompact]
	case haveScan:
		return pathNames[pathScan]
	}
	return pathNames[pathGeneric]
}
