package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
	"github.com/dataxpipe/catalog/internal/web"
)

// Ids of the datasets only OpenLineage reports.
var (
	legacyID    = catalog.ObservedDatasetID("bigquery", "analytics.orders_legacy_v1")
	dashboardID = catalog.ObservedDatasetID("looker", "dashboards.orders_overview")
	rootID      = catalog.ObservedDatasetID("lake", "root")
)

// olEvent is an OpenLineage COMPLETE run event of job with datasets given
// as JSON arrays.
func olEvent(job, runID string, at time.Time, inputs, outputs string) map[string]any {
	var in, out []any
	_ = json.Unmarshal([]byte(inputs), &in)
	_ = json.Unmarshal([]byte(outputs), &out)
	return map[string]any{"eventType": "COMPLETE", "eventTime": at.UTC().Format(time.RFC3339), "producer": "https://example.com/airflow",
		"schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
		"run":       map[string]any{"runId": runID}, "job": map[string]any{"namespace": "airflow", "name": job},
		"inputs": in, "outputs": out}
}

// seedLineage registers a small warehouse: two ingests, a model, a mart,
// an export and an ML feature set, with runs and checks that put states on
// the graph, OpenLineage events that observe some declared edges, report
// one edge no spec declares, drop a dataset and carry column lineage.
func (e *env) seedLineage() string {
	e.t.Helper()
	plan := catalog.PlanBusiness // six pipelines
	if _, err := e.db.UpdateOrg(sqlstoretest.AsOrg(e.dev, catalog.RoleOwner), e.dev.Slug, catalog.OrgUpdate{Plan: &plan}); err != nil {
		e.t.Fatal(err)
	}
	key := e.apiKey(e.dev, catalog.RoleMember)
	// finance_export was registered a month ago, so that its missed runs
	// count as late (a pipeline is never late for runs before it existed).
	var back atomic.Int64
	e.db.Now = func() time.Time { return time.Now().Add(-time.Duration(back.Load())) }
	src := func(id, object string) map[string]any {
		return map[string]any{"id": id, "type": "postgres", "object": object}
	}
	tgt := func(id, object string, inputs ...string) map[string]any {
		return map[string]any{"id": id, "type": "bigquery", "object": object, "inputs": inputs}
	}
	def := func(name, owner string, sources, targets []any, checks ...any) map[string]any {
		return map[string]any{"name": name, "version": "1.0.0", "owner": owner, "schedule": "0 6 * * *", "description": "Builds " + name,
			"sources": sources, "targets": targets, "checks": checks}
	}
	check := func(id, target, severity string) map[string]any {
		return map[string]any{"id": id, "target": target, "type": "row_count", "severity": severity}
	}
	e.pipeline(key, def("orders_ingest", "ecommerce@acme.com", []any{src("raw_orders", "shop.orders")}, []any{tgt("stg_orders", "analytics.stg_orders", "raw_orders")}))
	e.pipeline(key, def("customers_ingest", "crm@acme.com", []any{src("raw_customers", "crm.customers")}, []any{tgt("stg_customers", "analytics.stg_customers", "raw_customers")}))
	e.pipeline(key, def("orders_model", "analytics@acme.com", nil, []any{tgt("fct_orders", "analytics.fct_orders", "stg_orders", "stg_customers")}, check("fct_not_empty", "fct_orders", "error")))
	e.pipeline(key, def("revenue_mart", "finance@acme.com", nil, []any{tgt("mart_revenue_daily", "analytics.mart_revenue_daily", "fct_orders")}, check("revenue_fresh", "mart_revenue_daily", "warn")))
	back.Store(int64(30 * 24 * time.Hour))
	e.pipeline(key, def("finance_export", "finance@acme.com", nil, []any{tgt("ledger_export", "finance.ledger_export", "mart_revenue_daily")}))
	back.Store(0)
	e.pipeline(key, def("churn_features", "ml@acme.com", nil, []any{tgt("ml_churn_features", "ml.churn_features", "fct_orders", "stg_customers")}))

	now := time.Now().UTC()
	// OpenLineage observes the model's edges (its task rolls up to the
	// pipeline), reports a dashboard no spec declares, drops a legacy
	// table and carries column lineage for fct_orders.
	events := []map[string]any{
		olEvent("orders_ingest.load", "0190a0b0-0000-7000-8000-000000000004", now.Add(-6*time.Hour),
			`[{"namespace":"postgres://shop","name":"shop.orders"}]`, `[{"namespace":"bigquery","name":"analytics.stg_orders"}]`),
		olEvent("orders_model.build", "0190a0b0-0000-7000-8000-000000000001", now.Add(-5*time.Hour),
			`[{"namespace":"bigquery","name":"analytics.stg_orders"},{"namespace":"bigquery","name":"analytics.stg_customers"}]`,
			`[{"namespace":"bigquery","name":"analytics.fct_orders","facets":{"columnLineage":{"_producer":"https://example.com","_schemaURL":"https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json","fields":{
			  "order_id":{"inputFields":[{"namespace":"bigquery","name":"analytics.stg_orders","field":"id"}]},
			  "customer_name":{"inputFields":[{"namespace":"bigquery","name":"analytics.stg_customers","field":"name"}]},
			  "amount":{"inputFields":[{"namespace":"bigquery","name":"analytics.stg_orders","field":"amount"}]}}}}}]`),
		olEvent("looker.refresh_orders", "0190a0b0-0000-7000-8000-000000000002", now.Add(-4*time.Hour),
			`[{"namespace":"bigquery","name":"analytics.fct_orders"}]`, `[{"namespace":"looker","name":"dashboards.orders_overview"}]`),
		olEvent("cleanup.legacy", "0190a0b0-0000-7000-8000-000000000003", now.Add(-3*time.Hour),
			`[{"namespace":"bigquery","name":"analytics.fct_orders"}]`,
			`[{"namespace":"bigquery","name":"analytics.orders_legacy_v1","facets":{"lifecycleStateChange":{"_producer":"https://example.com","_schemaURL":"https://openlineage.io/spec/facets/1-0-1/LifecycleStateChangeDatasetFacet.json","lifecycleStateChange":"DROP"}}}]`),
	}
	for _, ev := range events {
		if status, body := e.api(key, "POST", "/api/v1/lineage", ev); status != 201 {
			e.t.Fatalf("OpenLineage event: %d %s", status, body)
		}
	}
	at := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339) }
	for _, run := range []map[string]any{
		{"pipeline_id": "orders_ingest", "run_id": "ingest-1", "status": "success", "started_at": at(-2 * time.Hour)},
		{"pipeline_id": "orders_model", "run_id": "model-7", "status": "success", "started_at": at(-time.Hour)},
		{"pipeline_id": "churn_features", "run_id": "churn-2", "status": "failed", "error": "OOM", "started_at": at(-40 * time.Minute)},
		{"pipeline_id": "revenue_mart", "run_id": "mart-3", "status": "success", "started_at": at(-50 * time.Minute)},
		{"pipeline_id": "finance_export", "run_id": "export-1", "status": "success", "started_at": at(-72 * time.Hour)},
	} {
		if status, body := e.api(key, "POST", "/api/v1/runs/", run); status != 201 {
			e.t.Fatalf("run: %d %s", status, body)
		}
	}
	if status, body := e.api(key, "POST", "/api/v1/checks/results/", map[string]any{"results": []any{
		map[string]any{"run_id": "model-7", "check_id": "fct_not_empty", "status": "failed", "severity": "error", "message": "0 rows"},
		map[string]any{"run_id": "mart-3", "check_id": "revenue_fresh", "status": "failed", "severity": "warn", "message": "6 h old"},
	}}); status != 201 && status != 200 {
		e.t.Fatalf("checks: %d %s", status, body)
	}
	return key
}

