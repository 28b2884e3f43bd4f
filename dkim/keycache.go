package dkim

import (
	"context"
	"crypto"
	"net"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/domainauth/domainauth/internal/dnschain"
	"github.com/domainauth/domainauth/internal/dnserr"
	"github.com/domainauth/domainauth/internal/dnstxt"
)

// Defaults of a KeyCache.
const (
	// DefaultKeyCacheTTL is how long a KeyCache keeps a key record when
	// the resolver gives no DNS TTL (it has only LookupTXT, like
	// *net.Resolver) and the TTL field is 0. One minute is shorter than
	// the TTL of nearly every published key record (commonly 300 to 3600
	// seconds), so a rotated or revoked key is seen within a minute.
	DefaultKeyCacheTTL = time.Minute
	// DefaultKeyCacheMaxTTL bounds the DNS TTL a KeyCache honours when
	// MaxTTL is 0: a record published with a TTL of a day is still looked
	// up again every hour.
	DefaultKeyCacheMaxTTL = time.Hour
	// DefaultKeyCacheNegativeTTL is the longest a KeyCache remembers that
	// a key does not exist (NXDOMAIN or NODATA) when NegativeTTL is 0, and
	// how long when the answer carries no SOA record to say.
	DefaultKeyCacheNegativeTTL = 30 * time.Second
	// DefaultKeyCacheEntries bounds a KeyCache whose MaxEntries is 0.
	DefaultKeyCacheEntries = 1000
)

// KeyCache keeps the key records that Verify fetched and parsed, so that
// the verifications sharing it do not look up and parse the same key for
// every message. A KeyCache is used only when it is set as
// Verifier.KeyCache; a Verifier whose KeyCache is nil (the default) caches
// nothing and looks every key up for every message, which is how caching
// is turned off.
//
// How long an answer is kept depends on the resolver. When it also has
// the raw Query method of domainauth.Querier (as domainauth's
// *StubResolver and *FakeResolver do), the key is kept for the DNS TTL of
// the answer (the smallest TTL of the TXT records and of the CNAMEs that
// led to them), raised to MinTTL and cut to MaxTTL; a key that does not
// exist (NXDOMAIN or NODATA) is remembered too, for the negative TTL of
// the answer's SOA record (RFC 2308: the smaller of its TTL and MINIMUM)
// cut to NegativeTTL, or for NegativeTTL when there is no SOA. When the
// resolver has only LookupTXT (*net.Resolver), which gives no TTL, a key
// is kept for the fixed TTL and a missing key is not remembered.
//
// Temporary failures and key records that do not parse are never kept. At
// most MaxEntries answers are kept at a time. The zero value is ready to
// use; a KeyCache is safe for concurrent use and must not be copied after
// first use.
//
// The Key of a Result that came from the cache is shared with other
// Results: do not modify it.
type KeyCache struct {
	// TTL is how long a key is kept when the resolver gives no DNS TTL
	// (only LookupTXT); 0 or less means DefaultKeyCacheTTL. It should be
	// no longer than the TTL of the records looked up.
	TTL time.Duration
	// MinTTL raises a shorter DNS TTL to it, so that a record published
	// with a TTL of a few seconds is not looked up for every message. 0,
	// the default, honours the TTL as published: a TTL of 0 is not kept.
	MinTTL time.Duration
	// MaxTTL cuts a longer DNS TTL to it; 0 or less means
	// DefaultKeyCacheMaxTTL.
	MaxTTL time.Duration
	// NegativeTTL is the longest a missing key is remembered (from a
	// resolver with Query only); 0 means DefaultKeyCacheNegativeTTL and
	// less than 0 means a missing key is not remembered.
	NegativeTTL time.Duration
	// MaxEntries bounds the answers kept; 0 or less means
	// DefaultKeyCacheEntries. When it is full, expired answers are
	// dropped, and if none has expired, the one that expires first.
	MaxEntries int
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	mu sync.Mutex
	m  map[string]cacheEntry
}

// cacheEntry is a key that parsed (err nil), or a missing key (key nil,
// status PermError, err saying so).
type cacheEntry struct {
	key     *Key
	pub     crypto.PublicKey
	err     error
	expires time.Time
}

// querier is the optional raw DNS query of domainauth.Querier, through
// which a KeyCache learns the TTL of a key record.
type querier interface {
	Query(ctx context.Context, name string, qtype uint16) (*dns.Msg, error)
}

func (c *KeyCache) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Len returns the number of answers held, expired or not.
func (c *KeyCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// lookup returns the answer at name if the cache holds it unexpired.
func (c *KeyCache) lookup(name string) (cacheEntry, bool) {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[name]
	if !ok {
		return cacheEntry{}, false
	}
	if !now.Before(e.expires) {
		delete(c.m, name)
		return cacheEntry{}, false
	}
	return e, true
}

// store keeps the answer fetched at name for ttl.
func (c *KeyCache) store(name string, e cacheEntry, ttl time.Duration) {
	if ttl <= 0 {
		return
	}
	limit := c.MaxEntries
	if limit <= 0 {
		limit = DefaultKeyCacheEntries
	}
	now := c.now()
	e.expires = now.Add(ttl)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]cacheEntry)
	}
	if _, ok := c.m[name]; !ok && len(c.m) >= limit {
		c.evict(now, limit)
	}
	c.m[name] = e
}

