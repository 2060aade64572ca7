package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/secretbox"
)

// Webhook endpoints: an organization's admins manage them; their signing
// secret is sealed at rest with the server's secret key and handed out
// only in the answers that create or rotate it, and to the delivery worker.

const webhookColumns = `id, url, description, format, events, secret, enabled, disabled_reason, failing_since, created_at, updated_at`

// scanWebhook reads an endpoint; sealed receives its sealed secret.
func scanWebhook(row scanner, orgID string, sealed *string) (*catalog.Webhook, error) {
	w := &catalog.Webhook{OrgID: orgID}
	var events string
	if err := row.Scan(&w.ID, &w.URL, &w.Description, &w.Format, &events, sealed, &w.Enabled, &w.DisabledReason,
		nullTimeCol{&w.FailingSince}, timeCol{&w.CreatedAt}, timeCol{&w.UpdatedAt}); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(events), &w.Events); err != nil {
		return nil, fmt.Errorf("webhook %s events: %w", w.ID, err)
	}
	return w, nil
}

func findWebhook(ctx context.Context, q querier, orgID, id, lock string) (*catalog.Webhook, string, error) {
	var sealed string
	w, err := scanWebhook(q.queryRow(ctx, `SELECT `+webhookColumns+` FROM webhook_endpoints WHERE organization_id = $1 AND id = $2`+lock, orgID, id), orgID, &sealed)
	if err != nil {
		return nil, "", notFound(err, "No webhook %q in this organization.", id)
	}
	return w, sealed, nil
}

// secretAAD binds a sealed signing secret to its endpoint, so a sealed
// value copied to another row does not open.
func webhookSecretAAD(orgID, id string) []byte { return []byte(orgID + "/webhook/" + id) }

func (db *DB) sealWebhookSecret(orgID, id, secret string) (string, error) {
	if db.secretKey == nil {
		return "", catalog.Errorf(catalog.EUNAVAILABLE,
			"This server has no DATAXPIPE_SECRET_KEY, so it cannot keep a webhook's signing secret encrypted and will not keep it in the clear. Ask the operator to set the key.")
	}
	return secretbox.Seal(db.secretKey, []byte(secret), webhookSecretAAD(orgID, id))
}

func (db *DB) openWebhookSecret(orgID, id, sealed string) (string, error) {
	if db.secretKey == nil {
		return "", fmt.Errorf("webhook %s: no secret key to open its signing secret", id)
	}
	b, err := secretbox.Open(db.secretKey, sealed, webhookSecretAAD(orgID, id))
	if err != nil {
		return "", fmt.Errorf("webhook %s signing secret: %w", id, err)
	}
	return string(b), nil
}

