package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// The outbox: the changes that raise webhook events call one announce
// method inside their own transaction, which writes the event and one
// delivery per subscribed endpoint, or nothing when no enabled endpoint
// wants it (one indexed read). The delivery worker (internal/notify) then
// claims due deliveries, sends them and records every attempt here.

// subscribers lists the ids of the organization's enabled endpoints that
// want events of typ.
func (tx *Tx) subscribers(ctx context.Context, orgID, typ string) ([]string, error) {
	rows, err := tx.query(ctx, `SELECT id, events FROM webhook_endpoints WHERE organization_id = $1 AND enabled = $2 ORDER BY id`, orgID, true)
	if err != nil {
		return nil, fmt.Errorf("find webhooks: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id, events string
		if err := rows.Scan(&id, &events); err != nil {
			return nil, err
		}
		var list []string
		if json.Unmarshal([]byte(events), &list) == nil && slices.Contains(list, typ) {
			ids = append(ids, id)
		}
	}
	return ids, rows.Err()
}

// announce writes event typ, keyed key, to every subscribed endpoint; data
// is built only when some endpoint wants the event.
func (tx *Tx) announce(ctx context.Context, orgID, typ, key string, data func() (*catalog.EventData, error)) error {
	ids, err := tx.subscribers(ctx, orgID, typ)
	if err != nil || len(ids) == 0 {
		return err
	}
	d, err := data()
	if err != nil {
		return err
	}
	body, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("encode %s event: %w", typ, err)
	}
	ev := &catalog.WebhookEvent{ID: catalog.NewID("msg"), Type: typ, Key: key, Data: body, CreatedAt: tx.now}
	fresh, err := tx.insertEvent(ctx, orgID, ev)
	if err != nil || !fresh {
		return err // a repeat of an announced event: once only
	}
	for _, id := range ids {
		if _, err := tx.insertDelivery(ctx, orgID, id, ev.ID, ev.Type); err != nil {
			return err
		}
	}
	return nil
}

