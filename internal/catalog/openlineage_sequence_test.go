package catalog_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// seqEvent is a RunEvent of job (run runID, parent and root as given, ""
// for none), minutes after t0, placed in its hierarchy as the API does.
func seqEvent(job, runID, eventType string, min int, parent, root *catalog.OpenLineageRunRef) catalog.OpenLineageEvent {
	ev := catalog.OpenLineageEvent{Kind: catalog.OpenLineageRunEvent, EventType: eventType, EventTime: *at(min),
		RunID: runID, JobNamespace: "ns", JobName: job, Parent: parent, Root: root}
	ev.Status = map[string]string{"START": catalog.RunRunning, "RUNNING": catalog.RunRunning, "COMPLETE": catalog.RunSuccess,
		"FAIL": catalog.RunFailed, "ABORT": catalog.RunCancelled}[eventType]
	ev.Terminal = catalog.RunFinished(ev.Status)
	return ev.WithHierarchy()
}

func ref(job, runID string) *catalog.OpenLineageRunRef {
	return &catalog.OpenLineageRunRef{RunID: runID, JobNamespace: "ns", JobName: job}
}

// applyAll applies events in order to the run they roll up to and returns
// it, failing on any event that rolls up elsewhere.
func applyAll(t *testing.T, events []catalog.OpenLineageEvent) *catalog.Run {
	t.Helper()
	var run *catalog.Run
	for _, ev := range events {
		if ev.DAGRunID != events[0].DAGRunID {
			t.Fatalf("%s rolls up to %s, not %s", ev.JobName, ev.DAGRunID, events[0].DAGRunID)
		}
		ev.Pipeline = "p" // the store names the matched pipeline
		next, _, err := ev.ApplyToRun("org_1", run, *at(100))
		if err != nil {
			t.Fatalf("%s %s: %v", ev.JobName, ev.EventType, err)
		}
		run = next
	}
	return run
}

func orders(n int) [][]int {
	fwd, back := make([]int, n), make([]int, n)
	for i := range n {
		fwd[i], back[i] = i, n-1-i
	}
	var mixed []int // every other one, then the rest backwards
	for i := 0; i < n; i += 2 {
		mixed = append(mixed, i)
	}
	for i := n - 1 - n%2; i > 0; i -= 2 {
		mixed = append(mixed, i)
	}
	return [][]int{fwd, back, mixed}
}

