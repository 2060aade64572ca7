package cli

import (
	"strings"
	"testing"
)

func TestDatasets_ListAndGet(t *testing.T) {
	tc := newTestCatalog(t, "free")
	tc.dxp(t, "pipelines", "apply", "-f", "../../examples").must(t)

	r := tc.dxp(t, "datasets", "list", "--query", "ORDERS").must(t)
	if !strings.HasPrefix(r.stdout, "ID ") || !strings.Contains(r.stdout, "clean_orders ") || !strings.Contains(r.stdout, "analytics.orders_clean") ||
		strings.Contains(r.stdout, "dim_customers") {
		t.Fatalf("list --query:\n%s", r.stdout)
	}
	all := decodeJSON[[]struct{ ID string }](t, tc.dxp(t, "datasets", "list", "--output", "json").must(t))
	if len(all) < 10 {
		t.Fatalf("list gave %d datasets: %+v", len(all), all)
	}
	r = tc.dxp(t, "datasets", "get", "orders_enriched").must(t)
	for _, want := range []string{"Dataset:      orders_enriched\n", "Produced by:  orders_sync\n", "Downstream:   clean_orders (orders_sync)"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("get lacks %q:\n%s", want, r.stdout)
		}
	}
	d := decodeJSON[struct {
		ID        string
		Producers []string
		Upstream  []struct{ ID string }
	}](t, tc.dxp(t, "datasets", "get", "orders_enriched", "--output", "json").must(t))
	if d.ID != "orders_enriched" || len(d.Producers) != 1 || len(d.Upstream) < 2 {
		t.Fatalf("get --output json: %+v", d)
	}
	if r := tc.dxp(t, "datasets", "get", "nope"); r.err == nil {
		t.Fatal("get of a missing dataset succeeded")
	}
}