// node finds a drawn node by dataset id.
func node(p page, id string) *goquerySelection {
	return p.Find(`.ln-stage g.ln-node`).FilterFunction(func(_ int, s *goquerySelection) bool {
		v, _ := s.Attr("data-id")
		return v == id
	})
}

func TestLineagePage_DrawsStatesProvenanceAndLinks(t *testing.T) {
	e := newEnv(t)
	e.seedLineage()
	b := e.signIn("viewer")
	p := b.get("/lineage/fct_orders?up=1&down=2")
	if p.status != 200 {
		t.Fatalf("lineage page: %d", p.status)
	}
	if p.Find(".ln-stage svg").Length() != 1 || p.Find("img").Length() != 0 {
		t.Fatal("the drawing is not inline SVG")
	}
	for id, want := range map[string]string{
		"fct_orders": "✕ check failed", "mart_revenue_daily": "! check warned", "ledger_export": "◷ run late",
		"ml_churn_features": "✕ run failed", legacyID: "⊘ dropped",
	} {
		n := node(p, id)
		if n.Length() != 1 {
			t.Errorf("no node %s", id)
			continue
		}
		if !strings.Contains(n.Find("text").Text(), want) {
			t.Errorf("%s says %q, want %q", id, n.Find("text").Text(), want)
		}
	}
	if cls, _ := node(p, "fct_orders").Attr("class"); !strings.Contains(cls, "ln-focus") || !strings.Contains(cls, "ln-bad") {
		t.Errorf("focus classes %q", cls)
	}
	if cls, _ := node(p, legacyID).Attr("class"); !strings.Contains(cls, "ln-dropped") {
		t.Errorf("dropped dataset classes %q", cls)
	}
	edge := func(from, to string) string {
		cls, _ := p.Find(fmt.Sprintf(`path.ln-edge[data-from=%q][data-to=%q]`, from, to)).Attr("class")
		return cls
	}
	if c := edge("stg_orders", "fct_orders"); !strings.Contains(c, "ln-both") {
		t.Errorf("declared and observed edge: %q", c)
	}
	if c := edge("fct_orders", "mart_revenue_daily"); !strings.Contains(c, "ln-declared") {
		t.Errorf("declared, never observed edge: %q", c)
	}
	if c := edge("fct_orders", dashboardID); !strings.Contains(c, "ln-observed") {
		t.Errorf("observed edge: %q", c)
	}
	if !strings.Contains(p.text(".ln-legend"), "declared, never observed") {
		t.Error("no legend")
	}
	// A node links to its own page, keeping depths.
	href, _ := node(p, "mart_revenue_daily").Find("a.ln-link").Attr("href")
	if u, _ := url.Parse(href); u.Path != "/lineage/mart_revenue_daily" || u.Query().Get("up") != "1" || u.Query().Get("down") != "2" {
		t.Errorf("node link %q", href)
	}
	if href, _ := p.Find(`a[href="/lineage/fct_orders/impact"]`).Attr("href"); href == "" {
		t.Error("no Impact link")
	}
	// The script is its own file (the CSP allows no inline script).
	if src, _ := p.Find(`script[src^="/static/lineage."]`).Attr("src"); src == "" || p.Find("script:not([src])").Length() != 0 {
		t.Error("lineage.js is not loaded as a file")
	}
}

