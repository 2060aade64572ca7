package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// twoOrgs registers a pipeline in each of two organizations.
func twoOrgs(t *testing.T, db *sqlstore.DB) (a, b *catalog.Org) {
	t.Helper()
	ctxA, a := sqlstoretest.MustCreateOrg(t, db, catalog.PlanFree)
	ctxB, b := sqlstoretest.MustCreateOrg(t, db, catalog.PlanFree)
	for _, ctx := range []context.Context{ctxA, ctxB} {
		if _, _, err := db.RegisterPipeline(ctx, reg("shared_name", "1", catalog.OrgIDFromContext(ctx))); err != nil {
			t.Fatal(err)
		}
	}
	return a, b
}

func TestRLS_UnfilteredQueriesSeeOneTenant(t *testing.T) {
	db := sqlstoretest.Open(t, sqlstore.Postgres) // as the application role
	a, b := twoOrgs(t, db)
	err := db.WithOrgTx(context.Background(), b.ID, func(tx *sql.Tx) error {
		rows, err := tx.Query(`SELECT organization_id FROM pipelines`) // no WHERE on purpose
		if err != nil {
			return err
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var org string
			if err := rows.Scan(&org); err != nil {
				return err
			}
			if org != b.ID {
				t.Errorf("org B's transaction sees a row of %s", org)
			}
			n++
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if n != 1 {
			t.Errorf("org B sees %d pipelines, want 1", n)
		}
		res, err := tx.Exec(`UPDATE pipelines SET owner = 'evil' WHERE organization_id = $1`, a.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 0 {
			t.Errorf("org B updated %d of org A's rows", n)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.WithOrgTx(context.Background(), b.ID, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO audit_events (organization_id, id, time, actor_type, actor_id, action, target, ip, request_id)
			VALUES ($1, 'evt_x', now(), 'x', 'x', 'x', 'x', '', '')`, a.ID)
		return err
	})
	if err == nil {
		t.Fatal("org B inserted a row naming org A")
	}
	// Nothing set: nothing visible.
	err = db.WithOrgTx(context.Background(), "", func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM pipelines`).Scan(&n); err != nil || n != 0 {
			t.Errorf("without app.org_id the role sees %d pipelines (%v)", n, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.FindPipeline(sqlstoretest.AsOrg(a, catalog.RoleViewer), "shared_name")
	if err != nil || p.Owner == "evil" {
		t.Fatalf("org A's pipeline after org B's attempts: %+v, %v", p, err)
	}
}

func TestRLS_ConfigurationAudit(t *testing.T) {
	app, owner := sqlstoretest.OpenWithOwner(t, sqlstore.Postgres)
	err := owner.WithOrgTx(context.Background(), "", func(tx *sql.Tx) error {
		rows, err := tx.Query(`SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c
			JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = current_schema() AND c.relkind = 'r'
			  AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'organization_id' AND NOT a.attisdropped)`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		n := 0
		for rows.Next() {
			var name string
			var rls, force bool
			if err := rows.Scan(&name, &rls, &force); err != nil {
				return err
			}
			if !rls || !force {
				t.Errorf("table %s: row security %v, forced %v", name, rls, force)
			}
			n++
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if n < 6 {
			t.Errorf("only %d tenant tables found; the audit looks at the wrong schema", n)
		}
		var views int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
			WHERE n.nspname = current_schema() AND c.relkind = 'v'
			  AND NOT COALESCE('security_invoker=true' = ANY (c.reloptions), false)`).Scan(&views); err != nil {
			return err
		}
		if views != 0 {
			t.Errorf("%d views lack security_invoker", views)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = app.WithOrgTx(context.Background(), "", func(tx *sql.Tx) error {
		var super, bypass bool
		if err := tx.QueryRow(`SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`).Scan(&super, &bypass); err != nil {
			t.Fatal(err)
		}
		if super || bypass {
			t.Errorf("the application role has superuser=%v bypassrls=%v", super, bypass)
		}
		_, err := tx.Exec(`DELETE FROM audit_events`) // refused, which also ends the transaction
		return err
	})
	if err == nil {
		t.Errorf("the application role may delete audit events")
	}
}

func TestRLS_OnePooledConnectionTwoTenants(t *testing.T) {
	dsn := sqlstoretest.DSN(t, sqlstore.Postgres)
	owner, err := sqlstore.Open(context.Background(), dsn, sqlstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer owner.Close()
	if _, err := owner.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := owner.GrantAppRole(context.Background(), sqlstoretest.AppRole); err != nil {
		t.Fatal(err)
	}
	db, err := sqlstore.Open(context.Background(), sqlstoretest.AsRole(dsn, sqlstoretest.AppRole), sqlstore.Options{PoolMax: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a, b := twoOrgs(t, db)
	for i := 0; i < 20; i++ { // interleaved on the one connection
		for _, org := range []*catalog.Org{a, b} {
			items, _, err := db.ListPipelines(sqlstoretest.AsOrg(org, catalog.RoleViewer), catalog.PipelineFilter{})
			if err != nil || len(items) != 1 || items[0].OrgID != org.ID {
				t.Fatalf("round %d, %s sees %d pipelines (%v)", i, org.Slug, len(items), err)
			}
		}
		err := db.WithOrgTx(context.Background(), "", func(tx *sql.Tx) error { // the setting never outlives its transaction
			var n int
			if err := tx.QueryRow(`SELECT COUNT(*) FROM pipelines`).Scan(&n); err != nil {
				return err
			}
			if n != 0 {
				return fmt.Errorf("round %d: a transaction without an organization sees %d rows", i, n)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
