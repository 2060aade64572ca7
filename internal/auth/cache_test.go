package auth_test

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/auth"
	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
	"github.com/dataxpipe/catalog/internal/testrig"
)

// countingStore is a real store that counts key lookups and, when hold is
// set, stops each lookup after it has read the store until the test lets
// it go on (to place a write between the read and the caching).
type countingStore struct {
	*sqlstore.DB
	finds atomic.Int64
	hold  chan chan struct{} // each held lookup sends a channel to be closed
}

func (s *countingStore) FindAPIKeyByHash(ctx context.Context, hash string) (*catalog.APIKey, *catalog.Org, error) {
	s.finds.Add(1)
	k, o, err := s.DB.FindAPIKeyByHash(ctx, hash)
	if s.hold != nil {
		release := make(chan struct{})
		s.hold <- release
		<-release
	}
	return k, o, err
}

type rig struct {
	t     *testing.T
	store *countingStore
	clock *testrig.Clock
	a     *auth.Authenticator
}

func newRig(t *testing.T) *rig {
	db := sqlstoretest.Open(t, sqlstore.SQLite)
	clk := testrig.NewClock(time.Date(2026, 6, 7, 6, 0, 0, 0, time.UTC))
	db.Now = clk.Now
	s := &countingStore{DB: db}
	logger, _ := testrig.NewLogger(slog.LevelInfo)
	a := auth.NewAuthenticator(s, logger)
	a.Now = clk.Now
	return &rig{t: t, store: s, clock: clk, a: a}
}

// key stores a new member key in a new organization and returns the
// organization's admin context, the key and its id.
func (r *rig) key() (context.Context, string, string) {
	r.t.Helper()
	ctx, _ := sqlstoretest.MustCreateOrg(r.t, r.store.DB, catalog.PlanFree)
	secret := auth.GenerateKey()
	k := &catalog.APIKey{Name: "k", Role: catalog.RoleMember, Prefix: auth.DisplayPrefix(secret), Hash: auth.HashKey(secret)}
	if err := r.store.CreateAPIKey(ctx, k); err != nil {
		r.t.Fatal(err)
	}
	return ctx, secret, k.ID
}

// use authenticates key and fails unless the outcome is want (nil: accepted).
func (r *rig) use(key string, want error) {
	r.t.Helper()
	if _, err := r.a.APIKey(context.Background(), key); !errors.Is(err, want) {
		r.t.Fatalf("APIKey: %v, want %v", err, want)
	}
}

func (r *rig) wantFinds(n int64) {
	r.t.Helper()
	if got := r.store.finds.Load(); got != n {
		r.t.Fatalf("store lookups = %d, want %d", got, n)
	}
}

func TestKeyCache_ReusedForTTLThenReadAgain(t *testing.T) {
	r := newRig(t)
	_, key, _ := r.key()
	r.use(key, nil)
	r.use(key, nil)
	r.wantFinds(1)
	r.clock.Advance(auth.CacheTTL - time.Millisecond)
	r.use(key, nil)
	r.wantFinds(1)
	r.clock.Advance(time.Millisecond)
	r.use(key, nil)
	r.wantFinds(2)
}

func TestInvalidate_DropsOnlyTheChangedOrganization(t *testing.T) {
	r := newRig(t)
	ctxA, keyA, _ := r.key()
	_, keyB, _ := r.key()
	r.use(keyA, nil)
	r.use(keyB, nil)
	r.wantFinds(2)
	r.a.Invalidate(auth.Change{OrgID: catalog.OrgIDFromContext(ctxA)})
	r.use(keyB, nil)
	r.wantFinds(2)
	r.use(keyA, nil)
	r.wantFinds(3)
}

// A write through Watch takes effect at once; a refused write changes
// nothing and so drops nothing.
func TestWatch_RevocationIsImmediate(t *testing.T) {
	r := newRig(t)
	ctx, key, id := r.key()
	w := r.a.Watch(r.store.DB)
	r.use(key, nil)
	if _, err := w.RevokeAPIKey(ctx, "key_unknown"); catalog.ErrorCode(err) != catalog.ENOTFOUND {
		t.Fatalf("revoking an unknown key: %v", err)
	}
	r.use(key, nil)
	r.wantFinds(1)
	if _, err := w.RevokeAPIKey(ctx, id); err != nil {
		t.Fatal(err)
	}
	r.use(key, auth.ErrUnauthenticated)
	r.wantFinds(2)
}

// A lookup that read the store before a write but finishes after its
// invalidation must not cache what it read: the next request would use a
// revoked key for another CacheTTL.
func TestInvalidate_LookupOverlappingAWriteIsNotCached(t *testing.T) {
	r := newRig(t)
	ctx, key, id := r.key()
	r.store.hold = make(chan chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := r.a.APIKey(context.Background(), key)
		done <- err
	}()
	release := <-r.store.hold // the lookup has read the key as usable
	if _, err := r.a.Watch(r.store.DB).RevokeAPIKey(ctx, id); err != nil {
		t.Fatal(err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatalf("the lookup in flight: %v (it read the key before the revocation)", err)
	}
	r.store.hold = nil
	r.use(key, auth.ErrUnauthenticated)
	r.wantFinds(2)
}
