package web_test

import (
	"net/http"
	"testing"
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