func TestLineagePage_ViewStateInTheURL(t *testing.T) {
	e := newEnv(t)
	e.seedLineage()
	b := e.signIn("viewer")
	// Upstream only, one step: raw datasets are not drawn; stg_orders is at
	// the edge with more beyond, so it offers +.
	p := b.get("/lineage/fct_orders?up=1&down=0")
	if node(p, "raw_orders").Length() != 0 || node(p, "mart_revenue_daily").Length() != 0 || node(p, "stg_orders").Length() != 1 {
		t.Fatalf("up=1&down=0 drew the wrong datasets: %s", p.text(".ln-stage"))
	}
	expand, ok := node(p, "stg_orders").Find("a.ln-expand").Attr("href")
	if !ok {
		t.Fatal("stg_orders offers no expand")
	}
	p = b.get(expand)
	if node(p, "raw_orders").Length() != 1 || node(p, "raw_customers").Length() != 0 {
		t.Fatalf("expanding stg_orders: %s", p.text(".ln-stage"))
	}
	if u, _ := url.Parse(expand); u.Query().Get("expand") != "stg_orders" || u.Query().Get("up") != "1" {
		t.Fatalf("expand link %q", expand)
	}
	// Collapse hides what lies beyond, and + brings it back.
	p = b.get("/lineage/stg_orders?up=0&down=3")
	collapse, ok := node(p, "fct_orders").Find("a.ln-collapse").Attr("href")
	if !ok || node(p, "mart_revenue_daily").Length() != 1 {
		t.Fatal("fct_orders offers no collapse")
	}
	p = b.get(collapse)
	if node(p, "mart_revenue_daily").Length() != 0 || node(p, "fct_orders").Length() != 1 {
		t.Fatalf("collapsed fct_orders still shows its far side: %s", p.text(".ln-stage"))
	}
	if back, _ := node(p, "fct_orders").Find("a.ln-expand").Attr("href"); !strings.Contains(back, "down=3") || strings.Contains(back, "collapse") {
		t.Fatalf("uncollapse link %q", back)
	}
	// The old direction/depth links still work.
	p = b.get("/lineage/fct_orders?direction=upstream&depth=1")
	if p.status != 200 || node(p, "stg_orders").Length() != 1 || node(p, "mart_revenue_daily").Length() != 0 {
		t.Fatalf("direction=upstream&depth=1: %d", p.status)
	}
	// Bad numbers are listed, all at once; unknown parameters are ignored.
	p = b.get("/lineage/fct_orders?up=x&down=99&color=blue")
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.text(".alert-error"), "Upstream depth") || !strings.Contains(p.text(".alert-error"), "Downstream depth") {
		t.Fatalf("bad depths: %d %q", p.status, p.text(".alert-error"))
	}
	if p := b.get("/lineage/fct_orders?up=1&colour=x&expand=nope&collapse=nope"); p.status != 200 {
		t.Fatalf("unknown parameters: %d", p.status)
	}
	if p := b.get("/lineage/no_such_dataset"); p.status != http.StatusNotFound {
		t.Fatalf("unknown dataset: %d", p.status)
	}
}

