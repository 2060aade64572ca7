package api_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

func TestOpenLineage_DatasetAndJobEvents(t *testing.T) {
	e := sqliteEnv(t)
	_, key := e.newOrg("acme", catalog.PlanBusiness)
	for _, name := range []string{"dataset_event.json", "job_event.json"} {
		if m := e.postOL("/api/v1/lineage", key, olEvents(t, name)[0]).expect(201).json(); m["run"] != nil {
			t.Errorf("%s made a run: %v", name, m)
		}
	}
	up := e.do("GET", "/api/v1/lineage/analytics.orders_clean?direction=upstream", key, "").expect(200).json()
	if !hasEdge(up, "ecommerce.orders", "analytics.orders_clean") {
		t.Errorf("job event lineage: %v", up)
	}
	if n := len(e.do("GET", "/api/v1/lineage/events", key, "").expect(200).json()["items"].([]any)); n != 2 {
		t.Errorf("%d stored events, want 2", n)
	}
}

// A run's events delivered all at once, on both engines, leave one run in
// its final state.
func TestOpenLineage_ConcurrentDelivery(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		_, key := e.newOrg("acme", catalog.PlanBusiness)
		e.do("POST", "/api/v1/pipelines/", key, pipelineJSON("orders_sync", "1")).expect(201)
		events := olEvents(t, "airflow_orders_sync.json")
		var wg sync.WaitGroup
		codes := make([]int, 2*len(events))
		for i := range codes {
			wg.Go(func() { codes[i] = e.postOL("/api/v1/lineage", key, events[i%len(events)]).Code })
		}
		wg.Wait()
		for i, c := range codes {
			if c != 201 {
				t.Errorf("delivery %d: %d", i, c)
			}
		}
		run := e.do("GET", "/api/v1/runs/"+dagRunID, key, "").expect(200).json()
		if run["status"] != "success" || run["started_at"] != "2024-05-01T02:00:03.512Z" || run["finished_at"] != "2024-05-01T02:03:41.003Z" {
			t.Errorf("run = %v", run)
		}
		if n := len(e.do("GET", "/api/v1/runs/", key, "").expect(200).json()["items"].([]any)); n != 1 {
			t.Errorf("%d runs, want 1", n)
		}
		if n := len(e.do("GET", "/api/v1/lineage/events?run_id="+dagRunID, key, "").expect(200).json()["items"].([]any)); n != 6 {
			t.Errorf("%d stored events, want 6", n)
		}
	})
}

// A task's FAIL is noted on the DAG run without deciding its status; the
// DAG's own COMPLETE still does.
func TestOpenLineage_TaskFailIsNotedOnTheDAGRun(t *testing.T) {
	e := sqliteEnv(t)
	_, key := e.newOrg("acme", catalog.PlanBusiness)
	e.do("POST", "/api/v1/pipelines/", key, pipelineJSON("orders_sync", "1")).expect(201)
	events := olEvents(t, "airflow_orders_sync.json")
	events[4] = strings.Replace(events[4], `"eventType": "COMPLETE"`, `"eventType": "FAIL"`, 1)
	for i, ev := range events {
		e.postOL("/api/v1/lineage", key, ev).expect(201)
		if i == 4 {
			if run := e.do("GET", "/api/v1/runs/"+dagRunID, key, "").expect(200).json(); run["status"] != "running" {
				t.Errorf("after the task's FAIL the DAG run is %v, want running", run["status"])
			}
		}
	}
	run := e.do("GET", "/api/v1/runs/"+dagRunID, key, "").expect(200).json()
	failed, _ := run["attributes"].(map[string]any)["failed_tasks"].(map[string]any)
	if _, ok := failed["orders_sync.load"]; run["status"] != "success" || !ok {
		t.Errorf("run = %v", run)
	}
}
