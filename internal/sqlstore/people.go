package sqlstore

import (
	"context"
	"fmt"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// SignIn records a signed-in user, binds invitations waiting for their
// verified email, and returns their memberships. Like FindAPIKeyByHash it
// crosses tenants on purpose: it runs before any organization is known.
func (db *DB) SignIn(ctx context.Context, u *catalog.User) ([]catalog.Membership, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	u.Email = catalog.NormalizeEmail(u.Email)
	err = tx.queryRow(ctx, `INSERT INTO users (id, issuer, subject, email, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (issuer, subject) DO UPDATE SET email = excluded.email, name = excluded.name, updated_at = excluded.updated_at
		RETURNING id`, catalog.NewID("usr"), u.Issuer, u.Subject, u.Email, u.Name, ts(tx.now), ts(tx.now)).Scan(&u.ID)
	if err != nil {
		return nil, fmt.Errorf("upsert user: %w", err)
	}
	if u.EmailVerified && u.Email != "" {
		if err := tx.bindInvitations(ctx, u); err != nil {
			return nil, err
		}
	}
	ms, err := memberships(ctx, tx, u.ID)
	if err != nil {
		return nil, err
	}
	return ms, tx.commit()
}

// bindInvitations gives the user every pending invitation to their email,
// except in organizations where they already are a member.
func (tx *Tx) bindInvitations(ctx context.Context, u *catalog.User) error {
	_, err := tx.exec(ctx, `UPDATE members SET user_id = ?
		WHERE user_id IS NULL AND email = ?
		  AND organization_id IN (SELECT organization_id FROM member_directory WHERE email = ? AND user_id IS NULL)
		  AND organization_id NOT IN (SELECT organization_id FROM member_directory WHERE user_id = ?)`, u.ID, u.Email, u.Email, u.ID)
	if err != nil {
		return fmt.Errorf("bind invitations: %w", err)
	}
	_, err = tx.exec(ctx, `UPDATE member_directory SET user_id = ? WHERE user_id IS NULL AND email = ?
		AND EXISTS (SELECT 1 FROM members m WHERE m.organization_id = member_directory.organization_id
		            AND m.id = member_directory.member_id AND m.user_id = ?)`, u.ID, u.Email, u.ID)
	if err != nil {
		return fmt.Errorf("bind invitations: %w", err)
	}
	return nil
}

func memberships(ctx context.Context, q querier, userID string) ([]catalog.Membership, error) {
	rows, err := q.query(ctx, `SELECT d.member_id, m.role, o.id, o.slug, o.name, o.plan, COALESCE(o.stripe_customer_id, ''),
		       COALESCE(o.subscription_status, ''), o.created_at, o.updated_at
		FROM member_directory d
		JOIN members m ON m.organization_id = d.organization_id AND m.id = d.member_id
		JOIN organizations o ON o.id = d.organization_id
		WHERE d.user_id = ? ORDER BY o.slug`, userID)
	if err != nil {
		return nil, fmt.Errorf("list memberships: %w", err)
	}
	defer rows.Close()
	var out []catalog.Membership
	for rows.Next() {
		var m catalog.Membership
		m.Org = &catalog.Org{}
		o := m.Org
		if err := rows.Scan(&m.MemberID, &m.Role, &o.ID, &o.Slug, &o.Name, &o.Plan, &o.StripeCustomerID, &o.SubscriptionStatus,
			timeCol{&o.CreatedAt}, timeCol{&o.UpdatedAt}); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
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
