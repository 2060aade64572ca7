package sqlstore_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

func TestLineageService_Datasets(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanBusiness)
		both := `{"name":"backfill","transforms":[{"id":"t","type":"sql","inputs":["orders_enriched"],"outputs":["clean_orders"]}]}`
		for _, r := range []catalog.PipelineRegistration{specReg("orders_sync", "1", ordersV1), specReg("reporting", "1", reporting), specReg("backfill", "1", both)} {
			if _, _, err := db.RegisterPipeline(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		d, err := db.FindDataset(ctx, "clean_orders")
		if err != nil {
			t.Fatal(err)
		}
		got, _ := json.Marshal(d)
		want := `{"ID":"clean_orders","Namespace":"","Object":"analytics.orders_clean","ConnectionRef":"bq-prod","Producers":["backfill","orders_sync"],` +
			`"Upstream":[{"ID":"orders_enriched","Namespace":"","Object":"","ConnectionRef":"","Pipelines":["backfill","orders_sync"]}],` +
			`"Downstream":[{"ID":"daily_revenue","Namespace":"","Object":"","ConnectionRef":"","Pipelines":["reporting"]}]}`
		if string(got) != want {
			t.Fatalf("FindDataset =\n%s\nwant\n%s", got, want)
		}
		if d, _ := db.FindDataset(ctx, "raw_orders"); d == nil || len(d.Producers) != 0 || len(d.Upstream) != 0 || len(d.Downstream) != 1 {
			t.Fatalf("a source has no producers: %+v", d)
		}
		if _, err := db.FindDataset(ctx, "nope"); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("unknown dataset: %v", err)
		}

		var ids []string
		for cursor := ""; ; {
			page, next, err := db.ListDatasets(ctx, catalog.DatasetFilter{Page: catalog.Page{Limit: 2, Cursor: cursor}})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range page {
				ids = append(ids, d.ID)
			}
			if cursor = next; cursor == "" {
				break
			}
		}
		if got := strings.Join(ids, ","); got != "clean_orders,daily_revenue,dim_customers,orders_enriched,raw_orders" {
			t.Fatalf("paged ids = %s", got)
		}
		// q matches the id or the object, whatever the case; LIKE wildcards are literal.
		for q, want := range map[string]string{"ORDERS": "clean_orders,orders_enriched,raw_orders", "analytics.": "clean_orders", "ecommerce": "raw_orders", "_": "clean_orders,daily_revenue,dim_customers,orders_enriched,raw_orders", "%": ""} {
			items, _, err := db.ListDatasets(ctx, catalog.DatasetFilter{Query: q})
			var got []string
			for _, d := range items {
				got = append(got, d.ID)
			}
			if err != nil || strings.Join(got, ",") != want {
				t.Errorf("q=%s: %v, %v; want %s", q, got, err, want)
			}
		}
	})
}
