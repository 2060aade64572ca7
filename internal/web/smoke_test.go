package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

func TestPages_RenderForAdmin(t *testing.T) {
	e := newEnv(t)
	e.seed()
	b := e.signIn("admin")
	for _, path := range []string{"/pipelines/orders_sync", "/pipelines/orders_sync?from=1.0.0&to=1.0.0", "/runs/orders-2", "/datasets/orders_sync_clean",
		"/lineage/orders_sync_clean", "/lineage/orders_sync_clean/graph.svg?direction=both&depth=2", "/pipelines", "/settings/keys", "/settings/members", "/settings/connections", "/settings/billing", "/settings/audit", "/admin/organizations", "/orgs"} {
		p := b.get(path)
		if p.status != http.StatusOK {
			t.Errorf("GET %s = %d\n%s", path, p.status, p.body)
		}
	}
}

// TestPages_OnBothEngines runs the pages over PostgreSQL too, where
// row-level security sees the principal each page runs with.
func TestPages_OnBothEngines(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnvOn(t, db)
		e.seed()
		b := e.signIn("member")
		for path, want := range map[string]string{"/pipelines": "orders_sync", "/runs/orders-2": "not_empty", "/datasets/orders_sync_clean": "orders_sync_raw",
			"/settings/connections": "No connections yet"} {
			if p := b.get(path); p.status != 200 || !strings.Contains(p.Text(), want) {
				t.Errorf("GET %s = %d without %q", path, p.status, want)
			}
		}
		if res := b.post("/settings/connections", url.Values{"id": {"bq"}, "type": {"bigquery"}, "config": {`{"project": "p"}`}}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("create connection = %d", res.StatusCode)
		}
	})
}