// CreateWebhook stores a new endpoint with a fresh signing secret, which
// the answer carries (the only time it is shown, with rotate).
func (db *DB) CreateWebhook(ctx context.Context, in catalog.WebhookInput) (*catalog.Webhook, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, err
	}
	if problems := in.Validate(false); len(problems) > 0 {
		return nil, catalog.Invalid(problems)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	if _, err := tx.lockOrg(ctx, orgID); err != nil { // counts and inserts one at a time
		return nil, err
	}
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM webhook_endpoints WHERE organization_id = $1`, orgID).Scan(&n); err != nil {
		return nil, fmt.Errorf("count webhooks: %w", err)
	}
	if n >= catalog.MaxWebhooksPerOrg {
		return nil, catalog.Errorf(catalog.ECONFLICT, "This organization has %d webhooks, the most it may have; delete one first.", n)
	}
	w := &catalog.Webhook{OrgID: orgID, ID: catalog.NewID("wh"), URL: in.URL, Description: in.Description, Format: in.Format,
		Events: in.Events, Enabled: true, Secret: catalog.NewWebhookSecret(), CreatedAt: tx.now, UpdatedAt: tx.now}
	sealed, err := db.sealWebhookSecret(orgID, w.ID, w.Secret)
	if err != nil {
		return nil, err
	}
	events, _ := json.Marshal(w.Events)
	if _, err := tx.exec(ctx, `INSERT INTO webhook_endpoints (organization_id, `+webhookColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		orgID, w.ID, w.URL, w.Description, w.Format, string(events), sealed, w.Enabled, w.DisabledReason, nil, ts(w.CreatedAt), ts(w.UpdatedAt)); err != nil {
		return nil, fmt.Errorf("insert webhook: %w", translate(err))
	}
	if err := tx.audit(ctx, orgID, catalog.AuditWebhookCreated, w.ID); err != nil {
		return nil, err
	}
	return w, tx.commit()
}

// ListWebhooks lists the organization's endpoints by creation.
func (db *DB) ListWebhooks(ctx context.Context, page catalog.Page) ([]*catalog.Webhook, string, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, "", err
	}
	after, err := decodeCursor(page.Cursor, 2)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(page)
	a := args{orgID}
	q := `SELECT ` + webhookColumns + ` FROM webhook_endpoints WHERE organization_id = $1`
	if after != nil {
		at, id := a.add(after[0]), a.add(after[1])
		q += ` AND (created_at > ` + at + ` OR (created_at = ` + at + ` AND id > ` + id + `))`
	}
	rows, err := db.query(ctx, q+` ORDER BY created_at, id LIMIT `+a.add(limit+1), a...)
	if err != nil {
		return nil, "", fmt.Errorf("list webhooks: %w", err)
	}
	scan := func(row scanner) (*catalog.Webhook, error) {
		var sealed string
		return scanWebhook(row, orgID, &sealed)
	}
	return collectPage(rows, limit, scan, func(last *catalog.Webhook) string { return encodeCursor(ts(last.CreatedAt), last.ID) })
}

// FindWebhook returns one endpoint, without its secret.
func (db *DB) FindWebhook(ctx context.Context, id string) (*catalog.Webhook, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, err
	}
	w, _, err := findWebhook(ctx, db, orgID, id, "")
	return w, err
}

// UpdateWebhook changes an endpoint's url, description, events or enabled.
func (db *DB) UpdateWebhook(ctx context.Context, id string, p catalog.WebhookPatch) (*catalog.Webhook, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, err
	}
	if problems := p.Validate(false); len(problems) > 0 {
		return nil, catalog.Invalid(problems)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	cur, _, err := findWebhook(ctx, tx, orgID, id, tx.forUpdate())
	if err != nil {
		return nil, err
	}
	next := p.Apply(cur, tx.now)
	if err := tx.writeWebhookState(ctx, next); err != nil {
		return nil, err
	}
	if err := tx.audit(ctx, orgID, catalog.AuditWebhookUpdated, id); err != nil {
		return nil, err
	}
	return next, tx.commit()
}

// writeWebhookState writes the fields an update or the worker changes.
func (tx *Tx) writeWebhookState(ctx context.Context, w *catalog.Webhook) error {
	events, _ := json.Marshal(w.Events)
	if _, err := tx.exec(ctx, `UPDATE webhook_endpoints SET url = $1, description = $2, events = $3, enabled = $4, disabled_reason = $5,
		failing_since = $6, updated_at = $7 WHERE organization_id = $8 AND id = $9`,
		w.URL, w.Description, string(events), w.Enabled, w.DisabledReason, tsPtr(w.FailingSince), ts(w.UpdatedAt), w.OrgID, w.ID); err != nil {
		return fmt.Errorf("update webhook: %w", err)
	}
	return nil
}

// DeleteWebhook removes an endpoint and its delivery log.
func (db *DB) DeleteWebhook(ctx context.Context, id string) error {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.execOne(ctx, catalog.Errorf(catalog.ENOTFOUND, "No webhook %q in this organization.", id),
		`DELETE FROM webhook_endpoints WHERE organization_id = $1 AND id = $2`, orgID, id); err != nil {
		return err
	}
	if err := tx.audit(ctx, orgID, catalog.AuditWebhookDeleted, id); err != nil {
		return err
	}
	return tx.commit()
}

// RotateWebhookSecret replaces the signing secret at once and answers the
// new one; deliveries from now on are signed with it.
func (db *DB) RotateWebhookSecret(ctx context.Context, id string) (*catalog.Webhook, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	w, _, err := findWebhook(ctx, tx, orgID, id, tx.forUpdate())
	if err != nil {
		return nil, err
	}
	w.Secret, w.UpdatedAt = catalog.NewWebhookSecret(), tx.now
	sealed, err := db.sealWebhookSecret(orgID, id, w.Secret)
	if err != nil {
		return nil, err
	}
	if _, err := tx.exec(ctx, `UPDATE webhook_endpoints SET secret = $1, updated_at = $2 WHERE organization_id = $3 AND id = $4`,
		sealed, ts(tx.now), orgID, id); err != nil {
		return nil, fmt.Errorf("rotate webhook secret: %w", err)
	}
	if err := tx.audit(ctx, orgID, catalog.AuditWebhookSecretRotated, id); err != nil {
		return nil, err
	}
	return w, tx.commit()
}

const deliveryColumns = `d.id, d.endpoint_id, d.event_id, e.type, d.status, d.attempts, d.next_attempt_at, d.created_at, d.updated_at`

func scanDelivery(row scanner, orgID string) (*catalog.Delivery, error) {
	d := &catalog.Delivery{OrgID: orgID}
	err := row.Scan(&d.ID, &d.WebhookID, &d.EventID, &d.EventType, &d.Status, &d.Attempts, nullTimeCol{&d.NextAttemptAt},
		timeCol{&d.CreatedAt}, timeCol{&d.UpdatedAt})
	return d, err
}

// ListDeliveries lists an endpoint's deliveries, newest first, each with
// its attempts newest first.
func (db *DB) ListDeliveries(ctx context.Context, f catalog.DeliveryFilter) ([]*catalog.Delivery, string, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, "", err
	}
	if _, _, err := findWebhook(ctx, db, orgID, f.WebhookID, ""); err != nil {
		return nil, "", err
	}
	after, err := decodeCursor(f.Cursor, 2)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Page)
	a := args{orgID, f.WebhookID}
	q := `SELECT ` + deliveryColumns + ` FROM webhook_deliveries d JOIN webhook_events e ON e.organization_id = d.organization_id AND e.id = d.event_id
		WHERE d.organization_id = $1 AND d.endpoint_id = $2`
	if after != nil {
		at, id := a.add(after[0]), a.add(after[1])
		q += ` AND (d.created_at < ` + at + ` OR (d.created_at = ` + at + ` AND d.id < ` + id + `))`
	}
	rows, err := db.query(ctx, q+` ORDER BY d.created_at DESC, d.id DESC LIMIT `+a.add(limit+1), a...)
	if err != nil {
		return nil, "", fmt.Errorf("list deliveries: %w", err)
	}
	items, next, err := collectPage(rows, limit, func(row scanner) (*catalog.Delivery, error) { return scanDelivery(row, orgID) },
		func(last *catalog.Delivery) string { return encodeCursor(ts(last.CreatedAt), last.ID) })
	if err != nil || len(items) == 0 {
		return items, next, err
	}
	return items, next, db.attachAttempts(ctx, orgID, items)
}

// attachAttempts reads the attempts of a page of deliveries in one query.
func (db *DB) attachAttempts(ctx context.Context, orgID string, items []*catalog.Delivery) error {
	a := args{orgID}
	ids := make([]string, len(items))
	byID := map[string]*catalog.Delivery{}
	for i, d := range items {
		ids[i], byID[d.ID] = d.ID, d
	}
	rows, err := db.query(ctx, `SELECT delivery_id, attempt, attempted_at, status_code, latency_ms, error FROM webhook_attempts
		WHERE organization_id = $1 AND delivery_id IN (`+list(&a, ids)+`) ORDER BY delivery_id, attempt DESC`, a...)
	if err != nil {
		return fmt.Errorf("list delivery attempts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var at catalog.DeliveryAttempt
		var ms int64
		if err := rows.Scan(&id, &at.N, timeCol{&at.Time}, &at.StatusCode, &ms, &at.Error); err != nil {
			return err
		}
		at.Latency = msDuration(ms)
		byID[id].History = append(byID[id].History, at)
	}
	return rows.Err()
}

// Redeliver queues the delivery's event to its endpoint once more, as a new
// delivery due now (the same webhook-id, so a receiver can tell a repeat).
func (db *DB) Redeliver(ctx context.Context, webhookID, deliveryID string) (*catalog.Delivery, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	w, _, err := findWebhook(ctx, tx, orgID, webhookID, "")
	if err != nil {
		return nil, err
	}
	old, err := scanDelivery(tx.queryRow(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries d JOIN webhook_events e
		ON e.organization_id = d.organization_id AND e.id = d.event_id WHERE d.organization_id = $1 AND d.endpoint_id = $2 AND d.id = $3`,
		orgID, webhookID, deliveryID), orgID)
	if err != nil {
		return nil, notFound(err, "No delivery %q of webhook %q.", deliveryID, webhookID)
	}
	if !w.Enabled {
		return nil, catalog.Errorf(catalog.ECONFLICT, "Webhook %q is disabled; enable it first.", webhookID)
	}
	d, err := tx.insertDelivery(ctx, orgID, webhookID, old.EventID, old.EventType)
	if err != nil {
		return nil, err
	}
	return d, tx.commit()
}

// SendTestEvent queues a webhook.test event to one endpoint.
func (db *DB) SendTestEvent(ctx context.Context, webhookID string) (*catalog.Delivery, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	w, _, err := findWebhook(ctx, tx, orgID, webhookID, "")
	if err != nil {
		return nil, err
	}
	if !w.Enabled {
		return nil, catalog.Errorf(catalog.ECONFLICT, "Webhook %q is disabled; enable it first.", webhookID)
	}
	data, _ := json.Marshal(map[string]string{"webhook_id": w.ID, "message": "A test event from DataXPipe: this endpoint receives our webhooks."})
	ev := &catalog.WebhookEvent{ID: catalog.NewID("msg"), Type: catalog.EventWebhookTest, Key: "test:" + catalog.NewID("t"), Data: data, CreatedAt: tx.now}
	if _, err := tx.insertEvent(ctx, orgID, ev); err != nil {
		return nil, err
	}
	d, err := tx.insertDelivery(ctx, orgID, w.ID, ev.ID, ev.Type)
	if err != nil {
		return nil, err
	}
	return d, tx.commit()
}

// errNoRows reports a query that found nothing.
func errNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
