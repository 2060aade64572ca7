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

// The actor filter pages one actor's events exactly, however many events
// of other actors lie between them, and never shows another organization's.
func TestAuditService_ListAuditEventsByActor(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		now := day0
		db.Now = func() time.Time { return now }
		ctx, org := sqlstoretest.MustCreateOrg(t, db, catalog.PlanBusiness)
		other, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanBusiness) // also acts as key_test
		p := *catalog.PrincipalFromContext(ctx)
		p.KeyID = "key_bob"
		bob := catalog.NewContextWithPrincipal(ctx, &p)
		for i := range 10 {
			now = day0.Add(time.Duration(i) * time.Minute)
			as := ctx
			if i%3 == 0 { // bob made c-0, c-3, c-6, c-9
				as = bob
			}
			if err := db.CreateConnection(as, &catalog.Connection{ID: fmt.Sprintf("c-%d", i), Type: "s3", Config: map[string]any{}}); err != nil {
				t.Fatal(err)
			}
			if err := db.CreateConnection(other, &catalog.Connection{ID: fmt.Sprintf("o-%d", i), Type: "s3", Config: map[string]any{}}); err != nil {
				t.Fatal(err)
			}
		}
		list := func(actor string) (targets []string) {
			for cursor := ""; ; {
				page, next, err := db.ListAuditEvents(ctx, catalog.AuditFilter{Actor: actor, Page: catalog.Page{Limit: 3, Cursor: cursor}})
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range page {
					if e.Actor.ID != actor || e.OrgID != org.ID {
						t.Fatalf("actor %s got %+v", actor, e)
					}
					targets = append(targets, e.Target)
				}
				if cursor = next; cursor == "" {
					return targets
				}
			}
		}
		if got, want := list("key_bob"), []string{"c-9", "c-6", "c-3", "c-0"}; !slices.Equal(got, want) {
			t.Fatalf("bob's events %v, want %v", got, want)
		}
		if got := list("key_test"); len(got) != 6 || got[0] != "c-8" || got[5] != "c-1" {
			t.Fatalf("key_test's events in this organization %v", got)
		}
		if got := list("key_nobody"); len(got) != 0 {
			t.Fatalf("an unknown actor has events %v", got)
		}
	})
}
