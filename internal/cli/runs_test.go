package cli

import (
	"context"
	"fmt"
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

func TestRuns_ListAndGet(t *testing.T) {
	tc := newTestCatalog(t, "free")
	tc.dxp(t, "pipelines", "apply", "-f", "../../examples").must(t)
	var ids []string
	for i := 0; i < 3; i++ {
		ids = append(ids, strings.TrimSpace(tc.dxp(t, "runs", "start", "orders_sync").must(t).stdout))
	}
	tc.dxp(t, "runs", "start", "customers_sync").must(t)
	tc.dxp(t, "checks", "report", "--run", ids[0], "--check", "orders_pk_not_null", "--status", "failed", "--observed", "4", "--message", "4 null keys").must(t)
	tc.dxp(t, "runs", "finish", ids[0], "--error", "checks failed").must(t)

	r := tc.dxp(t, "runs", "list", "--pipeline", "orders_sync").must(t)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "RUN ID ") || !strings.HasPrefix(lines[1], ids[2]+" ") ||
		!strings.Contains(lines[3], " failed ") || !strings.HasSuffix(lines[3], " failed") {
		t.Fatalf("runs list (newest first, the failed one last):\n%s", r.stdout)
	}
	// --limit stops early; JSON is the runs themselves.
	runs := decodeJSON[[]struct {
		RunID        string `json:"run_id"`
		ChecksFailed bool   `json:"checks_failed"`
	}](t, tc.dxp(t, "runs", "list", "--limit", "2", "--output", "json").must(t))
	if len(runs) != 2 {
		t.Fatalf("runs list --limit 2 gave %d runs", len(runs))
	}
	runs = decodeJSON[[]struct {
		RunID        string `json:"run_id"`
		ChecksFailed bool   `json:"checks_failed"`
	}](t, tc.dxp(t, "runs", "list", "--status", "failed", "--since", "1h", "--output", "json").must(t))
	if len(runs) != 1 || runs[0].RunID != ids[0] || !runs[0].ChecksFailed {
		t.Fatalf("runs list --status failed: %+v", runs)
	}
	// A successful run whose error check failed is listed by --checks-failed,
	// which --status failed would miss.
	tc.dxp(t, "checks", "report", "--run", ids[1], "--check", "orders_pk_not_null", "--status", "failed", "--observed", "1").must(t)
	tc.dxp(t, "runs", "finish", ids[1]).must(t)
	runs = decodeJSON[[]struct {
		RunID        string `json:"run_id"`
		ChecksFailed bool   `json:"checks_failed"`
	}](t, tc.dxp(t, "runs", "list", "--checks-failed", "--output", "json").must(t))
	if len(runs) != 2 || runs[0].RunID != ids[1] || runs[1].RunID != ids[0] {
		t.Fatalf("runs list --checks-failed: %+v; want %s and %s", runs, ids[1], ids[0])
	}
	if r := tc.dxp(t, "runs", "list", "--status", "failed", "--since", "2999-01-01T00:00:00Z").must(t); r.stdout != "No runs.\n" {
		t.Fatalf("runs list of the future: %q", r.stdout)
	}
	if r := tc.dxp(t, "runs", "list", "--since", "yesterday"); r.err == nil || !strings.Contains(r.err.Error(), "duration back from now") {
		t.Fatalf("--since yesterday: %v", r.err)
	}

	r = tc.dxp(t, "runs", "get", ids[0]).must(t)
	for _, want := range []string{"Run:       " + ids[0], "Pipeline:  orders_sync", "Status:    failed", "Error:     checks failed",
		"Checks:    1: 0 passed, 1 failed, 0 error, 0 skipped (failed)", "orders_pk_not_null  failed  error     4         -         "} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("runs get lacks %q:\n%s", want, r.stdout)
		}
	}
	run := decodeJSON[struct {
		RunID         string               `json:"run_id"`
		ChecksSummary struct{ Failed int } `json:"checks_summary"`
	}](t, tc.dxp(t, "runs", "get", ids[0], "--output", "json").must(t))
	if run.RunID != ids[0] || run.ChecksSummary.Failed != 1 {
		t.Fatalf("runs get --output json: %+v", run)
	}
	if r := tc.dxp(t, "runs", "get", "run-19990101-001"); r.err == nil || !strings.Contains(r.err.Error(), "run-19990101-001") {
		t.Fatalf("runs get of a missing run: %v", r.err)
	}
}

