package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// layeredLineage reports, through OpenLineage, layers+1 columns of width
// datasets with every dataset of a column feeding every one of the next:
// layers × width² edges.
func layeredLineage(e *env, key string, layers, width int) {
	e.t.Helper()
	list := func(layer int) string {
		var items []string
		for i := 0; i < width; i++ {
			items = append(items, fmt.Sprintf(`{"namespace":"warehouse","name":"l%d_d%d"}`, layer, i))
		}
		return "[" + strings.Join(items, ",") + "]"
	}
	for l := 0; l < layers; l++ {
		e.do("POST", "/api/v1/lineage", key, fmt.Sprintf(`{"eventType":"COMPLETE","eventTime":"2026-06-07T05:00:00Z",
		  "producer":"https://example.com/big","schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent",
		  "run":{"runId":"0190a0b0-0000-7000-8000-%012d"},"job":{"namespace":"big","name":"step%d"},
		  "inputs":%s,"outputs":%s}`, l+1, l, list(l), list(l+1))).expect(201)
	}
}

// TestLineageSVG_ProvenanceAndLegend: the API's SVG carries its legend,
// draws edges only a spec declares dashed (declared, never observed) and
// edges OpenLineage reported solid, every dataset once; each organization
// sees only its own graph. (That drawings of different organizations do
// not wait for each other is tested without clocks in internal/lineagedraw
// and internal/web.)
func TestLineageSVG_ProvenanceAndLegend(t *testing.T) {
	e := sqliteEnv(t)
	_, big := e.newOrg("big", catalog.PlanBusiness)
	_, small := e.newOrg("small", catalog.PlanTeam)
	layeredLineage(e, big, 3, 6)
	e.do("POST", "/api/v1/pipelines/", small, ordersJSON).expect(201)

	res := e.do("GET", "/api/v1/lineage/l0_d0?format=svg&direction=downstream&depth=3", big, "").expect(200)
	svg := res.Body.String()
	if res.Header().Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(svg, "<?xml") {
		t.Fatalf("not an SVG document: %q", truncate(svg))
	}
	if n := strings.Count(svg, `data-column=`); n != 19 {
		t.Fatalf("%d nodes drawn, want 19", n)
	}
	if strings.Count(svg, "ln-edge ln-observed") != 6+36+36 || strings.Contains(svg, "ln-edge ln-declared") {
		t.Fatalf("edges: %d observed, declared %v", strings.Count(svg, "ln-edge ln-observed"), strings.Contains(svg, "ln-edge ln-declared"))
	}
	if !strings.Contains(svg, `class="ln-legend"`) || !strings.Contains(svg, "declared, never observed") {
		t.Fatal("no legend")
	}
	svg = e.do("GET", "/api/v1/lineage/clean_orders?format=svg", small, "").expect(200).Body.String()
	if !strings.Contains(svg, "ln-edge ln-declared") || strings.Contains(svg, "l0_d0") {
		t.Fatalf("small org's drawing: %s", truncate(svg))
	}
	e.do("GET", "/api/v1/lineage/l0_d0?format=svg", small, "").expect(404)
}

// TestLineageSVG_DroppedDataset: the walk carries a dataset's DROP (read
// in the walk's own query, on both engines), and the drawing shows it.
func TestLineageSVG_DroppedDataset(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		_, key := e.newOrg("acme", catalog.PlanBusiness)
		e.postOL("/api/v1/lineage", key, olRun("j", "0190f1e4-0000-7000-8000-0000000000d1", "COMPLETE", "2024-05-01T02:00:00Z",
			[][2]string{{"s3://lake", "in"}}, [][2]string{{"s3://lake", "out"}})).expect(201)
		svg := e.do("GET", "/api/v1/lineage/in?format=svg", key, "").expect(200).Body.String()
		if strings.Contains(svg, "ln-dropped") {
			t.Fatal("dropped before any DROP")
		}
		e.postOL("/api/v1/lineage", key, `{"eventTime":"2024-05-02T00:00:00Z","producer":"https://example.com/test","schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/DatasetEvent",
		"dataset":{"namespace":"s3://lake","name":"out","facets":{"lifecycleStateChange":{"_producer":"p","_schemaURL":"https://openlineage.io/spec/facets/1-0-1/LifecycleStateChangeDatasetFacet.json","lifecycleStateChange":"DROP"}}}}`).expect(201)
		svg = e.do("GET", "/api/v1/lineage/in?format=svg", key, "").expect(200).Body.String()
		if strings.Count(svg, "ln-node ln-gone ln-dropped") != 1 || !strings.Contains(svg, "⊘ dropped") {
			t.Fatalf("the dropped dataset is not drawn as dropped: %s", truncate(svg))
		}
	})
}
