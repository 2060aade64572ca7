package web_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// A dbt test's result shows the dataset it tested on the run page, linked.
func TestRunPage_CheckShowsItsDataset(t *testing.T) {
	e := newEnv(t)
	key := e.apiKey(e.dev, catalog.RoleMember)
	def := pipelineDef("jaffle_shop", "x@acme.com")
	def["openlineage"] = map[string]any{"namespace": "dbt", "name": "dbt-run-jaffle_shop"}
	e.pipeline(key, def)
	const inv, test = "0190f1e4-bbbb-7000-8000-000000000001", "0190f1e4-bbbb-7000-8000-000000000003"
	event := func(job, runID, eventType, at, parent, inputs string) json.RawMessage {
		facets := ""
		if parent != "" {
			facets = `,"facets":{"parent":{"_producer":"p","_schemaURL":"https://openlineage.io/spec/facets/1-1-0/ParentRunFacet.json","run":{"runId":"` + parent + `"},"job":{"namespace":"dbt","name":"dbt-run-jaffle_shop"}}}`
		}
		return json.RawMessage(`{"eventType":"` + eventType + `","eventTime":"` + at + `","producer":"https://example.com/test",` +
			`"schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent","run":{"runId":"` + runID + `"` + facets + `},` +
			`"job":{"namespace":"dbt","name":"` + job + `"},"inputs":` + inputs + `,"outputs":[]}`)
	}
	dq := `{"_producer":"p","_schemaURL":"https://openlineage.io/spec/facets/1-0-1/DataQualityAssertionsDatasetFacet.json","assertions":[{"assertion":"not_null","success":false,"column":"id"}]}`
	for _, ev := range []json.RawMessage{
		event("dbt-run-jaffle_shop", inv, "START", "2024-05-01T02:00:00Z", "", "[]"),
		event("jaffle.test.not_null_orders_id", test, "COMPLETE", "2024-05-01T02:01:00Z", inv,
			`[{"namespace":"postgres://db:5432","name":"jaffle.public.orders","inputFacets":{"dataQualityAssertions":`+dq+`}}]`),
	} {
		if status, body := e.api(key, "POST", "/api/v1/lineage", ev); status != http.StatusCreated {
			t.Fatalf("ingest: %d %s", status, body)
		}
	}
	p := e.signIn("viewer").get("/runs/" + inv)
	link := p.Find("a.check-dataset")
	want := "/datasets/" + catalog.ObservedDatasetID("postgres://db:5432", "jaffle.public.orders")
	if p.status != http.StatusOK || link.Length() != 1 || link.Text() != "jaffle.public.orders" || link.AttrOr("href", "") != want {
		t.Fatalf("run page %d: check dataset link %q -> %q, want jaffle.public.orders -> %s", p.status, link.Text(), link.AttrOr("href", ""), want)
	}
}
