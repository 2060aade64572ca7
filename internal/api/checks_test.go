package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// checkEnv is an organization with pipeline orders_sync (check pk_not_null
// of severity warn) and its running run run-20260607-001.
func checkEnv(t *testing.T) (*env, string) {
	e := sqliteEnv(t)
	_, key := e.newOrg("acme", catalog.PlanFree)
	e.do("POST", "/api/v1/pipelines/", key, pipelineJSON("orders_sync", "1")).expect(201)
	e.do("POST", "/api/v1/runs/", key, `{"pipeline_id":"orders_sync","status":"running"}`).expect(201)
	return e, key
}

func TestChecks_RecordAndSummary(t *testing.T) {
	e, key := checkEnv(t)
	m := e.do("POST", "/api/v1/checks/results", key, `{"run_id":"run-20260607-001","check_id":"pk_not_null","status":"failed",
		"observed_value":{"nulls":3},"expected":0,"message":"3 null keys"}`).expect(201).json()
	if m["severity"] != "warn" || m["pipeline_id"] != "orders_sync" || !strings.HasPrefix(m["id"].(string), "chk_") ||
		m["observed_value"].(map[string]any)["nulls"] != float64(3) || m["expected"] != float64(0) {
		t.Fatalf("recorded = %v; want severity warn from the definition", m)
	}
	if run := e.do("GET", "/api/v1/runs/run-20260607-001", key, "").expect(200).json(); run["checks_failed"] != false {
		t.Fatal("a failed warn check marked the run checks_failed")
	}
	batch := `{"results":[
		{"run_id":"run-20260607-001","check_id":"row_count","status":"failed","pipeline_id":"orders_sync"},
		{"run_id":"run-20260607-001","check_id":"freshness","status":"passed","executed_at":"2026-06-07T05:00:00Z"},
		{"run_id":"run-20260607-001","check_id":"schema","status":"skipped"},
		{"run_id":"run-20260607-001","check_id":"dupes","status":"error","severity":"warn"}]}`
	res := e.do("POST", "/api/v1/checks/results/", key, batch).expect(201).json()["results"].([]any)
	if len(res) != 4 || res[0].(map[string]any)["severity"] != "error" {
		t.Fatalf("batch = %v; want 4 results, an undefined check defaulting to error", res)
	}
	run := e.do("GET", "/api/v1/runs/run-20260607-001", key, "").expect(200).json()
	if run["checks_failed"] != true {
		t.Fatal("a failed error check did not mark the run checks_failed")
	}
	sum := run["checks_summary"].(map[string]any)
	if fmt.Sprint(sum) != "map[error:1 failed:2 passed:1 skipped:1 total:5]" {
		t.Fatalf("checks_summary = %v", sum)
	}
	checks := run["checks"].([]any)
	if len(checks) != 5 || checks[4].(map[string]any)["check_id"] != "freshness" {
		t.Fatalf("checks = %v; want 5, the one executed earliest last", checks)
	}
	if lr := e.do("GET", "/api/v1/pipelines/orders_sync", key, "").expect(200).json()["last_run"].(map[string]any); lr["checks_failed"] != true {
		t.Fatalf("last_run = %v; want checks_failed", lr)
	}
	items := e.do("GET", "/api/v1/checks/results/?status=failed&severity=error", key, "").expect(200).json()["items"].([]any)
	if len(items) != 1 || items[0].(map[string]any)["check_id"] != "row_count" {
		t.Fatalf("failed error results = %v", items)
	}
	e.do("GET", "/api/v1/checks/results?severity=fatal&status=ok", key, "").expect(422)
}

func TestChecks_BatchRefusedWhole(t *testing.T) {
	e, key := checkEnv(t)
	batch := `{"results":[
		{"run_id":"run-20260607-001","check_id":"a","status":"failed","severity":"error"},
		{"run_id":"run-20260607-001","check_id":"b","status":"fine"},
		{"run_id":"run-20260607-404","check_id":"c","status":"passed"},
		{"run_id":"run-20260607-001","check_id":"d","status":"passed","pipeline_id":"billing"}]}`
	m := e.do("POST", "/api/v1/checks/results/", key, batch).expect(422).json()
	if got, want := strings.Join(fieldsOf(m), " "), "results[1].status results[2].run_id results[3].pipeline_id"; got != want {
		t.Fatalf("problems on %q, want %q", got, want)
	}
	if items := e.do("GET", "/api/v1/checks/results/", key, "").expect(200).json()["items"].([]any); len(items) != 0 {
		t.Fatalf("a refused batch stored %d results", len(items))
	}
	if run := e.do("GET", "/api/v1/runs/run-20260607-001", key, "").expect(200).json(); run["checks_failed"] != false {
		t.Fatal("a refused batch marked the run checks_failed")
	}
	item := `{"run_id":"run-20260607-001","check_id":"a","status":"passed"}`
	e.do("POST", "/api/v1/checks/results/", key, `{"results":[`+strings.Repeat(item+",", 500)+item+`]}`).expect(422)
	e.do("POST", "/api/v1/checks/results/", key, `{"results":[`+strings.Repeat(item+",", 499)+item+`]}`).expect(201)
	// A single result names its fields without the batch prefix.
	m = e.do("POST", "/api/v1/checks/results/", key, `{"run_id":"nope","check_id":"a","status":"passed"}`).expect(422).json()
	if got := fieldsOf(m); len(got) != 1 || got[0] != "run_id" {
		t.Fatalf("single result problems on %v, want run_id", got)
	}
	m = e.do("POST", "/api/v1/checks/results/", key, `{"results":[{"run_id":"run-20260607-001","check_id":"a","status":"x","executed_at":"noon"}]}`).expect(422).json()
	if got := strings.Join(fieldsOf(m), " "); got != "results[0].status results[0].executed_at" {
		t.Fatalf("problems on %q", got)
	}
	e.do("POST", "/api/v1/checks/results/", key, `{"run_id":"run-20260607-001","results":[]}`).expect(422)
	e.do("POST", "/api/v1/checks/results/", key, `{"run_id":"run-20260607-001","check_id":"a","status":"passed","organization":"acme"}`).expect(422)
}

func TestChecks_OtherOrg(t *testing.T) {
	e, key := checkEnv(t)
	e.do("POST", "/api/v1/checks/results/", key, `{"run_id":"run-20260607-001","check_id":"a","status":"passed"}`).expect(201)
	_, other := e.newOrg("other", catalog.PlanFree)
	e.do("POST", "/api/v1/checks/results/", other, `{"run_id":"run-20260607-001","check_id":"a","status":"failed"}`).expect(422)
	for _, path := range []string{"/api/v1/checks/results/", "/api/v1/checks/results/?run_id=run-20260607-001", "/api/v1/runs/"} {
		if items := e.do("GET", path, other, "").expect(200).json()["items"].([]any); len(items) != 0 {
			t.Errorf("%s as another org shows %d items", path, len(items))
		}
	}
}
