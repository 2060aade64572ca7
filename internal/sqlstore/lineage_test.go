package sqlstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// specReg registers a definition as the API would store it.
func specReg(name, version, def string) catalog.PipelineRegistration {
	r := reg(name, version, def)
	r.Definition = func(string) json.RawMessage { return json.RawMessage(def) }
	return r
}

const (
	ordersV1 = `{"name":"orders_sync",
	  "sources":[{"id":"raw_orders","type":"postgres","connection_ref":"pg-prod","object":"ecommerce.orders"}],
	  "transforms":[{"id":"enrich","type":"sql","inputs":["raw_orders","dim_customers"],"outputs":["orders_enriched"]}],
	  "targets":[{"id":"clean_orders","type":"bigquery","connection_ref":"bq-prod","object":"analytics.orders_clean","inputs":["orders_enriched"]}],
	  "lineage":{"edges":[{"from":"orders_enriched","to":"clean_orders"}]}}`
	ordersV2 = `{"name":"orders_sync",
	  "sources":[{"id":"raw_orders","type":"postgres","connection_ref":"pg-prod","object":"ecommerce.orders"}],
	  "transforms":[{"id":"enrich","type":"sql","inputs":["raw_orders"],"outputs":["orders_enriched"]}],
	  "targets":[{"id":"clean_orders","type":"bigquery","connection_ref":"bq-prod","object":"analytics.orders_clean","inputs":["orders_enriched"]}]}`
	customers = `{"name":"customers_sync","sources":[{"id":"crm_customers","type":"salesforce"}],
	  "targets":[{"id":"dim_customers","type":"bigquery","object":"analytics.dim_customers","inputs":["crm_customers"]}]}`
	reporting = `{"name":"reporting","transforms":[{"id":"rev","type":"sql","inputs":["clean_orders"],"outputs":["daily_revenue"]}]}`
)

// graphString renders a walk compactly: nodes with depths, edges, truncated.
func graphString(g *catalog.LineageGraph) string {
	var b strings.Builder
	for _, n := range g.Nodes {
		fmt.Fprintf(&b, "%s:%d", n.ID, n.Depth)
		if n.Object != "" || n.ConnectionRef != "" {
			fmt.Fprintf(&b, "(%s,%s)", n.Object, n.ConnectionRef)
		}
		b.WriteString(" ")
	}
	b.WriteString("|")
	for _, e := range g.Edges {
		fmt.Fprintf(&b, " %s>%s@%s", e.From, e.To, e.Pipeline)
	}
	fmt.Fprintf(&b, " | truncated=%v", g.Truncated)
	return b.String()
}

func mustWalk(t *testing.T, db *sqlstore.DB, ctx context.Context, root string, dir catalog.Direction, depth int) string {
	t.Helper()
	g, err := db.Lineage(ctx, catalog.LineageQuery{Root: root, Direction: dir, Depth: depth})
	if err != nil {
		t.Fatalf("Lineage(%s, %s, %d): %v", root, dir, depth, err)
	}
	return graphString(g)
}

