package dkim

// CodePathEnv names the environment variable that chooses the code path of
// the body canonicalizer, read once when the program starts (the package
// is initialized). Its values, fastest first:
//
//   - "avx512-sha": the AVX-512 (VBMI2) kernels canonicalize inside our
//     own SHA-256 loop, which uses the SHA extensions (amd64);
//   - "avx512": the AVX-512 kernel canonicalizes, crypto/sha256 hashes;
//   - "avx2-sha": AVX2 kernels canonicalize inside our own SHA-256
//     loop, which uses the SHA extensions (amd64 without AVX-512: AMD
//     Zen 2 and 3, Intel Ice Lake client and later);
//   - "avx2": AVX2 scans find the spans that need no change, an AVX2
//     kernel canonicalizes the others, crypto/sha256 hashes;
//   - "generic": plain Go, eight bytes at a time, and crypto/sha256: what
//     every other architecture and the purego build tag run.
//
// Unset, empty or "auto" means the fastest path the CPU has; so does a
// value not in this list. A path the CPU cannot run is lowered to the
// fastest it can run below it (avx512 does not need the SHA extensions:
// on a CPU with AVX-512 but without them, avx2-sha is lowered to avx2).
// [CodePath] says which path is in use. All paths give the same bytes and
// the same hashes; the variable is for measuring and testing the paths
// other CPUs take, on one machine:
//
//	DOMAINAUTH_DKIM_PATH=avx2 go test ./dkim
//
// The avx512 and avx2 paths run on CPUs without the SHA extensions, where
// crypto/sha256 is slower too. To measure them on a CPU that has the
// extensions as those CPUs run, turn them off in the standard library as
// well (the path's own choice does not read GODEBUG):
//
//	GODEBUG=cpu.sha=off DOMAINAUTH_DKIM_PATH=avx2 go test -bench FloorRatio ./dkim
const CodePathEnv = "DOMAINAUTH_DKIM_PATH"

// The code paths, slowest first. They are named by role; pathNames (the
// one place in the portable code that names instruction sets) says what
// each is on amd64, and the kernels are in scan_amd64.s. pathHooks says
// which hooks each turns on.
const (
	pathGeneric  = iota // plain Go: the word scans and crypto/sha256
	pathScan            // vector scans for the spans that need no change (haveScan), and a kernel that canonicalizes the spans that need changes (haveCompact), crypto/sha256
	pathHashScan        // and they hash as they go, into bodyDigest (haveDigest), and so does a kernel that canonicalizes the spans that need changes (haveFused)
	pathCompact         // pathScan with the wider kernels (haveWide)
	pathFused           // pathHashScan with the wider kernels
)

// pathNames are the names of CodePathEnv and CodePath, by path.
var pathNames = [...]string{pathGeneric: "generic", pathScan: "avx2", pathHashScan: "avx2-sha", pathCompact: "avx512", pathFused: "avx512-sha"}

// hooks are the switches of the portable code that a path turns on: the
// variables haveScan, haveDigest, haveCompact, haveFused and haveWide
// (see scan_amd64.go).
type hooks struct{ scan, digest, compact, fused, wide bool }

// pathHooks are the hooks of each path. pathCompact hashes with
// crypto/sha256, so that it does not need the SHA extensions: the paths
// form no strict ladder. The paths with the SHA extensions have a compact
// kernel that writes without hashing too, for output that is not the
// bodyDigest (a body length limit, or another hash).
var pathHooks = [...]hooks{
	pathGeneric:  {},
	pathScan:     {scan: true, compact: true},
	pathHashScan: {scan: true, digest: true, compact: true, fused: true},
	pathCompact:  {scan: true, compact: true, wide: true},
	pathFused:    {scan: true, digest: true, compact: true, fused: true, wide: true},
}

// choosePath returns the path to run given the value of CodePathEnv and
// the set of paths the CPU can run (bit p for path p): the one asked for,
// or the fastest the CPU can run below it; the fastest the CPU can run
// when none is asked for. The generic path is always there.
func choosePath(env string, paths uint) int {
	p := len(pathNames) - 1
	for q, name := range pathNames {
		if env == name {
			p = q
		}
	}
	for ; p > pathGeneric && paths&(1<<p) == 0; p-- {
	}
	return p
}

// CodePath returns the name of the body canonicalizer's code path in use
// (see CodePathEnv): "avx512-sha", "avx512", "avx2-sha", "avx2" or
// "generic".
func CodePath() string {
	in := hooks{haveScan, haveDigest, haveCompact, haveFused, haveWide}
	for p, h := range pathHooks {
		if h == in {
			return pathNames[p]
		}
	}
	return pathNames[pathGeneric]
}
