package sqlstore_test

import (
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

func TestCheckService_ListCheckResults(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		now := day0
		ctx := checkOrg(t, db, &now)
		if _, _, err := db.ApplyRunEvent(ctx, catalog.RunEvent{PipelineName: "orders", RunID: "r2", Status: catalog.RunRunning}); err != nil {
			t.Fatal(err)
		}
		// 30 results; a batch shares executed_at, so ids break the ties.
		var reports []catalog.CheckReport
		for i := range 30 {
			rep := catalog.CheckReport{RunID: "r1", CheckID: "pk", Status: catalog.CheckPassed}
			if i%3 == 0 {
				rep.RunID, rep.CheckID, rep.Status = "r2", "fresh", catalog.CheckFailed
			}
			if i >= 20 {
				at := day0.Add(time.Duration(i) * time.Minute)
				rep.ExecutedAt = &at
			}
			reports = append(reports, rep)
		}
		record(t, db, ctx, reports...)
		seen := map[string]bool{}
		var last time.Time
		cursor, pages := "", 0
		for {
			items, next, err := db.ListCheckResults(ctx, catalog.CheckResultFilter{Page: catalog.Page{Limit: 7, Cursor: cursor}})
			if err != nil {
				t.Fatal(err)
			}
			pages++
			for _, c := range items {
				if seen[c.ID] || (!last.IsZero() && c.ExecutedAt.After(last)) {
					t.Fatalf("page %d: %s repeated or out of order", pages, c.ID)
				}
				seen[c.ID], last = true, c.ExecutedAt
			}
			if next == "" {
				break
			}
			cursor = next
		}
		if len(seen) != 30 || pages != 5 {
			t.Fatalf("saw %d results in %d pages, want 30 in 5", len(seen), pages)
		}
		since := day0.Add(25 * time.Minute)
		for name, c := range map[string]struct {
			f    catalog.CheckResultFilter
			want int
		}{
			"run":      {catalog.CheckResultFilter{RunID: "r2"}, 10},
			"check":    {catalog.CheckResultFilter{CheckID: "pk"}, 20},
			"status":   {catalog.CheckResultFilter{Status: catalog.CheckFailed, PipelineName: "orders"}, 10},
			"severity": {catalog.CheckResultFilter{Severity: catalog.SeverityWarn}, 20}, // pk is warn
			"since":    {catalog.CheckResultFilter{Since: &since}, 5},
			"pipeline": {catalog.CheckResultFilter{PipelineName: "events"}, 0},
		} {
			items, _, err := db.ListCheckResults(ctx, c.f)
			if err != nil || len(items) != c.want {
				t.Errorf("%s: %d results, %v; want %d", name, len(items), err, c.want)
			}
		}
	})
}
