package sqlstore_test

import (
	"context"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// upstreamOf is the edges into root as "from>to" over node names (ids for
// spec nodes).
func upstreamOf(t *testing.T, db *sqlstore.DB, ctx context.Context, root string) string {
	t.Helper()
	g, err := db.Lineage(ctx, catalog.LineageQuery{Root: root, Direction: catalog.Upstream, Depth: 3})
	if err != nil {
		t.Fatal(err)
	}
	label := map[string]string{}
	for _, n := range g.Nodes {
		label[n.ID] = n.ID
		if n.ID[:3] == "ds_" {
			label[n.ID] = n.Name
		}
	}
	out := ""
	for _, e := range g.Edges {
		out += label[e.From] + ">" + label[e.To] + " "
	}
	return out
}

// A spec dataset meets the events of the identity its connection and
// object give, whether the pipeline is registered before or after them;
// after the join the spec id, the OpenLineage name and the pair resolve.
func TestJoinSpecDatasets_AnyOrder(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		for _, registerFirst := range []bool{true, false} {
			ctx, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanBusiness)
			if err := db.CreateConnection(ctx, &catalog.Connection{ID: "pg-prod", Type: "postgres",
				Config: map[string]any{"host": "PROD", "port": 5432.0, "database": "shop"}}); err != nil {
				t.Fatal(err)
			}
			register := func() {
				r := lineageReg("orders_sync", "1", []string{"raw_orders=Ecommerce.Orders@pg-prod", "clean_orders"}, "raw_orders>clean_orders")
				if _, _, err := db.RegisterPipeline(ctx, r); err != nil {
					t.Fatal(err)
				}
			}
			if registerFirst {
				register()
			}
			mustIngest(t, db, ctx, olJob("extract", "2024-05-01T02:00:00Z", []string{"postgres://prod:5432|shop.ecommerce.orders"}, []string{"s3://lake|orders"}))
			if !registerFirst {
				register()
			}
			for _, ref := range []catalog.DatasetRef{{Key: "raw_orders"}, {Key: "shop.ecommerce.orders"},
				{Namespace: "postgres://prod:5432", Name: "shop.ecommerce.orders"}} {
				if id, err := db.ResolveDataset(ctx, ref); err != nil || id != "raw_orders" {
					t.Errorf("register first %v: %+v resolves to %q, %v", registerFirst, ref, id, err)
				}
			}
			orders := catalog.ObservedDatasetID("s3://lake", "orders")
			if got := upstreamOf(t, db, ctx, orders); got != "raw_orders>orders " {
				t.Errorf("register first %v: upstream of the copy: %s", registerFirst, got)
			}
			d, err := db.FindDataset(ctx, "raw_orders")
			if err != nil || d.Namespace != "postgres://prod:5432" || d.Name != "shop.ecommerce.orders" || len(d.Downstream) != 2 {
				t.Errorf("register first %v: raw_orders %+v %v", registerFirst, d, err)
			}
		}
	})
}

// A Hive table Spark writes through its path (with a symlinks facet), read
// by name elsewhere and by path without the facet, is one node named as
// the table, in any order of the events.
func TestIngestOpenLineage_SymlinksAreAliases(t *testing.T) {
	write := olJob("spark_write", "2024-05-01T02:00:00Z", []string{"s3://lake|raw"}, []string{"hdfs://nn:8020|/warehouse/db.db/orders"})
	write.Outputs[0].Symlinks = []catalog.OpenLineageSymlink{{Namespace: "hive://metastore:9083", Name: "db.orders", Type: "TABLE"}}
	byName := olJob("report", "2024-05-01T02:01:00Z", []string{"hive://metastore:9083|db.orders"}, []string{"s3://lake|report"})
	byPath := olJob("export", "2024-05-01T02:02:00Z", []string{"hdfs://nn:8020|/warehouse/db.db/orders"}, []string{"s3://lake|export"})
	table := catalog.ObservedDatasetID("hive://metastore:9083", "db.orders")
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		for _, order := range [][]catalog.OpenLineageEvent{{write, byName, byPath}, {byPath, byName, write}, {byName, byPath, write}} {
			ctx, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanBusiness)
			mustIngest(t, db, ctx, order...)
			d, err := db.FindDataset(ctx, table)
			if err != nil || d.Name != "db.orders" || len(d.Upstream) != 1 || len(d.Downstream) != 2 {
				t.Errorf("order %s...: table %+v %v", order[0].JobName, d, err)
			}
			if id, err := db.ResolveDataset(ctx, catalog.DatasetRef{Key: "/warehouse/db.db/orders"}); err != nil || id != table {
				t.Errorf("order %s...: the path resolves to %q %v", order[0].JobName, id, err)
			}
		}
	})
}

