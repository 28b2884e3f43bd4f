package dmarc

import (
	"context"
	"net"
)

// Checker reads DMARC records, discovers policies and evaluates messages
// with one configuration. The zero value is ready to use: RFC 9989,
// net.DefaultResolver, pct sampling (RFC 7489 only) with math/rand/v2. A
// Checker is not changed by its methods and may be used concurrently.
//
// The package-level Parse, Lookup and Verify are the methods of a zero
// Checker (with the given Resolver).
type Checker struct {
	// Resolver answers the DNS queries of Lookup and Verify; nil means
	// net.DefaultResolver. A Resolver that also has the Query method of
	// domainauth.Querier (the root package's resolvers do) lets Lookup
	// apply np (RFC 9989).
	Resolver Resolver

	// Mode is the specification followed: RFC9989 (the zero value) or
	// RFC7489. The package doc lists where they differ.
	Mode Mode

	// Rand is the randomness for pct sampling (RFC 7489 mode only); nil
	// means the top-level functions of math/rand/v2. A Checker used by
	// several goroutines needs a Rand that is safe for concurrent use
	// (a *math/rand/v2.Rand is not).
	Rand Rand

	// IgnorePercent makes Evaluate and Verify ignore pct in RFC 7489
	// mode: a failing message always gets the policy. (RFC 9989 has no
	// pct.)
	IgnorePercent bool
}

// resolver returns c.Resolver, or net.DefaultResolver when it is nil.
func (c *Checker) resolver() Resolver {
	if c.Resolver == nil {
		return net.DefaultResolver
	}
	return c.Resolver
}

// Parse parses the text of a DMARC record as a receiver following c.Mode
// reads it; see the package-level Parse, which is Parse in RFC 9989 mode.
func (c *Checker) Parse(txt string) (*Record, error) {
	r, err := parse(txt, c.Mode)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Lookup is Checker.Lookup with c.Resolver set to r and the other fields
// zero: RFC 9989 policy discovery.
func Lookup(ctx context.Context, r Resolver, fromDomain string) (*LookupResult, error) {
	c := Checker{Resolver: r}
	return c.Lookup(ctx, fromDomain)
}

// Verify is Checker.Verify with c.Resolver set to r and the other fields
// zero: RFC 9989 policy discovery and evaluation.
func Verify(ctx context.Context, r Resolver, in Input) Result {
	c := Checker{Resolver: r}
	return c.Verify(ctx, in)
}
