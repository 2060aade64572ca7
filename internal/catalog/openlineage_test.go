package catalog_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

const (
	dagRun  = "dag-run"
	taskRun = "task-run"
)

// olEvent is a RunEvent of orders_sync's DAG (own) or of its task load,
// minutes after t0, as the API converts it.
func olEvent(own bool, eventType string, min int) catalog.OpenLineageEvent {
	ev := catalog.OpenLineageEvent{Kind: catalog.OpenLineageRunEvent, EventType: eventType, EventTime: *at(min),
		RunID: dagRun, JobNamespace: "airflow", JobName: "orders_sync"}
	if !own {
		ev.RunID, ev.JobName = taskRun, "orders_sync.load"
		ev.Parent = &catalog.OpenLineageRunRef{RunID: dagRun, JobNamespace: "airflow", JobName: "orders_sync"}
	}
	ev.Status = map[string]string{"START": catalog.RunRunning, "RUNNING": catalog.RunRunning, "COMPLETE": catalog.RunSuccess,
		"FAIL": catalog.RunFailed, "ABORT": catalog.RunCancelled}[eventType]
	ev.Terminal = ev.Status != "" && catalog.RunFinished(ev.Status)
	return ev.WithHierarchy()
}

// taskAttrs is the attributes a run with one attempt of load (task-run)
// has, started at minute start, in status, with the tasks of others.
func taskAttrs(start int, status, failedErr, others string) string {
	failed := "{}"
	if status == "failed" {
		failed = `{"orders_sync.load":"` + failedErr + `"}`
	}
	errField := ""
	if failedErr != "" {
		errField = `,"error":"` + failedErr + `"`
	}
	return `{"failed_tasks":` + failed + `,"tasks":{"orders_sync.load":[{"run_id":"task-run","started_at":"` +
		at(start).UTC().Format(time.RFC3339) + `","status":"` + status + `"` + errField + `}]}` + others + `}`
}

func withError(ev catalog.OpenLineageEvent, msg string) catalog.OpenLineageEvent {
	ev.ErrorMessage = msg
	return ev
}

