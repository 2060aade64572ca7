package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

const runColumns = `organization_id, run_id, pipeline_name, status, started_at, finished_at, error, attributes, checks_failed, created_at, updated_at`

func scanRun(row scanner) (*catalog.Run, error) {
	r := &catalog.Run{}
	var attrs sql.NullString
	if err := row.Scan(&r.OrgID, &r.ID, &r.PipelineName, &r.Status, timeCol{&r.StartedAt}, nullTimeCol{&r.FinishedAt},
		&r.Error, &attrs, &r.ChecksFailed, timeCol{&r.CreatedAt}, timeCol{&r.UpdatedAt}); err != nil {
		return nil, err
	}
	if attrs.Valid {
		r.Attributes = []byte(attrs.String)
	}
	return r, nil
}

// findRun reads one run; inside a transaction, lock takes its row lock so
// concurrent events for the same run apply one after the other.
func findRun(ctx context.Context, q querier, orgID, id, lock string) (*catalog.Run, error) {
	r, err := scanRun(q.queryRow(ctx, `SELECT `+runColumns+` FROM runs WHERE organization_id = ? AND run_id = ?`+lock, orgID, id))
	if err != nil {
		return nil, notFound(err, "No run %q in this organization.", id)
	}
	return r, nil
}

// FindRun returns one run of the caller's organization.
func (db *DB) FindRun(ctx context.Context, id string) (*catalog.Run, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, err
	}
	return findRun(ctx, db, orgID, id, "")
}

// ListRuns lists runs newest first, keyed on (started_at, run_id).
func (db *DB) ListRuns(ctx context.Context, f catalog.RunFilter) ([]*catalog.Run, string, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, "", err
	}
	after, err := decodeTimeCursor(f.Cursor)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Page)
	q, args := `SELECT `+runColumns+` FROM runs WHERE organization_id = ?`, []any{orgID}
	if f.PipelineName != "" {
		q, args = q+` AND pipeline_name = ?`, append(args, f.PipelineName)
	}
	if f.Status != "" {
		q, args = q+` AND status = ?`, append(args, f.Status)
	}
	if f.Since != nil {
		q, args = q+` AND started_at >= ?`, append(args, ts(*f.Since))
	}
	if f.Until != nil {
		q, args = q+` AND started_at < ?`, append(args, ts(*f.Until))
	}
	if after != nil {
		q, args = q+` AND (started_at < ? OR (started_at = ? AND run_id < ?))`, append(args, after[0], after[0], after[1])
	}
	rows, err := db.query(ctx, q+` ORDER BY started_at DESC, run_id DESC LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("list runs: %w", err)
	}
	return collectPage(rows, limit, scanRun, func(last *catalog.Run) string { return encodeCursor(ts(last.StartedAt), last.ID) })
}

// decodeTimeCursor decodes a (timestamp, id) cursor. The timestamp is checked
// here because Postgres would refuse a forged one only as a query error.
func decodeTimeCursor(c string) ([]string, error) {
	keys, err := decodeCursor(c, 2)
	if err == nil && keys != nil {
		if _, perr := time.Parse(timeLayout, keys[0]); perr != nil {
			return decodeCursor("!", 2) // not base64: decodeCursor's own "not a cursor" error
		}
	}
	return keys, err
}