func TestLineageService_MergeReplaceDelete(t *testing.T) {
	answers := map[string][]string{} // engine → every answer, compared across engines at the end
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanBusiness)
		check := func(root string, dir catalog.Direction, depth int, want string) {
			t.Helper()
			got := mustWalk(t, db, ctx, root, dir, depth)
			if got != want {
				t.Fatalf("%s %s %d:\n got %s\nwant %s", root, dir, depth, got, want)
			}
			answers[t.Name()] = append(answers[t.Name()], got)
		}
		for _, r := range []catalog.PipelineRegistration{specReg("orders_sync", "1", ordersV1), specReg("customers_sync", "1", customers), specReg("reporting", "1", reporting)} {
			if _, _, err := db.RegisterPipeline(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		check("clean_orders", catalog.Upstream, 3, "clean_orders:0(analytics.orders_clean,bq-prod) orders_enriched:1 dim_customers:2(analytics.dim_customers,) "+
			"raw_orders:2(ecommerce.orders,pg-prod) crm_customers:3 | crm_customers>dim_customers@customers_sync dim_customers>orders_enriched@orders_sync "+
			"orders_enriched>clean_orders@orders_sync raw_orders>orders_enriched@orders_sync | truncated=false")
		check("clean_orders", catalog.Upstream, 2, "clean_orders:0(analytics.orders_clean,bq-prod) orders_enriched:1 dim_customers:2(analytics.dim_customers,) "+
			"raw_orders:2(ecommerce.orders,pg-prod) | dim_customers>orders_enriched@orders_sync orders_enriched>clean_orders@orders_sync "+
			"raw_orders>orders_enriched@orders_sync | truncated=true")
		check("orders_enriched", catalog.Both, 1, "orders_enriched:0 clean_orders:1(analytics.orders_clean,bq-prod) dim_customers:1(analytics.dim_customers,) "+
			"raw_orders:1(ecommerce.orders,pg-prod) | dim_customers>orders_enriched@orders_sync orders_enriched>clean_orders@orders_sync "+
			"raw_orders>orders_enriched@orders_sync | truncated=true")

		// A new version replaces the pipeline's edges; another pipeline's stay.
		if _, _, err := db.RegisterPipeline(ctx, specReg("orders_sync", "2", ordersV2)); err != nil {
			t.Fatal(err)
		}
		check("clean_orders", catalog.Upstream, 5, "clean_orders:0(analytics.orders_clean,bq-prod) orders_enriched:1 raw_orders:2(ecommerce.orders,pg-prod) | "+
			"orders_enriched>clean_orders@orders_sync raw_orders>orders_enriched@orders_sync | truncated=false")
		check("dim_customers", catalog.Both, 5, "dim_customers:0(analytics.dim_customers,) crm_customers:1 | crm_customers>dim_customers@customers_sync | truncated=false")

		// Deleting a pipeline removes its edges and the datasets only it declared.
		if err := db.DeletePipeline(ctx, "customers_sync"); err != nil {
			t.Fatal(err)
		}
		for _, gone := range []string{"dim_customers", "crm_customers"} {
			if _, err := db.Lineage(ctx, catalog.LineageQuery{Root: gone, Direction: catalog.Both, Depth: 3}); catalog.ErrorCode(err) != catalog.ENOTFOUND {
				t.Fatalf("%s after its pipeline's deletion: %v, want not_found", gone, err)
			}
		}
		if err := db.DeletePipeline(ctx, "orders_sync"); err != nil {
			t.Fatal(err)
		}
		// clean_orders stays (reporting reads it) but nothing says its object any more.
		check("clean_orders", catalog.Both, 3, "clean_orders:0 daily_revenue:1 | clean_orders>daily_revenue@reporting | truncated=false")
	})
	if a, b := answers["TestLineageService_MergeReplaceDelete/sqlite"], answers["TestLineageService_MergeReplaceDelete/postgres"]; a != nil && b != nil && strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Fatalf("the engines answer differently:\nsqlite   %v\npostgres %v", a, b)
	}
}