func TestOpenLineageEvent_ApplyToRun(t *testing.T) {
	now := *at(60)
	running := &catalog.Run{OrgID: "org_1", ID: dagRun, PipelineName: "orders_sync", Status: catalog.RunRunning, StartedAt: *at(0),
		Attributes: []byte(`{"failed_tasks":{"extract":"x"},"team":"data"}`)}
	finished := &catalog.Run{OrgID: "org_1", ID: dagRun, PipelineName: "orders_sync", Status: catalog.RunSuccess, StartedAt: *at(0), FinishedAt: at(10)}
	other := &catalog.Run{OrgID: "org_1", ID: dagRun, PipelineName: "events", Status: catalog.RunRunning, StartedAt: *at(0)}
	long := strings.Repeat("é", catalog.MaxRunErrorBytes) // 2 bytes each: clipped at a character
	cases := []struct {
		name    string
		cur     *catalog.Run
		ev      catalog.OpenLineageEvent
		want    string // status, started, finished (minutes or -), attributes; or an error code
		changed bool
	}{
		{"the DAG's START creates a running run", nil, olEvent(true, "START", 1), "running 1 - ", true},
		{"a COMPLETE first starts the run at its own time", nil, olEvent(true, "COMPLETE", 5), "success 5 5 ", true},
		{"OTHER first is running", nil, olEvent(true, "OTHER", 2), "running 2 - ", true},
		{"a task's COMPLETE first is only running", nil, olEvent(false, "COMPLETE", 3), "running 3 - " + taskAttrs(3, "success", "", ""), true},
		{"a task's FAIL first is noted", nil, withError(olEvent(false, "FAIL", 3), "boom"), "running 3 - " + taskAttrs(3, "failed", "boom", ""), true},
		{"the DAG's COMPLETE finishes the run", running, olEvent(true, "COMPLETE", 9), `success 0 9 {"failed_tasks":{"extract":"x"},"team":"data"}`, true},
		{"the DAG's FAIL keeps its message", running, withError(olEvent(true, "FAIL", 9), "bad input"), `failed 0 9 {"failed_tasks":{"extract":"x"},"team":"data"}`, true},
		{"a task's FAIL is noted in failed_tasks", running, withError(olEvent(false, "FAIL", 4), "boom"),
			`running 0 - ` + strings.TrimSuffix(taskAttrs(4, "failed", "boom", ""), "}") + `,"team":"data"}`, true},
		{"a task that started earlier moves the start", running, olEvent(false, "START", -2),
			`running -2 - ` + strings.TrimSuffix(taskAttrs(-2, "running", "", ""), "}") + `,"team":"data"}`, true},
		{"a late START corrects a finished run's start", finished, olEvent(true, "START", -1), "success -1 10 ", true},
		{"a later START of a finished run changes nothing", finished, olEvent(true, "START", 3), "", false},
		{"a task's end after the DAG's is only noted", finished, olEvent(false, "FAIL", 12), "success 0 10 " + taskAttrs(12, "failed", "", ""), true},
		{"an identical repeat of the end", finished, olEvent(true, "COMPLETE", 10), "", false},
		{"another end of a finished run", finished, olEvent(true, "FAIL", 11), catalog.ECONFLICT, false},
		{"a run of another pipeline", other, olEvent(true, "COMPLETE", 5), catalog.ECONFLICT, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			next, changed, err := c.ev.ApplyToRun("org_1", c.cur, now)
			if catalog.ErrorCode(err) != "" {
				if catalog.ErrorCode(err) != c.want {
					t.Fatalf("error %v, want %s", err, c.want)
				}
				return
			}
			if err != nil || changed != c.changed {
				t.Fatalf("changed %v, %v; want changed %v", changed, err, c.changed)
			}
			if !changed {
				if next != c.cur {
					t.Fatalf("unchanged, but a new run %+v", next)
				}
				return
			}
			end := "-"
			if next.FinishedAt != nil {
				end = fmt.Sprint(int(next.FinishedAt.Sub(t0) / time.Minute))
			}
			got := fmt.Sprintf("%s %d %s %s", next.Status, next.StartedAt.Sub(t0)/time.Minute, end, next.Attributes)
			if got != c.want || next.ID != dagRun || next.OrgID != "org_1" {
				t.Fatalf("run %s (%s), want %s", got, next.ID, c.want)
			}
			if c.name == "the DAG's FAIL keeps its message" && next.Error != "bad input" {
				t.Errorf("error %q", next.Error)
			}
		})
	}
	r, _, err := withError(olEvent(true, "FAIL", 1), long).ApplyToRun("org_1", nil, now)
	if err != nil || len(r.Error) != catalog.MaxRunErrorBytes || !strings.HasPrefix(long, r.Error) {
		t.Fatalf("long error clipped to %d bytes, %v; want %d", len(r.Error), err, catalog.MaxRunErrorBytes)
	}
	r, _, _ = withError(olEvent(false, "FAIL", 1), long).ApplyToRun("org_1", nil, now)
	var attrs struct {
		Failed map[string]string `json:"failed_tasks"`
	}
	if json.Unmarshal(r.Attributes, &attrs) != nil || len(attrs.Failed["orders_sync.load"]) != 512 {
		t.Fatalf("a task's long error noted as %s", r.Attributes)
	}
}

