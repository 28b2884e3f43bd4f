package dkim

import (
	"context"
	"crypto"
	"sync"
	"time"
)

// Defaults of a KeyCache.
const (
	// DefaultKeyCacheTTL is how long a KeyCache keeps a key record when
	// its TTL field is 0. TXTResolver.LookupTXT gives no DNS TTL, so the
	// cache cannot honour the record's own; one minute is shorter than
	// the TTL of nearly every published key record (commonly 300 to 3600
	// seconds), so a rotated or revoked key is seen within a minute.
	DefaultKeyCacheTTL = time.Minute
	// DefaultKeyCacheEntries bounds a KeyCache whose MaxEntries is 0.
	DefaultKeyCacheEntries = 1000
)

// KeyCache keeps the key records that Verify fetched and parsed, so that
// the verifications sharing it do not look up and parse the same key for
// every message. Only keys that parsed are kept (not missing keys nor
// failed lookups), each for TTL from when it was fetched, at most
// MaxEntries at a time. The zero value is ready to use; a KeyCache is safe
// for concurrent use and must not be copied after first use.
//
// The Key of a Result that came from the cache is shared with other
// Results: do not modify it.
type KeyCache struct {
	// TTL is how long a key is kept; 0 or less means DefaultKeyCacheTTL.
	// It should be no longer than the TTL of the records looked up.
	TTL time.Duration
	// MaxEntries bounds the keys kept; 0 or less means
	// DefaultKeyCacheEntries. When it is full, expired keys are dropped,
	// and if none has expired, the one that expires first.
	MaxEntries int
	// Now is the clock; nil means time.Now.
	Now func() time.Time

	mu sync.Mutex
	m  map[string]cacheEntry
}

type cacheEntry struct {
	key     *Key
	pub     crypto.PublicKey
	expires time.Time
}

func (c *KeyCache) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// Len returns the number of keys held, expired or not.
func (c *KeyCache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// lookup returns the key record at name if the cache holds it unexpired.
func (c *KeyCache) lookup(name string) (*Key, crypto.PublicKey, bool) {
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[name]
	if !ok {
		return nil, nil, false
	}
	if !now.Before(e.expires) {
		delete(c.m, name)
		return nil, nil, false
	}
	return e.key, e.pub, true
}

// store keeps the key record fetched at name.
func (c *KeyCache) store(name string, key *Key, pub crypto.PublicKey) {
	ttl := c.TTL
	if ttl <= 0 {
		ttl = DefaultKeyCacheTTL
	}
	limit := c.MaxEntries
	if limit <= 0 {
		limit = DefaultKeyCacheEntries
	}
	now := c.now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[string]cacheEntry)
	}
	if _, ok := c.m[name]; !ok && len(c.m) >= limit {
		c.evict(now, limit)
	}
	c.m[name] = cacheEntry{key, pub, now.Add(ttl)}
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

// fetch is fetchKey through the cache: a kept key is returned without a
// lookup; a key that parsed is kept.
func (c *KeyCache) fetch(ctx context.Context, r TXTResolver, name string) (*Key, crypto.PublicKey, Status, error) {
	if c == nil {
		return fetchKey(ctx, r, name)
	}
	if key, pub, ok := c.lookup(name); ok {
		return key, pub, 0, nil
	}
	key, pub, status, err := fetchKey(ctx, r, name)
	if err == nil {
		c.store(name, key, pub)
	}
	return key, pub, status, err
}
