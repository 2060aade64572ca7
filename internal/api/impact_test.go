package api_test

import (
	"encoding/csv"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// impactSpecs are orders_sync (raw_orders → orders_enriched → clean_orders,
// with an error check on clean_orders) and reporting, which reads it.
const (
	impactOrders = `{"name":"orders_sync","version":"1","owner":"ecommerce@acme.com","schedule":"0 6 * * *","tags":["tier-1","pii"],
	 "sources":[{"id":"raw_orders","type":"postgres"}],
	 "transforms":[{"id":"enrich","type":"sql","code_ref":"t.sql","inputs":["raw_orders"],"outputs":["orders_enriched"]}],
	 "targets":[{"id":"clean_orders","type":"bigquery","inputs":["orders_enriched"]}],
	 "checks":[{"id":"pk_not_null","target":"clean_orders","sql":"pk.sql","severity":"error"}]}`
	impactReporting = `{"name":"reporting","version":"1","owner":"bi@acme.com","schedule":"@daily",
	 "transforms":[{"id":"rev","type":"sql","code_ref":"r.sql","inputs":["clean_orders"],"outputs":["daily_revenue"]}]}`
)

func TestImpact_OverHTTP(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db) // the clock stands at 2026-06-07T06:00:00Z
		_, key := e.newOrg("acme", catalog.PlanTeam)
		_, other := e.newOrg("other", catalog.PlanTeam)
		e.do("POST", "/api/v1/pipelines/", key, impactOrders).expect(201)
		e.do("POST", "/api/v1/pipelines/", key, impactReporting).expect(201)
		// The other organization has clean_orders too, read by its own pipeline.
		e.do("POST", "/api/v1/pipelines/", other, strings.NewReplacer("reporting", "intruder", "bi@acme.com", "x@other.io").Replace(impactReporting)).expect(201)
		e.do("POST", "/api/v1/runs/", key, `{"pipeline_id":"orders_sync","run_id":"r1","status":"success"}`).expect(201)
		e.do("POST", "/api/v1/checks/results/", key, `{"run_id":"r1","check_id":"pk_not_null","status":"failed","message":"3 null keys"}`).expect(201)

		m := e.do("GET", "/api/v1/lineage/raw_orders/impact", key, "").expect(200).json()
		b, _ := json.Marshal(m)
		body := string(b)
		for _, want := range []string{`"root":"raw_orders"`, `"depth":10`, `"datasets":3`, `"pipelines":2`, `"next_cursor":null`,
			`"owners":[{"blocked":1,"datasets":1,"owner":"bi@acme.com","pipelines":1},{"blocked":0,"datasets":2,"owner":"ecommerce@acme.com","pipelines":1}]`,
			`"failing_checks":[{"check_id":"pk_not_null","dataset":"clean_orders"`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("impact lacks %s:\n%s", want, body)
			}
		}
		items := m["items"].([]any)
		orders, reporting := items[0].(map[string]any), items[1].(map[string]any)
		if orders["pipeline"] != "orders_sync" || orders["blocked"] != false || orders["next_run_at"] != "2026-06-08T06:00:00Z" ||
			orders["last_run"].(map[string]any)["status"] != "success" || orders["last_run"].(map[string]any)["checks_failed"] != true {
			t.Errorf("orders_sync group = %v", orders)
		}
		if tags, _ := json.Marshal(orders["tags"]); string(tags) != `["tier-1","pii"]` {
			t.Errorf("tags = %s", tags)
		}
		if reporting["pipeline"] != "reporting" || reporting["blocked"] != true || reporting["next_run_at"] != "2026-06-08T00:00:00Z" ||
			reporting["last_run"] != nil || len(reporting["blocked_by"].([]any)) != 1 {
			t.Errorf("reporting group = %v", reporting)
		}
		if strings.Contains(body, "intruder") || strings.Contains(body, "other.io") {
			t.Errorf("another organization's pipeline shows: %s", body)
		}

		// Paged by group; the totals are on every page.
		first := e.do("GET", "/api/v1/lineage/raw_orders/impact?limit=1&depth=10", key, "").expect(200).json()
		cursor, _ := first["next_cursor"].(string)
		if len(first["items"].([]any)) != 1 || cursor == "" || first["pipelines"] != 2.0 {
			t.Fatalf("first page = %v", first)
		}
		second := e.do("GET", "/api/v1/lineage/raw_orders/impact?limit=1&cursor="+url.QueryEscape(cursor), key, "").expect(200).json()
		if it := second["items"].([]any); len(it) != 1 || it[0].(map[string]any)["pipeline"] != "reporting" || second["next_cursor"] != nil {
			t.Errorf("second page = %v", second)
		}
		if d := e.do("GET", "/api/v1/lineage/raw_orders/impact?depth=1", key, "").expect(200).json(); d["datasets"] != 1.0 || d["truncated"] != true {
			t.Errorf("depth 1 = %v", d)
		}

		// CSV: one row per pipeline and dataset, the next page in Link.
		r := e.do("GET", "/api/v1/lineage/raw_orders/impact?limit=1", key, "", "Accept", "text/csv").expect(200)
		if ct := r.Header().Get("Content-Type"); ct != "text/csv; charset=utf-8" {
			t.Errorf("Content-Type = %q", ct)
		}
		if link := r.Header().Get("Link"); !strings.HasPrefix(link, "</api/v1/lineage/raw_orders/impact?cursor=") || !strings.HasSuffix(link, `>; rel="next"`) {
			t.Errorf("Link = %q", link)
		}
		rows, err := csv.NewReader(r.Body).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		want := [][]string{
			{"pipeline", "job", "owner", "tags", "last_run_id", "last_run_status", "next_run_at", "blocked", "blocked_by", "dataset", "dataset_namespace", "dataset_name", "depth"},
			{"orders_sync", "", "ecommerce@acme.com", "tier-1;pii", "r1", "success", "2026-06-08T06:00:00Z", "false", "", "orders_enriched", "", "", "1"},
			{"orders_sync", "", "ecommerce@acme.com", "tier-1;pii", "r1", "success", "2026-06-08T06:00:00Z", "false", "", "clean_orders", "", "", "2"},
		}
		if got, _ := json.Marshal(rows); string(got) != mustJSON(t, want) {
			t.Errorf("csv = %s\nwant %s", got, mustJSON(t, want))
		}
		csvAll := e.do("GET", "/api/v1/lineage/raw_orders/impact?format=csv", key, "").expect(200).Body.String()
		if !strings.Contains(csvAll, "reporting,,bi@acme.com,,,,2026-06-08T00:00:00Z,true,orders_sync/pk_not_null,daily_revenue,,,3") {
			t.Errorf("csv of every group:\n%s", csvAll)
		}

		// Another organization's dataset is 404, as is one nobody has.
		e.do("GET", "/api/v1/lineage/orders_enriched/impact", other, "").expect(404)
		e.do("GET", "/api/v1/lineage/nope/impact", key, "").expect(404)
	})
}

