package api_test

import (
	"strings"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// fieldsOf returns the fields a 422 body names, in order.
func fieldsOf(m map[string]any) []string {
	var out []string
	for _, p := range m["errors"].([]any) {
		out = append(out, p.(map[string]any)["field"].(string))
	}
	return out
}

func TestRuns_Lifecycle(t *testing.T) {
	e := sqliteEnv(t)
	_, key := e.newOrg("acme", catalog.PlanFree)
	e.do("POST", "/api/v1/pipelines/", key, pipelineJSON("orders_sync", "1")).expect(201)
	if lr := e.do("GET", "/api/v1/pipelines/orders_sync", key, "").expect(200).json()["last_run"]; lr != nil {
		t.Fatalf("last_run before any run = %v, want null", lr)
	}
	m := e.do("POST", "/api/v1/runs/", key, `{"pipeline_id":"orders_sync","status":"running","attributes":{"dag":"orders"}}`).expect(201).json()
	if m["run_id"] != "run-20260607-001" || m["created"] != true || m["started_at"] != "2026-06-07T06:00:00Z" ||
		m["finished_at"] != nil || m["duration_seconds"] != nil || m["error"] != nil {
		t.Fatalf("created run = %v", m)
	}
	e.clock.Advance(90 * time.Second)
	done := `{"pipeline_id":"orders_sync","run_id":"run-20260607-001","status":"success"}`
	m = e.do("POST", "/api/v1/runs", key, done).expect(200).json()
	if m["status"] != "success" || m["duration_seconds"] != float64(90) || m["finished_at"] != "2026-06-07T06:01:30Z" || m["created"] != false {
		t.Fatalf("finished run = %v", m)
	}
	if a := m["attributes"].(map[string]any); a["dag"] != "orders" {
		t.Fatalf("attributes = %v", a)
	}
	e.clock.Advance(time.Minute)
	e.do("POST", "/api/v1/runs/", key, done).expect(200) // the DAG's retry of the same event
	m = e.do("POST", "/api/v1/runs/", key, strings.Replace(done, "success", "failed", 1)).expect(409).json()
	if d := m["detail"].(string); m["code"] != "conflict" || !strings.Contains(d, "success") || !strings.Contains(d, "run-20260607-001") {
		t.Fatalf("409 body = %v; want the detail to name the run and its status", m)
	}
	e.do("PATCH", "/api/v1/runs/run-20260607-001", key, `{"status":"cancelled"}`).expect(409)
	e.do("PATCH", "/api/v1/runs/run-20260607-999", key, `{"status":"cancelled"}`).expect(404)
	lr := e.do("GET", "/api/v1/pipelines/orders_sync", key, "").expect(200).json()["last_run"].(map[string]any)
	if lr["run_id"] != "run-20260607-001" || lr["status"] != "success" || lr["duration_seconds"] != float64(90) || lr["checks_failed"] != false {
		t.Fatalf("last_run = %v", lr)
	}
	// The DAG's queued → running → success, with its own run id and times.
	e.do("POST", "/api/v1/runs/", key, `{"pipeline_id":"orders_sync","run_id":"scheduled__2026-06-07T06:00","status":"queued"}`).expect(201)
	e.do("PATCH", "/api/v1/runs/scheduled__2026-06-07T06:00", key, `{"status":"running"}`).expect(200)
	m = e.do("PATCH", "/api/v1/runs/scheduled__2026-06-07T06:00", key, `{"status":"failed","error":"boom","finished_at":"2026-06-07T07:00:00Z"}`).expect(200).json()
	if m["error"] != "boom" || m["duration_seconds"] != float64(3600-150) {
		t.Fatalf("patched run = %v", m)
	}
}

func TestRuns_Validation(t *testing.T) {
	e := sqliteEnv(t)
	_, key := e.newOrg("acme", catalog.PlanFree)
	long := strings.Repeat("x", catalog.MaxRunErrorBytes+1)
	m := e.do("POST", "/api/v1/runs/", key, `{"pipeline_id":"nope","status":"done","attributes":[1],"error":"`+long+`"}`).expect(422).json()
	if got, want := strings.Join(fieldsOf(m), " "), "status error attributes pipeline_id"; got != want {
		t.Fatalf("problems on %q, want %q", got, want)
	}
	m = e.do("POST", "/api/v1/runs/", key, `{"pipeline_id":"nope","status":"running","started_at":"yesterday","finished_at":"2026-06-07"}`).expect(422).json()
	if got, want := strings.Join(fieldsOf(m), " "), "started_at finished_at"; got != want {
		t.Fatalf("problems on %q, want %q", got, want)
	}
	m = e.do("POST", "/api/v1/runs/", key, `{"pipeline_id":"nope","status":"running","organization_id":"org_x"}`).expect(422).json()
	if got := fieldsOf(m); len(got) != 1 || got[0] != "organization_id" {
		t.Fatalf("organization_id in the body: problems on %v", got)
	}
	e.do("POST", "/api/v1/runs/", key, `{"pipeline_id":"nope","status":"running","run_id":"a/b"}`).expect(422)
	e.do("PATCH", "/api/v1/runs/x", key, `{"pipeline_id":"nope"}`).expect(422)
	e.do("GET", "/api/v1/runs/?status=done&since=today", key, "").expect(422)
}

func TestRuns_ListAndOtherOrg(t *testing.T) {
	e := sqliteEnv(t)
	_, a := e.newOrg("org-a", catalog.PlanFree)
	_, b := e.newOrg("org-b", catalog.PlanFree)
	for _, key := range []string{a, b} {
		e.do("POST", "/api/v1/pipelines/", key, pipelineJSON("orders_sync", "1")).expect(201)
	}
	for i := range 5 {
		status := "success"
		if i%2 == 1 {
			status = "failed"
		}
		e.do("POST", "/api/v1/runs/", a, `{"pipeline_id":"orders_sync","status":"`+status+`"}`).expect(201)
		e.clock.Advance(time.Minute)
	}
	// Run ids are per organization: B's first run has A's first id too.
	if id := e.do("POST", "/api/v1/runs/", b, `{"pipeline_id":"orders_sync","status":"running"}`).expect(201).json()["run_id"]; id != "run-20260607-001" {
		t.Fatalf("org B's first run id = %v", id)
	}
	var ids []string
	path := "/api/v1/runs/?limit=2&pipeline_id=orders_sync"
	for path != "" {
		m := e.do("GET", path, a, "").expect(200).json()
		for _, it := range m["items"].([]any) {
			ids = append(ids, it.(map[string]any)["run_id"].(string))
		}
		path = ""
		if next, ok := m["next_cursor"].(string); ok {
			path = "/api/v1/runs/?limit=2&pipeline_id=orders_sync&cursor=" + next
		}
	}
	if got := strings.Join(ids, " "); got != "run-20260607-005 run-20260607-004 run-20260607-003 run-20260607-002 run-20260607-001" {
		t.Fatalf("org A's runs, newest first: %s", got)
	}
	failed := e.do("GET", "/api/v1/runs/?status=failed&since=2026-06-07T06:00:30Z&until=2026-06-07T06:03:00Z", a, "").expect(200).json()["items"].([]any)
	if len(failed) != 1 || failed[0].(map[string]any)["run_id"] != "run-20260607-002" {
		t.Fatalf("failed runs in the window = %v", failed)
	}
	e.do("GET", "/api/v1/runs/run-20260607-005", b, "").expect(404)
	e.do("PATCH", "/api/v1/runs/run-20260607-005", b, `{"status":"running"}`).expect(404)
	if items := e.do("GET", "/api/v1/runs/", b, "").expect(200).json()["items"].([]any); len(items) != 1 {
		t.Fatalf("org B lists %d runs, want its own 1", len(items))
	}
}

// ?checks_failed=true lists the successful run whose error check failed,
// which ?status=failed misses; a bad value is a 422 on the parameter, and
// the parameter is declared (not refused as unknown). Both engines.
func TestRuns_ListByChecksFailed(t *testing.T) {
	for _, engine := range []sqlstore.Engine{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, sqlstoretest.Open(t, engine))
			_, key := e.newOrg("acme", catalog.PlanFree)
			e.do("POST", "/api/v1/pipelines/", key, pipelineJSON("orders_sync", "1")).expect(201)
			for _, status := range []string{"success", "failed", "success"} {
				e.do("POST", "/api/v1/runs/", key, `{"pipeline_id":"orders_sync","status":"`+status+`"}`).expect(201)
				e.clock.Advance(time.Minute)
			}
			e.do("POST", "/api/v1/checks/results/", key, `{"results":[
				{"run_id":"run-20260607-001","check_id":"row_count","status":"failed","severity":"error"},
				{"run_id":"run-20260607-003","check_id":"pk_not_null","status":"failed"}]}`).expect(201) // warn by definition
			ids := func(path string) string {
				t.Helper()
				var out []string
				for _, it := range e.do("GET", path, key, "").expect(200).json()["items"].([]any) {
					out = append(out, it.(map[string]any)["run_id"].(string))
				}
				return strings.Join(out, " ")
			}
			if got := ids("/api/v1/runs/?checks_failed=true"); got != "run-20260607-001" {
				t.Errorf("checks_failed=true: %q, want the successful run with a failed error check", got)
			}
			if got := ids("/api/v1/runs/?checks_failed=false&pipeline_id=orders_sync"); got != "run-20260607-003 run-20260607-002" {
				t.Errorf("checks_failed=false: %q", got)
			}
			if got := ids("/api/v1/runs/?status=failed"); got != "run-20260607-002" {
				t.Errorf("status=failed: %q", got)
			}
			m := e.do("GET", "/api/v1/runs/?checks_failed=yes", key, "").expect(422).json()
			if f := fieldsOf(m); len(f) != 1 || f[0] != "checks_failed" {
				t.Fatalf("checks_failed=yes: problems on %v, want checks_failed", f)
			}
		})
	}
}
