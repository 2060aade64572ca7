package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// olTask is a RunEvent of job with a parent (and root, when rootRun is not
// "") run facet, and any extra run facets.
func olTask(ns, job, runID, eventType, at, parentJob, parentRun, rootJob, rootRun, inputs string) string {
	facets := ""
	if parentRun != "" {
		root := ""
		if rootRun != "" {
			root = fmt.Sprintf(`,"root":{"run":{"runId":%q},"job":{"namespace":%q,"name":%q}}`, rootRun, ns, rootJob)
		}
		facets = fmt.Sprintf(`,"facets":{"parent":{"_producer":"p","_schemaURL":"https://openlineage.io/spec/facets/1-1-0/ParentRunFacet.json","run":{"runId":%q},"job":{"namespace":%q,"name":%q}%s}}`,
			parentRun, ns, parentJob, root)
	}
	if inputs == "" {
		inputs = "[]"
	}
	return fmt.Sprintf(`{"eventType":%q,"eventTime":%q,"producer":"https://example.com/test","schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
		"run":{"runId":%q%s},"job":{"namespace":%q,"name":%q},"inputs":%s,"outputs":[]}`,
		eventType, at, runID, facets, ns, job, inputs)
}

const (
	dagRunA = "0190f1e4-aaaa-7000-8000-000000000001"
	try1    = "0190f1e4-aaaa-7000-8000-000000000002"
	try2    = "0190f1e4-aaaa-7000-8000-000000000003"
	query1  = "0190f1e4-aaaa-7000-8000-000000000004"
	invRun  = "0190f1e4-bbbb-7000-8000-000000000001"
	model1  = "0190f1e4-bbbb-7000-8000-000000000002"
	test1   = "0190f1e4-bbbb-7000-8000-000000000003"
)

// An Airflow DAG whose dag_id has capitals, dashes and dots is a pipeline;
// its task retried once is not failed; the task's child query job is no run
// and does not take over last_run.
func TestOpenLineage_AirflowHierarchy(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) { testOpenLineage_AirflowHierarchy(t, newEnv(t, db)) })
}

func testOpenLineage_AirflowHierarchy(t *testing.T, e *env) {
	_, key := e.newOrg("acme", catalog.PlanBusiness)
	e.do("POST", "/api/v1/pipelines/", key, pipelineJSON("Orders-Sync.v2", "1")).expect(201)
	ns, dag := "airflow://prod", "Orders-Sync.v2"
	events := []string{
		olTask(ns, dag, dagRunA, "START", "2024-05-01T02:00:00Z", "", "", "", "", ""),
		olTask(ns, dag+".load", try1, "START", "2024-05-01T02:01:00Z", dag, dagRunA, dag, dagRunA, ""),
		olTask(ns, dag+".load", try1, "FAIL", "2024-05-01T02:02:00Z", dag, dagRunA, dag, dagRunA, ""),
		olTask(ns, dag+".load", try2, "START", "2024-05-01T02:03:00Z", dag, dagRunA, dag, dagRunA, ""),
		olTask(ns, dag+".load.query.1", query1, "START", "2024-05-01T02:04:00Z", dag+".load", try2, dag, dagRunA, ""),
		olTask(ns, dag+".load.query.1", query1, "COMPLETE", "2024-05-01T02:05:00Z", dag+".load", try2, dag, dagRunA, ""),
		olTask(ns, dag+".load", try2, "COMPLETE", "2024-05-01T02:06:00Z", dag, dagRunA, dag, dagRunA, ""),
		olTask(ns, dag, dagRunA, "COMPLETE", "2024-05-01T02:07:00Z", "", "", "", "", ""),
	}
	// Backwards: the child job's events come before its DAG run's.
	for i := len(events) - 1; i >= 0; i-- {
		e.postOL("/api/v1/lineage", key, events[i]).expect(201)
	}
	runs := e.do("GET", "/api/v1/runs/?pipeline_id=Orders-Sync.v2", key, "").expect(200).json()["items"].([]any)
	if len(runs) != 1 {
		t.Fatalf("runs %v, want the DAG run only", runs)
	}
	run := runs[0].(map[string]any)
	attrs, _ := run["attributes"].(map[string]any)
	if run["run_id"] != dagRunA || run["status"] != "success" || attrs == nil || len(attrs["failed_tasks"].(map[string]any)) != 0 ||
		len(attrs["tasks"].(map[string]any)[dag+".load"].([]any)) != 2 {
		t.Errorf("run %v", run)
	}
	lr := e.do("GET", "/api/v1/pipelines/Orders-Sync.v2", key, "").expect(200).json()["last_run"].(map[string]any)
	if lr["run_id"] != dagRunA {
		t.Errorf("last_run %v", lr)
	}
}

// A dbt invocation is the run of the pipeline that names its job; its
// status is its own; a test carried by START and COMPLETE, in facets and
// inputFacets, is one check result.
func TestOpenLineage_DbtInvocation(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) { testOpenLineage_DbtInvocation(t, newEnv(t, db)) })
}

