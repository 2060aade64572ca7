package sqlstore

import (
	"context"
	"fmt"
	"sort"

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
	err = tx.queryRow(ctx, `INSERT INTO users (id, issuer, subject, email, name, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)
		ON CONFLICT (issuer, subject) DO UPDATE SET email = excluded.email, name = excluded.name, updated_at = excluded.updated_at
		RETURNING id`, catalog.NewID("usr"), u.Issuer, u.Subject, u.Email, u.Name, ts(tx.now)).Scan(&u.ID)
	if err != nil {
		return nil, fmt.Errorf("upsert user: %w", err)
	}
	if u.EmailVerified && u.Email != "" {
		if err := tx.bindInvitations(ctx, u); err != nil {
			return nil, err
		}
	}
	ms, err := tx.memberships(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	return ms, tx.commit()
}

// bindInvitations gives the user every pending invitation to their email,
// except in organizations where they already are a member.
func (tx *Tx) bindInvitations(ctx context.Context, u *catalog.User) error {
	if tx.db.engine == Postgres { // the reviewed cross-tenant path (migration 0006)
		if _, err := tx.exec(ctx, `SELECT dxp_platform_bind_invitations($1, $2)`, u.ID, u.Email); err != nil {
			return fmt.Errorf("bind invitations: %w", err)
		}
		return nil
	}
	_, err := tx.exec(ctx, `UPDATE members SET user_id = $1
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

// memberships lists the user's organizations with their roles. The
// member rows come through the platform path; organizations are not tenant
// rows.
func (tx *Tx) memberships(ctx context.Context, userID string) ([]catalog.Membership, error) {
	q := `SELECT d.organization_id, d.member_id, m.role FROM member_directory d
		JOIN members m ON m.organization_id = d.organization_id AND m.id = d.member_id WHERE d.user_id = $1`
	if tx.db.engine == Postgres {
		q = `SELECT org_id, member_id, member_role FROM dxp_platform_memberships($1)`
	}
	rows, err := tx.query(ctx, q, userID)
	if err != nil {
		return nil, fmt.Errorf("list memberships: %w", err)
	}
	var out []catalog.Membership
	var orgIDs []string
	for rows.Next() {
		var m catalog.Membership
		var orgID string
		if err := rows.Scan(&orgID, &m.MemberID, &m.Role); err != nil {
			rows.Close()
			return nil, err
		}
		out, orgIDs = append(out, m), append(orgIDs, orgID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, id := range orgIDs {
		o, err := scanOrg(tx.queryRow(ctx, `SELECT `+orgColumns+` FROM organizations WHERE id = $1`, id))
		if err != nil {
			return nil, fmt.Errorf("membership organization: %w", err)
		}
		out[i].Org = o
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
