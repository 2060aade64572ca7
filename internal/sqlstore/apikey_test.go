package sqlstore_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// keyHash is a stored key hash of the shape the server makes (hex SHA-256),
// the only shape the Postgres key lookup answers for.
func keyHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// Keys share names, so the (name, id) cursor uses its name twice; a
// touch compares with the time it writes. Both engines page and touch alike.
func TestAPIKeyService_ListAndTouch(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		now := day0
		db.Now = func() time.Time { return now }
		ctx, org := sqlstoretest.MustCreateOrg(t, db, catalog.PlanFree)
		var want []string
		for i := range 7 {
			k := &catalog.APIKey{ID: fmt.Sprintf("key_%d", i), Name: fmt.Sprintf("ci-%d", i%3), Role: catalog.RoleMember,
				Prefix: "dxp_test", Hash: keyHash(fmt.Sprintf("hash-%d", i))}
			if err := db.CreateAPIKey(ctx, k); err != nil {
				t.Fatal(err)
			}
			want = append(want, k.Name+"/"+k.ID)
		}
		slices.Sort(want)
		var got []string
		for cursor := ""; ; {
			page, next, err := db.ListAPIKeys(ctx, catalog.Page{Limit: 2, Cursor: cursor})
			if err != nil {
				t.Fatal(err)
			}
			for _, k := range page {
				got = append(got, k.Name+"/"+k.ID)
			}
			if cursor = next; cursor == "" {
				break
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("paged keys %v, want %v", got, want)
		}

		later, earlier := day0.Add(time.Hour), day0.Add(time.Minute)
		for _, at := range []time.Time{later, earlier} { // the earlier use arrives late
			if err := db.TouchAPIKeys(context.Background(), []catalog.KeyUse{{OrgID: org.ID, KeyID: "key_0", At: at}}); err != nil {
				t.Fatal(err)
			}
		}
		k, _, err := db.FindAPIKeyByHash(context.Background(), keyHash("hash-0"))
		if err != nil || k.LastUsedAt == nil || !k.LastUsedAt.Equal(later) {
			t.Fatalf("key_0 last used %v (%v), want %s: a touch never goes back", k, err, later)
		}
	})
}

// Rotating a key that expires gives a key with the same lifetime; the old
// key in its grace period shows the grace end, cannot be rotated again (a
// conflict naming its replacement) but can be revoked (issue 13, defect 7).
func TestAPIKeyService_RotateExpiringKey(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		now := day0
		db.Now = func() time.Time { return now }
		ctx, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanFree)
		expires := day0.Add(720 * time.Hour)
		old := &catalog.APIKey{Name: "ci", Role: catalog.RoleMember, Prefix: "dxp_old", Hash: keyHash("hash-old"), ExpiresAt: &expires}
		if err := db.CreateAPIKey(ctx, old); err != nil {
			t.Fatal(err)
		}
		now = day0.Add(100 * time.Hour)
		next := &catalog.APIKey{Prefix: "dxp_new", Hash: keyHash("hash-new")}
		ended, err := db.RotateAPIKey(ctx, old.ID, next, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if want := now.Add(720 * time.Hour); next.ExpiresAt == nil || !next.ExpiresAt.Equal(want) {
			t.Fatalf("new key expires %v, want %s (the old key's 720h lifetime from the rotation)", next.ExpiresAt, want)
		}
		graceEnd := now.Add(time.Hour)
		if got := ended.EffectiveExpiry(); got == nil || !got.Equal(graceEnd) || ended.ReplacedBy != next.ID {
			t.Fatalf("old key stops at %v replaced by %q, want %s and %s", got, ended.ReplacedBy, graceEnd, next.ID)
		}
		stored, _, err := db.FindAPIKeyByHash(context.Background(), keyHash("hash-new"))
		if err != nil || stored.ExpiresAt == nil || !stored.ExpiresAt.Equal(*next.ExpiresAt) {
			t.Fatalf("stored new key %+v (%v), want expiry %s", stored, err, next.ExpiresAt)
		}
		keys, _, err := db.ListAPIKeys(ctx, catalog.Page{})
		if err != nil || len(keys) != 2 {
			t.Fatalf("list: %d keys (%v), want the old one in grace and the new one", len(keys), err)
		}
		for _, k := range keys {
			if k.ID == old.ID {
				if got := k.EffectiveExpiry(); got == nil || !got.Equal(graceEnd) {
					t.Fatalf("listed old key expires %v, want the grace end %s", got, graceEnd)
				}
			}
		}

		now = now.Add(time.Minute) // still in grace
		_, err = db.RotateAPIKey(ctx, old.ID, &catalog.APIKey{Prefix: "dxp_x", Hash: keyHash("hash-x")}, time.Hour)
		if catalog.ErrorCode(err) != catalog.ECONFLICT || !strings.Contains(err.Error(), next.ID) || !strings.Contains(err.Error(), graceEnd.Format(time.RFC3339)) {
			t.Fatalf("second rotation in grace: %v; want a conflict naming %s and %s", err, next.ID, graceEnd.Format(time.RFC3339))
		}
		if _, _, err := db.FindAPIKeyByHash(context.Background(), keyHash("hash-x")); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("the refused rotation stored a key: %v", err)
		}
		if _, err := db.RevokeAPIKey(ctx, old.ID); err != nil {
			t.Fatalf("revoke in grace: %v", err)
		}
		k, _, err := db.FindAPIKeyByHash(context.Background(), keyHash("hash-old"))
		if err != nil || k.Usable(now) || k.ReplacedBy != next.ID {
			t.Fatalf("old key after revoke in grace: %+v (%v); want unusable, still naming its replacement", k, err)
		}
		if _, err := db.RevokeAPIKey(ctx, old.ID); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("second revoke: %v, want not found", err)
		}
		if _, err := db.RotateAPIKey(ctx, next.ID, &catalog.APIKey{Prefix: "dxp_3", Hash: keyHash("hash-3")}, 0); err != nil {
			t.Fatalf("rotating the replacement: %v", err)
		}
	})
}
