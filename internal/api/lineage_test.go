package api_test

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// ordersJSON is API.md's example pipeline: two sources into a transform,
// the transform's output into the target, and an explicit edge.
const ordersJSON = `{"name":"orders_sync","version":"1.4.0","owner":"ecommerce-data@acme.com","schedule":"0 6 * * *",
 "sources":[{"id":"raw_orders","type":"postgres","connection_ref":"pg-prod","object":"ecommerce.orders","load_mode":"incremental","watermark_column":"updated_at"}],
 "transforms":[{"id":"orders_enriched_t","type":"sql","code_ref":"t.sql","inputs":["raw_orders","dim_customers"],"outputs":["orders_enriched"]}],
 "targets":[{"id":"clean_orders","type":"bigquery","connection_ref":"bq-prod","object":"analytics.orders_clean","write_mode":"merge","primary_key":["order_id"],"inputs":["orders_enriched"]}],
 "lineage":{"edges":[{"from":"orders_enriched","to":"clean_orders"}]}}`

func TestLineage_WalkOverHTTP(t *testing.T) {
	e := sqliteEnv(t)
	_, key := e.newOrg("acme", catalog.PlanTeam)
	e.do("POST", "/api/v1/pipelines/", key, ordersJSON).expect(201)
	got := strings.TrimSpace(e.do("GET", "/api/v1/lineage/clean_orders?direction=upstream&depth=1", key, "").expect(200).Body.String())
	want := `{"root":"clean_orders","direction":"upstream","depth":1,` +
		`"nodes":[{"id":"clean_orders","object":"analytics.orders_clean","connection_ref":"bq-prod","depth":0},{"id":"orders_enriched","depth":1}],` +
		`"edges":[{"from":"orders_enriched","to":"clean_orders","pipeline":"orders_sync"}],"truncated":true}`
	if got != want {
		t.Fatalf("lineage:\n%s\nwant\n%s", got, want)
	}
	m := e.do("GET", "/api/v1/lineage/orders_enriched", key, "").expect(200).json()
	if m["direction"] != "both" || m["depth"] != float64(3) || len(m["nodes"].([]any)) != 4 || m["truncated"] != false {
		t.Fatalf("defaults: %v", m)
	}
	bad := e.do("GET", "/api/v1/lineage/clean_orders?direction=sideways&depth=51", key, "").expect(422).json()
	if len(bad["errors"].([]any)) != 2 {
		t.Fatalf("bad direction and depth: %v", bad)
	}
	e.do("GET", "/api/v1/lineage/clean_orders?depth=0", key, "").expect(422)
	e.do("GET", "/api/v1/lineage/clean_orders?depth=x", key, "").expect(422)
	e.do("GET", "/api/v1/lineage/clean_orders?format=png", key, "").expect(422)
	e.do("GET", "/api/v1/lineage/nope", key, "").expect(404)

	// Deleting the pipeline takes its edges, and the datasets only it declared, out.
	e.do("DELETE", "/api/v1/pipelines/orders_sync", key, "").expect(204)
	e.do("GET", "/api/v1/lineage/clean_orders", key, "").expect(404)
}

func TestLineage_DOTAndSVG(t *testing.T) {
	e := sqliteEnv(t)
	_, key := e.newOrg("acme", catalog.PlanTeam)
	e.do("POST", "/api/v1/pipelines/", key, ordersJSON).expect(201)
	dot := e.do("GET", "/api/v1/lineage/clean_orders?format=dot", key, "").expect(200)
	if ct := dot.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/vnd.graphviz") {
		t.Fatalf("DOT content type %q", ct)
	}
	for _, want := range []string{"digraph lineage {", `"orders_enriched" -> "clean_orders" [label="orders_sync"];`,
		`"clean_orders" [label="clean_orders\nanalytics.orders_clean", penwidth=2`, `"dim_customers" -> "orders_enriched"`} {
		if !strings.Contains(dot.Body.String(), want) {
			t.Errorf("DOT lacks %s:\n%s", want, dot.Body.String())
		}
	}
	nodes := []string{"clean_orders", "orders_enriched", "raw_orders", "dim_customers"}
	for _, res := range []response{
		e.do("GET", "/api/v1/lineage/clean_orders?format=svg", key, ""),
		e.do("GET", "/api/v1/lineage/clean_orders", key, "", "Accept", "image/avif,image/webp,image/svg+xml,*/*;q=0.8"),
	} {
		res.expect(200)
		if ct := res.Header().Get("Content-Type"); ct != "image/svg+xml" {
			t.Fatalf("SVG content type %q", ct)
		}
		titles := svgTitles(t, res.Body.String())
		for _, id := range nodes {
			if !titles[id] {
				t.Errorf("SVG has no node %s (titles %v)", id, titles)
			}
		}
	}
	// A browser's */* gets JSON; so does an Accept that prefers JSON.
	for _, accept := range []string{"text/html,*/*;q=0.8", "application/json, image/svg+xml;q=0.5"} {
		if ct := e.do("GET", "/api/v1/lineage/clean_orders", key, "", "Accept", accept).expect(200).Header().Get("Content-Type"); ct != "application/json" {
			t.Errorf("Accept %q gave %s, want JSON", accept, ct)
		}
	}
}

