package auth

import (
	"slices"
	"sync"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/hashicorp/golang-lru/v2/expirable"
)

// CacheTTL bounds how long a key or person lookup is reused. A write that
// changes what a credential means takes effect at once on the instance that
// made it (Invalidate) and within CacheTTL on every other instance.
const CacheTTL = 5 * time.Second

// cacheSize bounds each cache, against floods of well-formed junk keys or
// of valid tokens for many people: the least recently used entry goes.
const cacheSize = 10000

// caches holds what a lookup found, by key hash and by issuer + subject.
// The LRUs expire entries by the wall clock (memory); fresh decides reuse
// by the authenticator's clock, which tests move.
type caches struct {
	// mu orders fills against invalidations: epoch counts invalidations,
	// and a lookup that overlapped one is not cached, since it may have
	// read the state from before the write.
	mu     sync.Mutex
	epoch  uint64
	keys   *expirable.LRU[string, cachedKey]
	people *expirable.LRU[string, cachedPerson]
}

type cachedKey struct {
	key     *catalog.APIKey // nil: no such key
	org     *catalog.Org
	fetched time.Time
}

type cachedPerson struct {
	user        *catalog.User
	memberships []catalog.Membership
	fetched     time.Time
}

func newCaches() *caches {
	return &caches{
		keys:   expirable.NewLRU[string, cachedKey](cacheSize, nil, CacheTTL),
		people: expirable.NewLRU[string, cachedPerson](cacheSize, nil, CacheTTL),
	}
}

func fresh(fetched, now time.Time) bool { return now.Sub(fetched) < CacheTTL }

// fill runs fetch and caches its value under k, unless an invalidation
// happened while it ran.
func fill[V any](c *caches, lru *expirable.LRU[string, V], k string, fetch func() (V, error)) (V, error) {
	c.mu.Lock()
	epoch := c.epoch
	c.mu.Unlock()
	v, err := fetch()
	if err != nil {
		return v, err
	}
	c.mu.Lock()
	if c.epoch == epoch {
		lru.Add(k, v)
	}
	c.mu.Unlock()
	return v, nil
}

// Change is what a write changed, for Invalidate. Set what applies.
type Change struct {
	// OrgID: the organization's plan, keys or members changed. Its cached
	// keys and every cached person with a membership in it are dropped.
	OrgID string
	// UserID: the person's own memberships changed (they signed up an
	// organization).
	UserID string
	// Email: the address was invited; the person signed in with it binds the
	// invitation at their next sign-in, which must not wait for CacheTTL.
	Email string
}

// Invalidate is the one invalidation point of the cached credentials: every
// write that changes what a key or a person may do reports here (Watch for
// the store's writes; the API for billing's plan changes), and the next
// request of each affected credential reads the store again.
func (a *Authenticator) Invalidate(ch Change) {
	c := a.cache
	c.mu.Lock()
	defer c.mu.Unlock()
	c.epoch++
	if ch.OrgID != "" {
		for _, k := range c.keys.Keys() {
			if e, ok := c.keys.Peek(k); ok && e.org != nil && e.org.ID == ch.OrgID {
				c.keys.Remove(k)
			}
		}
	}
	for _, k := range c.people.Keys() {
		if e, ok := c.people.Peek(k); ok && e.changedBy(ch) {
			c.people.Remove(k)
		}
	}
}

func (e cachedPerson) changedBy(ch Change) bool {
	return (ch.UserID != "" && e.user.ID == ch.UserID) ||
		(ch.Email != "" && catalog.NormalizeEmail(e.user.Email) == catalog.NormalizeEmail(ch.Email)) ||
		(ch.OrgID != "" && slices.ContainsFunc(e.memberships, func(m catalog.Membership) bool { return m.Org.ID == ch.OrgID }))
}
