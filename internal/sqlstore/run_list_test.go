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

func TestRunService_ListRuns(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		now := day0
		ctx := runOrg(t, db, &now)
		if _, _, err := db.RegisterPipeline(ctx, reg("events", "1", "e")); err != nil {
			t.Fatal(err)
		}
		// 25 runs; pairs share a start time, so the id breaks ties.
		var want []string // newest first
		for i := range 25 {
			start := day0.Add(time.Duration(i/2) * time.Hour)
			pipeline, status := "orders", catalog.RunSuccess
			if i%5 == 0 {
				pipeline, status = "events", catalog.RunFailed
			}
			id := fmt.Sprintf("r%02d", i)
			if _, _, err := db.ApplyRunEvent(ctx, catalog.RunEvent{PipelineName: pipeline, RunID: id, Status: status, StartedAt: &start}); err != nil {
				t.Fatal(err)
			}
			want = append([]string{id}, want...)
		}
		var got []string
		cursor := ""
		for {
			runs, next, err := db.ListRuns(ctx, catalog.RunFilter{Page: catalog.Page{Limit: 4, Cursor: cursor}})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range runs {
				got = append(got, r.ID)
			}
			if next == "" {
				break
			}
			cursor = next
		}
		if !slices.Equal(got, want) {
			t.Fatalf("paged ids = %v\nwant %v", got, want)
		}
		count := func(f catalog.RunFilter) int {
			t.Helper()
			runs, _, err := db.ListRuns(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			return len(runs)
		}
		since, until := day0.Add(2*time.Hour), day0.Add(4*time.Hour)
		for name, c := range map[string]struct {
			f    catalog.RunFilter
			want int
		}{
			"pipeline":    {catalog.RunFilter{PipelineName: "events"}, 5},
			"status":      {catalog.RunFilter{Status: catalog.RunSuccess}, 20},
			"both":        {catalog.RunFilter{PipelineName: "orders", Status: catalog.RunFailed}, 0},
			"since":       {catalog.RunFilter{Since: &since}, 21}, // hours 2..12
			"since until": {catalog.RunFilter{Since: &since, Until: &until}, 4},
		} {
			if got := count(c.f); got != c.want {
				t.Errorf("%s: %d runs, want %d", name, got, c.want)
			}
		}
		if _, _, err := db.ListRuns(ctx, catalog.RunFilter{Page: catalog.Page{Cursor: "WyJ4IiwieSJd"}}); catalog.ErrorCode(err) != catalog.EINVALID {
			t.Fatalf("forged cursor: %v, want EINVALID", err)
		}
		if n := count(catalog.RunFilter{}); n != 25 {
			t.Fatalf("default page holds %d runs", n)
		}
		if runs, _, _ := db.ListRuns(runOrg(t, db, &now), catalog.RunFilter{}); len(runs) != 0 {
			t.Fatalf("another organization lists %d runs", len(runs))
		}
	})
}
