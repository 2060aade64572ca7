package web_test

import (
	"net/http"
	"testing"
)

func TestPages_RenderForAdmin(t *testing.T) {
	e := newEnv(t)
	b := e.signIn("admin")
	for _, path := range []string{"/pipelines", "/settings/keys", "/settings/members", "/settings/connections", "/settings/billing", "/settings/audit", "/admin/organizations", "/orgs"} {
		p := b.get(path)
		if p.status != http.StatusOK {
			t.Errorf("GET %s = %d\n%s", path, p.status, p.body)
		}
	}
}
