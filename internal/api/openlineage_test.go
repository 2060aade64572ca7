package api_test

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// dagRunID is the Airflow fixture's DAG run: orders_sync with the tasks
// extract (ecommerce.orders → orders/2024-05-01) and load
// (orders/2024-05-01 → analytics.orders_clean).
const dagRunID = "0190f1e4-2c3a-7b41-9d2e-5f6a7b8c9d01"

// olEvents reads a fixture of the openlineage package as the raw events it
// holds (one event or an array of them).
func olEvents(t *testing.T, name string) []string {
	t.Helper()
	b, err := os.ReadFile("../openlineage/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(strings.TrimSpace(string(b)), "[") {
		return []string{string(b)}
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(b, &raws); err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(raws))
	for i, r := range raws {
		out[i] = string(r)
	}
	return out
}

// postOL posts an OpenLineage body as the providers' HTTP transport does:
// the key as a bearer token.
func (e *env) postOL(path, key, body string, headers ...string) response {
	e.t.Helper()
	return e.do("POST", path, "", body, append([]string{"Authorization", "Bearer " + key}, headers...)...)
}

// hasEdge reports whether a lineage answer holds the edge from → to, each
// given as a node's id or its OpenLineage name.
func hasEdge(m map[string]any, from, to string) bool {
	label := map[string]string{}
	for _, n := range m["nodes"].([]any) {
		n := n.(map[string]any)
		label[n["id"].(string)] = n["id"].(string)
		if name, ok := n["name"].(string); ok {
			label[n["id"].(string)] = name
		}
	}
	for _, e := range m["edges"].([]any) {
		if e := e.(map[string]any); label[e["from"].(string)] == from && label[e["to"].(string)] == to {
			return true
		}
	}
	return false
}

func TestOpenLineage_AirflowDAGBecomesOneRun(t *testing.T) {
	e := sqliteEnv(t)
	_, key := e.newOrg("acme", catalog.PlanBusiness)
	e.do("POST", "/api/v1/pipelines/", key, pipelineJSON("orders_sync", "1")).expect(201)
	for _, ev := range olEvents(t, "airflow_orders_sync.json") {
		if m := e.postOL("/api/v1/lineage", key, ev).expect(201).json(); m["status"] != "ok" || m["duplicate"] != false {
			t.Fatalf("answer %v", m)
		}
	}
	runs := e.do("GET", "/api/v1/runs/?pipeline_id=orders_sync", key, "").expect(200).json()["items"].([]any)
	if len(runs) != 1 {
		t.Fatalf("%d runs, want the DAG run only: %v", len(runs), runs)
	}
	run := runs[0].(map[string]any)
	if run["run_id"] != dagRunID || run["status"] != "success" || run["started_at"] != "2024-05-01T02:00:03.512Z" || run["finished_at"] != "2024-05-01T02:03:41.003Z" {
		t.Errorf("run = %v", run)
	}
	// Airflow's analytics.orders_clean and ecommerce.orders are the spec's
	// clean_orders and raw_orders (by object); the staging file is new.
	up := e.do("GET", "/api/v1/lineage/clean_orders?direction=upstream", key, "").expect(200).json()
	if !hasEdge(up, "orders/2024-05-01", "clean_orders") || !hasEdge(up, "raw_orders", "orders/2024-05-01") || !hasEdge(up, "orders_enriched", "clean_orders") {
		t.Errorf("upstream of clean_orders: %v", up["edges"])
	}
	d := e.do("GET", "/api/v1/datasets/raw_orders", key, "").expect(200).json()
	if d["object"] != "ecommerce.orders" {
		t.Errorf("raw_orders = %v", d)
	}
}

func TestOpenLineage_UnregisteredJobIsLineageOnly(t *testing.T) {
	e := sqliteEnv(t)
	_, key := e.newOrg("acme", catalog.PlanFree)
	before := e.do("GET", "/api/v1/organizations/me", key, "").expect(200).json()["usage"]
	body := "[" + strings.Join(olEvents(t, "dbt_jaffle_shop.json"), ",") + "]"
	m := e.postOL("/api/v1/lineage/batch", key, body).expect(200).json()
	if m["status"] != "success" || m["summary"].(map[string]any)["successful"] != 6.0 {
		t.Fatalf("batch answer %v", m)
	}
	for _, path := range []string{"/api/v1/runs/", "/api/v1/pipelines/"} {
		if items := e.do("GET", path, key, "").expect(200).json()["items"].([]any); len(items) != 0 {
			t.Errorf("%s after an unregistered job: %v", path, items)
		}
	}
	if after := e.do("GET", "/api/v1/organizations/me", key, "").expect(200).json()["usage"]; !jsonEqual(before, after) {
		t.Errorf("usage %v became %v", before, after)
	}
	up := e.do("GET", "/api/v1/lineage/warehouse.jaffle_shop.orders_clean?direction=upstream", key, "").expect(200).json()
	if !hasEdge(up, "warehouse.jaffle_shop.stg_orders", "warehouse.jaffle_shop.orders_clean") || !hasEdge(up, "warehouse.raw.orders", "warehouse.jaffle_shop.stg_orders") {
		t.Errorf("dbt lineage: %v", up["edges"])
	}
}

// jsonEqual compares two decoded JSON values.
func jsonEqual(a, b any) bool { return reflect.DeepEqual(a, b) }

func TestOpenLineage_AssertionsAndTestsBecomeChecks(t *testing.T) {
	e := sqliteEnv(t)
	_, key := e.newOrg("acme", catalog.PlanBusiness)
	e.do("POST", "/api/v1/pipelines/", key, pipelineJSON("orders_sync", "1")).expect(201)
	m := e.postOL("/api/v1/lineage", key, olEvents(t, "quality_full.json")[0]).expect(201).json()
	// enough_orders is both an assertion (row_count_between) and a test of
	// the test facet: one check result.
	if m["checks_recorded"] != 4.0 || m["run"].(map[string]any)["run_id"] != dagRunID {
		t.Fatalf("answer %v", m)
	}
	got := map[string]string{}
	for _, c := range e.do("GET", "/api/v1/checks/results/?run_id="+dagRunID, key, "").expect(200).json()["items"].([]any) {
		c := c.(map[string]any)
		got[c["check_id"].(string)] = c["status"].(string) + "/" + c["severity"].(string)
	}
	want := map[string]string{"not_null.order_id": "passed/error", "unique.order_id": "passed/error", "row_count_between": "failed/warn",
		"orders_clean_not_null_order_id": "passed/error"}
	if !jsonEqual(got, want) {
		t.Errorf("checks %v, want %v", got, want)
	}
}
