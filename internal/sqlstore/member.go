package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/dataxpipe/catalog/internal/catalog"
)

const memberColumns = `m.organization_id, m.id, m.email, COALESCE(m.user_id, ''), COALESCE(u.subject, ''), m.role, m.created_at, m.created_by`

const memberFrom = ` FROM members m LEFT JOIN users u ON u.id = m.user_id`

func scanMember(row scanner) (*catalog.Member, error) {
	m := &catalog.Member{}
	err := row.Scan(&m.OrgID, &m.ID, &m.Email, &m.UserID, &m.Subject, &m.Role, timeCol{&m.CreatedAt}, &m.CreatedBy)
	return m, err
}

// insertMember stores m with its directory row, audited as member.added.
func (tx *Tx) insertMember(ctx context.Context, m *catalog.Member) error {
	m.ID, m.CreatedAt = catalog.NewID("mem"), tx.now
	a := catalog.PrincipalFromContext(ctx).Actor()
	m.CreatedBy = a.Type + ":" + a.ID
	var userID any
	if m.UserID != "" {
		userID = m.UserID
	}
	_, err := tx.exec(ctx, `INSERT INTO members (organization_id, id, email, user_id, role, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		m.OrgID, m.ID, m.Email, userID, string(m.Role), ts(tx.now), m.CreatedBy)
	if err = translate(err); errors.Is(err, errUnique) {
		return catalog.Errorf(catalog.ECONFLICT, "%s is already a member of this organization.", m.Email)
	} else if err != nil {
		return fmt.Errorf("insert member: %w", err)
	}
	if _, err := tx.exec(ctx, `INSERT INTO member_directory (organization_id, member_id, email, user_id) VALUES ($1, $2, $3, $4)`,
		m.OrgID, m.ID, m.Email, userID); err != nil {
		return fmt.Errorf("insert member directory: %w", err)
	}
	return tx.audit(ctx, m.OrgID, catalog.AuditMemberAdded, m.Email+" as "+string(m.Role))
}

// ListMembers lists the organization's members by email.
func (db *DB) ListMembers(ctx context.Context, page catalog.Page) ([]*catalog.Member, string, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, "", err
	}
	after, err := decodeCursor(page.Cursor, 1)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(page)
	a := args{orgID}
	q := `SELECT ` + memberColumns + memberFrom + ` WHERE m.organization_id = $1`
	if after != nil {
		q += ` AND m.email > ` + a.add(after[0])
	}
	rows, err := db.query(ctx, q+` ORDER BY m.email LIMIT `+a.add(limit+1), a...)
	if err != nil {
		return nil, "", fmt.Errorf("list members: %w", err)
	}
	return collectPage(rows, limit, scanMember, func(last *catalog.Member) string { return encodeCursor(last.Email) })
}

// AddMember invites email into the caller's organization.
func (db *DB) AddMember(ctx context.Context, email string, role catalog.Role) (*catalog.Member, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, err
	}
	if err := mayGrant(ctx, role); err != nil {
		return nil, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	m := &catalog.Member{OrgID: orgID, Email: catalog.NormalizeEmail(email), Role: role}
	if err := tx.insertMember(ctx, m); err != nil {
		return nil, err
	}
	return m, tx.commit()
}

// mayGrant refuses owner changes to anyone who is not an owner.
func mayGrant(ctx context.Context, role catalog.Role) error {
	if role == catalog.RoleOwner && catalog.PrincipalFromContext(ctx).Role != catalog.RoleOwner {
		return catalog.Errorf(catalog.EFORBIDDEN, "Only an owner may grant, change or remove the owner role.")
	}
	return nil
}

// UpdateMemberRole changes a member's role, keeping at least one owner.
func (db *DB) UpdateMemberRole(ctx context.Context, id string, role catalog.Role) (*catalog.Member, error) {
	var out *catalog.Member
	err := db.changeMember(ctx, id, role, func(tx *Tx, m *catalog.Member) error {
		if _, err := tx.exec(ctx, `UPDATE members SET role = $1 WHERE organization_id = $2 AND id = $3`, string(role), m.OrgID, m.ID); err != nil {
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
		if _, err := tx.exec(ctx, `DELETE FROM members WHERE organization_id = $1 AND id = $2`, m.OrgID, m.ID); err != nil {
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
	m, err := scanMember(tx.queryRow(ctx, `SELECT `+memberColumns+memberFrom+` WHERE m.organization_id = $1 AND m.id = $2`, orgID, id))
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
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM members WHERE organization_id = $1 AND role = 'owner'`, orgID).Scan(&owners); err != nil {
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
