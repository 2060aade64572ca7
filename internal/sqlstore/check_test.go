package sqlstore_test

import (
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
	out, err := db.RecordCheckResults(ctx, reports)
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
		})
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
		if items, _, _ := db.ListCheckResults(ctx, catalog.CheckResultFilter{}); len(items) != 0 {
			t.Fatalf("a refused batch stored %d results", len(items))
		}
		if run, _ := db.FindRun(ctx, "r1"); run.ChecksFailed {
			t.Fatal("a refused batch marked the run checks_failed")
		}
		for _, n := range []int{0, catalog.MaxCheckBatch + 1} {
			reports := slices.Repeat([]catalog.CheckReport{{RunID: "r1", CheckID: "pk", Status: catalog.CheckPassed}}, n)
			if _, err := db.RecordCheckResults(ctx, reports); catalog.ErrorCode(err) != catalog.EINVALID {
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
		_, err := db.RecordCheckResults(other, []catalog.CheckReport{{RunID: "r1", CheckID: "pk", Status: catalog.CheckFailed}})
		if e, ok := err.(*catalog.Error); !ok || len(e.Fields) != 1 || e.Fields[0].Field != "results[0].run_id" {
			t.Fatalf("other org records into the run: %v", err)
		}
		if items, _, _ := db.ListCheckResults(other, catalog.CheckResultFilter{RunID: "r1"}); len(items) != 0 {
			t.Fatalf("other org lists %d results", len(items))
		}
	})
}
