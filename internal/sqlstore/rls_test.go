package sqlstore_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

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

// organizations and users are under row-level security (issue 13, defect
// 14): the application role with no organization set sees neither; acting
// in A it sees A's row and the user rows of A's members only. The platform
// paths that start without an organization still work as that role, and
// the platform functions answer nothing for arguments of the wrong shape.
func TestRLS_OrganizationsAndUsers(t *testing.T) {
	db := sqlstoretest.Open(t, sqlstore.Postgres) // as the application role
	bg := context.Background()
	ctxA, a := sqlstoretest.MustCreateOrg(t, db, catalog.PlanFree)
	ctxB, b := sqlstoretest.MustCreateOrg(t, db, catalog.PlanFree)
	users := map[string]*catalog.User{}
	for subject, ctx := range map[string]context.Context{"ann": ctxA, "bob": ctxB, "cid": nil} {
		email := subject + "@example.com"
		if ctx != nil {
			if _, err := db.AddMember(ctx, email, catalog.RoleMember); err != nil {
				t.Fatal(err)
			}
		}
		u := &catalog.User{Issuer: "https://idp", Subject: subject, Email: email, EmailVerified: true}
		ms, err := db.SignIn(bg, u)
		if err != nil || (ctx != nil) != (len(ms) == 1) {
			t.Fatalf("sign-in of %s: %d memberships, %v", subject, len(ms), err)
		}
		users[subject] = u
	}
	visible := func(orgID, q string) []string {
		t.Helper()
		var out []string
		err := db.WithOrgTx(bg, orgID, func(tx *sql.Tx) error {
			rows, err := tx.Query(q)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var s string
				if err := rows.Scan(&s); err != nil {
					return err
				}
				out = append(out, s)
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatalf("%s acting in %q: %v", q, orgID, err)
		}
		return out
	}
	if got := visible("", `SELECT id FROM organizations`); len(got) != 0 {
		t.Errorf("no organization set: %d organizations visible", len(got))
	}
	if got := visible("", `SELECT email FROM users`); len(got) != 0 {
		t.Errorf("no organization set: emails visible: %v", got)
	}
	if got := visible(a.ID, `SELECT id FROM organizations`); len(got) != 1 || got[0] != a.ID {
		t.Errorf("acting in A: organizations %v, want only %s", got, a.ID)
	}
	if got := visible(a.ID, `SELECT email FROM users`); len(got) != 1 || got[0] != "ann@example.com" {
		t.Errorf("acting in A: users %v, want only A's member ann", got)
	}
	err := db.WithOrgTx(bg, a.ID, func(tx *sql.Tx) error {
		res, err := tx.Exec(`UPDATE organizations SET name = 'evil' WHERE id = $1`, b.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 0 {
			t.Errorf("acting in A updated B's row")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.WithOrgTx(bg, a.ID, func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE users SET email = 'evil@example.com' WHERE id = $1`, users["ann"].ID)
		return err
	}); err == nil {
		if got := visible(a.ID, `SELECT email FROM users`); len(got) != 1 || got[0] != "ann@example.com" {
			t.Errorf("acting in A rewrote a user's email: %v", got)
		}
	}

	// The platform paths, as the application role.
	if o, err := db.FindOrgBySlug(bg, b.Slug); err != nil || o.ID != b.ID {
		t.Errorf("find by slug: %+v, %v", o, err)
	}
	if orgs, _, err := db.ListOrgs(bg, catalog.Page{Limit: 1}); err != nil || len(orgs) != 1 {
		t.Errorf("admin listing: %d orgs, %v", len(orgs), err)
	}
	if _, err := db.UpdateOrg(bg, a.Slug, catalog.OrgUpdate{Name: ptr("Renamed")}); err != nil {
		t.Errorf("admin update by slug: %v", err)
	}
	hash := keyHash("rls-key")
	if err := db.CreateAPIKey(ctxB, &catalog.APIKey{Name: "ci", Role: catalog.RoleMember, Prefix: "dxp_rls", Hash: hash}); err != nil {
		t.Fatal(err)
	}
	if k, o, err := db.FindAPIKeyByHash(bg, hash); err != nil || k.OrgID != b.ID || o.ID != b.ID {
		t.Errorf("key by hash: %+v %+v %v", k, o, err)
	}
	if _, err := db.LinkStripeCustomer(bg, a.ID, "cus_rls"); err != nil {
		t.Fatal(err)
	}
	if o, _, err := db.ApplyStripeSubscription(bg, catalog.SubscriptionEvent{EventID: "evt_rls", CustomerID: "cus_rls",
		SubscriptionID: "sub_rls", Status: "active", Plan: catalog.PlanTeam, Created: time.Unix(1700000000, 0)}); err != nil || o.ID != a.ID || o.Plan != catalog.PlanTeam {
		t.Errorf("stripe customer → organization: %+v, %v", o, err)
	}
	signup := &catalog.Org{Slug: "rls-signup", Name: "Signup"}
	if err := db.Signup(bg, users["cid"], signup); err != nil {
		t.Fatalf("signup: %v", err)
	}
	if ms, err := db.SignIn(bg, users["cid"]); err != nil || len(ms) != 1 || ms[0].Org.Slug != "rls-signup" || ms[0].Org.Name != "Signup" {
		t.Errorf("sign-in after signup: %+v, %v", ms, err)
	}

	// The functions take only what the server sends, and PUBLIC none of them.
	for q, args := range map[string][]any{
		`SELECT count(*) FROM dxp_platform_find_api_key($1)`:  {"' OR true --"},
		`SELECT count(*) FROM dxp_platform_memberships($1)`:   {users["ann"].ID + "x"},
		`SELECT count(dxp_platform_find_org($1))`:             {strings.ToUpper(a.Slug)},
		`SELECT count(*) FROM dxp_platform_list_orgs('', $1)`: {100000},
	} {
		err := db.WithOrgTx(bg, "", func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRow(q, args...).Scan(&n); err != nil {
				return err
			}
			if n != 0 && !strings.Contains(q, "list_orgs") || n > 501 {
				t.Errorf("%s with %v answered %d rows", q, args, n)
			}
			return nil
		})
		if err != nil {
			t.Errorf("%s: %v", q, err)
		}
	}
	if err := db.WithOrgTx(bg, "", func(tx *sql.Tx) error {
		_, err := tx.Exec(`SELECT dxp_platform_sign_in('usr_bogus', 'https://idp', 'x', 'x@example.com', '', true, now())`)
		return err
	}); err == nil {
		t.Errorf("sign-in accepted a user id the server never makes")
	}
	if err := db.WithOrgTx(bg, "", func(tx *sql.Tx) error {
		var public bool
		if err := tx.QueryRow(`SELECT bool_or(has_function_privilege('public', p.oid, 'EXECUTE')) FROM pg_proc p
			JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = current_schema() AND p.proname LIKE 'dxp_platform_%'`).Scan(&public); err != nil {
			return err
		}
		if public {
			t.Errorf("PUBLIC may execute a platform function")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}
