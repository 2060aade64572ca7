package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

const openLineageColumns = `fingerprint, run_id, job_namespace, job_name, event_type, event_time, received_at, body`

// ListOpenLineageEvents lists the organization's raw events, newest first
// by event time, so that a replay can read them back in any window.
func (db *DB) ListOpenLineageEvents(ctx context.Context, f catalog.OpenLineageFilter) ([]*catalog.OpenLineageRecord, string, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, "", err
	}
	after, err := decodeCursor(f.Cursor, 2)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Page)
	q, args := `SELECT `+openLineageColumns+` FROM openlineage_events WHERE organization_id = ?`, []any{orgID}
	if f.RunID != "" {
		q, args = q+` AND (run_id = ? OR dag_run_id = ?)`, append(args, f.RunID, f.RunID)
	}
	if after != nil {
		q, args = q+` AND (event_time < ? OR (event_time = ? AND fingerprint < ?))`, append(args, after[0], after[0], after[1])
	}
	rows, err := db.query(ctx, q+` ORDER BY event_time DESC, fingerprint DESC LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("list openlineage events: %w", err)
	}
	return collectPage(rows, limit, scanOpenLineage, func(e *catalog.OpenLineageRecord) string {
		return encodeCursor(ts(e.EventTime), e.Fingerprint)
	})
}

func scanOpenLineage(row scanner) (*catalog.OpenLineageRecord, error) {
	e := &catalog.OpenLineageRecord{}
	var body string
	err := row.Scan(&e.Fingerprint, &e.RunID, &e.JobNamespace, &e.JobName, &e.EventType, timeCol{&e.EventTime}, timeCol{&e.ReceivedAt}, &body)
	e.Body = []byte(body)
	return e, err
}

// PurgeOpenLineageEvents deletes every organization's raw events received
// before before. Row-level security lets a transaction touch one
// organization's rows only, so it goes organization by organization; the
// organizations table itself is not a tenant table.
func (db *DB) PurgeOpenLineageEvents(ctx context.Context, before time.Time) (int64, error) {
	rows, err := db.query(ctx, `SELECT id FROM organizations ORDER BY id`)
	if err != nil {
		return 0, fmt.Errorf("list organizations: %w", err)
	}
	var orgs []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		orgs = append(orgs, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	var total int64
	for _, orgID := range orgs {
		n, err := db.purgeOrgEvents(ctx, orgID, before)
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}

func (db *DB) purgeOrgEvents(ctx context.Context, orgID string, before time.Time) (int64, error) {
	tx, err := db.begin(catalog.NewContextWithPrincipal(ctx, &catalog.Principal{OrgID: orgID}))
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	res, err := tx.exec(ctx, `DELETE FROM openlineage_events WHERE organization_id = ? AND received_at < ?`, orgID, ts(before))
	if err != nil {
		return 0, fmt.Errorf("purge openlineage events: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	return n, tx.commit()
}
