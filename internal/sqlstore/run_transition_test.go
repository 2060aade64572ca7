package sqlstore_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

func TestRunService_Transitions(t *testing.T) {
	statuses := []string{catalog.RunQueued, catalog.RunRunning, catalog.RunSuccess, catalog.RunFailed, catalog.RunCancelled}
	// allowed says whether a run in from may be posted again with to.
	allowed := func(from, to string) bool {
		switch {
		case catalog.RunFinished(from):
			return from == to // only the identical repeat
		case from == catalog.RunRunning:
			return to != catalog.RunQueued
		default:
			return true
		}
	}
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		now := day0
		ctx := runOrg(t, db, &now)
		n := 0
		for _, from := range statuses {
			for _, to := range statuses {
				for _, via := range []string{"event", "patch"} {
					n++
					id := fmt.Sprintf("r%d", n) // names no status, so a conflict detail must

					if _, created, err := db.ApplyRunEvent(ctx, catalog.RunEvent{PipelineName: "orders", RunID: id, Status: from}); err != nil || !created {
						t.Fatalf("create %s: created=%v err=%v", id, created, err)
					}
					var run *catalog.Run
					var err error
					if via == "event" {
						run, _, err = db.ApplyRunEvent(ctx, catalog.RunEvent{PipelineName: "orders", RunID: id, Status: to})
					} else {
						run, err = db.UpdateRun(ctx, id, catalog.RunUpdate{Status: &to})
					}
					if !allowed(from, to) {
						if catalog.ErrorCode(err) != catalog.ECONFLICT || !strings.Contains(catalog.ErrorMessage(err), from) {
							t.Errorf("%s → %s via %s: err %v, want a conflict naming %s", from, to, via, err, from)
						}
						continue
					}
					if err != nil || run.Status != to || catalog.RunFinished(to) != (run.FinishedAt != nil) {
						t.Errorf("%s → %s via %s: run %+v, err %v", from, to, via, run, err)
					}
				}
			}
		}
	})
}
