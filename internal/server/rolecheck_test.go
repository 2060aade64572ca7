package server

import (
	"bytes"
	"context"
	"database/sql"
	"log/slog"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// ensureRole creates a login role with attrs once per cluster; test
// packages running in parallel may race to create it, which is no error.
func ensureRole(t *testing.T, name, attrs string) {
	t.Helper()
	admin, err := sql.Open("pgx", sqlstoretest.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	_, err = admin.Exec(`DO $$ BEGIN CREATE ROLE ` + name + ` LOGIN ` + attrs + `;
		EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`)
	if err == nil {
		_, err = admin.Exec(`ALTER ROLE ` + name + ` ` + attrs)
	}
	if err != nil {
		t.Fatalf("role %s: %v", name, err)
	}
}

// adminExec runs statements as the test cluster's superuser.
func adminExec(t *testing.T, stmts ...string) {
	t.Helper()
	admin, err := sql.Open("pgx", sqlstoretest.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	for _, s := range stmts {
		if _, err := admin.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// schemaOf is the search_path a sqlstoretest DSN names.
func schemaOf(t *testing.T, dsn string) string {
	t.Helper()
	_, schema, ok := strings.Cut(dsn, "search_path=")
	if !ok {
		t.Fatalf("no schema in %s", dsn)
	}
	return schema
}

// newWithLogs is New with its logs captured.
func newWithLogs(t *testing.T, env map[string]string) (*Server, string, error) {
	t.Helper()
	var logs bytes.Buffer
	s, err := New(context.Background(), load(t, env), Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	if s != nil {
		t.Cleanup(func() { s.Close() })
	}
	return s, logs.String(), err
}

// Issue 13, defect 13: a connection row-level security does not apply to
// (a superuser, a BYPASSRLS role) is refused in production with a message
// naming dxp migrate --app-role, and warned about in development; the
// application role starts without a warning.
func TestNew_PostgresRefusesToServeAsARoleThatBypassesRLS(t *testing.T) {
	dsn := sqlstoretest.DSN(t, sqlstore.Postgres) // as the cluster's superuser
	key := strings.Repeat("ab", 32)
	migrateForApp(t, map[string]string{"DATAXPIPE_DB": dsn, "DATAXPIPE_SECRET_KEY": key})
	ensureRole(t, "dxp_test_bypassrls", "NOSUPERUSER BYPASSRLS")

	for role, what := range map[string]string{"postgres": "a superuser", "dxp_test_bypassrls": "a role with BYPASSRLS"} {
		env := map[string]string{"DATAXPIPE_DB": sqlstoretest.AsRole(dsn, role), "DATAXPIPE_SECRET_KEY": key, "DATAXPIPE_ENV": "production"}
		s, _, err := newWithLogs(t, env)
		if err == nil || !strings.Contains(err.Error(), "dxp migrate --app-role") || !strings.Contains(err.Error(), what) ||
			!strings.Contains(err.Error(), `"`+role+`"`) {
			t.Errorf("production as %s: server %v, error %v; want a refusal naming the role, why, and dxp migrate --app-role", role, s != nil, err)
		}
	}

	env := map[string]string{"DATAXPIPE_DB": dsn, "DATAXPIPE_SECRET_KEY": key, "DATAXPIPE_ENV": "development"}
	if _, logs, err := newWithLogs(t, env); err != nil || !strings.Contains(logs, "row-level security is off") ||
		!strings.Contains(logs, "dxp migrate --app-role") || !strings.Contains(logs, `"role":"postgres"`) {
		t.Errorf("development as the superuser: %v; want it to start with a warning naming the role:\n%s", err, logs)
	}

	env = map[string]string{"DATAXPIPE_DB": sqlstoretest.AsRole(dsn, sqlstoretest.AppRole), "DATAXPIPE_SECRET_KEY": key, "DATAXPIPE_ENV": "production"}
	if _, logs, err := newWithLogs(t, env); err != nil || strings.Contains(logs, `"level":"WARN"`) {
		t.Errorf("production as the application role: %v; want a quiet start:\n%s", err, logs)
	}
}

// A role that owns the tenant tables without bypassing row-level security
// is still held by the forced policies, so it may serve, with a warning
// that it could turn them off.
func TestNew_PostgresWarnsWhenServingAsTheTableOwner(t *testing.T) {
	dsn := sqlstoretest.DSN(t, sqlstore.Postgres)
	ensureRole(t, "dxp_test_owner", "NOSUPERUSER NOBYPASSRLS")
	adminExec(t, `GRANT USAGE, CREATE ON SCHEMA `+schemaOf(t, dsn)+` TO dxp_test_owner`)
	env := map[string]string{"DATAXPIPE_DB": sqlstoretest.AsRole(dsn, "dxp_test_owner"), "DATAXPIPE_SECRET_KEY": strings.Repeat("ab", 32)}
	var out bytes.Buffer
	if err := Migrate(context.Background(), load(t, env), MigrateOptions{}, &out); err != nil {
		t.Fatalf("migrate as dxp_test_owner: %v\n%s", err, out.String())
	}
	if _, logs, err := newWithLogs(t, env); err != nil || !strings.Contains(logs, "owner of the tenant tables") {
		t.Fatalf("production as the owner: %v; want a start with a warning:\n%s", err, logs)
	}
}