func testOpenLineage_DbtInvocation(t *testing.T, e *env) {
	_, key := e.newOrg("acme", catalog.PlanBusiness)
	spec := strings.Replace(pipelineJSON("jaffle_shop", "1"), `{"name"`, `{"openlineage":{"namespace":"dbt","name":"dbt-run-jaffle_shop"},"name"`, 1)
	e.do("POST", "/api/v1/pipelines/", key, spec).expect(201)
	inv := "dbt-run-jaffle_shop"
	dq := `{"_producer":"p","_schemaURL":"https://openlineage.io/spec/facets/1-0-1/DataQualityAssertionsDatasetFacet.json","assertions":[{"assertion":"not_null","success":false,"column":"id"}]}`
	in := `[{"namespace":"postgres://db:5432","name":"jaffle.public.orders","facets":{"dataQualityAssertions":` + dq + `},"inputFacets":{"dataQualityAssertions":` + dq + `}}]`
	events := []string{
		olTask("dbt", inv, invRun, "START", "2024-05-01T02:00:00Z", "", "", "", "", ""),
		olTask("dbt", "jaffle.public.stg_orders", model1, "START", "2024-05-01T02:01:00Z", inv, invRun, "", "", ""),
		olTask("dbt", "jaffle.public.stg_orders", model1, "COMPLETE", "2024-05-01T02:02:00Z", inv, invRun, "", "", ""),
		olTask("dbt", "jaffle.test.not_null_orders_id", test1, "START", "2024-05-01T02:03:00Z", inv, invRun, "", "", in),
		olTask("dbt", "jaffle.test.not_null_orders_id", test1, "COMPLETE", "2024-05-01T02:04:00Z", inv, invRun, "", "", in),
		olTask("dbt", inv, invRun, "FAIL", "2024-05-01T02:05:00Z", "", "", "", "", ""),
	}
	for _, ev := range events {
		e.postOL("/api/v1/lineage", key, ev).expect(201)
	}
	runs := e.do("GET", "/api/v1/runs/?pipeline_id=jaffle_shop", key, "").expect(200).json()["items"].([]any)
	if len(runs) != 1 || runs[0].(map[string]any)["run_id"] != invRun || runs[0].(map[string]any)["status"] != "failed" {
		t.Fatalf("runs %v", runs)
	}
	checks := e.do("GET", "/api/v1/checks/results/?run_id="+invRun, key, "").expect(200).json()["items"].([]any)
	if len(checks) != 1 || checks[0].(map[string]any)["check_id"] != "not_null.id" || checks[0].(map[string]any)["status"] != "failed" {
		t.Fatalf("checks %v", checks)
	}
	// The result is on the dataset the facet sits on, in the list and in the run.
	orders := catalog.ObservedDatasetID("postgres://db:5432", "jaffle.public.orders")
	want := map[string]any{"id": orders, "namespace": "postgres://db:5432", "name": "jaffle.public.orders"}
	if got := checks[0].(map[string]any)["dataset"]; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("check dataset %v, want %v", got, want)
	}
	run := e.do("GET", "/api/v1/runs/"+invRun, key, "").expect(200).json()
	if got := run["checks"].([]any)[0].(map[string]any)["dataset"]; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("run's check dataset %v, want %v", got, want)
	}
	// The models are no pipelines' runs of their own.
	if items := e.do("GET", "/api/v1/runs/", key, "").expect(200).json()["items"].([]any); len(items) != 1 {
		t.Errorf("all runs %v", items)
	}
}