func TestRunsList_FollowsEveryPage(t *testing.T) {
	tc := newTestCatalog(t, "free")
	tc.dxp(t, "pipelines", "apply", "-f", "../../examples/orders.yaml").must(t)
	cl := tc.client(t, tc.admin)
	const n = 503 // more than one page of 500
	for i := 0; i < n; i++ {
		id := fmt.Sprintf("gh-%04d", i)
		if _, err := cl.CreateRun(t.Context(), newRun("orders_sync", id)); err != nil {
			t.Fatal(err)
		}
	}
	runs := decodeJSON[[]struct {
		RunID string `json:"run_id"`
	}](t, tc.dxp(t, "runs", "list", "--output", "json").must(t))
	seen := map[string]bool{}
	for _, r := range runs {
		seen[r.RunID] = true
	}
	if len(runs) != n || len(seen) != n || !seen["gh-0000"] || !seen[fmt.Sprintf("gh-%04d", n-1)] {
		t.Fatalf("runs list gave %d runs (%d distinct), want %d, the first and the last included", len(runs), len(seen), n)
	}
	if r := tc.dxp(t, "runs", "list", "--limit", "501", "--output", "json").must(t); len(decodeJSON[[]any](t, r)) != 501 {
		t.Fatal("runs list --limit 501 did not stop at 501 across pages")
	}
	if r := tc.dxp(t, "runs", "list", "--limit", "-1"); r.err == nil {
		t.Fatal("--limit -1 was accepted")
	}
}

func TestChecksList(t *testing.T) {
	tc := newTestCatalog(t, "free")
	tc.dxp(t, "pipelines", "apply", "-f", "../../examples/orders.yaml").must(t)
	run := strings.TrimSpace(tc.dxp(t, "runs", "start", "orders_sync").must(t).stdout)
	other := strings.TrimSpace(tc.dxp(t, "runs", "start", "orders_sync").must(t).stdout)
	tc.dxp(t, "checks", "report", "--run", run, "--check", "orders_pk_not_null", "--status", "passed", "--observed", "0").must(t)
	tc.dxp(t, "checks", "report", "--run", run, "--check", "revenue_not_negative", "--status", "failed", "--severity", "warn",
		"--observed", `{"days": 3}`, "--message", "3 days below zero").must(t)
	tc.dxp(t, "checks", "report", "--run", other, "--check", "orders_pk_not_null", "--status", "failed").must(t)

	r := tc.dxp(t, "checks", "list", "--run", run).must(t)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "RUN ID  ") || !strings.Contains(r.stdout, `revenue_not_negative  failed  warn      {"days":3}`) ||
		!strings.HasSuffix(lines[1], "3 days below zero") {
		t.Fatalf("checks list --run:\n%s", r.stdout)
	}
	got := decodeJSON[[]struct {
		CheckID string `json:"check_id"`
	}](t, tc.dxp(t, "checks", "list", "--status", "failed", "--severity", "error", "--output", "json").must(t))
	if len(got) != 1 || got[0].CheckID != "orders_pk_not_null" {
		t.Fatalf("checks list --status failed --severity error: %+v", got)
	}
	if r := tc.dxp(t, "checks", "list", "--check", "nope").must(t); r.stdout != "No check results.\n" {
		t.Fatalf("checks list of nothing: %q", r.stdout)
	}
}
