package cli

import (
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/client"
)

func TestWriteTree(t *testing.T) {
	g := &client.Graph{Root: "clean_orders", Direction: "both", Depth: 3, Truncated: true,
		Nodes: []client.GraphNode{
			{ID: "clean_orders", Object: "analytics.orders_clean"}, {ID: "orders_enriched", Depth: 1},
			{ID: "raw_orders", Object: "ecommerce.orders", Depth: 2}, {ID: "dim_customers", Object: "analytics.dim_customers", Depth: 2},
			{ID: "customers_deduped", Depth: 3}, {ID: "stock_available", Depth: 1}, {ID: "fct_inventory", Depth: 2},
		},
		Edges: []client.GraphEdge{
			{From: "orders_enriched", To: "clean_orders", Pipeline: "orders_sync"},
			{From: "raw_orders", To: "orders_enriched", Pipeline: "orders_sync"},
			{From: "dim_customers", To: "orders_enriched", Pipeline: "orders_sync"},
			{From: "customers_deduped", To: "dim_customers", Pipeline: "customers_sync"},
			// Declared twice, and a diamond: the second way in is not expanded again.
			{From: "clean_orders", To: "stock_available", Pipeline: "inventory_snapshot"},
			{From: "clean_orders", To: "stock_available", Pipeline: "returns_sync"},
			{From: "stock_available", To: "fct_inventory", Pipeline: "inventory_snapshot"},
			{From: "clean_orders", To: "fct_inventory", Pipeline: "inventory_snapshot"},
		}}
	var b strings.Builder
	if err := writeTree(&b, g); err != nil {
		t.Fatal(err)
	}
	want := `clean_orders (analytics.orders_clean)
  ← orders_enriched  via orders_sync
    ← dim_customers (analytics.dim_customers)  via orders_sync
      ← customers_deduped  via customers_sync
    ← raw_orders (ecommerce.orders)  via orders_sync
  → fct_inventory  via inventory_snapshot
  → stock_available  via inventory_snapshot, returns_sync
    → fct_inventory  via inventory_snapshot  (see above)
  (the graph goes on beyond depth 3; use --depth for more)
`
	if b.String() != want {
		t.Fatalf("tree:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestWriteTree_CyclesAndLoneDatasets(t *testing.T) {
	g := &client.Graph{Root: "a", Direction: "upstream", Depth: 3,
		Edges: []client.GraphEdge{{From: "b", To: "a"}, {From: "a", To: "b"}}}
	var b strings.Builder
	writeTree(&b, g)
	if want := "a\n  ← b\n    ← a  (see above)\n"; b.String() != want {
		t.Fatalf("cycle:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	writeTree(&b, &client.Graph{Root: "alone", Direction: "both", Nodes: []client.GraphNode{{ID: "alone"}}})
	if want := "alone\n  (no lineage)\n"; b.String() != want {
		t.Fatalf("lone dataset: %q", b.String())
	}
}
