package server

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// With a tenant's host, CreateOrg creates the organization in that
// dedicated store only: its key works on the tenant's host and is unknown
// to the shared store. (dxp admin create-org is tested in internal/cli.)
func TestCreateOrg_InADedicatedTenantStore(t *testing.T) {
	shared := sqlstoretest.DSN(t, sqlstore.Postgres)
	schema := "tenant_c_" + strings.ToLower(catalog.RandomBase62(6))
	t.Cleanup(func() {
		if admin, err := sql.Open("pgx", sqlstoretest.PostgresURL()); err == nil {
			admin.Exec(`DROP SCHEMA IF EXISTS ` + schema + ` CASCADE`)
			admin.Close()
		}
	})
	file := filepath.Join(t.TempDir(), "tenants.yaml")
	if err := os.WriteFile(file, []byte("c.api.test: {schema: "+schema+"}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"DATAXPIPE_DB": shared, "DATAXPIPE_TENANTS": file, "DATAXPIPE_SECRET_KEY": strings.Repeat("cd", 32)}
	migrateForApp(t, env)
	if _, err := CreateOrg(context.Background(), load(t, env), NewOrg{Slug: "acme", Name: "Acme", Tenant: "nowhere.api.test"}); err == nil ||
		!strings.Contains(err.Error(), `no tenant "nowhere.api.test"`) || !strings.Contains(err.Error(), "c.api.test") {
		t.Fatalf("an unknown tenant: %v", err)
	}
	created, err := CreateOrg(context.Background(), load(t, env), NewOrg{Slug: "acme", Name: "Acme", Tenant: "c.api.test"})
	if err != nil || created.Store != "c.api.test" || created.Org.Plan != catalog.PlanFree {
		t.Fatalf("CreateOrg in c.api.test: %+v %v", created, err)
	}

	env["DATAXPIPE_DB"] = sqlstoretest.AsRole(shared, sqlstoretest.AppRole)
	base := startServer(t, env).url
	if code, body := hostGet(t, base, "c.api.test", "/api/v1/organizations/me", created.Secret); code != 200 || !strings.Contains(body, `"id":"`+created.Org.ID+`"`) {
		t.Fatalf("the key on its tenant's host: %d %s", code, body)
	}
	if code, _ := hostGet(t, base, "shared.api.test", "/api/v1/organizations/me", created.Secret); code != 401 {
		t.Fatalf("the tenant's key on the shared store: %d, want 401", code)
	}
}
