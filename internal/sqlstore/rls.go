package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
)

// Row-level security is the second wall between tenants on Postgres. After
// every migration, enforceRLS enables and forces it on every table that has
// an organization_id column, with one policy: a row is visible and writable
// only when its organization_id equals the transaction's app.org_id (set by
// Tx.setOrg). current_setting(..., true) is NULL or ” when nothing is set,
// which matches no row, so a forgotten setting fails closed. Deriving the
// list from the catalog means a new tenant table cannot be forgotten.
//
// The two platform tables without organization_id have policies of their
// own (migration 0012): an organization sees its own row of organizations,
// and a users row is visible to the organizations the user belongs to.
//
// Cross-tenant lookups the platform needs before it knows an organization
// (a key by its hash, a person's sign-in and memberships, an organization by
// slug or Stripe customer, the admin's list of organizations) go through the
// SECURITY DEFINER functions of migrations 0006 and 0012, owned by the
// migrating role, which must be a superuser or have BYPASSRLS. The
// application role has neither. Each function takes only arguments of the
// shape the server produces and is executable by the application role
// alone (not PUBLIC).
func (db *DB) enforceRLS(ctx context.Context) error {
	rows, err := db.sql.QueryContext(ctx, `SELECT c.table_name FROM information_schema.columns c
		JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND c.column_name = 'organization_id' AND t.table_type = 'BASE TABLE'
		ORDER BY 1`)
	if err != nil {
		return fmt.Errorf("list tenant tables: %w", err)
	}
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("list tenant tables: %w", err)
	}
	for _, t := range tables {
		for _, stmt := range []string{
			`ALTER TABLE %[1]s ENABLE ROW LEVEL SECURITY`,
			`ALTER TABLE %[1]s FORCE ROW LEVEL SECURITY`,
			`DROP POLICY IF EXISTS tenant_isolation ON %[1]s`,
			`CREATE POLICY tenant_isolation ON %[1]s
				USING (organization_id = current_setting('app.org_id', true))
				WITH CHECK (organization_id = current_setting('app.org_id', true))`,
		} {
			if _, err := db.sql.ExecContext(ctx, fmt.Sprintf(stmt, quoteIdent(t))); err != nil {
				return fmt.Errorf("row-level security on %s: %w", t, err)
			}
		}
	}
	return nil
}

// identifier is what a role or schema name spliced into DDL (which takes
// no parameters) must look like.
var identifier = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// GrantAppRole creates (if needed) the login role the server connects as,
// without SUPERUSER or BYPASSRLS, and grants it what the API needs in this
// store's schema: read and write on tenant tables, append-only on the audit
// log, read on schema_migrations, and the platform functions.
func (db *DB) GrantAppRole(ctx context.Context, role string) error {
	if db.engine != Postgres {
		return fmt.Errorf("application roles are a Postgres feature")
	}
	if !identifier.MatchString(role) {
		return fmt.Errorf("role %q: use a lower-case identifier", role)
	}
	stmts := []string{
		fmt.Sprintf(`DO $$ BEGIN CREATE ROLE %s LOGIN NOSUPERUSER NOBYPASSRLS; EXCEPTION WHEN duplicate_object THEN NULL; END $$`, role),
		fmt.Sprintf(`ALTER ROLE %s NOSUPERUSER NOBYPASSRLS`, role),
		fmt.Sprintf(`GRANT USAGE ON SCHEMA %s TO %s`, `"`+db.schemaOrPublic(ctx)+`"`, role),
		fmt.Sprintf(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %s TO %s`, `"`+db.schemaOrPublic(ctx)+`"`, role),
		fmt.Sprintf(`REVOKE UPDATE, DELETE ON audit_events FROM %s`, role),
		fmt.Sprintf(`REVOKE INSERT, UPDATE, DELETE ON schema_migrations FROM %s`, role),
		fmt.Sprintf(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA %s TO %s`, `"`+db.schemaOrPublic(ctx)+`"`, role),
	}
	for _, s := range stmts {
		if _, err := db.sql.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("grant %s: %w", role, err)
		}
	}
	return nil
}

func (db *DB) schemaOrPublic(ctx context.Context) string {
	var s string
	if err := db.sql.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&s); err != nil || s == "" {
		return "public"
	}
	return s
}

// quoteIdent quotes a Postgres identifier.
func quoteIdent(s string) string { return `"` + s + `"` }

// WithOrgTx runs fn with raw SQL in a transaction acting in orgID ("" sets
// nothing): the path tests and diagnostics use to see exactly what
// row-level security lets the connected role do.
func (db *DB) WithOrgTx(ctx context.Context, orgID string, fn func(*sql.Tx) error) error {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	t := &Tx{Tx: tx, db: db}
	if orgID != "" {
		if err := t.setOrg(ctx, orgID); err != nil {
			return err
		}
	}
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// EnsureSchema creates a Postgres schema for a dedicated tenant store if it
// does not exist yet. The name is checked here too because it is spliced
// into DDL, which takes no parameters.
func (db *DB) EnsureSchema(ctx context.Context, name string) error {
	if db.engine != Postgres || !identifier.MatchString(name) {
		return fmt.Errorf("ensure schema %q: needs Postgres and a lower-case identifier", name)
	}
	if _, err := db.sql.ExecContext(ctx, `CREATE SCHEMA IF NOT EXISTS `+name); err != nil {
		return fmt.Errorf("create schema %s: %w", name, err)
	}
	return nil
}
