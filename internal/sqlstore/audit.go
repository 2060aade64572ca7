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
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		orgID, catalog.NewID("evt"), ts(tx.now), actor.Type, actor.ID, action, target, ip, reqID)
	if err != nil {
		return fmt.Errorf("audit %s: %w", action, err)
	}
	return tx.announceAudited(ctx, orgID, action, target) // webhooks: pipeline.registered, api_key.* (outbox.go)
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
	a := args{orgID}
	q := `SELECT id, time, actor_type, actor_id, action, target, ip, request_id FROM audit_events WHERE organization_id = $1`
	if f.Action != "" {
		q += ` AND action = ` + a.add(f.Action)
	}
	if f.Actor != "" {
		// Served by audit_events_by_actor (organization_id, actor_id, time, id),
		// so one actor's events page without reading everyone else's.
		q += ` AND actor_id = ` + a.add(f.Actor)
	}
	if f.Since != nil {
		q += ` AND time >= ` + a.add(ts(*f.Since))
	}
	if after != nil {
		at, id := a.add(after[0]), a.add(after[1])
		q += ` AND (time < ` + at + ` OR (time = ` + at + ` AND id < ` + id + `))`
	}
	rows, err := db.query(ctx, q+` ORDER BY time DESC, id DESC LIMIT `+a.add(limit+1), a...)
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
