package sqlstore_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

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
				Prefix: "dxp_test", Hash: fmt.Sprintf("hash-%d", i)}
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
		k, _, err := db.FindAPIKeyByHash(context.Background(), "hash-0")
		if err != nil || k.LastUsedAt == nil || !k.LastUsedAt.Equal(later) {
			t.Fatalf("key_0 last used %v (%v), want %s: a touch never goes back", k, err, later)
		}
	})
}
