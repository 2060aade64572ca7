package catalog

import (
	"encoding/json"
	"testing"
)

func TestOpenLineageIdentity(t *testing.T) {
	cases := []struct {
		typ      string
		config   map[string]any
		object   string
		ns, name string
	}{
		{"postgres", map[string]any{"host": "Prod", "port": 5433.0, "database": "shop"}, "Ecommerce.Orders", "postgres://prod:5433", "shop.ecommerce.orders"},
		{"postgres", map[string]any{"host": "prod", "database": "shop"}, "shop.public.orders", "postgres://prod:5432", "shop.public.orders"},
		// A stored connection's config comes back with json.Number ports.
		{"postgres", map[string]any{"host": "prod", "port": json.Number("6432"), "database": "shop"}, "public.orders", "postgres://prod:6432", "shop.public.orders"},
		{"snowflake", map[string]any{"account": "xy12345.us-east-1", "database": "analytics", "schema": "public"}, "orders", "snowflake://xy12345.us-east-1", "ANALYTICS.PUBLIC.ORDERS"},
		{"bigquery", map[string]any{"project": "acme-prod"}, "analytics.orders_clean", "bigquery", "acme-prod.analytics.orders_clean"},
		{"s3", map[string]any{"bucket": "lake"}, "/raw/orders", "s3://lake", "raw/orders"},
		{"gcs", map[string]any{"bucket": "dxp-staging"}, "orders/2024-05-01", "gs://dxp-staging", "orders/2024-05-01"},
		{"hive", map[string]any{"host": "metastore", "database": "default"}, "Orders", "hive://metastore:9083", "default.orders"},
	}
	for _, c := range cases {
		ns, name, ok := OpenLineageIdentity(c.typ, c.config, c.object)
		if !ok || ns != c.ns || name != c.name {
			t.Errorf("%s %v %s: %q %q %v, want %q %q", c.typ, c.config, c.object, ns, name, ok, c.ns, c.name)
		}
	}
	for _, c := range []struct {
		typ    string
		config map[string]any
	}{{"postgres", map[string]any{"database": "shop"}}, {"ftp", map[string]any{"host": "x"}}, {"bigquery", map[string]any{}}} {
		if _, _, ok := OpenLineageIdentity(c.typ, c.config, "a.b"); ok {
			t.Errorf("%s %v: ok without an address", c.typ, c.config)
		}
	}
}