func TestLineagePage_ColumnLineageOnDemand(t *testing.T) {
	e := newEnv(t)
	e.seedLineage()
	b := e.signIn("viewer")
	p := b.get("/lineage/fct_orders?up=2&down=1")
	if p.Find(".ln-coledge").Length() != 0 {
		t.Fatal("column lineage drawn without being asked for")
	}
	// fct_orders's facet maps columns of stg_orders and stg_customers,
	// its direct upstream neighbours.
	p = b.get("/lineage/fct_orders?up=2&down=1&columns=1")
	titles := p.Find(".ln-coledge title").Map(func(_ int, s *goquerySelection) string { return s.Text() })
	if strings.Join(titles, ";") != "stg_customers.name → fct_orders.customer_name;stg_orders.amount → fct_orders.amount;stg_orders.id → fct_orders.order_id" {
		t.Fatalf("column edges %q", titles)
	}
	if f := node(p, "fct_orders").Find(".ln-field").Text(); f != "amountcustomer_nameorder_id" {
		t.Fatalf("focus fields %q", f)
	}
	if p := b.get("/lineage/mart_revenue_daily?columns=1"); !strings.Contains(p.text(".alert-info"), "No column lineage") {
		t.Fatal("no note where no column lineage exists")
	}
}

// fanout reports through OpenLineage n datasets downstream of a root in
// jobs of pipes pipelines, each feeding one more dataset.
func fanout(e *env, key string, n, pipes int) {
	e.t.Helper()
	for p := range pipes {
		var outs, finals []string
		for i := p; i < n; i += pipes {
			outs = append(outs, fmt.Sprintf(`{"namespace":"lake","name":"mid_%04d"}`, i))
			finals = append(finals, fmt.Sprintf(`{"namespace":"mart","name":"leaf_%04d"}`, i))
		}
		for j, ev := range []map[string]any{
			olEvent(fmt.Sprintf("job_%02d.fan", p), fmt.Sprintf("0190a0b0-0000-7000-8000-1%011d", p), time.Now().Add(-time.Hour), `[{"namespace":"lake","name":"root"}]`, "["+strings.Join(outs, ",")+"]"),
			olEvent(fmt.Sprintf("job_%02d.leaf", p), fmt.Sprintf("0190a0b0-0000-7000-8000-2%011d", p), time.Now().Add(-time.Hour), "["+strings.Join(outs, ",")+"]", "["+strings.Join(finals, ",")+"]"),
		} {
			if status, body := e.api(key, "POST", "/api/v1/lineage", ev); status != 201 {
				e.t.Fatalf("event %d: %d %s", j, status, body)
			}
		}
	}
}