// A connection created after the pipeline that names it, and after the
// events of its tables, joins them then; changing its host joins the spec
// dataset to the new server's identity and lets the old one go.
func TestJoinSpecDatasets_ConnectionCreatedOrChangedLater(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanBusiness)
		r := lineageReg("orders_sync", "1", []string{"raw_orders=Ecommerce.Orders@pg-prod", "clean_orders"}, "raw_orders>clean_orders")
		if _, _, err := db.RegisterPipeline(ctx, r); err != nil {
			t.Fatal(err)
		}
		mustIngest(t, db, ctx, olJob("extract", "2024-05-01T02:00:00Z", []string{"postgres://prod:5432|shop.ecommerce.orders"}, []string{"s3://lake|orders"}))
		observed := catalog.ObservedDatasetID("postgres://prod:5432", "shop.ecommerce.orders")
		if id, err := db.ResolveDataset(ctx, catalog.DatasetRef{Key: "shop.ecommerce.orders"}); err != nil || id != observed {
			t.Fatalf("before the connection exists the observed table is its own node: %q %v", id, err)
		}

		conn := &catalog.Connection{ID: "pg-prod", Type: "postgres", Config: map[string]any{"host": "PROD", "port": 5432.0, "database": "shop"}}
		if err := db.CreateConnection(ctx, conn); err != nil {
			t.Fatal(err)
		}
		for _, ref := range []catalog.DatasetRef{{Key: "raw_orders"}, {Key: "shop.ecommerce.orders"}, {Key: observed},
			{Namespace: "postgres://prod:5432", Name: "shop.ecommerce.orders"}} {
			if id, err := db.ResolveDataset(ctx, ref); err != nil || id != "raw_orders" {
				t.Errorf("after creating the connection %+v resolves to %q, %v; want raw_orders", ref, id, err)
			}
		}
		orders := catalog.ObservedDatasetID("s3://lake", "orders")
		if got := upstreamOf(t, db, ctx, orders); got != "raw_orders>orders " {
			t.Errorf("upstream of the copy after the join: %s", got)
		}

		// The database moves: the spec dataset is now the new server's table.
		conn.Config = map[string]any{"host": "prod-2", "port": 6432.0, "database": "shop"}
		if err := db.ReplaceConnection(ctx, conn); err != nil {
			t.Fatal(err)
		}
		d, err := db.FindDataset(ctx, "raw_orders")
		if err != nil || d.Namespace != "postgres://prod-2:6432" || d.Name != "shop.ecommerce.orders" {
			t.Fatalf("after the host change raw_orders = %+v, %v", d, err)
		}
		if id, err := db.ResolveDataset(ctx, catalog.DatasetRef{Namespace: "postgres://prod-2:6432", Name: "shop.ecommerce.orders"}); err != nil || id != "raw_orders" {
			t.Errorf("the new identity resolves to %q, %v", id, err)
		}
		if _, err := db.ResolveDataset(ctx, catalog.DatasetRef{Namespace: "postgres://prod:5432", Name: "shop.ecommerce.orders"}); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Errorf("the old server's identity still finds the spec dataset: %v", err)
		}
		// Events of the new server land on the spec dataset.
		mustIngest(t, db, ctx, olJob("extract2", "2024-05-02T02:00:00Z", []string{"postgres://prod-2:6432|shop.ecommerce.orders"}, []string{"s3://lake|orders2"}))
		if got := upstreamOf(t, db, ctx, catalog.ObservedDatasetID("s3://lake", "orders2")); got != "raw_orders>orders2 " {
			t.Errorf("upstream of the new server's copy: %s", got)
		}
		// A type without an identity unjoins it.
		conn.Type, conn.Config = "http", map[string]any{"url": "https://example.com"}
		if err := db.ReplaceConnection(ctx, conn); err != nil {
			t.Fatal(err)
		}
		if d, err := db.FindDataset(ctx, "raw_orders"); err != nil || d.Namespace != "" || d.Name != "" {
			t.Errorf("after the type change raw_orders = %+v, %v; want no identity", d, err)
		}
	})
}
