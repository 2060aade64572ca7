package sqlstore_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// FindPipelineWithLastRun answers what FindPipeline and the first run of
// ListRuns answer, in one query.
func TestPipelineService_FindPipelineWithLastRun(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		now := day0
		ctx := runOrg(t, db, &now) // registers orders
		p, last, err := db.FindPipelineWithLastRun(ctx, "orders")
		if err != nil || p.Name != "orders" || last != nil {
			t.Fatalf("no runs yet: %+v, %+v, %v", p, last, err)
		}
		for i, id := range []string{"r-late", "r-early", "r-latest"} {
			started := day0.Add(time.Duration([]int{2, 1, 3}[i]) * time.Hour)
			if _, _, err := db.ApplyRunEvent(ctx, catalog.RunEvent{PipelineName: "orders", RunID: id, Status: catalog.RunRunning,
				StartedAt: &started, Attributes: []byte(`{"n":1}`)}); err != nil {
				t.Fatal(err)
			}
		}
		finished := day0.Add(4 * time.Hour)
		if _, err := db.UpdateRun(ctx, "r-latest", catalog.RunUpdate{Status: ptr(catalog.RunFailed), FinishedAt: &finished, Error: ptr("boom")}); err != nil {
			t.Fatal(err)
		}
		want, err := db.FindPipeline(ctx, "orders")
		if err != nil {
			t.Fatal(err)
		}
		runs, _, err := db.ListRuns(ctx, catalog.RunFilter{PipelineName: "orders", Page: catalog.Page{Limit: 1}})
		if err != nil || len(runs) != 1 {
			t.Fatal(runs, err)
		}
		p, last, err = db.FindPipelineWithLastRun(ctx, "orders")
		if err != nil || !reflect.DeepEqual(p, want) || !reflect.DeepEqual(last, runs[0]) {
			t.Errorf("= %+v, %+v, %v\nwant %+v, %+v", p, last, err, want, runs[0])
		}
		if _, _, err := db.FindPipelineWithLastRun(ctx, "nope"); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Errorf("missing pipeline: %v", err)
		}
	})
}
