package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"

	"github.com/dataxpipe/catalog/internal/catalog"
)

const checkColumns = `organization_id, id, run_id, pipeline_name, check_id, status, severity, observed_value, expected, message, executed_at, created_at, dataset_id`

func scanCheck(row scanner) (*catalog.CheckResult, error) {
	c := &catalog.CheckResult{}
	var observed, expected sql.NullString
	var dataset string
	if err := row.Scan(&c.OrgID, &c.ID, &c.RunID, &c.PipelineName, &c.CheckID, &c.Status, &c.Severity, &observed, &expected,
		&c.Message, timeCol{&c.ExecutedAt}, timeCol{&c.CreatedAt}, &dataset); err != nil {
		return nil, err
	}
	if dataset != "" {
		c.Dataset = &catalog.Dataset{ID: dataset}
	}
	if observed.Valid {
		c.ObservedValue = []byte(observed.String)
	}
	if expected.Valid {
		c.Expected = []byte(expected.String)
	}
	return c, nil
}

// RecordCheckResults stores a batch of check results in one transaction:
// every report is checked first, and one bad report stores nothing.
func (db *DB) RecordCheckResults(ctx context.Context, reports []catalog.CheckReport, severities catalog.CheckSeverities) ([]*catalog.CheckResult, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, err
	}
	if problems := catalog.CheckBatchProblems(len(reports)); problems != nil {
		return nil, catalog.Invalid(problems)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	runs := map[string]*catalog.Run{}
	for _, rep := range reports {
		if _, seen := runs[rep.RunID]; seen || rep.RunID == "" {
			continue
		}
		run, err := findRun(ctx, tx, orgID, rep.RunID, "")
		if err != nil && catalog.ErrorCode(err) != catalog.ENOTFOUND {
			return nil, err
		}
		runs[rep.RunID] = run // nil: no such run
	}
	if problems := catalog.ValidateCheckBatch(reports, runs); len(problems) > 0 {
		return nil, catalog.Invalid(problems)
	}
	defs := definitions{tx: tx, orgID: orgID, severities: severities}
	out := make([]*catalog.CheckResult, len(reports))
	failed := map[string]bool{}
	for i, rep := range reports {
		run := runs[rep.RunID]
		c, err := tx.insertCheck(ctx, run, rep, &defs)
		if err != nil {
			return nil, err
		}
		if c.FailsRun() && !run.ChecksFailed {
			failed[run.ID] = true
		}
		out[i] = c
	}
	// Sorted, so that two batches marking the same runs lock them in one
	// order and cannot deadlock on Postgres.
	for _, id := range slices.Sorted(maps.Keys(failed)) {
		if err := tx.markChecksFailed(ctx, orgID, id); err != nil {
			return nil, err
		}
	}
	return out, tx.commit()
}

// insertCheck stores the result rep records in run, resolving its
// severity through defs.
func (tx *Tx) insertCheck(ctx context.Context, run *catalog.Run, rep catalog.CheckReport, defs *definitions) (*catalog.CheckResult, error) {
	var declared map[string]string
	if rep.Severity == "" {
		var err error
		if declared, err = defs.severitiesOf(ctx, run.PipelineName); err != nil {
			return nil, err
		}
	}
	c := catalog.NewCheckResult(run, rep, rep.ResolveSeverity(declared), tx.now)
	dataset := ""
	if c.Dataset != nil {
		// The identity the facet named may be an alias of a joined or
		// symlinked node: the result belongs to that node.
		var err error
		if dataset, err = tx.datasetOf(ctx, c.OrgID, c.Dataset.ID); err != nil {
			return nil, err
		}
		c.Dataset.ID = dataset
	}
	if _, err := tx.exec(ctx, `INSERT INTO check_results (`+checkColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		c.OrgID, c.ID, c.RunID, c.PipelineName, c.CheckID, c.Status, c.Severity, nullText(c.ObservedValue), nullText(c.Expected),
		c.Message, ts(c.ExecutedAt), ts(c.CreatedAt), dataset); err != nil {
		return nil, fmt.Errorf("insert check result: %w", err)
	}
	return c, tx.announceCheck(ctx, run, c) // webhooks: check.failed (outbox.go)
}

