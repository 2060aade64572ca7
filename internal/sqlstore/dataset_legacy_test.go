package sqlstore_test

import (
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// Migration 0027 on a database whose events were ingested before 0011:
// observed nodes keyed by their name move to the ids new datasets get
// (merged with the node a later event made), their old ids still resolve,
// and a spec node that took an event's namespace gets that identity as an
// alias.
func TestMigration0027_LegacyDatasetIDs(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanBusiness)
		if _, _, err := db.RegisterPipeline(ctx, lineageReg("orders_sync", "1", []string{"raw.orders", "clean"}, "raw.orders>clean")); err != nil {
			t.Fatal(err)
		}
		const at = "2024-01-01T00:00:00.000000Z"
		legacy := []string{
			// What events made before 0011 (0011 copied the id into name).
			`INSERT INTO datasets (organization_id, id, namespace, name, created_at, updated_at) VALUES ($1, 'public.customers', 'postgres://prod:5432', 'public.customers', $2, $2)`,
			`INSERT INTO datasets (organization_id, id, namespace, name, created_at, updated_at) VALUES ($1, 'customers_copy', 's3://lake', 'customers_copy', $2, $2)`,
			`INSERT INTO dataset_declarations (organization_id, source_kind, source_name, dataset_id, object, connection_ref, declared_at) VALUES ($1, 'job', 'spark/copy', 'public.customers', '', '', $2)`,
			`INSERT INTO dataset_declarations (organization_id, source_kind, source_name, dataset_id, object, connection_ref, declared_at) VALUES ($1, 'job', 'spark/copy', 'customers_copy', '', '', $2)`,
			`INSERT INTO lineage_edges (organization_id, from_id, to_id, source_kind, source_name, created_at) VALUES ($1, 'public.customers', 'customers_copy', 'job', 'spark/copy', $2)`,
			// A spec node an event gave its namespace before 0011.
			`UPDATE datasets SET namespace = 'postgres://prod:5432', name = 'raw.orders' WHERE organization_id = $1 AND id = 'raw.orders' AND $2 <> ''`,
		}
		org := catalog.OrgIDFromContext(ctx)
		for _, q := range legacy {
			if err := sqlstore.ExecForTest(ctx, db, q, org, at); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		// After the upgrade, before 0027: an event of the same table makes a second node.
		mustIngest(t, db, ctx, olJob("report", "2024-05-01T02:00:00Z", []string{"postgres://prod:5432|public.customers"}, []string{"s3://lake|report"}))
		// The bug 0027 fixes: one table, two nodes, and its own identity is ambiguous.
		if _, err := db.ResolveDataset(ctx, catalog.DatasetRef{Namespace: "postgres://prod:5432", Name: "public.customers"}); catalog.ErrorCode(err) != catalog.ECONFLICT {
			t.Fatalf("before 0027 (namespace, name) should find two nodes: %v", err)
		}

		if err := sqlstore.RerunMigrationForTest(ctx, db, 27); err != nil {
			t.Fatal(err)
		}
		customers := catalog.ObservedDatasetID("postgres://prod:5432", "public.customers")
		copied := catalog.ObservedDatasetID("s3://lake", "customers_copy")
		for _, c := range []struct {
			ref  catalog.DatasetRef
			want string
		}{
			{catalog.DatasetRef{Key: "public.customers"}, customers}, // the old id and name: one node now
			{catalog.DatasetRef{Namespace: "postgres://prod:5432", Name: "public.customers"}, customers},
			{catalog.DatasetRef{Key: customers}, customers},
			{catalog.DatasetRef{Key: "customers_copy"}, copied},
			{catalog.DatasetRef{Namespace: "postgres://prod:5432", Name: "raw.orders"}, "raw.orders"},
			{catalog.DatasetRef{Key: "raw.orders"}, "raw.orders"},
		} {
			if got, err := db.ResolveDataset(ctx, c.ref); err != nil || got != c.want {
				t.Errorf("%+v resolves to %q, %v; want %q", c.ref, got, err, c.want)
			}
		}
		d, err := db.FindDataset(ctx, customers)
		if err != nil || len(d.Downstream) != 2 {
			t.Fatalf("merged node %+v, %v; want the legacy and the new edge", d, err)
		}
		// New events of both identities land on the nodes they now have.
		mustIngest(t, db, ctx, olJob("copy2", "2024-05-02T02:00:00Z", []string{"s3://lake|customers_copy"}, []string{"s3://lake|mart"}),
			olJob("load", "2024-05-02T03:00:00Z", []string{"postgres://prod:5432|raw.orders"}, []string{"s3://lake|orders_out"}))
		// The legacy edge came along: mart's upstream reaches the old table.
		if got := upstreamOf(t, db, ctx, catalog.ObservedDatasetID("s3://lake", "mart")); got != "public.customers>customers_copy customers_copy>mart " {
			t.Errorf("upstream of mart: %s", got)
		}
		if got := upstreamOf(t, db, ctx, catalog.ObservedDatasetID("s3://lake", "orders_out")); got != "raw.orders>orders_out " {
			t.Errorf("upstream of orders_out: %s", got)
		}
		// Running it again changes nothing.
		if err := sqlstore.RerunMigrationForTest(ctx, db, 27); err != nil {
			t.Fatal(err)
		}
		if got, err := db.ResolveDataset(ctx, catalog.DatasetRef{Key: "public.customers"}); err != nil || got != customers {
			t.Errorf("after a second run: %q, %v", got, err)
		}
	})
}
