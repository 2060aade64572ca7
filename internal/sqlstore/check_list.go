package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/dataxpipe/catalog/internal/catalog"
)

func scanCheck(row scanner) (*catalog.CheckResult, error) {
	c := &catalog.CheckResult{}
	var observed, expected sql.NullString
	if err := row.Scan(&c.OrgID, &c.ID, &c.RunID, &c.PipelineName, &c.CheckID, &c.Status, &c.Severity, &observed, &expected,
		&c.Message, timeCol{&c.ExecutedAt}, timeCol{&c.CreatedAt}); err != nil {
		return nil, err
	}
	if observed.Valid {
		c.ObservedValue = []byte(observed.String)
	}
	if expected.Valid {
		c.Expected = []byte(expected.String)
	}
	return c, nil
}

// ListCheckResults lists check results newest first, keyed on
// (executed_at, id).
func (db *DB) ListCheckResults(ctx context.Context, f catalog.CheckResultFilter) ([]*catalog.CheckResult, string, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, "", err
	}
	after, err := decodeTimeCursor(f.Cursor)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Page)
	q, args := `SELECT `+checkColumns+` FROM check_results WHERE organization_id = ?`, []any{orgID}
	for _, eq := range []struct{ column, value string }{
		{"pipeline_name", f.PipelineName}, {"run_id", f.RunID}, {"check_id", f.CheckID}, {"status", f.Status}, {"severity", f.Severity},
	} {
		if eq.value != "" {
			q, args = q+` AND `+eq.column+` = ?`, append(args, eq.value)
		}
	}
	if f.Since != nil {
		q, args = q+` AND executed_at >= ?`, append(args, ts(*f.Since))
	}
	if after != nil {
		q, args = q+` AND (executed_at < ? OR (executed_at = ? AND id < ?))`, append(args, after[0], after[0], after[1])
	}
	rows, err := db.query(ctx, q+` ORDER BY executed_at DESC, id DESC LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("list check results: %w", err)
	}
	return collectPage(rows, limit, scanCheck, func(last *catalog.CheckResult) string { return encodeCursor(ts(last.ExecutedAt), last.ID) })
}

// SummarizeChecks counts a run's check results by status.
func (db *DB) SummarizeChecks(ctx context.Context, runID string) (catalog.CheckSummary, error) {
	var s catalog.CheckSummary
	orgID, err := requireOrg(ctx)
	if err != nil {
		return s, err
	}
	if _, err := findRun(ctx, db, orgID, runID, ""); err != nil {
		return s, err
	}
	rows, err := db.query(ctx, `SELECT status, COUNT(*) FROM check_results WHERE organization_id = ? AND run_id = ? GROUP BY status`, orgID, runID)
	if err != nil {
		return s, fmt.Errorf("summarize checks: %w", err)
	}
	defer rows.Close()
	counts := map[string]*int{catalog.CheckPassed: &s.Passed, catalog.CheckFailed: &s.Failed, catalog.CheckError: &s.Error, catalog.CheckSkipped: &s.Skipped}
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return s, err
		}
		if p := counts[status]; p != nil {
			*p = n
		}
		s.Total += n
	}
	return s, rows.Err()
}
