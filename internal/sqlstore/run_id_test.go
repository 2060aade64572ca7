package sqlstore_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

func TestRunService_ConcurrentRunIDs(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		now := day0
		ctx := runOrg(t, db, &now)
		const n = 30
		ids := make(chan string, n)
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				run, created, err := db.ApplyRunEvent(ctx, catalog.RunEvent{PipelineName: "orders", Status: catalog.RunRunning})
				if err != nil || !created {
					t.Errorf("post: created=%v err=%v", created, err)
					return
				}
				ids <- run.ID
			})
		}
		wg.Wait()
		close(ids)
		seen := map[string]bool{}
		for id := range ids {
			seen[id] = true
		}
		for i := 1; i <= n; i++ {
			if id := fmt.Sprintf("run-20260607-%03d", i); !seen[id] {
				t.Errorf("%s was not assigned; got %v", id, seen)
			}
		}
		if len(seen) != n {
			t.Fatalf("%d distinct ids for %d posts", len(seen), n)
		}
	})
}

func TestRunService_RunIDsPerOrgAndDay(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		now := day0
		a, b := runOrg(t, db, &now), runOrg(t, db, &now)
		post := func(ctx context.Context, runID string) string {
			t.Helper()
			run, _, err := db.ApplyRunEvent(ctx, catalog.RunEvent{PipelineName: "orders", RunID: runID, Status: catalog.RunRunning})
			if err != nil {
				t.Fatal(err)
			}
			return run.ID
		}
		if got := post(a, ""); got != "run-20260607-001" {
			t.Fatalf("first of org A = %s", got)
		}
		if got := post(b, ""); got != "run-20260607-001" {
			t.Fatalf("first of org B = %s; numbers are per organization", got)
		}
		post(a, "run-20260607-002") // a client may choose an id of the server's form
		if got := post(a, ""); got != "run-20260607-003" {
			t.Fatalf("after a client's run-20260607-002 the server assigned %s", got)
		}
		now = day0.Add(24 * time.Hour)
		if got := post(a, ""); got != "run-20260608-001" {
			t.Fatalf("first of the next day = %s", got)
		}
	})
}

func TestRunService_ConcurrentFirstEvents(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		now := day0
		ctx := runOrg(t, db, &now)
		var wg sync.WaitGroup
		var mu sync.Mutex
		created := 0
		start := make(chan struct{}) // released at once, so the first inserts collide
		for range 15 {
			wg.Go(func() {
				<-start
				_, c, err := db.ApplyRunEvent(ctx, catalog.RunEvent{PipelineName: "orders", RunID: "scheduled__x", Status: catalog.RunRunning})
				if err != nil {
					t.Errorf("concurrent first event: %v", err)
				}
				mu.Lock()
				defer mu.Unlock()
				if c {
					created++
				}
			})
		}
		close(start)
		wg.Wait()
		if created != 1 {
			t.Fatalf("%d events created the run, want 1", created)
		}
	})
}
