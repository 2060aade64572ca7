package sqlstore_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

const dagRun = "0190f1e4-2c3a-7b41-9d2e-5f6a7b8c9d01"

// airflowEvents is the Airflow DAG run of the openlineage package's fixture
// airflow_orders_sync.json as the API hands it to the store: orders_sync
// with the tasks extract and load, in sending order.
func airflowEvents() []catalog.OpenLineageEvent {
	pg := catalog.OpenLineageDataset{Namespace: "postgres://prod:5432", Name: "ecommerce.orders"}
	staging := catalog.OpenLineageDataset{Namespace: "gs://dxp-staging", Name: "orders/2024-05-01"}
	bq := catalog.OpenLineageDataset{Namespace: "bigquery", Name: "analytics.orders_clean"}
	ev := func(job, runID, eventType, at string, ins []catalog.OpenLineageDataset, outs ...catalog.OpenLineageDataset) catalog.OpenLineageEvent {
		when, err := time.Parse(time.RFC3339Nano, at)
		if err != nil {
			panic(err)
		}
		e := catalog.OpenLineageEvent{Kind: catalog.OpenLineageRunEvent, EventType: eventType, EventTime: when,
			Fingerprint: fmt.Sprintf("%x", job+"/"+eventType), Raw: []byte(fmt.Sprintf(`{"job":%q,"eventType":%q}`, job, eventType)),
			RunID: runID, Status: catalog.RunRunning, JobNamespace: "airflow://prod", JobName: job, Inputs: ins, Outputs: outs}
		if runID != dagRun {
			e.Parent = &catalog.OpenLineageRunRef{RunID: dagRun, JobNamespace: "airflow://prod", JobName: "orders_sync"}
		}
		if eventType == "COMPLETE" {
			e.Status, e.Terminal = catalog.RunSuccess, true
		}
		return e.WithHierarchy()
	}
	none := []catalog.OpenLineageDataset(nil)
	extract, load := "0190f1e4-2d10-7c55-8a11-2b3c4d5e6f02", "0190f1e4-3a20-7d66-9b22-3c4d5e6f7a03"
	return []catalog.OpenLineageEvent{
		ev("orders_sync", dagRun, "START", "2024-05-01T02:00:03.512Z", none),
		ev("orders_sync.extract", extract, "START", "2024-05-01T02:00:05.101Z", []catalog.OpenLineageDataset{pg}),
		ev("orders_sync.extract", extract, "COMPLETE", "2024-05-01T02:01:12.877Z", []catalog.OpenLineageDataset{pg}, staging),
		ev("orders_sync.load", load, "START", "2024-05-01T02:01:15.020Z", []catalog.OpenLineageDataset{staging}),
		ev("orders_sync.load", load, "COMPLETE", "2024-05-01T02:03:40.449Z", []catalog.OpenLineageDataset{staging}, bq),
		ev("orders_sync", dagRun, "COMPLETE", "2024-05-01T02:03:41.003Z", none),
	}
}

