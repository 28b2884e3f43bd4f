package verify

import (
	"context"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/miekg/dns"

	"github.com/domainauth/domainauth/internal/dnserr"
	"github.com/domainauth/domainauth/internal/dnsname"
)

// Resolver is the DNS contract of domainauth (the root package's Resolver):
// a subset of [net.Resolver]'s method set, so net.DefaultResolver works, as
// do domainauth's StubResolver and FakeResolver.
//
// A name or record that does not exist must be a [*net.DNSError] with
// IsNotFound set; every other error is taken as a temporary failure, which
// makes a record's status Error and the domain's status Undetermined, never
// Missing or Failed.
type Resolver interface {
	LookupTXT(ctx context.Context, name string) ([]string, error)
	LookupMX(ctx context.Context, name string) ([]*net.MX, error)
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
	LookupAddr(ctx context.Context, addr string) ([]string, error)
	LookupCNAME(ctx context.Context, host string) (string, error)
}

// querier is the optional raw query of the root package's resolvers,
// [github.com/domainauth/domainauth.Querier]. When
// the Resolver also implements it (found by interface assertion), verify
// uses it for what the net.Resolver shape cannot show: records of the
// obsolete SPF type (99), the first hop of a CNAME chain, and a CNAME
// sitting at a name that must hold TXT or MX. Rcode is data; the error is
// only for a query that got no answer.
type querier interface {
	Query(ctx context.Context, name string, qtype uint16) (*dns.Msg, error)
}

// lookupKind names a resolver method in a cache key.
type lookupKind uint8

const (
	kindTXT lookupKind = iota
	kindMX
	kindNetIP
	kindAddr
	kindCNAME
	kindQuery
)

type cacheKey struct {
	kind  lookupKind
	name  string // canonical: lower case, no trailing dot
	arg   string // LookupNetIP network
	qtype uint16
}

// cacheEntry is one lookup, in flight until done is closed. The fields
// below done are written under the run's mutex before done is closed.
type cacheEntry struct {
	done     chan struct{}
	finished bool
	val      any
	err      error
	retry    bool      // the leader's context ended: not an answer, ask again
	owner    uint64    // the Set whose verification asked first
	expires  time.Time // for a temporary failure: when it may no longer be reused
}

// run is the DNS layer of one Verify or VerifyAll call: it applies the
// per-lookup timeout, counts the lookups, and (unless disabled) keeps the
// answers for the run so that the same question is asked once, concurrent
// identical questions collapsing into one.
//
// Answers, including "does not exist", are kept as long as the run; it is
// not an answer cache with TTLs and must not be kept across runs. A
// temporary failure is not an answer: it is shared by the lookups that
// were waiting for it, then reused only by the same Set's verification and
// for at most failTTL, so the next Set asks again.
type run struct {
	r       Resolver
	q       querier // nil when the resolver has no raw query
	timeout time.Duration
	cache   bool
	failTTL time.Duration    // how long a Set may reuse its own temporary failure
	now     func() time.Time // monotonic time for failTTL; time.Now

	mu      sync.Mutex
	entries map[cacheKey]*cacheEntry
	owners  atomic.Uint64 // the last Set number given out

	lookups atomic.Int64 // questions sent to the resolver
	hits    atomic.Int64 // questions answered by the cache or an in-flight lookup
}

// client is the view of a run that one Set's verification uses: its
// lookups are marked with the Set's number.
type client struct {
	*run
	owner uint64
	// created are the keys of the entries this client's lookups added to
	// the cache (written under the run's mutex), for release.
	created []cacheKey
}

func newRun(r Resolver, timeout time.Duration, cache bool, failTTL time.Duration) *run {
	rn := &run{r: r, timeout: timeout, cache: cache, failTTL: failTTL, now: time.Now}
	if q, ok := r.(querier); ok {
		rn.q = q
	}
	if cache {
		rn.entries = make(map[cacheKey]*cacheEntry)
	}
	return rn
}

// client returns a view of rn for the verification of one more Set.
func (rn *run) client() *client {
	return &client{run: rn, owner: rn.owners.Add(1)}
}

// reusable reports whether the finished entry e may answer c's lookup:
// always for an answer (records, or "does not exist"), and for a temporary
// failure only when c's Set asked it and it is younger than failTTL.
func (c *client) reusable(e *cacheEntry) bool {
	if e.err == nil || dnserr.IsNotFound(e.err) {
		return true
	}
	return e.owner == c.owner && c.now().Before(e.expires)
}

// lookup answers key with f, through the cache.
func lookup[T any](ctx context.Context, c *client, key cacheKey, f func(context.Context) (T, error)) (T, error) {
	var zero T
	g := func(ctx context.Context) (any, error) { return f(ctx) }
	if !c.cache {
		v, err := c.call(ctx, g)
		if err != nil {
			return zero, err
		}
		return v.(T), nil
	}
	for {
		c.mu.Lock()
		e, ok := c.entries[key]
		if ok && e.finished && !c.reusable(e) {
			ok = false // a temporary failure of another Set, or too old: ask again
		}
		if !ok {
			e = &cacheEntry{done: make(chan struct{}), owner: c.owner}
			c.entries[key] = e
			c.created = append(c.created, key)
			c.mu.Unlock()
			val, err := c.call(ctx, g)
			c.mu.Lock()
			e.val, e.err, e.finished = val, err, true
			switch {
			case err != nil && ctx.Err() != nil:
				// Our caller gave up (or its budget ran out): that says
				// nothing about the name, so nobody may reuse it.
				// (Only finished entries are ever replaced, so the map
				// still holds e.)
				e.retry = true
				delete(c.entries, key)
			case err != nil:
				e.expires = c.now().Add(c.failTTL)
			}
			c.mu.Unlock()
			close(e.done)
		} else {
			c.mu.Unlock()
			c.hits.Add(1)
			select {
			case <-e.done:
			case <-ctx.Done():
				return zero, dnserr.Temporary(key.name, ctx.Err())
			}
		}
		if e.retry && ctx.Err() == nil {
			c.hits.Add(-1)
			continue
		}
		if e.err != nil {
			return zero, e.err
		}
		return e.val.(T), nil
	}
}

