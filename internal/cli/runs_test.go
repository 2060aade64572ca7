package cli

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestRuns_StartFinishAndCheckResults(t *testing.T) {
	tc := newTestCatalog(t, "free")
	tc.dxp(t, "pipelines", "apply", "-f", "../../examples/orders.yaml").must(t)

	r := tc.dxp(t, "runs", "start", "orders_sync", "--attr", "commit=abc123")
	r.must(t)
	runID := strings.TrimSpace(r.stdout)
	if !regexp.MustCompile(`^run-\d{8}-\d{3}$`).MatchString(runID) {
		t.Fatalf("runs start printed %q, want the run id alone", r.stdout)
	}

	r = tc.dxp(t, "checks", "report", "--run", runID, "--check", "orders_pk_not_null", "--status", "passed", "--observed", "0")
	if r.must(t); r.stdout != "Reported 1 check result.\n" {
		t.Fatalf("checks report printed %q", r.stdout)
	}
	results := filepath.Join(t.TempDir(), "results.json")
	os.WriteFile(results, []byte(`{"results": [
	  {"run_id": "`+runID+`", "check_id": "revenue_not_negative", "status": "failed", "observed_value": -3, "message": "3 days below zero"},
	  {"run_id": "`+runID+`", "check_id": "orders_pk_not_null", "status": "passed"}]}`), 0o644)
	if r := tc.dxp(t, "checks", "report", "-f", results).must(t); r.stdout != "Reported 2 check results.\n" {
		t.Fatalf("checks report -f printed %q", r.stdout)
	}
	stdin := `[{"run_id": "` + runID + `", "check_id": "orders_pk_not_null", "status": "skipped"}]`
	runDXP(t, tc.env(tc.admin), stdin, "checks", "report", "-f", "-").must(t)

	r = tc.dxp(t, "runs", "finish", runID, "--error", "load step exited with 3").must(t)
	if want := "Run " + runID + " of orders_sync: failed.\n"; r.stdout != want {
		t.Fatalf("runs finish printed %q, want %q", r.stdout, want)
	}
	run, err := tc.client(t, tc.admin).GetRun(context.Background(), runID)
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != "failed" || run.Error == nil || *run.Error != "load step exited with 3" || run.FinishedAt == nil ||
		run.ChecksSummary == nil || run.ChecksSummary.Total == 0 {
		t.Fatalf("run = %+v", run)
	}
	// A finished run does not change status again.
	if r := tc.dxp(t, "runs", "finish", runID); r.err == nil {
		t.Fatal("a failed run was finished again as a success")
	}
}

func TestRuns_UnknownPipelineShowsTheAPIsProblem(t *testing.T) {
	tc := newTestCatalog(t, "free")
	r := tc.dxp(t, "runs", "start", "nope")
	if r.err == nil || !strings.Contains(r.err.Error(), "pipeline_id") {
		t.Fatalf("err = %v, want the 422 errors list naming pipeline_id", r.err)
	}
}

func TestLineageShow_CrossPipelineTree(t *testing.T) {
	tc := newTestCatalog(t, "free")
	tc.dxp(t, "pipelines", "apply", "-f", "../../examples").must(t)

	r := tc.dxp(t, "lineage", "show", "clean_orders", "--depth", "5")
	r.must(t)
	for _, want := range []string{
		"clean_orders (analytics.orders_clean)\n",
		"  ← orders_enriched  via orders_sync\n",
		"    ← dim_customers (analytics.dim_customers)  via orders_sync\n",
		"      ← customers_deduped  via customers_sync\n",
		"  → stock_available  via inventory_snapshot\n",
		"    → fct_inventory (analytics.fct_inventory)  via inventory_snapshot\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("lineage tree lacks %q:\n%s", want, r.stdout)
		}
	}
	r = tc.dxp(t, "lineage", "show", "raw_customers", "--direction", "downstream", "--output", "json").must(t)
	if !strings.Contains(r.stdout, `"root": "raw_customers"`) || !strings.Contains(r.stdout, `"id": "dim_customers"`) {
		t.Fatalf("lineage --output json:\n%s", r.stdout)
	}
}
