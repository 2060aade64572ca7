package auth

import (
	"context"
	"crypto/subtle"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// ErrUnauthenticated is returned for every credential that does not
// authenticate: unknown, malformed, bad checksum, revoked or expired. The
// caller shows one identical 401 for all of them.
var ErrUnauthenticated = errors.New("unauthenticated")

// KeyStore is what the authenticator needs of the store.
type KeyStore interface {
	FindAPIKeyByHash(ctx context.Context, hash string) (*catalog.APIKey, *catalog.Org, error)
	TouchAPIKeys(ctx context.Context, used []catalog.KeyUse) error
}

// Authenticator resolves API keys (and, with EnablePeople, people's OIDC
// tokens) to principals, with short caches in front of the store (cache.go)
// and batched last-use writes behind it.
type Authenticator struct {
	store    KeyStore
	logger   *slog.Logger
	Now      func() time.Time
	scaffold map[string]scaffoldKey
	people   *people
	devOrg   *catalog.Org
	cache    *caches

	mu      sync.Mutex
	pending map[[2]string]time.Time // last use by organization and key id
}

// NewAuthenticator returns an authenticator over store.
func NewAuthenticator(store KeyStore, logger *slog.Logger) *Authenticator {
	return &Authenticator{store: store, logger: logger, Now: time.Now, cache: newCaches(), pending: map[[2]string]time.Time{}}
}

// APIKey authenticates a presented key. Malformed keys and bad checksums are
// refused before any lookup.
func (a *Authenticator) APIKey(ctx context.Context, key string) (*catalog.Principal, error) {
	if p, ok := a.scaffoldPrincipal(key); ok {
		return p, nil
	}
	if !WellFormedKey(key) {
		return nil, ErrUnauthenticated
	}
	hash := HashKey(key)
	now := a.Now()
	c, err := a.lookupKey(ctx, hash, now)
	if err != nil {
		return nil, err
	}
	if c.key == nil || !c.key.Usable(now) {
		return nil, ErrUnauthenticated
	}
	a.mu.Lock()
	a.pending[[2]string{c.key.OrgID, c.key.ID}] = now
	a.mu.Unlock()
	return &catalog.Principal{OrgID: c.org.ID, OrgSlug: c.org.Slug, Plan: c.org.Plan, Role: c.key.Role, KeyID: c.key.ID}, nil
}

// lookupKey finds a key by hash, at most once per CacheTTL. An unknown
// hash is cached too (key nil), so a flood of well-formed junk costs one
// query per key per CacheTTL, and the LRU bounds its memory.
func (a *Authenticator) lookupKey(ctx context.Context, hash string, now time.Time) (cachedKey, error) {
	if c, ok := a.cache.keys.Get(hash); ok && fresh(c.fetched, now) {
		return c, nil
	}
	return fill(a.cache, a.cache.keys, hash, func() (cachedKey, error) {
		key, org, err := a.store.FindAPIKeyByHash(ctx, hash)
		if err != nil && catalog.ErrorCode(err) != catalog.ENOTFOUND {
			return cachedKey{}, err
		}
		return cachedKey{key: key, org: org, fetched: now}, nil
	})
}

// Flush writes the pending last-use times in one batch.
func (a *Authenticator) Flush(ctx context.Context) error {
	a.mu.Lock()
	batch := make([]catalog.KeyUse, 0, len(a.pending))
	for k, at := range a.pending {
		batch = append(batch, catalog.KeyUse{OrgID: k[0], KeyID: k[1], At: at})
	}
	a.pending = map[[2]string]time.Time{}
	a.mu.Unlock()
	return a.store.TouchAPIKeys(ctx, batch)
}

// Run flushes last-use times every interval until ctx ends, then once more.
// last_used_at is therefore at most interval behind, and authenticating a
// request never writes to the database.
func (a *Authenticator) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
		case <-ctx.Done():
			if err := a.Flush(context.WithoutCancel(ctx)); err != nil {
				a.logger.Error("flush api key last use", "err", err)
			}
			return
		}
		if err := a.Flush(ctx); err != nil {
			a.logger.Error("flush api key last use", "err", err)
		}
	}
}

// equal compares secrets in constant time.
func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
