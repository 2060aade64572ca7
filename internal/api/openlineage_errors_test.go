package api_test

import (
	"bytes"
	"compress/gzip"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/openlineage"
)

// postGzip posts body gzipped with Content-Encoding: gzip.
func (e *env) postGzip(path, key string, body []byte) response {
	e.t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(body); err != nil {
		e.t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		e.t.Fatal(err)
	}
	req := httptest.NewRequest("POST", path, &buf)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Content-Encoding", "gzip")
	req.Header.Set("Authorization", "Bearer "+key)
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	return response{rec, e.t}
}

func TestOpenLineage_DuplicateAndOutOfOrder(t *testing.T) {
	e := sqliteEnv(t)
	_, key := e.newOrg("acme", catalog.PlanBusiness)
	e.do("POST", "/api/v1/pipelines/", key, pipelineJSON("orders_sync", "1")).expect(201)
	events := olEvents(t, "airflow_orders_sync.json")
	dagStart, dagComplete := events[0], events[5]
	e.postOL("/api/v1/lineage", key, dagComplete).expect(201)
	// The same event again, through X-API-KEY this time: stored once.
	if m := e.do("POST", "/api/v1/lineage", key, dagComplete).expect(201).json(); m["duplicate"] != true {
		t.Errorf("second delivery: %v", m)
	}
	e.postOL("/api/v1/lineage", key, dagStart).expect(201)
	run := e.do("GET", "/api/v1/runs/"+dagRunID, key, "").expect(200).json()
	if run["status"] != "success" || run["started_at"] != "2024-05-01T02:00:03.512Z" || run["finished_at"] != "2024-05-01T02:03:41.003Z" {
		t.Errorf("COMPLETE then START: run = %v", run)
	}
	items := e.do("GET", "/api/v1/lineage/events?run_id="+dagRunID, key, "").expect(200).json()["items"].([]any)
	if len(items) != 2 {
		t.Fatalf("%d stored events, want 2", len(items))
	}
	newest := items[0].(map[string]any)
	if newest["event_type"] != "COMPLETE" || newest["job"].(map[string]any)["name"] != "orders_sync" || newest["event"].(map[string]any)["eventType"] != "COMPLETE" {
		t.Errorf("newest event = %v", newest)
	}
}

func TestOpenLineage_GzipAndLimits(t *testing.T) {
	e := sqliteEnv(t)
	_, key := e.newOrg("acme", catalog.PlanBusiness)
	e.postGzip("/api/v1/lineage", key, []byte(olEvents(t, "job_event.json")[0])).expect(201)
	batch := "[" + strings.Join(olEvents(t, "dbt_jaffle_shop.json"), ",") + "]"
	if m := e.postGzip("/api/v1/lineage/batch", key, []byte(batch)).expect(200).json(); m["status"] != "success" {
		t.Errorf("gzipped batch: %v", m)
	}
	// 5 MiB and one byte of JSON whitespace: too large, plain or as a
	// small gzip.
	big := append(bytes.Repeat([]byte(" "), openlineage.MaxBodyBytes), '1')
	e.postOL("/api/v1/lineage", key, string(big)).expect(413)
	if m := e.postGzip("/api/v1/lineage", key, big).expect(413).json(); m["code"] != "payload_too_large" {
		t.Errorf("gzip bomb: %v", m)
	}
	e.postOL("/api/v1/lineage", key, "{}", "Content-Encoding", "br").expect(400)
	e.postOL("/api/v1/lineage", key, "not json").expect(400)
	e.postOL("/api/v1/lineage/batch", key, "[{").expect(400)
	e.postOL("/api/v1/lineage/batch", key, `{"a":1}`).expect(422)
}

func TestOpenLineage_InvalidEvents(t *testing.T) {
	e := sqliteEnv(t)
	_, key := e.newOrg("acme", catalog.PlanBusiness)
	bad := olEvents(t, "broken/run_id_not_uuid.json")[0]
	m := e.postOL("/api/v1/lineage", key, bad).expect(422).json()
	if errs, _ := m["errors"].([]any); m["code"] != "validation_failed" || len(errs) == 0 || errs[0].(map[string]any)["field"] != "run.runId" {
		t.Errorf("invalid event: %v", m)
	}
	good := olEvents(t, "dataset_event.json")[0]
	m = e.postOL("/api/v1/lineage/batch", key, "["+good+","+bad+","+"42]").expect(200).json()
	failed := m["failed_events"].([]any)
	if m["status"] != "partial_success" || len(failed) != 2 || failed[0].(map[string]any)["index"] != 1.0 || failed[1].(map[string]any)["index"] != 2.0 {
		t.Errorf("batch with bad events: %v", m)
	}
	// Every event failing is still one of the spec's statuses; each failure
	// says why and that resending it as it is cannot help.
	m = e.postOL("/api/v1/lineage/batch/", key, "["+bad+"]").expect(200).json()
	f0, _ := m["failed_events"].([]any)
	if m["status"] != "partial_success" || len(f0) != 1 || f0[0].(map[string]any)["retriable"] != false ||
		!strings.Contains(f0[0].(map[string]any)["reason"].(string), "run.runId") {
		t.Errorf("batch of one bad event: %v", m)
	}
	e.postOL("/api/v1/lineage/", key, good).expect(201)
	if m := e.postOL("/api/v1/lineage/batch", key, "[]").expect(200).json(); m["status"] != "success" {
		t.Errorf("empty batch: %v", m)
	}
	e.postOL("/api/v1/lineage", "dxp_notakey", good).expect(401)
}

// Another organization sees none of the events, runs and nodes, and its
// own delivery of the same event is its own.
func TestOpenLineage_OtherOrgSeesNothing(t *testing.T) {
	e := sqliteEnv(t)
	_, a := e.newOrg("org-a", catalog.PlanBusiness)
	_, b := e.newOrg("org-b", catalog.PlanBusiness)
	e.do("POST", "/api/v1/pipelines/", a, pipelineJSON("orders_sync", "1")).expect(201)
	events := olEvents(t, "airflow_orders_sync.json")
	for _, ev := range events {
		e.postOL("/api/v1/lineage", a, ev).expect(201)
	}
	if n := len(e.do("GET", "/api/v1/lineage/events", b, "").expect(200).json()["items"].([]any)); n != 0 {
		t.Errorf("org B lists %d of org A's events", n)
	}
	e.do("GET", "/api/v1/runs/"+dagRunID, b, "").expect(404)
	e.do("GET", "/api/v1/lineage/analytics.orders_clean", b, "").expect(404)
	e.do("GET", "/api/v1/lineage/clean_orders", b, "").expect(404)
	if m := e.postOL("/api/v1/lineage", b, events[4]).expect(201).json(); m["duplicate"] != false || m["run"] != nil {
		t.Errorf("org B's delivery: %v", m)
	}
	// Org B has no orders_sync: its copy of load's edges joins no spec node.
	if up := e.do("GET", "/api/v1/lineage/analytics.orders_clean?direction=upstream", b, "").expect(200).json(); len(up["nodes"].([]any)) != 2 {
		t.Errorf("org B's graph: %v", up)
	}
	if up := e.do("GET", "/api/v1/lineage/clean_orders?direction=upstream", a, "").expect(200).json(); !hasEdge(up, "orders/2024-05-01", "clean_orders") {
		t.Errorf("org A's graph changed: %v", up)
	}
}