// evict makes room for one entry: it drops the expired entries, and if
// that is not enough, the entry that expires first.
func (c *KeyCache) evict(now time.Time, limit int) {
	var first string
	var firstExp time.Time
	for name, e := range c.m {
		if !now.Before(e.expires) {
			delete(c.m, name)
			continue
		}
		if first == "" || e.expires.Before(firstExp) {
			first, firstExp = name, e.expires
		}
	}
	if len(c.m) >= limit {
		delete(c.m, first)
	}
}

// fetch is fetchKey through the cache: a kept answer is returned without
// a lookup; a key that parsed is kept, and with a querier a missing key.
func (c *KeyCache) fetch(ctx context.Context, r TXTResolver, name string) (*Key, crypto.PublicKey, Status, error) {
	if c == nil {
		return fetchKey(ctx, r, name)
	}
	if e, ok := c.lookup(name); ok {
		if e.err != nil {
			return nil, nil, PermError, e.err
		}
		return e.key, e.pub, 0, nil
	}
	q, ok := r.(querier)
	if !ok {
		key, pub, status, err := fetchKey(ctx, r, name)
		if err == nil {
			ttl := c.TTL
			if ttl <= 0 {
				ttl = DefaultKeyCacheTTL
			}
			c.store(name, cacheEntry{key: key, pub: pub}, ttl)
		}
		return key, pub, status, err
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, TempError, keyUnavailable(name, err)
	}
	txts, ttl, err := queryTXT(ctx, q, name)
	key, pub, status, err := keyFromTXT(name, txts, err)
	switch {
	case err == nil:
		c.store(name, cacheEntry{key: key, pub: pub}, c.bound(ttl))
	case status == PermError && key == nil && len(txts) == 0:
		// The key does not exist (not a record that failed to parse).
		if c.NegativeTTL >= 0 {
			neg := c.NegativeTTL
			if neg == 0 {
				neg = DefaultKeyCacheNegativeTTL
			}
			if ttl < 0 {
				ttl = neg // no SOA
			}
			// MinTTL raises the SOA's TTL, NegativeTTL bounds the result.
			c.store(name, cacheEntry{err: err}, min(max(ttl, c.MinTTL), neg))
		}
	}
	return key, pub, status, err
}

// bound applies MinTTL and MaxTTL to a DNS TTL.
func (c *KeyCache) bound(ttl time.Duration) time.Duration {
	maxTTL := c.MaxTTL
	if maxTTL <= 0 {
		maxTTL = DefaultKeyCacheMaxTTL
	}
	return min(max(ttl, c.MinTTL), maxTTL)
}

// maxKeyChain bounds the CNAME hops queryTXT follows in an answer, as
// recursive servers do.
const maxKeyChain = 16

// queryTXT looks up the TXT records at name through q, with the meaning
// TXTResolver.LookupTXT gives them (the character-strings of a record
// joined; not found is a *net.DNSError with IsNotFound), and returns the
// TTL of the answer: the smallest of the TXT records and the CNAMEs that
// led to them, or for a name without records the negative TTL of the SOA
// in the authority section, -1 when there is none.
func queryTXT(ctx context.Context, q querier, name string) ([]string, time.Duration, error) {
	m, err := q.Query(ctx, name, dns.TypeTXT)
	if err != nil {
		return nil, 0, err
	}
	if m == nil { // the querier is the caller's
		return nil, 0, &net.DNSError{Err: "no response", Name: name, IsTemporary: true}
	}
	notFound := func() ([]string, time.Duration, error) {
		ttl := time.Duration(-1)
		for _, rr := range m.Ns {
			if soa, ok := rr.(*dns.SOA); ok {
				ttl = time.Duration(min(soa.Hdr.Ttl, soa.Minttl)) * time.Second
				break
			}
		}
		return nil, ttl, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
	}
	switch m.Rcode {
	case dns.RcodeSuccess:
	case dns.RcodeNameError:
		return notFound()
	default:
		return nil, 0, &net.DNSError{Err: "server answered " + dnserr.RcodeName(m.Rcode), Name: name, IsTemporary: true}
	}
	c := dnschain.Follow(m, name, dns.TypeTXT)
	switch {
	case c.Loop:
		return nil, 0, &net.DNSError{Err: "CNAME chain loops", Name: name, IsTemporary: true}
	case c.Hops > maxKeyChain:
		return nil, 0, &net.DNSError{Err: "CNAME chain too long", Name: name, IsTemporary: true}
	}
	txts := make([]string, 0, len(c.Records))
	for _, rr := range c.Records {
		if t, ok := rr.(*dns.TXT); ok { // as Follow returns them
			txts = append(txts, dnstxt.Join(t.Txt))
		}
	}
	if len(txts) == 0 {
		return notFound() // NODATA
	}
	return txts, time.Duration(c.TTL) * time.Second, nil
}
