package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

var day0 = time.Date(2026, 6, 7, 6, 0, 0, 0, time.UTC)

// runOrg sets db's clock to *now and returns an organization with the
// pipeline "orders" registered.
func runOrg(t *testing.T, db *sqlstore.DB, now *time.Time) context.Context {
	t.Helper()
	db.Now = func() time.Time { return *now }
	ctx, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanBusiness)
	if _, _, err := db.RegisterPipeline(ctx, reg("orders", "1", "a")); err != nil {
		t.Fatal(err)
	}
	return ctx
}

func ptr[T any](v T) *T { return &v }

func TestRunService_Times(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		now := day0
		ctx := runOrg(t, db, &now)
		run, created, err := db.ApplyRunEvent(ctx, catalog.RunEvent{PipelineName: "orders", Status: catalog.RunQueued})
		if err != nil || !created || !run.StartedAt.Equal(day0) || run.FinishedAt != nil {
			t.Fatalf("queued = %+v, %v, %v", run, created, err)
		}
		now = day0.Add(time.Minute)
		if run, _, err = db.ApplyRunEvent(ctx, catalog.RunEvent{PipelineName: "orders", RunID: run.ID, Status: catalog.RunRunning}); err != nil || !run.StartedAt.Equal(now) {
			t.Fatalf("running = %+v, %v; want started_at when it became running", run, err)
		}
		now = day0.Add(31 * time.Minute)
		run, created, err = db.ApplyRunEvent(ctx, catalog.RunEvent{PipelineName: "orders", RunID: run.ID, Status: catalog.RunSuccess})
		if d, ok := run.Duration(); err != nil || created || !ok || d != 30*time.Minute || !run.FinishedAt.Equal(now) {
			t.Fatalf("success = %+v, %v, %v; want 30m from defaults", run, created, err)
		}
		got, err := db.FindRun(ctx, run.ID)
		if err != nil || !got.FinishedAt.Equal(now) || !got.StartedAt.Equal(day0.Add(time.Minute)) {
			t.Fatalf("stored = %+v, %v", got, err)
		}
		// Already finished when first posted, with explicit times.
		start, end := day0.Add(-time.Hour), day0.Add(-time.Hour+90*time.Second)
		run, _, err = db.ApplyRunEvent(ctx, catalog.RunEvent{PipelineName: "orders", Status: catalog.RunFailed, StartedAt: &start, FinishedAt: &end, Error: ptr("boom")})
		if d, _ := run.Duration(); err != nil || d != 90*time.Second || run.Error != "boom" {
			t.Fatalf("posted finished = %+v, %v", run, err)
		}
		_, _, err = db.ApplyRunEvent(ctx, catalog.RunEvent{PipelineName: "orders", Status: catalog.RunSuccess, StartedAt: &end, FinishedAt: &start})
		if e, ok := err.(*catalog.Error); !ok || len(e.Fields) != 1 || e.Fields[0].Field != "finished_at" {
			t.Fatalf("finished before started: %v, want 422 on finished_at", err)
		}
		_, _, err = db.ApplyRunEvent(ctx, catalog.RunEvent{PipelineName: "orders", Status: catalog.RunRunning, FinishedAt: &end})
		if catalog.ErrorCode(err) != catalog.EINVALID {
			t.Fatalf("finished_at on a running run: %v, want EINVALID", err)
		}
	})
}

func TestRunService_IdenticalRepeat(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		now := day0
		ctx := runOrg(t, db, &now)
		ev := catalog.RunEvent{PipelineName: "orders", RunID: "manual__1", Status: catalog.RunSuccess, Error: ptr(""),
			Attributes: []byte(`{"dag": "orders", "try": 1}`)}
		first, _, err := db.ApplyRunEvent(ctx, ev)
		if err != nil {
			t.Fatal(err)
		}
		now = day0.Add(time.Hour)
		ev.Attributes = []byte(`{"try":1,"dag":"orders"}`) // same object, other spelling
		again, created, err := db.ApplyRunEvent(ctx, ev)
		if err != nil || created || !again.UpdatedAt.Equal(first.UpdatedAt) || !again.FinishedAt.Equal(day0) {
			t.Fatalf("identical repeat = %+v, created=%v, err=%v; want the stored run unchanged", again, created, err)
		}
		ev.Error = ptr("late error")
		_, _, err = db.ApplyRunEvent(ctx, ev)
		if catalog.ErrorCode(err) != catalog.ECONFLICT || !strings.Contains(catalog.ErrorMessage(err), "error") {
			t.Fatalf("changed repeat: %v, want a conflict naming the changed field", err)
		}
		_, _, err = db.ApplyRunEvent(ctx, catalog.RunEvent{PipelineName: "other", RunID: "manual__1", Status: catalog.RunSuccess})
		if catalog.ErrorCode(err) != catalog.EINVALID {
			t.Fatalf("unknown pipeline: %v, want EINVALID", err)
		}
	})
}

func TestRunService_Attributes(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		now := day0
		ctx := runOrg(t, db, &now)
		run, _, err := db.ApplyRunEvent(ctx, catalog.RunEvent{PipelineName: "orders", Status: catalog.RunRunning, Attributes: []byte(`{"a":1,"b":2,"h":"<b>"}`)})
		if err != nil {
			t.Fatal(err)
		}
		run, _, err = db.ApplyRunEvent(ctx, catalog.RunEvent{PipelineName: "orders", RunID: run.ID, Status: catalog.RunSuccess, Attributes: []byte(`{"b":null,"c":[3]}`)})
		if err != nil || string(run.Attributes) != `{"a":1,"c":[3],"h":"<b>"}` {
			t.Fatalf("merged attributes = %s, %v", run.Attributes, err)
		}
		big := `{"x":"` + strings.Repeat("y", catalog.MaxRunAttributesBytes) + `"}`
		_, _, err = db.ApplyRunEvent(ctx, catalog.RunEvent{PipelineName: "orders", Status: catalog.RunRunning, Attributes: []byte(big)})
		if catalog.ErrorCode(err) != catalog.EINVALID {
			t.Fatalf("attributes over 64 KiB: %v, want EINVALID", err)
		}
	})
}

func TestRunService_ErrOtherOrg(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		now := day0
		ctx := runOrg(t, db, &now)
		run, _, err := db.ApplyRunEvent(ctx, catalog.RunEvent{PipelineName: "orders", Status: catalog.RunRunning})
		if err != nil {
			t.Fatal(err)
		}
		other := runOrg(t, db, &now)
		if _, err := db.FindRun(other, run.ID); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("other org finds the run: %v", err)
		}
		if _, err := db.UpdateRun(other, run.ID, catalog.RunUpdate{Status: ptr(catalog.RunFailed)}); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("other org updates the run: %v", err)
		}
		if _, err := db.SummarizeChecks(other, run.ID); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("other org summarizes the run's checks: %v", err)
		}
		// The same id in the other organization is a run of its own.
		mine, created, err := db.ApplyRunEvent(other, catalog.RunEvent{PipelineName: "orders", RunID: run.ID, Status: catalog.RunSuccess})
		if err != nil || !created || mine.ID != run.ID {
			t.Fatalf("same id in other org = %+v, %v, %v", mine, created, err)
		}
		if got, _ := db.FindRun(ctx, run.ID); got.Status != catalog.RunRunning {
			t.Fatalf("org A's run became %s", got.Status)
		}
	})
}