// The DAG run's events delivered backwards (every COMPLETE before its
// START), then all again: one run, final and with the true start, each
// event stored once, and the task edges of the COMPLETEs kept.
func TestIngestOpenLineage_OutOfOrderAndDuplicates(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		now := day0
		ctx := runOrg(t, db, &now)
		if _, _, err := db.RegisterPipeline(ctx, reg("orders_sync", "1", "a")); err != nil {
			t.Fatal(err)
		}
		events := airflowEvents()
		for _, ev := range slices.Backward(events) {
			res, err := db.IngestOpenLineage(ctx, ev, nil)
			if err != nil || res.Duplicate || res.RunID != dagRun || res.Pipeline != "orders_sync" {
				t.Fatalf("%s %s: %+v, %v", ev.JobName, ev.EventType, res, err)
			}
		}
		for _, ev := range events {
			if res, err := db.IngestOpenLineage(ctx, ev, nil); err != nil || !res.Duplicate {
				t.Fatalf("second delivery of %s %s: %+v, %v", ev.JobName, ev.EventType, res, err)
			}
		}
		run, err := db.FindRun(ctx, dagRun)
		if err != nil {
			t.Fatal(err)
		}
		start, end := time.Date(2024, 5, 1, 2, 0, 3, 512e6, time.UTC), time.Date(2024, 5, 1, 2, 3, 41, 3e6, time.UTC)
		if run.Status != catalog.RunSuccess || !run.StartedAt.Equal(start) || run.FinishedAt == nil || !run.FinishedAt.Equal(end) {
			t.Errorf("run = %s from %s to %v, want success from %s to %s", run.Status, run.StartedAt, run.FinishedAt, start, end)
		}
		if runs, _, _ := db.ListRuns(ctx, catalog.RunFilter{PipelineName: "orders_sync"}); len(runs) != 1 {
			t.Errorf("%d runs of orders_sync, want 1 (tasks roll up)", len(runs))
		}

		all, _, err := db.ListOpenLineageEvents(ctx, catalog.OpenLineageFilter{RunID: dagRun})
		if err != nil || len(all) != 6 || all[0].EventType != "COMPLETE" || all[0].JobName != "orders_sync" {
			t.Fatalf("events of the DAG run: %d, %v; want 6, newest first", len(all), err)
		}
		page, next, err := db.ListOpenLineageEvents(ctx, catalog.OpenLineageFilter{Page: catalog.Page{Limit: 4}})
		rest, last, err2 := db.ListOpenLineageEvents(ctx, catalog.OpenLineageFilter{Page: catalog.Page{Limit: 4, Cursor: next}})
		if err != nil || err2 != nil || len(page) != 4 || len(rest) != 2 || last != "" || rest[0].Fingerprint != all[4].Fingerprint {
			t.Errorf("pages of 4: %d then %d (%q), %v %v", len(page), len(rest), last, err, err2)
		}

		// The load task's COMPLETE declared staging → orders_clean; its
		// START, delivered later but older, did not take that back.
		d, err := db.FindDataset(ctx, catalog.ObservedDatasetID("bigquery", "analytics.orders_clean"))
		if err != nil || len(d.Upstream) != 1 || d.Upstream[0].Name != "orders/2024-05-01" || d.Namespace != "bigquery" {
			t.Errorf("analytics.orders_clean = %+v, %v", d, err)
		}

		now = now.Add(time.Hour)
		if n, err := db.PurgeOpenLineageEvents(ctx, now); err != nil || n != 6 {
			t.Errorf("purge = %d, %v; want 6", n, err)
		}
		if left, _, err := db.ListOpenLineageEvents(ctx, catalog.OpenLineageFilter{}); err != nil || len(left) != 0 {
			t.Errorf("%d events left after the purge (%v)", len(left), err)
		}
		if _, err := db.FindRun(ctx, dagRun); err != nil {
			t.Errorf("the run went with its raw events: %v", err)
		}
	})
}

// A POST /runs of the run an event is about to create wins the insert: the
// event then applies to the posted run instead of failing.
func TestIngestOpenLineage_RunPostedMeanwhile(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		if db.Engine() == sqlstore.SQLite {
			t.Skip("SQLite serialises writers: no POST can come between")
		}
		now := day0
		ctx := runOrg(t, db, &now)
		if _, _, err := db.RegisterPipeline(ctx, reg("orders_sync", "1", "a")); err != nil {
			t.Fatal(err)
		}
		events := airflowEvents()
		posted := events[0].EventTime.Add(-time.Minute)
		restore := sqlstore.SetEventRunInsertHookForTest(func() {
			if _, created, err := db.ApplyRunEvent(ctx, catalog.RunEvent{PipelineName: "orders_sync", RunID: dagRun,
				Status: catalog.RunRunning, StartedAt: &posted}); err != nil || !created {
				t.Errorf("the POST in between: created %v, %v", created, err)
			}
		})
		defer restore()
		res, err := db.IngestOpenLineage(ctx, events[len(events)-1], nil) // the DAG's COMPLETE
		if err != nil || res.RunID != dagRun || res.RunNote != "" {
			t.Fatalf("ingest = %+v, %v; want it applied to the posted run", res, err)
		}
		run, err := db.FindRun(ctx, dagRun)
		if err != nil || run.Status != catalog.RunSuccess || !run.StartedAt.Equal(posted) {
			t.Fatalf("run = %+v, %v; want the posted run, now success", run, err)
		}
	})
}