// markChecksFailed marks a run as having failed a check of severity error.
func (tx *Tx) markChecksFailed(ctx context.Context, orgID, runID string) error {
	if _, err := tx.exec(ctx, `UPDATE runs SET checks_failed = $1, updated_at = $2 WHERE organization_id = $3 AND run_id = $4`,
		true, ts(tx.now), orgID, runID); err != nil {
		return fmt.Errorf("mark run checks failed: %w", err)
	}
	return nil
}

// definitions reads the check severities of pipelines' current
// definitions once per pipeline and transaction.
type definitions struct {
	tx         *Tx
	orgID      string
	severities catalog.CheckSeverities
	seen       map[string]map[string]string // pipeline → check id → severity; nil if gone
}

func (d *definitions) severitiesOf(ctx context.Context, pipeline string) (map[string]string, error) {
	if s, ok := d.seen[pipeline]; ok {
		return s, nil
	}
	var declared map[string]string
	p, err := findPipeline(ctx, d.tx, d.orgID, pipeline)
	switch {
	case err == nil && d.severities != nil:
		declared = d.severities(p.Definition)
	case err != nil && catalog.ErrorCode(err) != catalog.ENOTFOUND:
		return nil, err
	}
	if d.seen == nil {
		d.seen = map[string]map[string]string{}
	}
	d.seen[pipeline] = declared
	return declared, nil
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
	a := args{orgID}
	q := `SELECT ` + checkColumns + ` FROM check_results WHERE organization_id = $1`
	for _, eq := range []struct{ column, value string }{
		{"pipeline_name", f.PipelineName}, {"run_id", f.RunID}, {"check_id", f.CheckID}, {"status", f.Status}, {"severity", f.Severity},
	} {
		if eq.value != "" {
			q += ` AND ` + eq.column + ` = ` + a.add(eq.value)
		}
	}
	if f.Since != nil {
		q += ` AND executed_at >= ` + a.add(ts(*f.Since))
	}
	if after != nil {
		at, id := a.add(after[0]), a.add(after[1])
		q += ` AND (executed_at < ` + at + ` OR (executed_at = ` + at + ` AND id < ` + id + `))`
	}
	rows, err := db.query(ctx, q+` ORDER BY executed_at DESC, id DESC LIMIT `+a.add(limit+1), a...)
	if err != nil {
		return nil, "", fmt.Errorf("list check results: %w", err)
	}
	list, next, err := collectPage(rows, limit, scanCheck, func(last *catalog.CheckResult) string { return encodeCursor(ts(last.ExecutedAt), last.ID) })
	if err != nil {
		return nil, "", err
	}
	return list, next, db.nameCheckedDatasets(ctx, orgID, list)
}

// nameCheckedDatasets fills in the namespace and name of the datasets the
// results tested, in one read for the page.
func (db *DB) nameCheckedDatasets(ctx context.Context, orgID string, results []*catalog.CheckResult) error {
	byID := map[string][]*catalog.Dataset{}
	var ids []string
	for _, c := range results {
		if c.Dataset != nil {
			if byID[c.Dataset.ID] == nil {
				ids = append(ids, c.Dataset.ID)
			}
			byID[c.Dataset.ID] = append(byID[c.Dataset.ID], c.Dataset)
		}
	}
	for start := 0; start < len(ids); start += chunkRows {
		a := args{orgID}
		in := list(&a, ids[start:min(start+chunkRows, len(ids))])
		rows, err := db.query(ctx, `SELECT id, namespace, name FROM datasets WHERE organization_id = $1 AND id IN (`+in+`)`, a...)
		if err != nil {
			return fmt.Errorf("name checked datasets: %w", err)
		}
		found, err := scanAll(rows, func(row scanner) (catalog.Dataset, error) {
			var d catalog.Dataset
			return d, row.Scan(&d.ID, &d.Namespace, &d.Name)
		})
		if err != nil {
			return fmt.Errorf("name checked datasets: %w", err)
		}
		for _, d := range found {
			for _, p := range byID[d.ID] {
				p.Namespace, p.Name = d.Namespace, d.Name
			}
		}
	}
	return nil
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
	rows, err := db.query(ctx, `SELECT status, COUNT(*) FROM check_results WHERE organization_id = $1 AND run_id = $2 GROUP BY status`, orgID, runID)
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
