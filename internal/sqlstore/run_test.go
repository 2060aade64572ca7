package sqlstore_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
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
		if runs, _, err := db.ListRuns(runOrg(t, db, &now), catalog.RunFilter{}); err != nil || len(runs) != 0 {
			t.Fatalf("another organization lists %d runs (%v)", len(runs), err)
		}
	})
}

// checks_failed finds the successful run whose error check failed, which
// status=failed misses, and pages under the filter (issue 14).
func TestRunService_ListRunsByChecksFailed(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		now := day0
		ctx := runOrg(t, db, &now)
		for i, status := range []string{catalog.RunSuccess, catalog.RunFailed, catalog.RunSuccess, catalog.RunSuccess, catalog.RunSuccess} {
			start := day0.Add(time.Duration(i) * time.Minute)
			if _, _, err := db.ApplyRunEvent(ctx, catalog.RunEvent{PipelineName: "orders", RunID: fmt.Sprintf("r%d", i), Status: status, StartedAt: &start}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.RecordCheckResults(ctx, []catalog.CheckReport{
			{RunID: "r0", CheckID: "pk", Status: catalog.CheckFailed, Severity: catalog.SeverityError},
			{RunID: "r2", CheckID: "fresh", Status: catalog.CheckFailed, Severity: catalog.SeverityWarn}, // a warning fails no run
			{RunID: "r3", CheckID: "pk", Status: catalog.CheckPassed, Severity: catalog.SeverityError},
			{RunID: "r4", CheckID: "pk", Status: catalog.CheckFailed, Severity: catalog.SeverityError},
		}, nil); err != nil {
			t.Fatal(err)
		}
		ids := func(f catalog.RunFilter) []string {
			t.Helper()
			var out []string
			for cursor := ""; ; {
				f.Cursor = cursor
				runs, next, err := db.ListRuns(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range runs {
					out = append(out, r.ID)
				}
				if cursor = next; cursor == "" {
					return out
				}
			}
		}
		yes, no := true, false
		for name, c := range map[string]struct {
			f    catalog.RunFilter
			want []string
		}{
			"true":           {catalog.RunFilter{ChecksFailed: &yes, Page: catalog.Page{Limit: 1}}, []string{"r4", "r0"}},
			"false":          {catalog.RunFilter{ChecksFailed: &no, Page: catalog.Page{Limit: 2}}, []string{"r3", "r2", "r1"}},
			"true success":   {catalog.RunFilter{ChecksFailed: &yes, Status: catalog.RunSuccess}, []string{"r4", "r0"}},
			"status failed":  {catalog.RunFilter{Status: catalog.RunFailed}, []string{"r1"}},
			"true and since": {catalog.RunFilter{ChecksFailed: &yes, Since: ptr(day0.Add(time.Minute))}, []string{"r4"}},
		} {
			if got := ids(c.f); !slices.Equal(got, c.want) {
				t.Errorf("%s: %v, want %v", name, got, c.want)
			}
		}
		if runs, _, err := db.ListRuns(runOrg(t, db, &now), catalog.RunFilter{ChecksFailed: &yes}); err != nil || len(runs) != 0 {
			t.Fatalf("another organization lists %d runs with failed checks (%v)", len(runs), err)
		}
	})
}

// RecentRuns is ListRuns' first page for each pipeline of a list page, in
// one query: the same runs in the same order, cut per pipeline, and never
// another organization's.
func TestRunService_RecentRuns(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		now := day0
		ctx := runOrg(t, db, &now)
		for _, name := range []string{"refunds", "idle"} {
			if _, _, err := db.RegisterPipeline(ctx, reg(name, "1", "a")); err != nil {
				t.Fatal(err)
			}
		}
		post := func(ctx context.Context, pipeline, id string, start time.Time) {
			t.Helper()
			if _, _, err := db.ApplyRunEvent(ctx, catalog.RunEvent{PipelineName: pipeline, RunID: id, Status: catalog.RunSuccess, StartedAt: &start}); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 15 {
			post(ctx, "orders", fmt.Sprintf("orders-%02d", i), day0.Add(time.Duration(i)*time.Hour))
		}
		// Two runs started at the same instant: run_id breaks the tie, as in ListRuns.
		post(ctx, "orders", "orders-tie-a", day0.Add(14*time.Hour))
		post(ctx, "refunds", "refunds-1", day0)
		post(ctx, "refunds", "refunds-2", day0.Add(time.Minute))
		other := runOrg(t, db, &now)
		post(other, "orders", "elsewhere", day0.Add(100*time.Hour))

		got, err := db.RecentRuns(ctx, []string{"orders", "refunds", "idle", "unknown"}, 10)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := got["idle"]; ok || len(got) != 2 {
			t.Fatalf("pipelines in the answer = %v, want orders and refunds only", slices.Sorted(maps.Keys(got)))
		}
		for _, name := range []string{"orders", "refunds"} {
			want, _, err := db.ListRuns(ctx, catalog.RunFilter{PipelineName: name, Page: catalog.Page{Limit: 10}})
			if err != nil {
				t.Fatal(err)
			}
			if ids(got[name]) != ids(want) {
				t.Errorf("RecentRuns[%s] = %s, want ListRuns' %s", name, ids(got[name]), ids(want))
			}
		}
		if got := ids(got["orders"]); !strings.HasPrefix(got, "orders-tie-a orders-14 orders-13") || len(strings.Fields(got)) != 10 {
			t.Errorf("orders strip = %s, want the 10 newest, the tie by run_id descending", got)
		}
		if got, err := db.RecentRuns(ctx, nil, 10); err != nil || len(got) != 0 {
			t.Errorf("no pipelines = %v, %v", got, err)
		}
	})
}

func ids(runs []*catalog.Run) string {
	out := make([]string, len(runs))
	for i, r := range runs {
		out[i] = r.ID
	}
	return strings.Join(out, " ")
}