// A test of the test run facet (no dataset of its own) is on the one input
// its event reads; a dataset joined to a spec dataset puts the result on
// the spec's node; a POSTed result names no dataset.
func TestOpenLineage_CheckDatasets(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		_, key := e.newOrg("acme", catalog.PlanBusiness)
		e.do("POST", "/api/v1/connections/", key, `{"id":"wh","type":"postgres","config":{"host":"db","database":"jaffle"}}`).expect(201)
		spec := `{"name":"jaffle_shop","version":"1","owner":"a@acme.com","schedule":"0 6 * * *","openlineage":{"namespace":"dbt","name":"dbt-run-jaffle_shop"},
			"sources":[{"id":"orders","type":"postgres","connection_ref":"wh","object":"public.orders"}],
			"targets":[{"id":"report","type":"postgres","object":"public.report","inputs":["orders"]}]}`
		e.do("POST", "/api/v1/pipelines/", key, spec).expect(201)
		inv := "dbt-run-jaffle_shop"
		test := `"test":{"_producer":"p","_schemaURL":"https://openlineage.io/spec/facets/1-0-0/TestRunFacet.json","tests":[{"name":"unique_orders_id","status":"fail","severity":"warn","type":"unique"}]}`
		ev := olTask("dbt", "jaffle.test.unique_orders_id", test1, "COMPLETE", "2024-05-01T02:04:00Z", inv, invRun, "", "", `[{"namespace":"postgres://db:5432","name":"jaffle.public.orders"}]`)
		ev = strings.Replace(ev, `"facets":{"parent"`, `"facets":{`+test+`,"parent"`, 1)
		e.postOL("/api/v1/lineage", key, olTask("dbt", inv, invRun, "START", "2024-05-01T02:00:00Z", "", "", "", "", "")).expect(201)
		e.postOL("/api/v1/lineage", key, ev).expect(201)
		checks := e.do("GET", "/api/v1/checks/results/?run_id="+invRun, key, "").expect(200).json()["items"].([]any)
		if len(checks) != 1 {
			t.Fatalf("checks %v", checks)
		}
		want := map[string]any{"id": "orders", "namespace": "postgres://db:5432", "name": "jaffle.public.orders"}
		if got := checks[0].(map[string]any)["dataset"]; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("test facet's check dataset %v, want the joined spec dataset %v", got, want)
		}
		// Events first, the connection last: the join takes the result along.
		_, key2 := e.newOrg("later", catalog.PlanBusiness)
		e.do("POST", "/api/v1/pipelines/", key2, spec).expect(201)
		e.postOL("/api/v1/lineage", key2, olTask("dbt", inv, invRun, "START", "2024-05-01T02:00:00Z", "", "", "", "", "")).expect(201)
		e.postOL("/api/v1/lineage", key2, ev).expect(201)
		datasetOf := func() string {
			items := e.do("GET", "/api/v1/checks/results/?run_id="+invRun, key2, "").expect(200).json()["items"].([]any)
			return items[0].(map[string]any)["dataset"].(map[string]any)["id"].(string)
		}
		if got, want := datasetOf(), catalog.ObservedDatasetID("postgres://db:5432", "jaffle.public.orders"); got != want {
			t.Errorf("before the connection: check dataset %q, want the observed %q", got, want)
		}
		e.do("POST", "/api/v1/connections/", key2, `{"id":"wh","type":"postgres","config":{"host":"db","database":"jaffle"}}`).expect(201)
		if got := datasetOf(); got != "orders" {
			t.Errorf("after the connection joined it: check dataset %q, want orders", got)
		}
		e.do("POST", "/api/v1/checks/results", key, `{"run_id":"`+invRun+`","check_id":"manual","status":"passed"}`).expect(201)
		for _, c := range e.do("GET", "/api/v1/checks/results/?run_id="+invRun+"&check_id=manual", key, "").expect(200).json()["items"].([]any) {
			if d, ok := c.(map[string]any)["dataset"]; !ok || d != nil {
				t.Errorf("a POSTed result's dataset = %v, want null", d)
			}
		}
	})
}

// A task retried beyond the attempts a run keeps: the answer of the
// attempt that drops the oldest warns, the metric counts it, and the run
// keeps the newest MaxTaskAttempts.
func TestOpenLineage_TaskAttemptsCapIsReported(t *testing.T) {
	e := sqliteEnv(t)
	_, key := e.newOrg("acme", catalog.PlanBusiness)
	e.do("POST", "/api/v1/pipelines/", key, pipelineJSON("nightly", "1")).expect(201)
	ns, dag, dagRun := "airflow://prod", "nightly", "0190f1e4-cccc-7000-8000-000000000000"
	e.postOL("/api/v1/lineage", key, olTask(ns, dag, dagRun, "START", "2024-05-01T02:00:00Z", "", "", "", "", "")).expect(201)
	attempt := func(i int, eventType string) map[string]any {
		runID := fmt.Sprintf("0190f1e4-cccc-7000-8000-%012d", i)
		at := fmt.Sprintf("2024-05-01T02:%02d:00Z", i)
		return e.postOL("/api/v1/lineage", key, olTask(ns, dag+".load", runID, eventType, at, dag, dagRun, dag, dagRun, "")).expect(201).json()
	}
	for i := 1; i <= catalog.MaxTaskAttempts; i++ {
		if w := attempt(i, "FAIL")["warnings"]; w != nil {
			t.Fatalf("attempt %d within the cap warns: %v", i, w)
		}
	}
	w, _ := attempt(catalog.MaxTaskAttempts+1, "START")["warnings"].([]any)
	if len(w) != 1 || w[0].(map[string]any)["cap"] != "task_attempts" || !strings.Contains(w[0].(map[string]any)["message"].(string), `"nightly.load"`) {
		t.Fatalf("the attempt past the cap: warnings %v", w)
	}
	// The same attempt's next event adds no attempt, so drops none.
	if w := attempt(catalog.MaxTaskAttempts+1, "COMPLETE")["warnings"]; w != nil {
		t.Errorf("a known attempt's event warns: %v", w)
	}
	metrics := e.do("GET", "/metrics", "", "").expect(200).Body.String()
	if !strings.Contains(metrics, `dataxpipe_openlineage_caps_total{cap="task_attempts"} 1`) {
		t.Errorf("metrics lack the task_attempts cap:\n%s", grepLines(metrics, "openlineage_caps"))
	}
	run := e.do("GET", "/api/v1/runs/"+dagRun, key, "").expect(200).json()
	tasks := run["attributes"].(map[string]any)["tasks"].(map[string]any)[dag+".load"].([]any)
	if len(tasks) != catalog.MaxTaskAttempts || len(run["attributes"].(map[string]any)["failed_tasks"].(map[string]any)) != 0 {
		t.Errorf("kept attempts %d, run %v", len(tasks), run["attributes"])
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
