package verify

import (
	"context"
	"sync"

	"github.com/domainauth/domainauth/records"
)

// Stats counts the DNS work of a Verify or VerifyAll run.
type Stats struct {
	// Domains is the number of Sets verified (reported to the callback).
	Domains int `json:"domains"`
	// Lookups is the number of resolver calls made (a LookupCNAME may be
	// several DNS queries underneath).
	Lookups int64 `json:"lookups"`
	// CacheHits is the number of lookups answered from the run's cache or
	// by joining an identical lookup already in flight.
	CacheHits int64 `json:"cache_hits"`
}

// VerifyAll verifies many Sets with at most v.Concurrency at once, and
// calls emit once per Set as each completes (in completion order, not
// input order), with i the Set's index in sets and either its report or
// the error Verify would have returned (ErrInvalidSet). emit is never
// called concurrently, so it needs no locking; while it runs, workers
// finishing other Sets wait.
//
// All lookups of the run share one cache: an include, an MX host or the
// _dmarc record of a parent domain that many Sets share is looked up once,
// and concurrent identical lookups collapse into one. The cache lives for
// the run only, and lets go of the names at or below a Set's zone
// (Set.Zone, or the organizational domain of Set.Domain) once every Set
// of that zone is verified, so that its size follows the Sets in
// progress rather than the length of sets. It keeps answers, not
// temporary failures: a timeout or
// SERVFAIL makes Undetermined only the Sets whose lookups met it (or were
// waiting for it), and the next Set asks again (see Verifier.FailureTTL).
//
// Each Set has its own Verifier.Timeout, so a Set whose DNS never answers
// holds a worker for that long at most.
//
// When ctx ends, VerifyAll stops starting Sets, drops the reports of those
// in progress (their lookups were cut short, so they would only say
// Undetermined) and returns ctx's error after every worker has stopped.
// Sets already reported stay reported.
func (v *Verifier) VerifyAll(ctx context.Context, sets []records.Set, emit func(i int, r *Report, err error)) (Stats, error) {
	rn := v.newRun()
	var (
		mu    sync.Mutex
		stats Stats
		wg    sync.WaitGroup
	)
	// The Sets of each zone still to finish, and the clients of those
	// finished, so that the cache lets go of a zone's names once its last
	// Set is done (run.release). zone[i] is the zone of sets[i], worked
	// out once (zoneOf normalizes names).
	zones := &zoneCount{left: make(map[string]int), done: make(map[string][]*client)}
	var zone []string
	if rn.cache {
		zone = make([]string, len(sets))
		for i := range sets {
			zone[i] = zoneOf(&sets[i])
			zones.left[zone[i]]++
		}
	}
	next := make(chan int)
	for range min(v.concurrency(), max(len(sets), 1)) {
		wg.Go(func() {
			for i := range next {
				c := rn.client()
				rep, err := v.verify(ctx, c, &sets[i])
				if rn.cache {
					zones.finish(rn, zone[i], c)
				}
				if ctx.Err() != nil {
					continue
				}
				mu.Lock()
				stats.Domains++
				if emit != nil {
					emit(i, rep, err)
				}
				mu.Unlock()
			}
		})
	}
feed:
	for i := range sets {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	stats.Lookups = rn.lookups.Load()
	stats.CacheHits = rn.hits.Load()
	return stats, ctx.Err()
}

// zoneCount tracks, for VerifyAll, the Sets of each zone not yet verified.
type zoneCount struct {
	mu   sync.Mutex
	left map[string]int       // zone -> Sets not finished
	done map[string][]*client // zone -> clients of its finished Sets
}

// finish notes that the Set verified through c, in zone, is done, and
// releases the zone's names from rn's cache when it was the zone's last.
func (z *zoneCount) finish(rn *run, zone string, c *client) {
	z.mu.Lock()
	z.left[zone]--
	if z.left[zone] > 0 {
		z.done[zone] = append(z.done[zone], c)
		z.mu.Unlock()
		return
	}
	cs := append(z.done[zone], c)
	delete(z.done, zone)
	delete(z.left, zone)
	z.mu.Unlock()
	rn.release(zone, cs)
}
