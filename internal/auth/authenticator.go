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

// CacheTTL bounds how long a key lookup is reused. A revocation takes effect
// at once on the instance that revoked (it evicts the key) and within
// CacheTTL on every other instance.
const CacheTTL = 5 * time.Second

// Authenticator resolves API keys to principals, with a short cache in front
// of the store and batched last-use writes behind it.
type Authenticator struct {
	store    KeyStore
	logger   *slog.Logger
	Now      func() time.Time
	scaffold map[string]scaffoldKey
	people   *people
	devOrg   *catalog.Org

	mu      sync.Mutex
	cache   map[string]cached // by key hash
	pending map[[2]string]time.Time
}

type cached struct {
	key     *catalog.APIKey // nil: no such key
	org     *catalog.Org
	fetched time.Time
}

// NewAuthenticator returns an authenticator over store.
func NewAuthenticator(store KeyStore, logger *slog.Logger) *Authenticator {
	return &Authenticator{store: store, logger: logger, Now: time.Now,
		cache: map[string]cached{}, pending: map[[2]string]time.Time{}}
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
	c, err := a.lookup(ctx, hash, now)
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

func (a *Authenticator) lookup(ctx context.Context, hash string, now time.Time) (cached, error) {
	a.mu.Lock()
	c, ok := a.cache[hash]
	a.mu.Unlock()
	if ok && now.Sub(c.fetched) < CacheTTL {
		return c, nil
	}
	key, org, err := a.store.FindAPIKeyByHash(ctx, hash)
	if err != nil && catalog.ErrorCode(err) != catalog.ENOTFOUND {
		return cached{}, err
	}
	c = cached{key: key, org: org, fetched: now}
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.cache) > 10000 { // bound memory against floods of well-formed junk
		for h, e := range a.cache {
			if now.Sub(e.fetched) >= CacheTTL {
				delete(a.cache, h)
			}
		}
	}
	a.cache[hash] = c
	return c, nil
}

// Forget evicts a key hash, so revocation is immediate on this instance.
func (a *Authenticator) Forget(hash string) {
	a.mu.Lock()
	delete(a.cache, hash)
	a.mu.Unlock()
}

// ForgetOrg evicts every cached key and person of an organization, so a
// plan or membership change reaches them at once on this instance.
func (a *Authenticator) ForgetOrg(orgID string) {
	if a.people != nil {
		a.people.forgetIn(orgID)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for h, c := range a.cache {
		if c.org != nil && c.org.ID == orgID {
			delete(a.cache, h)
		}
	}
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
