package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// errRunRaced says another transaction created the same run id first.
var errRunRaced = errors.New("run created concurrently")

// ApplyRunEvent creates a run or applies the event to the run it names.
func (db *DB) ApplyRunEvent(ctx context.Context, ev catalog.RunEvent) (*catalog.Run, bool, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, false, err
	}
	// Two first events of one run can race (parallel task events of a DAG
	// run): the loser's insert finds the id taken, and a second attempt
	// applies its event to the winner's run as an update.
	run, created, err := db.applyRunEvent(ctx, orgID, ev)
	if errors.Is(err, errRunRaced) {
		run, created, err = db.applyRunEvent(ctx, orgID, ev)
	}
	return run, created, err
}

func (db *DB) applyRunEvent(ctx context.Context, orgID string, ev catalog.RunEvent) (*catalog.Run, bool, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, false, err
	}
	defer tx.Rollback()
	problems := ev.Validate()
	if known, err := tx.pipelineExists(ctx, orgID, ev.PipelineName); err != nil {
		return nil, false, err
	} else if !known && ev.PipelineName != "" {
		problems = append(problems, catalog.FieldError{Field: "pipeline_id", Message: fmt.Sprintf("No pipeline %q in this organization; register it first.", ev.PipelineName)})
	}
	if len(problems) > 0 {
		return nil, false, catalog.Invalid(problems)
	}
	ch := eventChange(ev)
	if ev.RunID != "" {
		cur, err := findRun(ctx, tx, orgID, ev.RunID, tx.forUpdate())
		if err == nil {
			if cur, err = tx.changeRun(ctx, cur, ch); err != nil {
				return nil, false, err
			}
			return cur, false, tx.commit()
		} else if catalog.ErrorCode(err) != catalog.ENOTFOUND {
			return nil, false, err
		}
	}
	id := ev.RunID
	if id == "" {
		if id, err = tx.nextRunID(ctx, orgID); err != nil {
			return nil, false, err
		}
	}
	run, err := newRun(orgID, id, ch, tx.now)
	if err != nil {
		return nil, false, err
	}
	if err := tx.insertRun(ctx, run); err != nil {
		return nil, false, err
	}
	return run, true, tx.commit()
}

// insertRun stores a new run, or returns errRunRaced when a concurrent
// transaction has just stored one with the same id.
func (tx *Tx) insertRun(ctx context.Context, run *catalog.Run) error {
	err := tx.execOne(ctx, errRunRaced, `INSERT INTO runs (`+runColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
		run.OrgID, run.ID, run.PipelineName, run.Status, ts(run.StartedAt), tsPtr(run.FinishedAt), run.Error, nullText(run.Attributes),
		run.ChecksFailed, ts(run.CreatedAt), ts(run.UpdatedAt))
	if err != nil && err != errRunRaced {
		return fmt.Errorf("insert run: %w", err)
	}
	return err
}

// pipelineExists reports whether the organization has a pipeline name.
func (tx *Tx) pipelineExists(ctx context.Context, orgID, name string) (bool, error) {
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM pipelines WHERE organization_id = ? AND name = ?`, orgID, name).Scan(&n); err != nil {
		return false, fmt.Errorf("find pipeline: %w", err)
	}
	return n > 0, nil
}

// UpdateRun applies a PATCH to a run.
func (db *DB) UpdateRun(ctx context.Context, id string, upd catalog.RunUpdate) (*catalog.Run, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	cur, err := findRun(ctx, tx, orgID, id, tx.forUpdate())
	if err != nil {
		return nil, err
	}
	if problems := upd.Validate(); len(problems) > 0 {
		return nil, catalog.Invalid(problems)
	}
	if cur, err = tx.changeRun(ctx, cur, updateChange(upd)); err != nil {
		return nil, err
	}
	return cur, tx.commit()
}

// changeRun applies ch to the locked run cur and returns the result; an
// unchanged run needs no write.
func (tx *Tx) changeRun(ctx context.Context, cur *catalog.Run, ch runChange) (*catalog.Run, error) {
	next, changed, err := applyChange(cur, ch, tx.now)
	if err != nil || !changed {
		return next, err
	}
	if _, err := tx.exec(ctx, `UPDATE runs SET status = ?, started_at = ?, finished_at = ?, error = ?, attributes = ?, updated_at = ?
		WHERE organization_id = ? AND run_id = ?`, next.Status, ts(next.StartedAt), tsPtr(next.FinishedAt), next.Error,
		nullText(next.Attributes), ts(next.UpdatedAt), next.OrgID, next.ID); err != nil {
		return nil, fmt.Errorf("update run: %w", err)
	}
	return next, nil
}

// nullText stores JSON text, or NULL for none.
func nullText(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}
