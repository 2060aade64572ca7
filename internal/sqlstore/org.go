package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/dataxpipe/catalog/internal/catalog"
)

const orgColumns = `id, slug, name, plan, COALESCE(stripe_customer_id, ''), COALESCE(subscription_status, ''), created_at, updated_at`

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
	_, err := tx.exec(ctx, `INSERT INTO organizations (id, slug, name, plan, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
		org.ID, org.Slug, org.Name, org.Plan, ts(tx.now), ts(tx.now))
	if err = translate(err); errors.Is(err, errUnique) {
		return catalog.Errorf(catalog.ECONFLICT, "The slug %q is taken; choose another.", org.Slug)
	} else if err != nil {
		return fmt.Errorf("insert organization: %w", err)
	}
	return tx.audit(ctx, org.ID, catalog.AuditOrgCreated, org.Slug)
}

// FindOrgByID returns the organization with id.
func (db *DB) FindOrgByID(ctx context.Context, id string) (*catalog.Org, error) {
	o, err := scanOrg(db.queryRow(ctx, `SELECT `+orgColumns+` FROM organizations WHERE id = ?`, id))
	return o, notFound(err, "No organization %q.", id)
}

// FindOrgBySlug returns the organization with slug.
func (db *DB) FindOrgBySlug(ctx context.Context, slug string) (*catalog.Org, error) {
	o, err := scanOrg(db.queryRow(ctx, `SELECT `+orgColumns+` FROM organizations WHERE slug = ?`, slug))
	return o, notFound(err, "No organization %q.", slug)
}

// ListOrgs lists organizations by slug.
func (db *DB) ListOrgs(ctx context.Context, page catalog.Page) ([]*catalog.Org, string, error) {
	after, err := decodeCursor(page.Cursor, 1)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(page)
	q, args := `SELECT `+orgColumns+` FROM organizations`, []any{}
	if after != nil {
		q, args = q+` WHERE slug > ?`, append(args, after[0])
	}
	rows, err := db.query(ctx, q+` ORDER BY slug LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("list organizations: %w", err)
	}
	defer rows.Close()
	var out []*catalog.Org
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, "", err
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	out, more := trimPage(out, limit)
	if !more {
		return out, "", nil
	}
	return out, encodeCursor(out[len(out)-1].Slug), nil
}

// OrgUsage counts an organization's pipelines and connections.
func (db *DB) OrgUsage(ctx context.Context, orgID string) (catalog.Usage, error) {
	ctx = actingIn(ctx, orgID)
	var u catalog.Usage
	err := db.queryRow(ctx, `SELECT COUNT(*) FROM pipelines WHERE organization_id = ?`, orgID).Scan(&u.Pipelines)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("count pipelines: %w", err)
	}
	if err := db.queryRow(ctx, limitCounts["connections"], orgID).Scan(&u.Connections); err != nil {
		return u, fmt.Errorf("count connections: %w", err)
	}
	return u, nil
}

// forUpdate locks the selected row on Postgres. SQLite needs no clause: its
// immediate transactions already hold the database's write lock.
func (tx *Tx) forUpdate() string {
	if tx.db.engine == Postgres {
		return ` FOR UPDATE`
	}
	return ``
}
