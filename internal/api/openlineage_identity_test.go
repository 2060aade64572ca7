package api_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// olRun is a minimal valid RunEvent of job reading in and writing out, each
// a [namespace, name] pair.
func olRun(job, runID, eventType, at string, in, out [][2]string) string {
	ds := func(list [][2]string) string {
		var parts []string
		for _, d := range list {
			parts = append(parts, fmt.Sprintf(`{"namespace":%q,"name":%q}`, d[0], d[1]))
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	return fmt.Sprintf(`{"eventType":%q,"eventTime":%q,"producer":"https://example.com/test","schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
		"run":{"runId":%q},"job":{"namespace":"spark","name":%q},"inputs":%s,"outputs":%s}`, eventType, at, runID, job, ds(in), ds(out))
}

func TestOpenLineage_DatasetsByNamespaceAndName(t *testing.T) {
	e := sqliteEnv(t)
	_, key := e.newOrg("acme", catalog.PlanBusiness)
	e.postOL("/api/v1/lineage", key, olRun("sync_a", "0190f1e4-0000-7000-8000-00000000000a", "COMPLETE", "2024-05-01T02:00:00Z",
		[][2]string{{"postgres://db-a:5432", "public.customers"}}, [][2]string{{"s3://lake", "customers_a"}})).expect(201)
	e.postOL("/api/v1/lineage", key, olRun("sync_b", "0190f1e4-0000-7000-8000-00000000000b", "COMPLETE", "2024-05-01T02:00:00Z",
		[][2]string{{"postgres://db-b:5432", "public.customers"}}, [][2]string{{"s3://lake", "customers_b"}})).expect(201)

	p := e.do("GET", "/api/v1/datasets/public.customers", key, "").expect(409).json()
	if errs, _ := p["errors"].([]any); len(errs) != 2 || !strings.Contains(p["detail"].(string), "postgres://db-a:5432") {
		t.Errorf("ambiguous name: %v", p)
	}
	e.do("GET", "/api/v1/lineage/public.customers", key, "").expect(409)
	ns := url.QueryEscape("postgres://db-a:5432")
	d := e.do("GET", "/api/v1/datasets/public.customers?namespace="+ns, key, "").expect(200).json()
	if d["namespace"] != "postgres://db-a:5432" || d["name"] != "public.customers" {
		t.Errorf("namespaced: %v", d)
	}
	byID := e.do("GET", "/api/v1/datasets/"+d["id"].(string), key, "").expect(200).json()
	if byID["id"] != d["id"] || len(byID["downstream"].([]any)) != 1 {
		t.Errorf("by id: %v", byID)
	}
	down := e.do("GET", "/api/v1/lineage/public.customers?direction=downstream&namespace="+ns, key, "").expect(200).json()
	if !hasEdge(down, "public.customers", "customers_a") || hasEdge(down, "public.customers", "customers_b") {
		t.Errorf("db-a's lineage: %v", down)
	}
	// A unique name still resolves, as today's URLs do.
	e.do("GET", "/api/v1/lineage/customers_b", key, "").expect(200)
	e.do("GET", "/api/v1/datasets/customers_b?namespace="+url.QueryEscape("s3://other"), key, "").expect(404)
	list := e.do("GET", "/api/v1/datasets/?name=public.customers", key, "").expect(200).json()["items"].([]any)
	if len(list) != 2 {
		t.Errorf("list by name: %v", list)
	}
}

// A name of 8 KiB is stored; a longer one is a 422 pointing at it.
func TestOpenLineage_NameLengthBound(t *testing.T) {
	e := sqliteEnv(t)
	_, key := e.newOrg("acme", catalog.PlanBusiness)
	fits := strings.Repeat("n", catalog.MaxDatasetNameBytes)
	e.postOL("/api/v1/lineage", key, olRun("j", "0190f1e4-0000-7000-8000-00000000000c", "COMPLETE", "2024-05-01T02:00:00Z",
		[][2]string{{"s3://lake", "in"}}, [][2]string{{"s3://lake", fits}})).expect(201)
	p := e.postOL("/api/v1/lineage", key, olRun("j", "0190f1e4-0000-7000-8000-00000000000d", "COMPLETE", "2024-05-01T02:00:00Z",
		[][2]string{{"s3://lake", "in"}}, [][2]string{{"s3://lake", fits + "x"}})).expect(422).json()
	if errs := p["errors"].([]any); len(errs) != 1 || errs[0].(map[string]any)["field"] != "outputs[0].name" {
		t.Errorf("too long: %v", p)
	}
}

// The kept facets show on the dataset; a DROP marks it dropped; a facet
// over the cap is a warning in the answer.
func TestOpenLineage_DatasetFacets(t *testing.T) {
	e := sqliteEnv(t)
	_, key := e.newOrg("acme", catalog.PlanBusiness)
	facets := `{"schema":{"_producer":"p","_schemaURL":"https://openlineage.io/spec/facets/1-1-1/SchemaDatasetFacet.json","fields":[{"name":"id","type":"INT"}]},` +
		`"documentation":{"_producer":"p","_schemaURL":"https://openlineage.io/spec/facets/1-0-1/DocumentationDatasetFacet.json","description":"Orders."},` +
		`"columnLineage":{"_producer":"p","_schemaURL":"https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json","fields":{"id":{"inputFields":[{"namespace":"s3://lake","name":"in","field":"order_id"}]}}}}`
	ev := olRun("j", "0190f1e4-0000-7000-8000-0000000000f1", "COMPLETE", "2024-05-01T02:00:00Z",
		[][2]string{{"s3://lake", "in"}}, [][2]string{{"s3://lake", "out"}})
	ev = strings.Replace(ev, `{"namespace":"s3://lake","name":"out"}`, `{"namespace":"s3://lake","name":"out","facets":`+facets+`}`, 1)
	e.postOL("/api/v1/lineage", key, ev).expect(201)
	d := e.do("GET", "/api/v1/datasets/out", key, "").expect(200).json()
	cols, _ := d["columns"].([]any)
	f, _ := d["facets"].(map[string]any)
	if len(cols) != 1 || f["documentation"] == nil || f["columnLineage"] == nil || d["dropped"] != nil {
		t.Fatalf("dataset %v", d)
	}
	drop := `{"eventTime":"2024-05-02T00:00:00Z","producer":"https://example.com/test","schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
		"dataset":{"namespace":"s3://lake","name":"out","facets":{"lifecycleStateChange":{"_producer":"p","_schemaURL":"https://openlineage.io/spec/facets/1-0-1/LifecycleStateChangeDatasetFacet.json","lifecycleStateChange":"DROP"}}}}`
	e.postOL("/api/v1/lineage", key, drop).expect(201)
	if d := e.do("GET", "/api/v1/datasets/out", key, "").expect(200).json(); d["dropped"] != true || d["columns"] == nil {
		t.Errorf("after DROP: %v", d)
	}
	big := strings.Replace(ev, `"description":"Orders."`, `"description":"`+strings.Repeat("x", catalog.MaxDatasetFacetBytes)+`"`, 1)
	big = strings.Replace(big, "0000000000f1", "0000000000f2", 1)
	m := e.postOL("/api/v1/lineage", key, big).expect(201).json()
	if w, _ := m["warnings"].([]any); len(w) != 1 || w[0].(map[string]any)["cap"] != "facet_size" {
		t.Errorf("a facet over the cap: %v", m)
	}
}

// The raw events have a path no dataset shadows; the old one lists them
// until a dataset is named events, and then walks that dataset.
func TestOpenLineage_EventsPath(t *testing.T) {
	e := sqliteEnv(t)
	_, key := e.newOrg("acme", catalog.PlanBusiness)
	e.postOL("/api/v1/lineage/", key, olRun("j", "0190f1e4-0000-7000-8000-0000000000e1", "COMPLETE", "2024-05-01T02:00:00Z",
		[][2]string{{"s3://lake", "in"}}, [][2]string{{"s3://lake", "out"}})).expect(201)
	if items := e.do("GET", "/api/v1/lineage/events", key, "").expect(200).json()["items"].([]any); len(items) != 1 {
		t.Errorf("old path before a dataset events: %v", items)
	}
	e.postOL("/api/v1/lineage", key, olRun("k", "0190f1e4-0000-7000-8000-0000000000e2", "COMPLETE", "2024-05-01T02:00:00Z",
		[][2]string{{"s3://lake", "out"}}, [][2]string{{"kafka://broker:9092", "events"}})).expect(201)
	if g := e.do("GET", "/api/v1/lineage/events?direction=upstream", key, "").expect(200).json(); !hasEdge(g, "out", "events") {
		t.Errorf("old path once a dataset is named events: %v", g)
	}
	if items := e.do("GET", "/api/v1/openlineage/events", key, "").expect(200).json()["items"].([]any); len(items) != 2 {
		t.Errorf("new path: %v", items)
	}
}