func TestOpenLineageSequences(t *testing.T) {
	dag := ref("orders_sync", "dag")
	task1, task2 := ref("orders_sync.load", "load-try1"), ref("orders_sync.load", "load-try2")
	airflow := []catalog.OpenLineageEvent{
		seqEvent("orders_sync", "dag", "START", 0, nil, nil),
		seqEvent("orders_sync.extract", "extract", "START", 1, dag, dag),
		seqEvent("orders_sync.extract", "extract", "COMPLETE", 2, dag, dag),
		withError(seqEvent("orders_sync.load", "load-try1", "START", 3, dag, dag), ""),
		withError(seqEvent("orders_sync.load", "load-try1", "FAIL", 4, dag, dag), "timeout"),
		seqEvent("orders_sync.load", "load-try2", "START", 5, dag, dag),
		// The SQL hook's child job of the second try: the task is its
		// parent, the DAG run its root.
		seqEvent("orders_sync.load.query.1", "q1", "START", 6, task2, dag),
		seqEvent("orders_sync.load.query.1", "q1", "COMPLETE", 7, task2, dag),
		seqEvent("orders_sync.load", "load-try2", "COMPLETE", 8, dag, dag),
		seqEvent("orders_sync", "dag", "COMPLETE", 9, nil, nil),
	}
	_ = task1
	dbtInv := ref("dbt-run-jaffle_shop", "inv")
	dbt := []catalog.OpenLineageEvent{
		seqEvent("dbt-run-jaffle_shop", "inv", "START", 0, nil, nil),
		seqEvent("jaffle.model.stg_orders", "m1", "START", 1, dbtInv, dbtInv),
		seqEvent("jaffle.model.stg_orders", "m1", "COMPLETE", 2, dbtInv, dbtInv),
		seqEvent("jaffle.model.orders", "m2", "START", 2, dbtInv, nil), // an older dbt-ol: parent only
		withError(seqEvent("jaffle.model.orders", "m2", "FAIL", 3, dbtInv, nil), "syntax error"),
		withError(seqEvent("dbt-run-jaffle_shop", "inv", "FAIL", 4, nil, nil), "1 of 2 models failed"),
	}
	app := ref("etl_app", "app")
	spark := []catalog.OpenLineageEvent{
		seqEvent("etl_app", "app", "START", 0, nil, nil),
		seqEvent("etl_app.execute_insert_into", "sql1", "START", 1, app, nil),
		seqEvent("etl_app.execute_insert_into", "sql1", "COMPLETE", 2, app, nil),
		seqEvent("etl_app", "app", "COMPLETE", 3, nil, nil),
	}
	cases := []struct {
		name   string
		events []catalog.OpenLineageEvent
		status string
		failed map[string]string
		tasks  map[string]int // attempts per task
	}{
		{"airflow: a retried task and a child query job", airflow, catalog.RunSuccess, map[string]string{},
			map[string]int{"orders_sync.extract": 1, "orders_sync.load": 2}},
		{"dbt: the invocation's own FAIL decides", dbt, catalog.RunFailed, map[string]string{"jaffle.model.orders": "syntax error"},
			map[string]int{"jaffle.model.stg_orders": 1, "jaffle.model.orders": 1}},
		{"spark: the application is the run", spark, catalog.RunSuccess, map[string]string{}, map[string]int{"etl_app.execute_insert_into": 1}},
	}
	for _, c := range cases {
		var first string
		for _, order := range orders(len(c.events)) {
			evs := make([]catalog.OpenLineageEvent, len(c.events))
			for i, j := range order {
				evs[i] = c.events[j]
			}
			run := applyAll(t, evs)
			var attrs struct {
				Tasks  map[string][]catalog.TaskAttempt `json:"tasks"`
				Failed map[string]string                `json:"failed_tasks"`
			}
			if err := json.Unmarshal(run.Attributes, &attrs); err != nil {
				t.Fatalf("%s: attributes %s", c.name, run.Attributes)
			}
			counts := map[string]int{}
			for name, list := range attrs.Tasks {
				counts[name] = len(list)
			}
			if run.ID != c.events[0].RunID || run.Status != c.status || !equalMaps(attrs.Failed, c.failed) || !equalMaps(counts, c.tasks) ||
				!run.StartedAt.Equal(*at(0)) {
				t.Errorf("%s, order %v: run %s %s from %v, failed %v, tasks %v", c.name, order, run.ID, run.Status, run.StartedAt, attrs.Failed, counts)
			}
			if first == "" {
				first = string(run.Attributes)
			} else if string(run.Attributes) != first {
				t.Errorf("%s, order %v: attributes %s, in order %s", c.name, order, run.Attributes, first)
			}
		}
	}
}

func equalMaps[V comparable](a, b map[string]V) bool {
	if len(a) != len(b) {
		return false
	}
	keys := make([]string, 0, len(a))
	for k := range a {
		keys = append(keys, k)
	}
	return !slices.ContainsFunc(keys, func(k string) bool { v, ok := b[k]; return !ok || v != a[k] })
}

// A child job's events never make a run of their own: its run rolls up to
// the DAG run, at depth 2, with no task attempt of its own.
func TestOpenLineageHierarchy(t *testing.T) {
	dag, task := ref("d", "dag"), ref("d.t", "task")
	cases := []struct {
		name      string
		ev        catalog.OpenLineageEvent
		root, job string
		depth     int
	}{
		{"no parent: the run is its own root", seqEvent("d", "dag", "START", 0, nil, nil), "dag", "d", 0},
		{"a task", seqEvent("d.t", "task", "START", 0, dag, dag), "dag", "d", 1},
		{"a task, parent only", seqEvent("d.t", "task", "START", 0, dag, nil), "dag", "d", 1},
		{"a child query job", seqEvent("d.t.query.1", "q", "START", 0, task, dag), "dag", "d", 2},
		{"a root facet naming the run itself", seqEvent("d", "dag", "START", 0, nil, dag), "dag", "d", 0},
	}
	triggered := seqEvent("other_dag", "dag2", "START", 0, task, dag)
	triggered.JobType = "DAG"
	cases = append(cases, struct {
		name      string
		ev        catalog.OpenLineageEvent
		root, job string
		depth     int
	}{"a DAG triggered by another DAG's task", triggered.WithHierarchy(), "dag2", "other_dag", 0})
	for _, c := range cases {
		if c.ev.DAGRunID != c.root || c.ev.Pipeline != c.job || c.ev.Depth != c.depth {
			t.Errorf("%s: root %s job %s depth %d", c.name, c.ev.DAGRunID, c.ev.Pipeline, c.ev.Depth)
		}
	}
	under := seqEvent("d.t.query.1", "q", "START", 0, task, nil).UnderRoot(*dag)
	if under.DAGRunID != "dag" || under.Depth != 2 {
		t.Errorf("a child job whose parent is a known task: %+v", under)
	}
}
