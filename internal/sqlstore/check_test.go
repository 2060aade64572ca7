package sqlstore_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// regChecks registers pipeline "orders" whose definition declares check pk
// with pkSeverity and check fresh with no severity.
func regChecks(t *testing.T, db *sqlstore.DB, ctx context.Context, version, pkSeverity string) {
	t.Helper()
	r := reg("orders", version, "checks-"+pkSeverity)
	r.Definition = func(v string) json.RawMessage {
		return json.RawMessage(fmt.Sprintf(`{"name":"orders","version":%q,"owner":"a@b.c","schedule":"@daily",
			"targets":[{"id":"t","type":"bigquery"}],
			"checks":[{"id":"pk","target":"t","severity":%q},{"id":"fresh","target":"t"}]}`, v, pkSeverity))
	}
	if _, _, err := db.RegisterPipeline(ctx, r); err != nil {
		t.Fatal(err)
	}
}

// declaredSeverities reads the checks of the definitions regChecks writes,
// as the API's reading of a spec does: a check without severity is error.
func declaredSeverities(def json.RawMessage) map[string]string {
	var d struct {
		Checks []struct{ ID, Severity string }
	}
	if json.Unmarshal(def, &d) != nil {
		return nil
	}
	out := map[string]string{}
	for _, c := range d.Checks {
		out[c.ID] = cmp.Or(c.Severity, catalog.SeverityError)
	}
	return out
}

// checkOrg returns an organization with pipeline orders (check pk is warn)
// and its running run r1.
func checkOrg(t *testing.T, db *sqlstore.DB, now *time.Time) context.Context {
	t.Helper()
	ctx := runOrg(t, db, now)
	regChecks(t, db, ctx, "2", catalog.SeverityWarn)
	if _, _, err := db.ApplyRunEvent(ctx, catalog.RunEvent{PipelineName: "orders", RunID: "r1", Status: catalog.RunRunning}); err != nil {
		t.Fatal(err)
	}
	return ctx
}

func record(t *testing.T, db *sqlstore.DB, ctx context.Context, reports ...catalog.CheckReport) []*catalog.CheckResult {
	t.Helper()
	out, err := db.RecordCheckResults(ctx, reports, declaredSeverities)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestCheckService_Severity(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		now := day0
		ctx := checkOrg(t, db, &now)
		got := record(t, db, ctx,
			catalog.CheckReport{RunID: "r1", CheckID: "pk", Status: catalog.CheckFailed},
			catalog.CheckReport{RunID: "r1", CheckID: "fresh", Status: catalog.CheckPassed},
			catalog.CheckReport{RunID: "r1", CheckID: "adhoc", Status: catalog.CheckPassed},
			catalog.CheckReport{RunID: "r1", CheckID: "pk", Status: catalog.CheckPassed, Severity: catalog.SeverityError})
		for i, want := range []string{"warn", "error", "error", "error"} {
			if got[i].Severity != want || got[i].PipelineName != "orders" {
				t.Errorf("result %d (%s): severity %q pipeline %q, want %q orders", i, got[i].CheckID, got[i].Severity, got[i].PipelineName, want)
			}
		}
		if run, _ := db.FindRun(ctx, "r1"); run.ChecksFailed {
			t.Fatal("a failed warn check marked the run checks_failed")
		}
		// The current definition decides: pk becomes an error check.
		regChecks(t, db, ctx, "3", catalog.SeverityError)
		if got := record(t, db, ctx, catalog.CheckReport{RunID: "r1", CheckID: "pk", Status: catalog.CheckFailed}); got[0].Severity != "error" {
			t.Fatalf("after the new version pk defaults to %q, want error", got[0].Severity)
		}
		if run, _ := db.FindRun(ctx, "r1"); !run.ChecksFailed {
			t.Fatal("a failed error check did not mark the run checks_failed")
		}
		s, err := db.SummarizeChecks(ctx, "r1")
		if err != nil || s != (catalog.CheckSummary{Total: 5, Passed: 3, Failed: 2}) {
			t.Fatalf("summary = %+v, %v", s, err)
		}
	})
}

func TestCheckService_BatchAllOrNothing(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		now := day0
		ctx := checkOrg(t, db, &now)
		_, err := db.RecordCheckResults(ctx, []catalog.CheckReport{
			{RunID: "r1", CheckID: "pk", Status: catalog.CheckFailed, Severity: catalog.SeverityError},
			{RunID: "r1", CheckID: "pk", Status: "bogus"},
			{RunID: "nope", CheckID: "pk", Status: catalog.CheckPassed},
			{RunID: "r1", CheckID: "", Status: catalog.CheckPassed, PipelineName: "events"},
		}, declaredSeverities)
		var fields []string
		if e, ok := err.(*catalog.Error); ok {
			for _, f := range e.Fields {
				fields = append(fields, f.Field)
			}
		}
		want := []string{"results[1].status", "results[2].run_id", "results[3].check_id", "results[3].pipeline_id"}
		if catalog.ErrorCode(err) != catalog.EINVALID || !slices.Equal(fields, want) {
			t.Fatalf("bad batch: %v %v, want EINVALID on %v", err, fields, want)
		}
		if items, _, err := db.ListCheckResults(ctx, catalog.CheckResultFilter{}); err != nil || len(items) != 0 {
			t.Fatalf("a refused batch stored %d results (%v)", len(items), err)
		}
		if run, _ := db.FindRun(ctx, "r1"); run.ChecksFailed {
			t.Fatal("a refused batch marked the run checks_failed")
		}
		for _, n := range []int{0, catalog.MaxCheckBatch + 1} {
			reports := slices.Repeat([]catalog.CheckReport{{RunID: "r1", CheckID: "pk", Status: catalog.CheckPassed}}, n)
			if _, err := db.RecordCheckResults(ctx, reports, declaredSeverities); catalog.ErrorCode(err) != catalog.EINVALID {
				t.Errorf("batch of %d: %v, want EINVALID", n, err)
			}
		}
		full := slices.Repeat([]catalog.CheckReport{{RunID: "r1", CheckID: "pk", Status: catalog.CheckPassed}}, catalog.MaxCheckBatch)
		if got := record(t, db, ctx, full...); len(got) != catalog.MaxCheckBatch {
			t.Fatalf("full batch stored %d", len(got))
		}
	})
}

func TestCheckService_ErrOtherOrg(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		now := day0
		ctx := checkOrg(t, db, &now)
		record(t, db, ctx, catalog.CheckReport{RunID: "r1", CheckID: "pk", Status: catalog.CheckPassed})
		other := runOrg(t, db, &now)
		_, err := db.RecordCheckResults(other, []catalog.CheckReport{{RunID: "r1", CheckID: "pk", Status: catalog.CheckFailed}}, declaredSeverities)
		if e, ok := err.(*catalog.Error); !ok || len(e.Fields) != 1 || e.Fields[0].Field != "results[0].run_id" {
			t.Fatalf("other org records into the run: %v", err)
		}
		if items, _, err := db.ListCheckResults(other, catalog.CheckResultFilter{RunID: "r1"}); err != nil || len(items) != 0 {
			t.Fatalf("other org lists %d results (%v)", len(items), err)
		}
	})
}

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
