package sqlstore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/spec"
)

const checkColumns = `organization_id, id, run_id, pipeline_name, check_id, status, severity, observed_value, expected, message, executed_at, created_at`

// RecordCheckResults stores a batch of check results in one transaction:
// every report is checked first, and one bad report stores nothing.
func (db *DB) RecordCheckResults(ctx context.Context, reports []catalog.CheckReport) ([]*catalog.CheckResult, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, err
	}
	if len(reports) == 0 || len(reports) > catalog.MaxCheckBatch {
		return nil, catalog.Invalid([]catalog.FieldError{{Field: "results",
			Message: fmt.Sprintf("Send 1 to %d check results at a time (got %d); split larger batches.", catalog.MaxCheckBatch, len(reports))}})
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	runs, err := tx.checkReports(ctx, orgID, reports)
	if err != nil {
		return nil, err
	}
	severities := map[string]*spec.Pipeline{} // pipeline name → current definition, nil if gone
	out := make([]*catalog.CheckResult, len(reports))
	failed := map[string]bool{}
	for i, rep := range reports {
		run := runs[rep.RunID]
		c := &catalog.CheckResult{OrgID: orgID, ID: catalog.NewID("chk"), RunID: run.ID, PipelineName: run.PipelineName,
			CheckID: rep.CheckID, Status: rep.Status, Severity: rep.Severity, ObservedValue: jsonValue(rep.ObservedValue),
			Expected: jsonValue(rep.Expected), Message: rep.Message, ExecutedAt: tx.now, CreatedAt: tx.now}
		if rep.ExecutedAt != nil {
			c.ExecutedAt = *stored(rep.ExecutedAt)
		}
		if c.Severity == "" {
			if c.Severity, err = tx.definedSeverity(ctx, orgID, run.PipelineName, rep.CheckID, severities); err != nil {
				return nil, err
			}
		}
		if _, err := tx.exec(ctx, `INSERT INTO check_results (`+checkColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			orgID, c.ID, c.RunID, c.PipelineName, c.CheckID, c.Status, c.Severity, nullText(c.ObservedValue), nullText(c.Expected),
			c.Message, ts(c.ExecutedAt), ts(c.CreatedAt)); err != nil {
			return nil, fmt.Errorf("insert check result: %w", err)
		}
		if c.Status == catalog.CheckFailed && c.Severity == catalog.SeverityError && !run.ChecksFailed {
			failed[run.ID] = true
		}
		out[i] = c
	}
	// Sorted, so that two batches marking the same runs lock them in one
	// order and cannot deadlock on Postgres.
	for _, id := range slices.Sorted(maps.Keys(failed)) {
		if _, err := tx.exec(ctx, `UPDATE runs SET checks_failed = ?, updated_at = ? WHERE organization_id = ? AND run_id = ?`,
			true, ts(tx.now), orgID, id); err != nil {
			return nil, fmt.Errorf("mark run checks failed: %w", err)
		}
	}
	return out, tx.commit()
}

// checkReports validates every report against its run and returns the runs
// by id, or EINVALID listing every problem as results[i].field.
func (tx *Tx) checkReports(ctx context.Context, orgID string, reports []catalog.CheckReport) (map[string]*catalog.Run, error) {
	runs := map[string]*catalog.Run{}
	var problems []catalog.FieldError
	add := func(i int, field, msg string) {
		problems = append(problems, catalog.FieldError{Field: fmt.Sprintf("results[%d].%s", i, field), Message: msg})
	}
	for i, rep := range reports {
		for _, p := range rep.Validate() {
			add(i, p.Field, p.Message)
		}
		if rep.RunID == "" {
			continue
		}
		run, ok := runs[rep.RunID]
		if !ok {
			r, err := findRun(ctx, tx, orgID, rep.RunID, "")
			if err != nil && catalog.ErrorCode(err) != catalog.ENOTFOUND {
				return nil, err
			}
			run, runs[rep.RunID] = r, r
		}
		switch {
		case run == nil:
			add(i, "run_id", fmt.Sprintf("No run %q in this organization; post the run first.", rep.RunID))
		case rep.PipelineName != "" && rep.PipelineName != run.PipelineName:
			add(i, "pipeline_id", fmt.Sprintf("Run %s belongs to pipeline %s, not %s.", run.ID, run.PipelineName, rep.PipelineName))
		}
	}
	if len(problems) > 0 {
		return nil, catalog.Invalid(problems)
	}
	return runs, nil
}

// definedSeverity is the severity the current definition of pipeline gives
// checkID, or error when the pipeline or the check is not defined there.
// Definitions are decoded once per batch through cache.
func (tx *Tx) definedSeverity(ctx context.Context, orgID, pipeline, checkID string, cache map[string]*spec.Pipeline) (string, error) {
	def, seen := cache[pipeline]
	if !seen {
		p, err := findPipeline(ctx, tx, orgID, pipeline)
		switch {
		case err == nil:
			def, _, _ = spec.Decode("application/json", p.Definition) // written by this server; nil if it does not decode
		case catalog.ErrorCode(err) != catalog.ENOTFOUND:
			return "", err
		}
		cache[pipeline] = def
	}
	if def != nil {
		if sev, ok := def.CheckSeverity(checkID); ok {
			return sev, nil
		}
	}
	return catalog.SeverityError, nil
}

// jsonValue keeps a JSON value compact, and JSON null as none.
func jsonValue(v json.RawMessage) json.RawMessage {
	var b bytes.Buffer
	if v == nil || json.Compact(&b, v) != nil || b.String() == "null" {
		return nil
	}
	return b.Bytes()
}
