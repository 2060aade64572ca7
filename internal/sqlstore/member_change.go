package sqlstore

import (
	"context"
	"fmt"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// UpdateMemberRole changes a member's role, keeping at least one owner.
func (db *DB) UpdateMemberRole(ctx context.Context, id string, role catalog.Role) (*catalog.Member, error) {
	var out *catalog.Member
	err := db.changeMember(ctx, id, role, func(tx *Tx, m *catalog.Member) error {
		if _, err := tx.exec(ctx, `UPDATE members SET role = ? WHERE organization_id = ? AND id = ?`, string(role), m.OrgID, m.ID); err != nil {
			return fmt.Errorf("update member: %w", err)
		}
		from := m.Role
		m.Role, out = role, m
		return tx.audit(ctx, m.OrgID, catalog.AuditMemberRoleChanged, m.Email+": "+string(from)+" → "+string(role))
	})
	return out, err
}

// RemoveMember removes a member, keeping at least one owner.
func (db *DB) RemoveMember(ctx context.Context, id string) error {
	return db.changeMember(ctx, id, "", func(tx *Tx, m *catalog.Member) error {
		if _, err := tx.exec(ctx, `DELETE FROM members WHERE organization_id = ? AND id = ?`, m.OrgID, m.ID); err != nil {
			return fmt.Errorf("delete member: %w", err)
		}
		return tx.audit(ctx, m.OrgID, catalog.AuditMemberRemoved, m.Email)
	})
}

// changeMember runs change on member id after the owner rules pass; to is
// the new role, or "" for removal. The organization's row lock makes the
// last-owner count race-free.
func (db *DB) changeMember(ctx context.Context, id string, to catalog.Role, change func(*Tx, *catalog.Member) error) error {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.lockOrg(ctx, orgID); err != nil {
		return err
	}
	m, err := scanMember(tx.queryRow(ctx, `SELECT `+memberColumns+memberFrom+` WHERE m.organization_id = ? AND m.id = ?`, orgID, id))
	if err != nil {
		return notFound(err, "No member %q in this organization.", id)
	}
	if m.Role == catalog.RoleOwner || to == catalog.RoleOwner {
		if err := mayGrant(ctx, catalog.RoleOwner); err != nil {
			return err
		}
	}
	if m.Role == catalog.RoleOwner && to != catalog.RoleOwner {
		var owners int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM members WHERE organization_id = ? AND role = 'owner'`, orgID).Scan(&owners); err != nil {
			return fmt.Errorf("count owners: %w", err)
		}
		if owners <= 1 {
			return catalog.Errorf(catalog.ECONFLICT, "%s is the last owner; make another member an owner first.", m.Email)
		}
	}
	if err := change(tx, m); err != nil {
		return err
	}
	return tx.commit()
}
