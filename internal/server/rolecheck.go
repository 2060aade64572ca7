package server

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/dataxpipe/catalog/internal/config"
	"github.com/dataxpipe/catalog/internal/sqlstore"
)

// connectedRole is what Postgres says about the role a store connects as,
// as far as row-level security is concerned.
type connectedRole struct {
	name      string
	superuser bool // row-level security never applies to a superuser
	bypassRLS bool // nor to a role with BYPASSRLS
	// ownsTenantTables: the role has its tables' owner's privileges.
	// enforceRLS forces row-level security, so the policies still apply
	// to the owner's queries, but the owner may ALTER TABLE them away
	// and is not held to the append-only grants on audit_events.
	ownsTenantTables bool
}

// roleQuery reads connectedRole for current_user. The owner test covers
// every table of the store's schema that has row-level security enabled,
// which enforceRLS does for every tenant table.
const roleQuery = `SELECT r.rolname, r.rolsuper, r.rolbypassrls,
	EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relrowsecurity
		AND pg_has_role(current_user, c.relowner, 'USAGE'))
	FROM pg_roles r WHERE r.rolname = current_user`

// checkRole refuses, in production, to serve a Postgres store as a role
// that row-level security does not apply to, and warns in development: a
// superuser or BYPASSRLS connection turns the second wall between tenants
// off without a sound. Serving as the tables' owner is warned about in
// both, since the policies still hold but the role may drop them. SQLite
// has no roles.
func checkRole(ctx context.Context, cfg config.Config, db *sqlstore.DB, logger *slog.Logger) error {
	if db.Engine() != sqlstore.Postgres {
		return nil
	}
	var r connectedRole
	err := db.WithOrgTx(ctx, "", func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, roleQuery).Scan(&r.name, &r.superuser, &r.bypassRLS, &r.ownsTenantTables)
	})
	if err != nil {
		return fmt.Errorf("read the connected role's attributes: %w", err)
	}
	const fix = "connect as the application role instead: as the owner run `dxp migrate --app-role dataxpipe_app` " +
		"(it creates the role without SUPERUSER or BYPASSRLS), give it a password and put it in DATAXPIPE_DB"
	if r.superuser || r.bypassRLS {
		what := "a superuser"
		if !r.superuser {
			what = "a role with BYPASSRLS"
		}
		if !cfg.Development() {
			return fmt.Errorf("DATAXPIPE_DB connects as %q, %s: row-level security does not apply to it, so the database would not keep organizations apart; %s",
				r.name, what, fix)
		}
		logger.Warn("row-level security is off: DATAXPIPE_DB connects as "+what+"; production refuses to start like this, "+fix, "role", r.name)
		return nil
	}
	if r.ownsTenantTables {
		logger.Warn("DATAXPIPE_DB connects as the owner of the tenant tables: row-level security is forced, so it still applies, "+
			"but this role could turn it off and rewrite the audit log; serve as the application role (`dxp migrate --app-role dataxpipe_app` creates it)", "role", r.name)
	}
	return nil
}
