// Package sqlstoretest opens real, migrated stores for tests: SQLite in a
// temporary directory and PostgreSQL in a fresh schema of the local server,
// so that every store test runs the same cases on both engines.
package sqlstoretest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
)

// PostgresURL is the server tests use; DATAXPIPE_TEST_POSTGRES overrides it.
func PostgresURL() string {
	if u := os.Getenv("DATAXPIPE_TEST_POSTGRES"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

// Each runs fn as a subtest once per engine. Without Postgres the Postgres
// subtest skips with a reason, except under CI=true where it fails.
func Each(t *testing.T, fn func(t *testing.T, db *sqlstore.DB)) {
	t.Helper()
	for _, e := range []sqlstore.Engine{sqlstore.SQLite, sqlstore.Postgres} {
		t.Run(string(e), func(t *testing.T) { fn(t, Open(t, e)) })
	}
}

// AppRole is the role Postgres stores are used as in tests, as in
// production: no superuser, no BYPASSRLS, so row-level security applies.
const AppRole = "dataxpipe_app"

// Open returns a migrated, empty store of engine, closed at cleanup. On
// Postgres it is migrated as the owner and then opened as AppRole.
func Open(t testing.TB, engine sqlstore.Engine) *sqlstore.DB {
	t.Helper()
	app, _ := OpenWithOwner(t, engine)
	return app
}

// OpenWithOwner is Open that also returns the owner's connection to the
// same store (the same *DB on SQLite), for tests that inspect raw rows.
func OpenWithOwner(t testing.TB, engine sqlstore.Engine) (app, owner *sqlstore.DB) {
	t.Helper()
	return openWith(t, engine, sqlstore.Options{PoolMax: 20})
}

// TestSecretKey is the secret key of OpenKeyed stores.
var TestSecretKey = []byte("0123456789abcdef0123456789abcdef")

// OpenKeyed is Open with a secret key, as DATAXPIPE_SECRET_KEY gives one,
// for stores that seal secrets (connections, webhook signing secrets).
func OpenKeyed(t testing.TB, engine sqlstore.Engine) *sqlstore.DB {
	t.Helper()
	app, _ := openWith(t, engine, sqlstore.Options{PoolMax: 20, SecretKey: TestSecretKey})
	return app
}

// OpenKeyedDSN is OpenKeyed that also returns the DSN the store was opened
// with (as the application role on Postgres), for tests that open it again:
// a second replica, a child process.
func OpenKeyedDSN(t testing.TB, engine sqlstore.Engine) (*sqlstore.DB, string) {
	t.Helper()
	dsn := DSN(t, engine)
	app, _ := openDSN(t, dsn, engine, sqlstore.Options{PoolMax: 20, SecretKey: TestSecretKey})
	if engine == sqlstore.Postgres {
		dsn = AsRole(dsn, AppRole)
	}
	return app, dsn
}

func openWith(t testing.TB, engine sqlstore.Engine, opt sqlstore.Options) (app, owner *sqlstore.DB) {
	t.Helper()
	return openDSN(t, DSN(t, engine), engine, opt)
}

func openDSN(t testing.TB, dsn string, engine sqlstore.Engine, opt sqlstore.Options) (app, owner *sqlstore.DB) {
	t.Helper()
	owner = open(t, dsn, opt)
	if _, err := owner.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate %s: %v", engine, err)
	}
	if engine == sqlstore.SQLite {
		return owner, owner
	}
	var err error
	for try := 0; try < 5; try++ { // parallel test packages may grant at the same moment
		if err = owner.GrantAppRole(context.Background(), AppRole); err == nil {
			break
		}
		time.Sleep(time.Duration(50*(try+1)) * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("grant %s: %v", AppRole, err)
	}
	return open(t, AsRole(dsn, AppRole), opt), owner
}

func open(t testing.TB, dsn string, opt sqlstore.Options) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(context.Background(), dsn, opt)
	if err != nil {
		t.Fatalf("open %s: %v", dsn, err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// AsRole rewrites a postgres:// DSN to log in as role (trust auth here).
func AsRole(dsn, role string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn
	}
	u.User = url.User(role)
	return u.String()
}

// DSN returns a DATAXPIPE_DB value for a fresh, empty database of engine: a
// file in a temporary directory, or a new Postgres schema dropped at cleanup.
func DSN(t testing.TB, engine sqlstore.Engine) string {
	t.Helper()
	if engine == sqlstore.SQLite {
		return t.TempDir() + "/test.db"
	}
	admin, err := sql.Open("pgx", PostgresURL())
	if err == nil {
		err = admin.PingContext(context.Background())
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Postgres at %s is required under CI=true: %v", PostgresURL(), err)
		}
		t.Skipf("Postgres not reachable at %s (set CI=true to require it): %v", PostgresURL(), err)
	}
	schema := "t_" + strings.ToLower(catalog.RandomBase62(12))
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
		admin.Close()
	})
	sep := "?"
	if strings.Contains(PostgresURL(), "?") {
		sep = "&"
	}
	return fmt.Sprintf("%s%ssearch_path=%s", PostgresURL(), sep, schema)
}

// MustCreateOrg creates an organization on plan with a random slug and
// returns a context acting in it as an admin key.
func MustCreateOrg(t testing.TB, db *sqlstore.DB, plan string) (context.Context, *catalog.Org) {
	t.Helper()
	org := &catalog.Org{Slug: "org-" + strings.ToLower(catalog.RandomBase62(8)), Name: "Test Org", Plan: plan}
	if err := db.CreateOrg(context.Background(), org, nil); err != nil {
		t.Fatalf("create org: %v", err)
	}
	return AsOrg(org, catalog.RoleAdmin), org
}

// AsOrg returns a context acting in org with role through a test key.
func AsOrg(org *catalog.Org, role catalog.Role) context.Context {
	return catalog.NewContextWithPrincipal(context.Background(), &catalog.Principal{
		OrgID: org.ID, OrgSlug: org.Slug, Plan: org.Plan, Role: role, KeyID: "key_test", RequestID: "req_test"})
}