func TestImpact_BadRequests(t *testing.T) {
	e := sqliteEnv(t)
	_, key := e.newOrg("acme", catalog.PlanTeam)
	e.do("POST", "/api/v1/pipelines/", key, impactOrders).expect(201)
	p := e.do("GET", "/api/v1/lineage/raw_orders/impact?depht=3", key, "").expect(400).json()
	if !strings.Contains(p["detail"].(string), "depht") {
		t.Errorf("unknown parameter: %v", p)
	}
	p = e.do("GET", "/api/v1/lineage/raw_orders/impact?depth=51&limit=0&format=xml&cursor=zz", key, "").expect(422).json()
	var fields []string
	for _, f := range p["errors"].([]any) {
		fields = append(fields, f.(map[string]any)["field"].(string))
	}
	if got := strings.Join(fields, ","); got != "depth,limit,format" {
		t.Errorf("problems = %s (%v)", got, p)
	}
	e.do("GET", "/api/v1/lineage/raw_orders/impact?cursor=zz", key, "").expect(422)

	// A bare name two OpenLineage datasets carry is ambiguous.
	for i, ns := range []string{"postgres://db-a:5432", "postgres://db-b:5432"} {
		e.postOL("/api/v1/lineage", key, olRun("sync_"+string(rune('a'+i)), "0190f1e4-0000-7000-8000-00000000000"+string(rune('a'+i)), "COMPLETE", "2024-05-01T02:00:00Z",
			[][2]string{{ns, "public.customers"}}, [][2]string{{"s3://lake", "customers_" + string(rune('a'+i))}})).expect(201)
	}
	e.do("GET", "/api/v1/lineage/public.customers/impact", key, "").expect(409)
	m := e.do("GET", "/api/v1/lineage/public.customers/impact?namespace="+url.QueryEscape("postgres://db-a:5432"), key, "").expect(200).json()
	if it := m["items"].([]any); len(it) != 1 || it[0].(map[string]any)["job"] != "spark/sync_a" {
		t.Errorf("namespaced impact = %v", m)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
