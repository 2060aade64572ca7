package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/dataxpipe/catalog/internal/catalog"
)

const orgColumns = `id, slug, name, plan, COALESCE(stripe_customer_id, ''), COALESCE(subscription_status, ''), created_at, updated_at`

// orgColumnsOf is orgColumns of the organizations table named alias.
func orgColumnsOf(alias string) string {
	a := alias + "."
	return a + `id, ` + a + `slug, ` + a + `name, ` + a + `plan, COALESCE(` + a + `stripe_customer_id, ''), COALESCE(` +
		a + `subscription_status, ''), ` + a + `created_at, ` + a + `updated_at`
}

// Organizations are under row-level security on Postgres (migration 0012):
// a transaction sees only the organization it acts in. Platform paths that
// start from a slug or a Stripe customer resolve the id through a platform
// function first and then act in it; a read by id simply acts in that id.

func scanOrg(row scanner) (*catalog.Org, error) {
	o := &catalog.Org{}
	err := row.Scan(&o.ID, &o.Slug, &o.Name, &o.Plan, &o.StripeCustomerID, &o.SubscriptionStatus, timeCol{&o.CreatedAt}, timeCol{&o.UpdatedAt})
	return o, err
}

// CreateOrg creates org and, when key is set, its first admin key.
func (db *DB) CreateOrg(ctx context.Context, org *catalog.Org, key *catalog.APIKey) error {
	if errs := catalog.ValidateOrg(org.Slug, org.Name, org.Plan); len(errs) > 0 {
		return catalog.Invalid(errs)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.createOrg(ctx, org); err != nil {
		return err
	}
	if key != nil {
		key.OrgID = org.ID
		if err := tx.createAPIKey(ctx, key); err != nil {
			return err
		}
	}
	return tx.commit()
}

// createOrg inserts org, audited as organization.created.
func (tx *Tx) createOrg(ctx context.Context, org *catalog.Org) error {
	if org.ID == "" {
		org.ID = catalog.NewID("org")
	}
	if err := tx.setOrg(ctx, org.ID); err != nil { // its first key and audit rows belong to it
		return err
	}
	org.CreatedAt, org.UpdatedAt = tx.now, tx.now
	_, err := tx.exec(ctx, `INSERT INTO organizations (id, slug, name, plan, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)`,
		org.ID, org.Slug, org.Name, org.Plan, ts(tx.now))
	if err = translate(err); errors.Is(err, errUnique) {
		return catalog.Errorf(catalog.ECONFLICT, "The slug %q is taken; choose another.", org.Slug)
	} else if err != nil {
		return fmt.Errorf("insert organization: %w", err)
	}
	return tx.audit(ctx, org.ID, catalog.AuditOrgCreated, org.Slug)
}

// FindOrgByID returns the organization with id, read acting in it.
func (db *DB) FindOrgByID(ctx context.Context, id string) (*catalog.Org, error) {
	o, err := scanOrg(db.queryRow(actingIn(ctx, id), `SELECT `+orgColumns+` FROM organizations WHERE id = $1`, id))
	return o, notFound(err, "No organization %q.", id)
}

// FindOrgBySlug returns the organization with slug.
func (db *DB) FindOrgBySlug(ctx context.Context, slug string) (*catalog.Org, error) {
	id, err := db.orgIDBy(ctx, db, "slug", slug)
	if err != nil {
		return nil, notFound(err, "No organization %q.", slug)
	}
	return db.FindOrgByID(ctx, id)
}

// orgIDBy finds the id of the organization whose slug or stripe_customer_id
// (by) is value, or sql.ErrNoRows: on Postgres through the platform
// function for it, which answers NULL for no organization.
func (db *DB) orgIDBy(ctx context.Context, q querier, by, value string) (string, error) {
	query := map[string]string{
		"slug":     `SELECT id FROM organizations WHERE slug = $1`,
		"customer": `SELECT id FROM organizations WHERE stripe_customer_id = $1`,
	}[by]
	if db.engine == Postgres {
		query = map[string]string{
			"slug":     `SELECT dxp_platform_find_org($1)`,
			"customer": `SELECT dxp_platform_find_org_by_customer($1)`,
		}[by]
	}
	var id sql.NullString
	if err := q.queryRow(ctx, query, value).Scan(&id); err != nil {
		return "", err
	}
	if !id.Valid {
		return "", sql.ErrNoRows
	}
	return id.String, nil
}

// ListOrgs lists organizations by slug: the platform admin's view of the
// tenant list, on Postgres through dxp_platform_list_orgs.
func (db *DB) ListOrgs(ctx context.Context, page catalog.Page) ([]*catalog.Org, string, error) {
	after, err := decodeCursor(page.Cursor, 1)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(page)
	from := ""
	if after != nil {
		from = after[0]
	}
	q := `SELECT ` + orgColumns + ` FROM organizations WHERE slug > $1 ORDER BY slug LIMIT $2`
	if db.engine == Postgres {
		q = `SELECT org_id, org_slug, org_name, org_plan, org_customer, org_subscription, org_created, org_updated
			FROM dxp_platform_list_orgs($1, $2)`
	}
	rows, err := db.query(ctx, q, from, limit+1)
	if err != nil {
		return nil, "", fmt.Errorf("list organizations: %w", err)
	}
	return collectPage(rows, limit, scanOrg, func(last *catalog.Org) string { return encodeCursor(last.Slug) })
}

// allOrgIDs lists every organization's id, for jobs that visit each one.
func (db *DB) allOrgIDs(ctx context.Context) ([]string, error) {
	var ids []string
	for cursor := ""; ; {
		orgs, next, err := db.ListOrgs(ctx, catalog.Page{Limit: catalog.MaxPageSize, Cursor: cursor})
		if err != nil {
			return nil, err
		}
		for _, o := range orgs {
			ids = append(ids, o.ID)
		}
		if cursor = next; cursor == "" {
			return ids, nil
		}
	}
}

// UpdateOrg changes an organization's name or plan.
func (db *DB) UpdateOrg(ctx context.Context, slug string, upd catalog.OrgUpdate) (*catalog.Org, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	id, err := db.orgIDBy(ctx, tx, "slug", slug)
	if err != nil {
		return nil, notFound(err, "No organization %q.", slug)
	}
	o, err := tx.lockOrg(ctx, id) // acts in it from here: the audit rows belong to it
	if err != nil {
		return nil, notFound(err, "No organization %q.", slug)
	}
	name, plan := o.Name, o.Plan
	if upd.Name != nil {
		name = *upd.Name
	}
	if upd.Plan != nil {
		plan = *upd.Plan
	}
	if errs := catalog.ValidateOrg(o.Slug, name, plan); len(errs) > 0 {
		return nil, catalog.Invalid(errs)
	}
	if err := tx.setOrgPlan(ctx, o, name, plan, catalog.PrincipalFromContext(ctx).Actor()); err != nil {
		return nil, err
	}
	return o, tx.commit()
}

// setOrgPlan writes name and plan onto o and audits what changed.
func (tx *Tx) setOrgPlan(ctx context.Context, o *catalog.Org, name, plan string, actor catalog.Actor) error {
	if name == o.Name && plan == o.Plan {
		return nil
	}
	if _, err := tx.exec(ctx, `UPDATE organizations SET name = $1, plan = $2, updated_at = $3 WHERE id = $4`, name, plan, ts(tx.now), o.ID); err != nil {
		return fmt.Errorf("update organization: %w", err)
	}
	if plan != o.Plan {
		if err := tx.auditAs(ctx, o.ID, actor, catalog.AuditOrgPlanChanged, o.Plan+" → "+plan); err != nil {
			return err
		}
	}
	if name != o.Name {
		if err := tx.auditAs(ctx, o.ID, actor, catalog.AuditOrgUpdated, o.Slug); err != nil {
			return err
		}
	}
	o.Name, o.Plan, o.UpdatedAt = name, plan, tx.now
	return nil
}

// OrgUsage counts an organization's pipelines and connections.
func (db *DB) OrgUsage(ctx context.Context, orgID string) (catalog.Usage, error) {
	ctx = actingIn(ctx, orgID)
	var u catalog.Usage
	if err := db.queryRow(ctx, limitCounts["pipelines"], orgID).Scan(&u.Pipelines); err != nil {
		return u, fmt.Errorf("count pipelines: %w", err)
	}
	if err := db.queryRow(ctx, limitCounts["connections"], orgID).Scan(&u.Connections); err != nil {
		return u, fmt.Errorf("count connections: %w", err)
	}
	return u, nil
}

// lockOrg reads an organization and, on Postgres, locks its row until the
// transaction ends and makes the transaction act in it. Every registration
// that counts against a plan limit takes this lock first, so
// count-then-insert cannot race. (On SQLite the immediate transaction
// already holds the database write lock.)
func (tx *Tx) lockOrg(ctx context.Context, orgID string) (*catalog.Org, error) {
	// Platform paths (webhooks, admin) learn the organization here; row-level
	// security acts in it from now on, starting with its own row.
	if err := tx.setOrg(ctx, orgID); err != nil {
		return nil, err
	}
	o, err := scanOrg(tx.queryRow(ctx, `SELECT `+orgColumns+` FROM organizations WHERE id = $1`+tx.forUpdate(), orgID))
	if err != nil {
		return nil, notFound(err, "No organization %q.", orgID)
	}
	return o, nil
}

// limitCounts are the queries that count a resource against its limit.
var limitCounts = map[string]string{
	"pipelines":   `SELECT COUNT(*) FROM pipelines WHERE organization_id = $1`,
	"connections": `SELECT COUNT(*) FROM connections WHERE organization_id = $1`,
}

// checkLimit refuses one more of resource when the plan's limit is reached.
// A downgrade deletes nothing: usage above the limit only blocks new ones.
func (tx *Tx) checkLimit(ctx context.Context, org *catalog.Org, resource string) error {
	limits, _ := catalog.PlanLimits(org.Plan)
	limit := limits.Pipelines
	if resource == "connections" {
		limit = limits.Connections
	}
	if limit == nil {
		return nil
	}
	var usage int
	if err := tx.queryRow(ctx, limitCounts[resource], org.ID).Scan(&usage); err != nil {
		return fmt.Errorf("count %s: %w", resource, err)
	}
	if usage < *limit {
		return nil
	}
	msg := fmt.Sprintf("The %s plan allows %d %s and %s has %d.", catalog.PlanTitle(org.Plan), *limit, resource, org.Slug, usage)
	if next := catalog.NextPlan(org.Plan); next != "" {
		msg += fmt.Sprintf(" Upgrade to %s to register more.", catalog.PlanTitle(next))
	}
	return &catalog.Error{Code: catalog.ELIMIT, Message: msg,
		Limit: &catalog.LimitExceeded{Plan: org.Plan, Resource: resource, Limit: *limit, Usage: usage}}
}
