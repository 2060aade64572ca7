package sqlstore_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// The audit log's (time, id) cursor uses its time twice, beside the
// action and since filters.
func TestAuditService_ListAuditEvents(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		now := day0
		db.Now = func() time.Time { return now }
		ctx, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanBusiness)
		for i := range 9 { // three connections per minute: ids break the ties
			now = day0.Add(time.Duration(i/3) * time.Minute)
			if err := db.CreateConnection(ctx, &catalog.Connection{ID: fmt.Sprintf("c-%d", i), Type: "s3", Config: map[string]any{}}); err != nil {
				t.Fatal(err)
			}
		}
		since := day0.Add(time.Minute)
		var times []time.Time
		var seen []string
		for cursor := ""; ; {
			page, next, err := db.ListAuditEvents(ctx, catalog.AuditFilter{Action: catalog.AuditConnectionCreated, Since: &since,
				Page: catalog.Page{Limit: 4, Cursor: cursor}})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range page {
				times, seen = append(times, e.Time), append(seen, e.Target)
			}
			if cursor = next; cursor == "" {
				break
			}
		}
		slices.Sort(seen)
		if want := []string{"c-3", "c-4", "c-5", "c-6", "c-7", "c-8"}; !slices.Equal(seen, want) {
			t.Fatalf("paged events of %v, want %v", seen, want)
		}
		if !slices.IsSortedFunc(times, func(a, b time.Time) int { return b.Compare(a) }) {
			t.Fatalf("events not newest first: %v", times)
		}
	})
}
