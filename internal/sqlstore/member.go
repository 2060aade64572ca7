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
	_, err := tx.exec(ctx, `INSERT INTO members (organization_id, id, email, user_id, role, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		m.OrgID, m.ID, m.Email, userID, string(m.Role), ts(tx.now), m.CreatedBy)
	if err = translate(err); errors.Is(err, errUnique) {
		return catalog.Errorf(catalog.ECONFLICT, "%s is already a member of this organization.", m.Email)
	} else if err != nil {
		return fmt.Errorf("insert member: %w", err)
	}
	if _, err := tx.exec(ctx, `INSERT INTO member_directory (organization_id, member_id, email, user_id) VALUES (?, ?, ?, ?)`,
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
	q, args := `SELECT `+memberColumns+memberFrom+` WHERE m.organization_id = ?`, []any{orgID}
	if after != nil {
		q, args = q+` AND m.email > ?`, append(args, after[0])
	}
	rows, err := db.query(ctx, q+` ORDER BY m.email LIMIT ?`, append(args, limit+1)...)
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