func TestOpenLineageEvent_CheckReports(t *testing.T) {
	ev := olEvent(true, "COMPLETE", 5)
	ev.EventTime = ev.EventTime.Add(1500 * time.Nanosecond)
	ev.Inputs = []catalog.OpenLineageDataset{{Name: "orders", Assertions: []catalog.OpenLineageAssertion{
		{Assertion: "not_null", Column: "id", Success: true, Severity: "warn", Name: "ids present"},
		{Assertion: "row_count", Success: false, Severity: "critical", Expected: "> 0", Actual: "0"},
		{Assertion: "", Column: "", Success: true}, // no check id: left out
	}}}
	ev.Tests = []catalog.OpenLineageTest{
		{Name: "t_pass", Status: "PASS"}, {Name: "t_failed", Status: "failed", Severity: "error"}, {Name: "t_skip", Status: "skipped"},
		{Name: "t_odd", Status: "warned", Actual: strings.Repeat("x", 2000)}, {Name: strings.Repeat("n", catalog.MaxCheckIDLength+1), Status: "pass"},
	}
	reports := ev.CheckReports("r1")
	var got []string
	for _, r := range reports {
		got = append(got, fmt.Sprintf("%s:%s:%s:%s:%s", r.CheckID, r.Status, r.Severity, r.Expected, r.Message))
		if r.RunID != "r1" || r.ExecutedAt == nil || !r.ExecutedAt.Equal(t0.Add(5*time.Minute+time.Microsecond)) {
			t.Errorf("%s: run %q executed %v", r.CheckID, r.RunID, r.ExecutedAt)
		}
	}
	want := []string{`not_null.id:passed:warn::ids present`, `row_count:failed::"\u003e 0":`, `t_pass:passed:::`,
		`t_failed:failed:error::`, `t_skip:skipped:::`, `t_odd:error:::`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("reports:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Every result is on the one input: the assertions' own dataset, and
	// the test facet's (which names none) the one dataset its event reads.
	for _, r := range reports {
		if r.DatasetID != catalog.ObservedDatasetID("", "orders") {
			t.Errorf("%s: dataset %q, want the input's", r.CheckID, r.DatasetID)
		}
	}
	two := ev
	two.Inputs = append(slices.Clone(ev.Inputs), catalog.OpenLineageDataset{Namespace: "s3://x", Name: "other"})
	for _, r := range two.CheckReports("r1") {
		if strings.HasPrefix(r.CheckID, "t_") && r.DatasetID != "" {
			t.Errorf("%s with two inputs: dataset %q, want none", r.CheckID, r.DatasetID)
		}
	}
	if v := reports[len(reports)-1].ObservedValue; len(v) != 1024+2 {
		t.Errorf("observed value of %d bytes, want 1 KiB of text quoted", len(v))
	}
	ev.Tests = make([]catalog.OpenLineageTest, catalog.MaxCheckBatch+10)
	for i := range ev.Tests {
		ev.Tests[i] = catalog.OpenLineageTest{Name: fmt.Sprint("t", i), Status: "pass"}
	}
	if n := len(ev.CheckReports("r1")); n != catalog.MaxCheckBatch {
		t.Errorf("%d reports, want at most %d", n, catalog.MaxCheckBatch)
	}
}

func TestOpenLineageLineage(t *testing.T) {
	ds := func(ids ...string) []catalog.Dataset {
		var out []catalog.Dataset
		for _, id := range ids {
			out = append(out, catalog.Dataset{ID: id, Namespace: "ns-" + id})
		}
		return out
	}
	nodes, edges := catalog.OpenLineageLineage(ds("a", "b", "a"), ds("c", "b"))
	var got []string
	for _, n := range nodes {
		got = append(got, n.ID)
	}
	for _, e := range edges {
		got = append(got, e.From+">"+e.To)
	}
	if want := "a b c a>c a>b b>c"; strings.Join(got, " ") != want {
		t.Fatalf("lineage %q, want %q", strings.Join(got, " "), want)
	}
	if nodes, edges := catalog.OpenLineageLineage(ds("only"), nil); len(nodes) != 1 || len(edges) != 0 {
		t.Fatalf("a dataset event: %v %v", nodes, edges)
	}
	many := make([]catalog.Dataset, 101)
	for i := range many {
		many[i] = catalog.Dataset{ID: fmt.Sprint(i)}
	}
	if _, edges := catalog.OpenLineageLineage(many, many); len(edges) != catalog.MaxOpenLineageEdges {
		t.Fatalf("%d edges from 101 × 101 datasets, want the bound %d", len(edges), catalog.MaxOpenLineageEdges)
	}
}

func TestOpenLineageEvent_Lineage(t *testing.T) {
	cases := []struct {
		ev               catalog.OpenLineageEvent
		carries          bool
		source, sourceOf string
	}{
		{catalog.OpenLineageEvent{Kind: catalog.OpenLineageRunEvent, JobNamespace: "ns", JobName: "j",
			Inputs: []catalog.OpenLineageDataset{{Name: "x"}}}, true, catalog.LineageSourceJob, "ns/j"},
		{catalog.OpenLineageEvent{Kind: catalog.OpenLineageJobEvent, JobNamespace: "ns", JobName: "j",
			Outputs: []catalog.OpenLineageDataset{{Name: "x"}}}, true, catalog.LineageSourceJob, "ns/j"},
		{catalog.OpenLineageEvent{Kind: catalog.OpenLineageRunEvent, JobNamespace: "ns", JobName: "j"}, false, catalog.LineageSourceJob, "ns/j"},
		{catalog.OpenLineageEvent{Kind: catalog.OpenLineageDatasetEvent, Dataset: &catalog.OpenLineageDataset{Namespace: "pg", Name: "t"}},
			false, catalog.LineageSourceDataset, "pg/t"},
	}
	for _, c := range cases {
		kind, name := c.ev.LineageSource()
		if c.ev.CarriesLineage() != c.carries || kind != c.source || name != c.sourceOf {
			t.Errorf("%+v: carries %v, source %s %s", c.ev, c.ev.CarriesLineage(), kind, name)
		}
	}
}