// insertEvent stores ev unless an event with its key exists (fresh false).
func (tx *Tx) insertEvent(ctx context.Context, orgID string, ev *catalog.WebhookEvent) (bool, error) {
	res, err := tx.exec(ctx, `INSERT INTO webhook_events (organization_id, id, type, dedup_key, payload, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`, orgID, ev.ID, ev.Type, ev.Key, string(ev.Data), ts(ev.CreatedAt))
	if err != nil {
		return false, fmt.Errorf("insert webhook event: %w", err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// insertDelivery queues event eventID to endpoint webhookID, due now.
func (tx *Tx) insertDelivery(ctx context.Context, orgID, webhookID, eventID, eventType string) (*catalog.Delivery, error) {
	now := tx.now
	d := &catalog.Delivery{OrgID: orgID, ID: catalog.NewID("dlv"), WebhookID: webhookID, EventID: eventID, EventType: eventType,
		Status: catalog.DeliveryPending, NextAttemptAt: &now, CreatedAt: now, UpdatedAt: now}
	if _, err := tx.exec(ctx, `INSERT INTO webhook_deliveries (organization_id, id, endpoint_id, event_id, status, attempts, next_attempt_at,
		lease_until, lease_token, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 0, $6, NULL, '', $7, $8)`,
		orgID, d.ID, webhookID, eventID, d.Status, ts(now), ts(now), ts(now)); err != nil {
		return nil, fmt.Errorf("insert webhook delivery: %w", err)
	}
	return d, nil
}

// announceRun raises run.failed or run.succeeded for a run that has just
// been stored in one of those states (once per run and state).
func (tx *Tx) announceRun(ctx context.Context, r *catalog.Run) error {
	typ := map[string]string{catalog.RunFailed: catalog.EventRunFailed, catalog.RunSuccess: catalog.EventRunSucceeded}[r.Status]
	if typ == "" {
		return nil
	}
	return tx.announce(ctx, r.OrgID, typ, "run:"+r.ID+":"+r.Status, func() (*catalog.EventData, error) {
		d := &catalog.EventData{Run: eventRun(r)}
		var err error
		if d.Pipeline, err = tx.eventPipeline(ctx, r.OrgID, r.PipelineName); err != nil {
			return nil, err
		}
		if d.FailingChecks, err = tx.failingChecks(ctx, r.OrgID, r.ID); err != nil {
			return nil, err
		}
		if r.Status == catalog.RunFailed {
			d.DownstreamPipelines, err = tx.downstreamPipelines(ctx, r.OrgID, r.PipelineName)
		}
		return d, err
	})
}

// announceCheck raises check.failed for a stored check result that failed,
// whatever its severity (the event says which).
func (tx *Tx) announceCheck(ctx context.Context, run *catalog.Run, c *catalog.CheckResult) error {
	if c.Status != catalog.CheckFailed {
		return nil
	}
	return tx.announce(ctx, c.OrgID, catalog.EventCheckFailed, "check:"+c.ID, func() (*catalog.EventData, error) {
		d := &catalog.EventData{Run: eventRun(run), Check: &catalog.EventCheck{ID: c.ID, CheckID: c.CheckID, RunID: c.RunID,
			Status: c.Status, Severity: c.Severity, Message: c.Message}}
		var err error
		if d.Pipeline, err = tx.eventPipeline(ctx, c.OrgID, c.PipelineName); err != nil {
			return nil, err
		}
		d.DownstreamPipelines, err = tx.downstreamPipelines(ctx, c.OrgID, c.PipelineName)
		return d, err
	})
}

// announceAudited raises the events that coincide with an audit action:
// pipeline.registered (target name@version), api_key.created and
// api_key.revoked (target the key id). Called by auditAs, so these changes
// need no hook of their own.
func (tx *Tx) announceAudited(ctx context.Context, orgID, action, target string) error {
	switch action {
	case catalog.AuditPipelineRegistered:
		return tx.announce(ctx, orgID, catalog.EventPipelineRegistered, "pipeline:"+target, func() (*catalog.EventData, error) {
			name, version, _ := strings.Cut(target, "@")
			p, err := tx.eventPipeline(ctx, orgID, name)
			if err == nil {
				p.Version = version
			}
			return &catalog.EventData{Pipeline: p}, err
		})
	case catalog.AuditAPIKeyCreated, catalog.AuditAPIKeyRevoked:
		return tx.announce(ctx, orgID, action, action+":"+target, func() (*catalog.EventData, error) {
			k, err := scanKey(tx.queryRow(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE organization_id = $1 AND id = $2`, orgID, target))
			if err != nil {
				return nil, fmt.Errorf("find api key: %w", err)
			}
			return &catalog.EventData{APIKey: &catalog.EventAPIKey{ID: k.ID, Name: k.Name, Role: k.Role, Prefix: k.Prefix}}, nil
		})
	}
	return nil
}

func eventRun(r *catalog.Run) *catalog.EventRun {
	return &catalog.EventRun{ID: r.ID, Pipeline: r.PipelineName, Status: r.Status, StartedAt: r.StartedAt, FinishedAt: r.FinishedAt, Error: r.Error}
}

// eventPipeline is the pipeline with its owner, or just its name when it
// is gone (runs outlive their pipeline).
func (tx *Tx) eventPipeline(ctx context.Context, orgID, name string) (*catalog.EventPipeline, error) {
	p := &catalog.EventPipeline{Name: name}
	err := tx.queryRow(ctx, `SELECT current_version, owner, schedule FROM pipelines WHERE organization_id = $1 AND name = $2`, orgID, name).
		Scan(&p.Version, &p.Owner, &p.Schedule)
	if err != nil && !errNoRows(err) {
		return nil, fmt.Errorf("find pipeline: %w", err)
	}
	return p, nil
}

// failingChecks lists the run's failed checks, errors first.
func (tx *Tx) failingChecks(ctx context.Context, orgID, runID string) ([]catalog.EventCheck, error) {
	rows, err := tx.query(ctx, `SELECT id, check_id, status, severity, message FROM check_results
		WHERE organization_id = $1 AND run_id = $2 AND status = $3 ORDER BY severity, check_id LIMIT 50`, orgID, runID, catalog.CheckFailed)
	if err != nil {
		return nil, fmt.Errorf("list failing checks: %w", err)
	}
	return scanAll(rows, func(row scanner) (catalog.EventCheck, error) {
		c := catalog.EventCheck{RunID: runID}
		err := row.Scan(&c.ID, &c.CheckID, &c.Status, &c.Severity, &c.Message)
		return c, err
	})
}

// downstreamDepth bounds the walk for affected pipelines.
const downstreamDepth = 20

// downstreamPipelines counts the other pipelines that read, directly or
// further down, a dataset the pipeline writes (its current lineage).
func (tx *Tx) downstreamPipelines(ctx context.Context, orgID, pipeline string) (*catalog.EventDownstream, error) {
	rows, err := tx.query(ctx, `WITH RECURSIVE down (id, depth) AS (
			SELECT to_id, 0 FROM lineage_edges WHERE organization_id = $1 AND source_kind = $2 AND source_name = $3 AND is_current = $4
			UNION
			SELECT e.to_id, d.depth + 1 FROM down d CROSS JOIN lineage_edges e
			WHERE e.organization_id = $1 AND e.from_id = d.id AND d.depth < $5 AND e.is_current = $4)
		SELECT DISTINCT e.source_name FROM down d CROSS JOIN lineage_edges e
		WHERE e.organization_id = $1 AND e.from_id = d.id AND e.source_kind = $2 AND e.source_name <> $3 AND e.is_current = $4
		ORDER BY 1`, orgID, sourcePipeline, pipeline, true, downstreamDepth)
	if err != nil {
		return nil, fmt.Errorf("walk downstream pipelines: %w", err)
	}
	names, err := scanAll(rows, scanString)
	if err != nil {
		return nil, err
	}
	d := &catalog.EventDownstream{Count: len(names), Names: names[:min(len(names), catalog.MaxEventDownstreamNames)]}
	if d.Names == nil {
		d.Names = []string{}
	}
	return d, nil
}

// ClaimDeliveries leases up to limit due deliveries of enabled endpoints to
// the caller until now+lease, across organizations. On Postgres replicas
// claim side by side (FOR UPDATE SKIP LOCKED in dxp_platform_claim_deliveries);
// on SQLite the immediate transaction is the one writer. A delivery whose
// lease ran out (its claimant died) is due again.
func (db *DB) ClaimDeliveries(ctx context.Context, lease time.Duration, limit int) ([]catalog.DeliveryClaim, error) {
	now := db.now()
	token := catalog.RandomBase62(16)
	if db.engine == Postgres {
		rows, err := db.sql.QueryContext(ctx, `SELECT org_id, delivery_id FROM dxp_platform_claim_deliveries($1, $2, $3, $4)`,
			ts(now), ts(now.Add(lease)), token, limit)
		if err != nil {
			return nil, fmt.Errorf("claim deliveries: %w", translate(err))
		}
		defer rows.Close()
		var refs []catalog.DeliveryClaim
		for rows.Next() {
			r := catalog.DeliveryClaim{Token: token}
			if err := rows.Scan(&r.OrgID, &r.ID); err != nil {
				return nil, err
			}
			refs = append(refs, r)
		}
		return refs, rows.Err()
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.query(ctx, `SELECT d.organization_id, d.id FROM webhook_deliveries d
		JOIN webhook_endpoints e ON e.organization_id = d.organization_id AND e.id = d.endpoint_id AND e.enabled = $1
		WHERE d.status = $2 AND d.next_attempt_at <= $3 AND (d.lease_until IS NULL OR d.lease_until <= $3)
		ORDER BY d.next_attempt_at LIMIT $4`, true, catalog.DeliveryPending, ts(now), limit)
	if err != nil {
		return nil, fmt.Errorf("claim deliveries: %w", err)
	}
	refs, err := scanAll(rows, func(row scanner) (catalog.DeliveryClaim, error) {
		r := catalog.DeliveryClaim{Token: token}
		return r, row.Scan(&r.OrgID, &r.ID)
	})
	if err != nil {
		return nil, err
	}
	for _, r := range refs {
		if _, err := tx.exec(ctx, `UPDATE webhook_deliveries SET lease_until = $1, lease_token = $2 WHERE organization_id = $3 AND id = $4`,
			ts(now.Add(lease)), token, r.OrgID, r.ID); err != nil {
			return nil, fmt.Errorf("lease delivery: %w", err)
		}
	}
	return refs, tx.commit()
}

// LoadDelivery reads a claimed delivery with its endpoint (secret opened)
// and event, acting in its organization.
func (db *DB) LoadDelivery(ctx context.Context, ref catalog.DeliveryClaim) (*catalog.OutgoingDelivery, error) {
	ctx = actingIn(ctx, ref.OrgID)
	d, err := scanDelivery(db.queryRow(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries d JOIN webhook_events e
		ON e.organization_id = d.organization_id AND e.id = d.event_id WHERE d.organization_id = $1 AND d.id = $2`, ref.OrgID, ref.ID), ref.OrgID)
	if err != nil {
		return nil, notFound(err, "No delivery %q.", ref.ID)
	}
	w, sealed, err := findWebhook(ctx, db, ref.OrgID, d.WebhookID, "")
	if err != nil {
		return nil, err
	}
	if w.Secret, err = db.openWebhookSecret(ref.OrgID, w.ID, sealed); err != nil {
		return nil, err
	}
	ev := &catalog.WebhookEvent{}
	var payload string
	if err := db.queryRow(ctx, `SELECT id, type, dedup_key, payload, created_at FROM webhook_events WHERE organization_id = $1 AND id = $2`,
		ref.OrgID, d.EventID).Scan(&ev.ID, &ev.Type, &ev.Key, &payload, timeCol{&ev.CreatedAt}); err != nil {
		return nil, notFound(err, "No event %q.", d.EventID)
	}
	ev.Data = json.RawMessage(payload)
	return &catalog.OutgoingDelivery{Delivery: d, Webhook: w, Event: ev}, nil
}

// RecordAttempt stores the outcome of an attempt of a claimed delivery and
// decides what follows by policy: delivered, due again (jitter in [0, 1)
// spreads the retry), or given up. A failure that leaves the endpoint
// failing for policy.DisableAfter disables it, audited. An attempt whose
// lease another claimant has since taken over is dropped (recorded false).
func (db *DB) RecordAttempt(ctx context.Context, ref catalog.DeliveryClaim, at catalog.DeliveryAttempt, policy catalog.RetryPolicy, jitter float64) (bool, error) {
	ctx = actingIn(ctx, ref.OrgID)
	tx, err := db.begin(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	var endpointID, token string
	var attempts int
	var created time.Time
	err = tx.queryRow(ctx, `SELECT endpoint_id, lease_token, attempts, created_at FROM webhook_deliveries WHERE organization_id = $1 AND id = $2`+tx.forUpdate(),
		ref.OrgID, ref.ID).Scan(&endpointID, &token, &attempts, timeCol{&created})
	if errNoRows(err) {
		return false, nil // the endpoint was deleted meanwhile
	} else if err != nil {
		return false, fmt.Errorf("find delivery: %w", err)
	}
	if token != ref.Token {
		return false, nil
	}
	at.N = attempts + 1
	if _, err := tx.exec(ctx, `INSERT INTO webhook_attempts (organization_id, delivery_id, attempt, attempted_at, status_code, latency_ms, error)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, ref.OrgID, ref.ID, at.N, ts(at.Time), at.StatusCode, at.Latency.Milliseconds(), at.Error); err != nil {
		return false, fmt.Errorf("insert delivery attempt: %w", err)
	}
	w, _, err := findWebhook(ctx, tx, ref.OrgID, endpointID, tx.forUpdate())
	if err != nil {
		return false, err
	}
	status, next := catalog.DeliveryDelivered, (*time.Time)(nil)
	if at.Succeeded() {
		w.FailingSince = nil
	} else {
		status = catalog.DeliveryFailed
		if t, ok := policy.Next(at.N, created, tx.now, jitter); ok {
			status, next = catalog.DeliveryPending, &t
		}
		if w.FailingSince == nil {
			w.FailingSince = &at.Time
		}
		if w.Enabled && policy.ShouldDisable(w.FailingSince, tx.now) {
			w.Enabled = false
			w.DisabledReason = fmt.Sprintf("Every delivery failed from %s to %s; fix the receiver and enable the webhook again.",
				w.FailingSince.UTC().Format(time.RFC3339), tx.now.UTC().Format(time.RFC3339))
			if err := tx.auditAs(ctx, ref.OrgID, catalog.Actor{Type: "system", ID: "system"}, catalog.AuditWebhookDisabled, w.ID); err != nil {
				return false, err
			}
		}
	}
	if _, err := tx.exec(ctx, `UPDATE webhook_deliveries SET status = $1, attempts = $2, next_attempt_at = $3, lease_until = NULL, lease_token = '',
		updated_at = $4 WHERE organization_id = $5 AND id = $6`, status, at.N, tsPtr(next), ts(tx.now), ref.OrgID, ref.ID); err != nil {
		return false, fmt.Errorf("update delivery: %w", err)
	}
	if _, err := tx.exec(ctx, `UPDATE webhook_endpoints SET enabled = $1, disabled_reason = $2, failing_since = $3 WHERE organization_id = $4 AND id = $5`,
		w.Enabled, w.DisabledReason, tsPtr(w.FailingSince), ref.OrgID, w.ID); err != nil {
		return false, fmt.Errorf("update webhook: %w", err)
	}
	return true, tx.commit()
}

func msDuration(ms int64) time.Duration { return time.Duration(ms) * time.Millisecond }

// PurgeWebhookHistory deletes the events created before before whose
// deliveries are all settled (delivered or given up), with their deliveries
// and attempts, organization by organization: the delivery log keeps a
// window, not everything ever sent. A pending delivery keeps its event.
func (db *DB) PurgeWebhookHistory(ctx context.Context, before time.Time) (int64, error) {
	orgs, err := db.allOrgIDs(ctx)
	if err != nil {
		return 0, fmt.Errorf("list organizations: %w", err)
	}
	var total int64
	for _, orgID := range orgs {
		tx, err := db.begin(actingIn(ctx, orgID))
		if err != nil {
			return total, err
		}
		res, err := tx.exec(ctx, `DELETE FROM webhook_events WHERE organization_id = $1 AND created_at < $2
			AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.organization_id = webhook_events.organization_id
				AND d.event_id = webhook_events.id AND d.status = $3)`, orgID, ts(before), catalog.DeliveryPending)
		if err != nil {
			tx.Rollback()
			return total, fmt.Errorf("purge webhook history: %w", err)
		}
		n, _ := res.RowsAffected()
		if err := tx.commit(); err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}
