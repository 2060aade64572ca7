package sqlstore

import (
	"context"
	"fmt"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// audit appends an event inside tx, so the record commits or rolls back with
// the change it describes. The principal in ctx supplies actor, ip and
// request id.
func (tx *Tx) audit(ctx context.Context, orgID, action, target string) error {
	p := catalog.PrincipalFromContext(ctx)
	return tx.auditAs(ctx, orgID, p.Actor(), action, target)
}

// auditAs appends an event with an explicit actor (for example Stripe).
func (tx *Tx) auditAs(ctx context.Context, orgID string, actor catalog.Actor, action, target string) error {
	var ip, reqID string
	if p := catalog.PrincipalFromContext(ctx); p != nil {
		ip, reqID = p.IP, p.RequestID
	}
	_, err := tx.exec(ctx, `INSERT INTO audit_events (organization_id, id, time, actor_type, actor_id, action, target, ip, request_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		orgID, catalog.NewID("evt"), ts(tx.now), actor.Type, actor.ID, action, target, ip, reqID)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return nil
}

// ListAuditEvents lists the caller's organization's events, newest first.
func (db *DB) ListAuditEvents(ctx context.Context, f catalog.AuditFilter) ([]*catalog.AuditEvent, string, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, "", err
	}
	after, err := decodeCursor(f.Cursor, 2)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Page)
	q := `SELECT id, time, actor_type, actor_id, action, target, ip, request_id FROM audit_events WHERE organization_id = ?`
	args := []any{orgID}
	if f.Action != "" {
		q += ` AND action = ?`
		args = append(args, f.Action)
	}
	if f.Since != nil {
		q += ` AND time >= ?`
		args = append(args, ts(*f.Since))
	}
	if after != nil {
		q += ` AND (time < ? OR (time = ? AND id < ?))`
		args = append(args, after[0], after[0], after[1])
	}
	q += ` ORDER BY time DESC, id DESC LIMIT ?`
	rows, err := db.query(ctx, q, append(args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("list audit events: %w", err)
	}
	scan := func(row scanner) (*catalog.AuditEvent, error) {
		e := &catalog.AuditEvent{OrgID: orgID}
		err := row.Scan(&e.ID, timeCol{&e.Time}, &e.Actor.Type, &e.Actor.ID, &e.Action, &e.Target, &e.IP, &e.RequestID)
		return e, err
	}
	return collectPage(rows, limit, scan, func(last *catalog.AuditEvent) string { return encodeCursor(ts(last.Time), last.ID) })
}

// requireOrg returns the organization of the request; a store method without
// one fails closed.
func requireOrg(ctx context.Context) (string, error) {
	if id := catalog.OrgIDFromContext(ctx); id != "" {
		return id, nil
	}
	return "", catalog.Errorf(catalog.EUNAUTHENTICATED, "This request needs an organization's credential.")
}