// svgTitles parses svg as XML (failing the test if it is not) and returns
// the first line of each of its <title> elements: a node's tooltip starts
// with its id.
func svgTitles(t *testing.T, svg string) map[string]bool {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(svg))
	dec.Strict = true
	titles, inTitle := map[string]bool{}, false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("the SVG is not XML: %v\n%.300s", err, svg)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			inTitle = tok.Name.Local == "title"
		case xml.CharData:
			if inTitle {
				first, _, _ := strings.Cut(strings.TrimSpace(string(tok)), "\n")
				titles[first] = true
			}
		case xml.EndElement:
			inTitle = false
		}
	}
	return titles
}

// TestLineage_OrgsDoNotJoin: two organizations declare a dataset of the
// same name; each sees only its own graph.
func TestLineage_OrgsDoNotJoin(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		_, a := e.newOrg("org-a", catalog.PlanTeam)
		_, b := e.newOrg("org-b", catalog.PlanTeam)
		e.do("POST", "/api/v1/pipelines/", a, ordersJSON).expect(201)
		e.do("POST", "/api/v1/pipelines/", b, `{"name":"reporting","owner":"b@b.io","schedule":"@daily",
		  "transforms":[{"id":"rev","type":"sql","inputs":["clean_orders"],"outputs":["daily_revenue"]}]}`).expect(201)
		if body := e.do("GET", "/api/v1/lineage/clean_orders?depth=50", a, "").expect(200).Body.String(); strings.Contains(body, "daily_revenue") {
			t.Fatalf("org A's walk reaches org B's dataset: %s", body)
		}
		if body := e.do("GET", "/api/v1/lineage/clean_orders?depth=50", b, "").expect(200).Body.String(); strings.Contains(body, "orders_enriched") || strings.Contains(body, "analytics.orders_clean") {
			t.Fatalf("org B's walk reaches org A's datasets: %s", body)
		}
		if body := e.do("GET", "/api/v1/datasets/?q=orders", b, "").expect(200).Body.String(); strings.Contains(body, "raw_orders") {
			t.Fatalf("org B lists org A's datasets: %s", body)
		}
		e.do("GET", "/api/v1/datasets/raw_orders", b, "").expect(404)
		e.do("GET", "/api/v1/lineage/raw_orders", b, "").expect(404)
	})
}

func TestDatasets_ListAndItem(t *testing.T) {
	e := sqliteEnv(t)
	_, key := e.newOrg("acme", catalog.PlanTeam)
	e.do("POST", "/api/v1/pipelines/", key, ordersJSON).expect(201)
	var ids []string
	for path := "/api/v1/datasets/?limit=3"; path != ""; {
		m := e.do("GET", path, key, "").expect(200).json()
		for _, it := range m["items"].([]any) {
			ids = append(ids, it.(map[string]any)["id"].(string))
		}
		path = ""
		if c, ok := m["next_cursor"].(string); ok {
			path = "/api/v1/datasets?limit=3&cursor=" + c
		}
	}
	if got := strings.Join(ids, ","); got != "clean_orders,dim_customers,orders_enriched,raw_orders" {
		t.Fatalf("paged ids = %s", got)
	}
	if got := e.do("GET", "/api/v1/datasets/?q=ANALYTICS", key, "").expect(200).Body.String(); !strings.Contains(got, `"items":[{"id":"clean_orders","object":"analytics.orders_clean","connection_ref":"bq-prod"}]`) {
		t.Fatalf("q=ANALYTICS: %s", got)
	}
	got := strings.TrimSpace(e.do("GET", "/api/v1/datasets/orders_enriched", key, "").expect(200).Body.String())
	want := `{"id":"orders_enriched","producers":["orders_sync"],` +
		`"upstream":[{"id":"dim_customers","pipelines":["orders_sync"]},{"id":"raw_orders","object":"ecommerce.orders","connection_ref":"pg-prod","pipelines":["orders_sync"]}],` +
		`"downstream":[{"id":"clean_orders","object":"analytics.orders_clean","connection_ref":"bq-prod","pipelines":["orders_sync"]}]}`
	if got != want {
		t.Fatalf("dataset:\n%s\nwant\n%s", got, want)
	}
	e.do("GET", "/api/v1/datasets/nope", key, "").expect(404)
	e.do("GET", "/api/v1/datasets/?limit=0", key, "").expect(422)
}