// release drops from the cache the finished entries that the lookups of
// the clients cs added for names of zone: at or below it, and the
// authorizations of external DMARC reports about such a name
// (<name>._report._dmarc.<destination>). VerifyAll calls it once every
// Set of the zone is verified, so that the cache keeps what Sets share
// (includes, MX hosts, the _dmarc names above the zone) and not what only
// finished Sets needed: its size follows the Sets in progress, not the
// length of the run. A later Set that asks such a name again is answered
// by a new lookup, as a Set of another run would be.
func (rn *run) release(zone string, cs []*client) {
	if !rn.cache || zone == "" {
		return
	}
	rn.mu.Lock()
	defer rn.mu.Unlock()
	for _, c := range cs {
		for _, key := range c.created {
			name := key.name
			if p, _, ok := strings.Cut(name, "._report._dmarc."); ok {
				name = p
			}
			if e, ok := rn.entries[key]; ok && e.finished && dnsname.IsSubdomain(name, zone) {
				delete(rn.entries, key)
			}
		}
		c.created = nil
	}
}

// call runs one resolver method under the per-lookup timeout.
func (c *client) call(ctx context.Context, f func(context.Context) (any, error)) (any, error) {
	c.lookups.Add(1)
	if c.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	return f(ctx)
}

func (c *client) txt(ctx context.Context, name string) ([]string, error) {
	v, err := lookup(ctx, c, cacheKey{kind: kindTXT, name: canon(name)}, func(ctx context.Context) ([]string, error) {
		return c.r.LookupTXT(ctx, name)
	})
	return slices.Clone(v), err
}

func (c *client) mx(ctx context.Context, name string) ([]*net.MX, error) {
	v, err := lookup(ctx, c, cacheKey{kind: kindMX, name: canon(name)}, func(ctx context.Context) ([]*net.MX, error) {
		return c.r.LookupMX(ctx, name)
	})
	if v == nil {
		return nil, err
	}
	out := make([]*net.MX, len(v))
	for i, m := range v {
		cp := *m
		out[i] = &cp
	}
	return out, err
}

func (c *client) netIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	v, err := lookup(ctx, c, cacheKey{kind: kindNetIP, name: canon(host), arg: network}, func(ctx context.Context) ([]netip.Addr, error) {
		return c.r.LookupNetIP(ctx, network, host)
	})
	return slices.Clone(v), err
}

func (c *client) addr(ctx context.Context, addr string) ([]string, error) {
	v, err := lookup(ctx, c, cacheKey{kind: kindAddr, name: addr}, func(ctx context.Context) ([]string, error) {
		return c.r.LookupAddr(ctx, addr)
	})
	return slices.Clone(v), err
}

func (c *client) cname(ctx context.Context, host string) (string, error) {
	return lookup(ctx, c, cacheKey{kind: kindCNAME, name: canon(host)}, func(ctx context.Context) (string, error) {
		return c.r.LookupCNAME(ctx, host)
	})
}

// query is the raw query; callers check c.q != nil first. The message is
// a copy the caller may keep.
func (c *client) query(ctx context.Context, name string, qtype uint16) (*dns.Msg, error) {
	m, err := lookup(ctx, c, cacheKey{kind: kindQuery, name: canon(name), qtype: qtype}, func(ctx context.Context) (*dns.Msg, error) {
		return c.q.Query(ctx, dns.Fqdn(name), qtype)
	})
	if err != nil || m == nil {
		return nil, err
	}
	return m.Copy(), nil
}

// resolver returns c as a Resolver (and querier, when the underlying
// resolver is one) for the spf and dmarc packages, so that their lookups
// go through the run's cache and timeout too.
func (c *client) resolver() Resolver {
	if c.q != nil {
		return queryView{resolverView{c}}
	}
	return resolverView{c}
}

type resolverView struct{ c *client }

func (v resolverView) LookupTXT(ctx context.Context, name string) ([]string, error) {
	return v.c.txt(ctx, name)
}

func (v resolverView) LookupMX(ctx context.Context, name string) ([]*net.MX, error) {
	return v.c.mx(ctx, name)
}

func (v resolverView) LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error) {
	return v.c.netIP(ctx, network, host)
}

func (v resolverView) LookupAddr(ctx context.Context, addr string) ([]string, error) {
	return v.c.addr(ctx, addr)
}

func (v resolverView) LookupCNAME(ctx context.Context, host string) (string, error) {
	return v.c.cname(ctx, host)
}

type queryView struct{ resolverView }

func (v queryView) Query(ctx context.Context, name string, qtype uint16) (*dns.Msg, error) {
	return v.c.query(ctx, name, qtype)
}

// canon is the cache-key form of a name: lower case, no trailing dot.
func canon(name string) string {
	return dnsname.Canonical(name)
}