func TestLineagePage_BudgetFoldsIntoGroupsWithExactCounts(t *testing.T) {
	e := newEnv(t)
	key := e.apiKey(e.dev, catalog.RoleMember)
	fanout(e, key, 220, 6) // 1 + 220 + 220 datasets
	b := e.signIn("viewer")
	p := b.get("/lineage/" + rootID + "?up=0&down=2")
	if p.status != 200 {
		t.Fatalf("page: %d", p.status)
	}
	boxes := p.Find(".ln-stage g.ln-node").Length()
	groups := p.Find(".ln-stage g.ln-node.ln-group").Length()
	if boxes > 300 || groups == 0 {
		t.Fatalf("%d boxes, %d groups", boxes, groups)
	}
	hidden := 441 - (boxes - groups)
	want := fmt.Sprintf("%d datasets hidden in %d groups", hidden, groups)
	if !strings.Contains(p.text(".page-head"), want) || !strings.Contains(p.text("#groups h2"), want) {
		t.Fatalf("summary %q / %q, want %q", p.text(".page-head .sub"), p.text("#groups h2"), want)
	}
	if rows := p.Find("#groups tbody tr").Length(); rows != groups {
		t.Fatalf("groups table has %d rows, drawing %d groups", rows, groups)
	}
	if g := p.text("#groups tbody"); !strings.Contains(g, "pipeline job_00") {
		t.Fatalf("groups are not by pipeline: %s", g)
	}
	// The CSV lists every dataset and the group it is drawn in.
	res, err := b.c.Get(e.srv.URL + "/lineage/" + rootID + "/nodes.csv?up=0&down=2")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	records, err := csv.NewReader(res.Body).ReadAll()
	if err != nil || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("CSV: %v %s", err, res.Header.Get("Content-Type"))
	}
	inGroups := 0
	for _, r := range records[1:] {
		if strings.HasPrefix(r[7], "group: ") {
			inGroups++
		}
	}
	if len(records) != 442 || inGroups != hidden || strings.Join(records[0], ",") != "dataset,namespace,object,column,side,producing_pipeline,state,drawn_in" {
		t.Fatalf("CSV: %d rows, %d in groups (want 441, %d)", len(records)-1, inGroups, hidden)
	}
	// The downloads answer the same view.
	for path, ct := range map[string]string{"/graph.svg": "image/svg+xml", "/graph.dot": "text/vnd.graphviz; charset=utf-8"} {
		res, err := b.c.Get(e.srv.URL + "/lineage/" + rootID + "" + path + "?up=0&down=2")
		if err != nil || res.StatusCode != 200 || res.Header.Get("Content-Type") != ct {
			t.Fatalf("%s: %v %d %s", path, err, res.StatusCode, res.Header.Get("Content-Type"))
		}
		res.Body.Close()
	}
	if res, _ := b.c.Get(e.srv.URL + "/lineage/" + rootID + "/nodes.csv?up=-1"); res.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad depth CSV: %d", res.StatusCode)
	}
}

// TestLineage_OrgsDrawWithoutWaiting: one organization's large drawing is
// held in the middle of its layout (the test's pause hook blocks it on a
// channel); another organization's small drawing completes meanwhile, and
// only then is the large one let go. Nothing here measures time: the
// timeouts only stop a hung test.
func TestLineage_OrgsDrawWithoutWaiting(t *testing.T) {
	var bigOrg string
	var once sync.Once
	held, release := make(chan struct{}), make(chan struct{})
	e := newEnv(t, func(_ *env, o *web.Options) {
		o.LineagePause = func(ctx context.Context) {
			if catalog.OrgIDFromContext(ctx) == bigOrg {
				once.Do(func() { close(held) })
				<-release
			}
		}
	})
	e.seedLineage()
	small := e.signIn("admin")
	big := e.signIn("member")
	if res := big.post("/signup", url.Values{"slug": {"bigco"}, "name": {"Big Co"}}); res.StatusCode != http.StatusSeeOther {
		t.Fatalf("signup: %d", res.StatusCode)
	}
	org, err := e.db.FindOrgBySlug(context.Background(), "bigco")
	if err != nil {
		t.Fatal(err)
	}
	fanout(e, e.apiKey(org, catalog.RoleMember), 400, 8)
	bigOrg = org.ID

	done := make(chan page, 1)
	go func() { done <- big.get("/lineage/" + rootID + "?up=0&down=2") }()
	select {
	case <-held:
	case <-time.After(time.Minute):
		t.Fatal("the large drawing never reached its layout")
	}
	p := small.get("/lineage/fct_orders")
	if p.status != 200 || node(p, "fct_orders").Length() != 1 {
		t.Fatalf("small drawing while the large one is held: %d", p.status)
	}
	select {
	case <-done:
		t.Fatal("the large drawing finished while held")
	default:
	}
	close(release)
	var bp page
	select {
	case bp = <-done:
	case <-time.After(time.Minute):
		t.Fatal("the large drawing never finished")
	}
	if bp.status != 200 || !strings.Contains(bp.text(".page-head"), "hidden in") {
		t.Fatalf("large drawing: %d %q", bp.status, bp.text(".page-head"))
	}
}