func TestLineageService_CyclesAndBadQueries(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanBusiness)
		// Each pipeline is acyclic; together they close a loop a → b → c → a.
		for i, pair := range [][2]string{{"a", "b"}, {"b", "c"}, {"c", "a"}} {
			def := fmt.Sprintf(`{"name":"p%d","lineage":{"edges":[{"from":%q,"to":%q}]}}`, i, pair[0], pair[1])
			if _, _, err := db.RegisterPipeline(ctx, specReg(fmt.Sprintf("p%d", i), "1", def)); err != nil {
				t.Fatal(err)
			}
		}
		if got, want := mustWalk(t, db, ctx, "a", catalog.Downstream, 50), "a:0 b:1 c:2 | a>b@p0 b>c@p1 c>a@p2 | truncated=false"; got != want {
			t.Fatalf("cycle at depth 50:\n got %s\nwant %s", got, want)
		}
		if got, want := mustWalk(t, db, ctx, "a", catalog.Both, 1), "a:0 b:1 c:1 | a>b@p0 c>a@p2 | truncated=true"; got != want {
			t.Fatalf("cycle both ways at depth 1:\n got %s\nwant %s", got, want)
		}
		for _, q := range []catalog.LineageQuery{{Root: "a", Direction: "sideways", Depth: 3}, {Root: "a", Direction: catalog.Both, Depth: 0}, {Root: "a", Direction: catalog.Both, Depth: 51}} {
			if _, err := db.Lineage(ctx, q); catalog.ErrorCode(err) != catalog.EINVALID {
				t.Errorf("Lineage(%+v) = %v, want validation_failed", q, err)
			}
		}
	})
}

func TestLineageService_ErrOtherOrg(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		a, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanBusiness)
		b, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanBusiness)
		if _, _, err := db.RegisterPipeline(a, specReg("orders_sync", "1", ordersV1)); err != nil {
			t.Fatal(err)
		}
		// The same dataset ids in another organization are other nodes.
		if _, _, err := db.RegisterPipeline(b, specReg("reporting", "1", reporting)); err != nil {
			t.Fatal(err)
		}
		if got, want := mustWalk(t, db, b, "clean_orders", catalog.Both, 50), "clean_orders:0 daily_revenue:1 | clean_orders>daily_revenue@reporting | truncated=false"; got != want {
			t.Fatalf("org B's walk:\n got %s\nwant %s", got, want)
		}
		if got := mustWalk(t, db, a, "clean_orders", catalog.Downstream, 50); got != "clean_orders:0(analytics.orders_clean,bq-prod) | | truncated=false" {
			t.Fatalf("org A's walk reaches org B's graph: %s", got)
		}
		if _, err := db.Lineage(b, catalog.LineageQuery{Root: "raw_orders", Direction: catalog.Both, Depth: 3}); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("org B walks org A's dataset: %v", err)
		}
		if _, err := db.FindDataset(b, "raw_orders"); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("org B finds org A's dataset: %v", err)
		}
		if items, _, _ := db.ListDatasets(b, catalog.DatasetFilter{}); len(items) != 2 {
			t.Fatalf("org B lists %d datasets, want its own 2", len(items))
		}
		if err := db.DeletePipeline(b, "orders_sync"); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("org B deletes org A's pipeline: %v", err)
		}
	})
}

// TestLineageService_DeletionWaitsForAConcurrentDeclaration holds a
// transaction that declares a dataset open while another deletes the only
// pipeline that declared it before: the deletion must wait and then keep
// the node, not remove it from under the declaration.
func TestLineageService_DeletionWaitsForAConcurrentDeclaration(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanBusiness)
		a := `{"name":"a","lineage":{"edges":[{"from":"shared","to":"a_out"}]}}`
		if _, _, err := db.RegisterPipeline(ctx, specReg("a", "1", a)); err != nil {
			t.Fatal(err)
		}
		commitB, err := sqlstore.ReplaceLineageInTxForTest(ctx, db, "b", []catalog.LineageEdge{{From: "shared", To: "b_out"}})
		if err != nil {
			t.Fatal(err)
		}
		deleted := make(chan error, 1)
		go func() { deleted <- db.DeletePipeline(ctx, "a") }()
		time.Sleep(300 * time.Millisecond) // the deletion reaches the point where it waits for b
		if err := commitB(); err != nil {
			t.Fatal(err)
		}
		if err := <-deleted; err != nil {
			t.Fatal(err)
		}
		if got, want := mustWalk(t, db, ctx, "shared", catalog.Downstream, 3), "shared:0 b_out:1 | shared>b_out@b | truncated=false"; got != want {
			t.Fatalf("after the concurrent deletion:\n got %s\nwant %s", got, want)
		}
	})
}
