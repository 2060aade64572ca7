package openlineage

import (
	"testing"
	"time"
)

// parseFixture parses every event of a testdata file.
func parseFixture(t *testing.T, name string) []Event {
	t.Helper()
	var events []Event
	for _, raw := range fixtureEvents(t, "testdata/"+name) {
		events = append(events, mustParse(t, raw))
	}
	return events
}

func TestParse_AirflowDAGRun(t *testing.T) {
	events := parseFixture(t, "airflow_orders_sync.json")
	if got, want := len(events), 6; got != want {
		t.Fatalf("%d events, want %d", got, want)
	}
	const dagRun = "0190f1e4-2c3a-7b41-9d2e-5f6a7b8c9d01"
	dag, extract, load := events[0], events[2], events[4]

	if dag.Kind != KindRun || dag.EventType != Start || dag.RunID != dagRun || dag.Job.Name != "orders_sync" {
		t.Errorf("DAG START = %+v", dag)
	}
	if got, want := *dag.Job.Type, (JobType{"BATCH", "AIRFLOW", "DAG"}); got != want {
		t.Errorf("DAG jobType = %+v, want %+v", got, want)
	}
	if len(dag.Job.Owners) != 1 || dag.Job.Owners[0] != (Owner{"team:data-platform", "MAINTAINER"}) {
		t.Errorf("DAG owners = %+v", dag.Job.Owners)
	}
	if dag.Parent != nil || dag.Job.Documentation == "" {
		t.Errorf("DAG parent = %+v, documentation = %q", dag.Parent, dag.Job.Documentation)
	}
	if want := time.Date(2024, 5, 1, 2, 0, 0, 0, time.UTC); dag.Nominal == nil || !dag.Nominal.Start.Equal(want) || dag.Nominal.End == nil {
		t.Errorf("DAG nominalTime = %+v", dag.Nominal)
	}
	if got, want := events[5].EventType, Complete; got != want {
		t.Errorf("last event = %s, want %s", got, want)
	}

	for _, task := range []Event{extract, load} {
		want := RunRef{RunID: dagRun, JobNamespace: "airflow://prod", JobName: "orders_sync"}
		if task.Parent == nil || *task.Parent != want || task.Root == nil || *task.Root != want {
			t.Errorf("%s: parent %+v, root %+v, want %+v", task.Job.Name, task.Parent, task.Root, want)
		}
		if task.Job.Type.JobType != "TASK" || task.RunFacets == nil {
			t.Errorf("%s: jobType %+v, run facets %s", task.Job.Name, task.Job.Type, task.RunFacets)
		}
	}
	if got := extract.Inputs[0]; got.Namespace != "postgres://prod:5432" || got.Name != "ecommerce.orders" || len(got.Schema) != 4 {
		t.Errorf("extract input = %+v", got)
	}
	out := load.Outputs[0]
	if out.Namespace != "bigquery" || out.Name != "analytics.orders_clean" {
		t.Errorf("load output = %s %s", out.Namespace, out.Name)
	}
	if out.Statistics == nil || *out.Statistics.RowCount != 18234 || *out.Statistics.Size != 1482113 || out.Statistics.FileCount != nil {
		t.Errorf("load outputStatistics = %+v", out.Statistics)
	}
}

func TestParse_DBTRunWithFailure(t *testing.T) {
	events := parseFixture(t, "dbt_jaffle_shop.json")
	failed := events[4]
	if failed.EventType != Fail || failed.Job.Namespace != "dbt" || failed.Job.Type.Integration != "DBT" || failed.Job.Type.JobType != "MODEL" {
		t.Errorf("failed model = %s %s %+v", failed.EventType, failed.Job.Namespace, failed.Job.Type)
	}
	if failed.Error == nil || failed.Error.ProgrammingLanguage != "sql" || failed.Error.Message == "" {
		t.Errorf("errorMessage = %+v", failed.Error)
	}
	if failed.Parent == nil || failed.Parent.JobName != "dbt-run-jaffle_shop" || failed.Root != nil {
		t.Errorf("parent %+v, root %+v", failed.Parent, failed.Root)
	}
	if events[2].Error != nil || events[2].EventType != Complete {
		t.Errorf("the other model: %s, error %+v", events[2].EventType, events[2].Error)
	}
}

func TestParse_QualityFacets(t *testing.T) {
	e := parseFixture(t, "quality_full.json")[0]
	if want := time.Date(2024, 5, 1, 2, 5, 0, 250e6, time.UTC); !e.EventTime.Equal(want) {
		t.Errorf("eventTime = %v, want %v", e.EventTime, want)
	}
	in := e.Inputs[0]
	if got, want := len(in.Assertions), 3; got != want {
		t.Fatalf("%d assertions, want %d", got, want)
	}
	if a := in.Assertions[0]; a != (Assertion{Assertion: "not_null", Success: true, Column: "order_id", Severity: "error"}) {
		t.Errorf("assertion 0 = %+v", a)
	}
	if a := in.Assertions[2]; a.Success || a.Column != "" || a.Name != "enough_orders" || a.Expected != "20000" || a.Actual != "18234" {
		t.Errorf("assertion 2 = %+v", a)
	}
	if in.InputFacets == nil || in.OutputFacets != nil {
		t.Errorf("input facets %s, output facets %s", in.InputFacets, in.OutputFacets)
	}
	out := e.Outputs[0]
	if len(out.Schema) != 2 || len(out.Schema[1].Fields) != 2 || out.Schema[1].Fields[0].Name != "orders" || out.Schema[0].Description == "" {
		t.Errorf("output schema = %+v", out.Schema)
	}
	if s := out.Statistics; s == nil || *s.RowCount != 31 || *s.Size != 2048 || *s.FileCount != 1 {
		t.Errorf("outputStatistics = %+v", s)
	}
	if len(e.Tests) != 2 || e.Tests[1] != (TestResult{Name: "enough_orders", Status: "fail", Severity: "warn", Type: "row_count", Expected: "20000", Actual: "18234"}) {
		t.Errorf("tests = %+v", e.Tests)
	}
	if len(e.Job.Owners) != 2 || e.Job.Owners[0].Type != "" || e.Job.Documentation == "" {
		t.Errorf("owners %+v, documentation %q", e.Job.Owners, e.Job.Documentation)
	}
}

func TestParse_DatasetAndJobEvents(t *testing.T) {
	d := parseFixture(t, "dataset_event.json")[0]
	if d.Kind != KindDataset || d.Dataset == nil || d.Dataset.Name != "analytics.orders_clean" || len(d.Dataset.Schema) != 4 {
		t.Errorf("DatasetEvent = %+v", d)
	}
	if d.RunID != "" || d.EventType != "" || d.Job.Name != "" {
		t.Errorf("DatasetEvent has run fields: %+v", d)
	}
	j := parseFixture(t, "job_event.json")[0]
	if j.Kind != KindJob || j.Job.Name != "orders_sync" || j.RunID != "" || j.Dataset != nil {
		t.Errorf("JobEvent = %+v", j)
	}
	if len(j.Inputs) != 1 || len(j.Outputs) != 1 || j.Outputs[0].Name != "analytics.orders_clean" {
		t.Errorf("JobEvent datasets: %+v → %+v", j.Inputs, j.Outputs)
	}
}
