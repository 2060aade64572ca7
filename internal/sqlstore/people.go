package sqlstore

import (
	"context"
	"fmt"
	"sort"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// SignIn records a signed-in user, binds invitations waiting for their
// verified email, and returns their memberships. Like FindAPIKeyByHash it
// crosses tenants on purpose: it runs before any organization is known. On
// Postgres users are written only through dxp_platform_sign_in (migration
// 0012): row-level security gives the application role no write on them.
func (db *DB) SignIn(ctx context.Context, u *catalog.User) ([]catalog.Membership, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	u.Email = catalog.NormalizeEmail(u.Email)
	if db.engine == Postgres {
		err = tx.queryRow(ctx, `SELECT dxp_platform_sign_in($1, $2, $3, $4, $5, $6, $7)`,
			catalog.NewID("usr"), u.Issuer, u.Subject, u.Email, u.Name, u.EmailVerified, ts(tx.now)).Scan(&u.ID)
		if err != nil {
			return nil, fmt.Errorf("sign in: %w", err)
		}
	} else if err := tx.signIn(ctx, u); err != nil {
		return nil, err
	}
	ms, err := tx.memberships(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	return ms, tx.commit()
}

// signIn is dxp_platform_sign_in for SQLite: upsert the user, then bind
// every pending invitation to their verified email, except in
// organizations where they already are a member.
func (tx *Tx) signIn(ctx context.Context, u *catalog.User) error {
	err := tx.queryRow(ctx, `INSERT INTO users (id, issuer, subject, email, name, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)
		ON CONFLICT (issuer, subject) DO UPDATE SET email = excluded.email, name = excluded.name, updated_at = excluded.updated_at
		RETURNING id`, catalog.NewID("usr"), u.Issuer, u.Subject, u.Email, u.Name, ts(tx.now)).Scan(&u.ID)
	if err != nil {
		return fmt.Errorf("upsert user: %w", err)
	}
	if !u.EmailVerified || u.Email == "" {
		return nil
	}
	_, err = tx.exec(ctx, `UPDATE members SET user_id = $1
		WHERE user_id IS NULL AND email = $2
		  AND organization_id IN (SELECT organization_id FROM member_directory WHERE email = $2 AND user_id IS NULL)
		  AND organization_id NOT IN (SELECT organization_id FROM member_directory WHERE user_id = $1)`, u.ID, u.Email)
	if err != nil {
		return fmt.Errorf("bind invitations: %w", err)
	}
	_, err = tx.exec(ctx, `UPDATE member_directory SET user_id = $1 WHERE user_id IS NULL AND email = $2
		AND EXISTS (SELECT 1 FROM members m WHERE m.organization_id = member_directory.organization_id
		            AND m.id = member_directory.member_id AND m.user_id = $1)`, u.ID, u.Email)
	if err != nil {
		return fmt.Errorf("bind invitations: %w", err)
	}
	return nil
}

// memberships lists the user's organizations with their roles. On
// Postgres neither the member rows of other organizations nor the
// organizations are visible before one is chosen, so they come through the
// reviewed platform path (dxp_platform_memberships, migration 0012).
func (tx *Tx) memberships(ctx context.Context, userID string) ([]catalog.Membership, error) {
	q := `SELECT d.member_id, m.role, ` + orgColumnsOf("o") + ` FROM member_directory d
		JOIN members m ON m.organization_id = d.organization_id AND m.id = d.member_id
		JOIN organizations o ON o.id = d.organization_id WHERE d.user_id = $1`
	if tx.db.engine == Postgres {
		q = `SELECT member_id, member_role, org_id, org_slug, org_name, org_plan, org_customer, org_subscription, org_created, org_updated
			FROM dxp_platform_memberships($1)`
	}
	rows, err := tx.query(ctx, q, userID)
	if err != nil {
		return nil, fmt.Errorf("list memberships: %w", err)
	}
	out, err := scanAll(rows, func(r scanner) (catalog.Membership, error) {
		var m catalog.Membership
		var o catalog.Org
		err := r.Scan(&m.MemberID, &m.Role, &o.ID, &o.Slug, &o.Name, &o.Plan, &o.StripeCustomerID, &o.SubscriptionStatus,
			timeCol{&o.CreatedAt}, timeCol{&o.UpdatedAt})
		m.Org = &o
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("list memberships: %w", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Org.Slug < out[j].Org.Slug })
	return out, nil
}

// Signup creates an organization on the Free plan owned by u.
func (db *DB) Signup(ctx context.Context, u *catalog.User, org *catalog.Org) error {
	org.Plan = catalog.PlanFree
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
	m := &catalog.Member{OrgID: org.ID, Email: catalog.NormalizeEmail(u.Email), UserID: u.ID, Role: catalog.RoleOwner}
	if err := tx.insertMember(ctx, m); err != nil {
		return err
	}
	return tx.commit()
}
