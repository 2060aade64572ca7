package server

import (
	"context"
	"database/sql"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/auth"
	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// newDatabase creates an empty Postgres database for a database tenant.
func newDatabase(t *testing.T) string {
	t.Helper()
	sqlstoretest.DSN(t, sqlstore.Postgres) // skips or fails without Postgres, as every Postgres test
	admin, err := sql.Open("pgx", sqlstoretest.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	name := "tenantdb_" + strings.ToLower(catalog.RandomBase62(10))
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		admin.Exec(`DROP DATABASE ` + name + ` WITH (FORCE)`)
		admin.Close()
	})
	return strings.Replace(sqlstoretest.PostgresURL(), "/postgres?", "/"+name+"?", 1)
}

// seed creates an organization with an admin key and a pipeline in the store at dsn.
func seed(t *testing.T, dsn string) string {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), dsn, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	key := auth.GenerateKey()
	org := &catalog.Org{Slug: "acme", Name: "Acme", Plan: catalog.PlanFree}
	k := &catalog.APIKey{Name: "admin", Role: catalog.RoleAdmin, Prefix: auth.DisplayPrefix(key), Hash: auth.HashKey(key)}
	if err := db.CreateOrg(context.Background(), org, k); err != nil {
		t.Fatal(err)
	}
	return key
}

func hostGet(t *testing.T, base, host, path, key string, headers ...string) (int, string) {
	t.Helper()
	return hostDo(t, "GET", base, host, path, key, "", headers...)
}

func hostDo(t *testing.T, method, base, host, path, key, body string, headers ...string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Host = host
	req.Header.Set("X-API-KEY", key)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestTenants_RoutedByHost(t *testing.T) {
	shared := sqlstoretest.DSN(t, sqlstore.Postgres)
	dbTenant := newDatabase(t)
	suffix := strings.ToLower(catalog.RandomBase62(6))
	schemaA, schemaB := "tenant_a_"+suffix, "tenant_b_"+suffix
	t.Cleanup(func() {
		if admin, err := sql.Open("pgx", sqlstoretest.PostgresURL()); err == nil {
			admin.Exec(`DROP SCHEMA IF EXISTS ` + schemaA + ` CASCADE`)
			admin.Exec(`DROP SCHEMA IF EXISTS ` + schemaB + ` CASCADE`)
			admin.Close()
		}
	})
	file := filepath.Join(t.TempDir(), "tenants.yaml")
	yaml := "a.api.test: {schema: " + schemaA + "}\nb.api.test: {schema: " + schemaB + "}\nc.api.test: {database: '" + dbTenant + "'}\n"
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"DATAXPIPE_DB": shared, "DATAXPIPE_TENANTS": file, "DATAXPIPE_SECRET_KEY": strings.Repeat("cd", 32)}
	out := migrateForApp(t, env)
	for _, store := range []string{"shared", "a.api.test", "b.api.test", "c.api.test"} {
		if !strings.Contains(out, store+": applied: 0001_core.sql") {
			t.Fatalf("migrate did not migrate %s:\n%s", store, out)
		}
	}
	dsns := map[string]string{"shared.api.test": shared, "a.api.test": "", "b.api.test": "", "c.api.test": dbTenant}
	dsns["a.api.test"] = strings.Replace(shared, "search_path="+shared[strings.LastIndex(shared, "=")+1:], "search_path="+schemaA, 1)
	dsns["b.api.test"] = strings.Replace(shared, "search_path="+shared[strings.LastIndex(shared, "=")+1:], "search_path="+schemaB, 1)
	keys := map[string]string{}
	for host, dsn := range dsns {
		keys[host] = seed(t, dsn)
	}
	// The server connects to every store as the application role, as
	// production must (rolecheck.go).
	serveFile := filepath.Join(t.TempDir(), "tenants.yaml")
	yaml = strings.Replace(yaml, dbTenant, sqlstoretest.AsRole(dbTenant, sqlstoretest.AppRole), 1)
	if err := os.WriteFile(serveFile, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	env["DATAXPIPE_DB"], env["DATAXPIPE_TENANTS"] = sqlstoretest.AsRole(shared, sqlstoretest.AppRole), serveFile
	base := startServer(t, env).url
	for host, key := range keys { // the same pipeline name in every store
		body := `{"name":"orders","owner":"` + host + `","schedule":"@daily"}`
		if code, out := hostDo(t, "POST", base, host, "/api/v1/pipelines/", key, body); code != 201 {
			t.Fatalf("register on %s: %d %s", host, code, out)
		}
	}
	for host, key := range keys {
		if code, body := hostGet(t, base, host, "/api/v1/pipelines/orders", key); code != 200 || !strings.Contains(body, `"owner":"`+host+`"`) {
			t.Fatalf("%s serves another store's pipeline: %d %s", host, code, body)
		}
		// Each store answers its own key, with its own organization of the same slug.
		if code, body := hostGet(t, base, host, "/api/v1/organizations/me", key); code != 200 || !strings.Contains(body, `"slug":"acme"`) {
			t.Fatalf("%s with its own key: %d %s", host, code, body)
		}
		for other, otherKey := range keys {
			if other == host {
				continue
			}
			if code, _ := hostGet(t, base, host, "/api/v1/organizations/me", otherKey); code != 401 {
				t.Errorf("%s accepted the key of %s: %d", host, other, code)
			}
		}
	}
	// An unmapped host is the shared store; a forged X-Forwarded-Host changes nothing.
	if code, _ := hostGet(t, base, "unknown.example", "/api/v1/organizations/me", keys["shared.api.test"]); code != 200 {
		t.Fatalf("unmapped host did not use the shared store: %d", code)
	}
	if code, _ := hostGet(t, base, "unknown.example", "/api/v1/organizations/me", keys["a.api.test"], "X-Forwarded-Host", "a.api.test"); code != 401 {
		t.Fatalf("X-Forwarded-Host reached tenant a: %d", code)
	}
	if code, body := hostGet(t, base, "a.api.test:8000", "/readyz", ""); code != 200 {
		t.Fatalf("readyz over all stores: %d %s", code, body)
	}
}

func TestTenants_RefusedOnSQLite(t *testing.T) {
	file := filepath.Join(t.TempDir(), "tenants.yaml")
	os.WriteFile(file, []byte("a.api.test: {schema: tenant_a}\n"), 0o600)
	cfg := load(t, map[string]string{"DATAXPIPE_TENANTS": file, "DATAXPIPE_DB": t.TempDir() + "/t.db", "DATAXPIPE_ENV": "development"})
	s, err := New(context.Background(), cfg, Options{})
	if err == nil || !strings.Contains(err.Error(), "needs DATAXPIPE_DB=postgres") {
		if s != nil {
			s.Close()
		}
		t.Fatalf("New with tenants on SQLite: %v", err)
	}
	if err := Migrate(context.Background(), cfg, MigrateOptions{}, io.Discard); err == nil || !strings.Contains(err.Error(), "needs DATAXPIPE_DB=postgres") {
		t.Fatalf("Migrate with tenants on SQLite: %v", err)
	}
}
