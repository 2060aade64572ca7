package openlineage

import "testing"

func TestPipelineName(t *testing.T) {
	for job, want := range map[string]string{
		"orders_sync":                      "orders_sync",
		"orders_sync.load":                 "orders_sync",
		"orders_sync.group.load":           "orders_sync",
		"warehouse.jaffle_shop.stg_orders": "warehouse",
		".hidden":                          ".hidden",
		"":                                 "",
	} {
		if got := PipelineName(job); got != want {
			t.Errorf("PipelineName(%q) = %q, want %q", job, got, want)
		}
	}
}

func TestDAGRunID(t *testing.T) {
	const own, parent = "00000000-0000-0000-0000-00000000000a", "00000000-0000-0000-0000-00000000000b"
	event := func(job, parentJob string) Event {
		e := Event{RunID: own, Job: Job{Name: job}}
		if parentJob != "" {
			e.Parent = &RunRef{RunID: parent, JobName: parentJob}
		}
		return e
	}
	for name, tc := range map[string]struct {
		e    Event
		want string
	}{
		"task of its DAG":              {event("orders_sync.load", "orders_sync"), parent},
		"task, parent without dot":     {event("warehouse.shop.stg_orders", "dbt-run-shop"), parent},
		"no parent":                    {event("orders_sync.load", ""), own},
		"DAG itself":                   {event("orders_sync", ""), own},
		"DAG triggered by another":     {event("orders_sync", "nightly"), own},
		"parent is a task":             {event("spark_app.insert", "orders_sync.transform"), own},
		"parent is another DAG's task": {event("orders_sync.load", "other_dag.x"), own},
	} {
		if got := DAGRunID(tc.e); got != tc.want {
			t.Errorf("%s: DAGRunID = %s, want %s", name, got, tc.want)
		}
	}
}

// In the Airflow fixture every event rolls up to the DAG run.
func TestDAGRunID_AirflowFixture(t *testing.T) {
	for _, e := range parseFixture(t, "airflow_orders_sync.json") {
		if got, want := DAGRunID(e), "0190f1e4-2c3a-7b41-9d2e-5f6a7b8c9d01"; got != want {
			t.Errorf("%s %s: DAGRunID = %s, want %s", e.Job.Name, e.EventType, got, want)
		}
		if got := PipelineName(e.Job.Name); got != "orders_sync" {
			t.Errorf("PipelineName(%s) = %s", e.Job.Name, got)
		}
	}
}
