package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// Runs persist what the run rules of catalog (NewRun, Run.Apply) decide:
// each change reads the run under its row lock, applies the rules and
// writes the result.

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
	r, err := scanRun(q.queryRow(ctx, `SELECT `+runColumns+` FROM runs WHERE organization_id = $1 AND run_id = $2`+lock, orgID, id))
	if err != nil {
		return nil, notFound(err, "No run %q in this organization.", id)
	}
	return r, nil
}

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
	ch := ev.Change()
	if ev.RunID != "" && len(problems) == 0 {
		// The common case, a new run of a known pipeline, is one insert:
		// it stores nothing when the pipeline is unknown or the id taken,
		// which the checks below then tell apart.
		if run, err := catalog.NewRun(orgID, ev.RunID, ch, tx.now); err == nil {
			if err := tx.insertRunOfPipeline(ctx, run); err == nil {
				return run, true, tx.commit()
			} else if !errors.Is(err, errRunRaced) {
				return nil, false, err
			}
		}
	}
	if known, err := tx.pipelineExists(ctx, orgID, ev.PipelineName); err != nil {
		return nil, false, err
	} else if !known && ev.PipelineName != "" {
		problems = append(problems, catalog.FieldError{Field: "pipeline_id", Message: fmt.Sprintf("No pipeline %q in this organization; register it first.", ev.PipelineName)})
	}
	if len(problems) > 0 {
		return nil, false, catalog.Invalid(problems)
	}
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
	run, err := catalog.NewRun(orgID, id, ch, tx.now)
	if err != nil {
		return nil, false, err
	}
	if err := tx.insertRun(ctx, run); err != nil {
		return nil, false, err
	}
	return run, true, tx.commit()
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
	if cur, err = tx.changeRun(ctx, cur, upd.Change()); err != nil {
		return nil, err
	}
	return cur, tx.commit()
}

// changeRun applies ch to the locked run cur and returns the result; an
// unchanged run needs no write.
func (tx *Tx) changeRun(ctx context.Context, cur *catalog.Run, ch catalog.RunChange) (*catalog.Run, error) {
	next, changed, err := cur.Apply(ch, tx.now)
	if err != nil || !changed {
		return next, err
	}
	return next, tx.updateRun(ctx, next)
}

// insertRun stores a new run, or returns errRunRaced when a concurrent
// transaction has just stored one with the same id.
func (tx *Tx) insertRun(ctx context.Context, run *catalog.Run) error {
	err := tx.execOne(ctx, errRunRaced, `INSERT INTO runs (`+runColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
		run.OrgID, run.ID, run.PipelineName, run.Status, ts(run.StartedAt), tsPtr(run.FinishedAt), run.Error, nullText(run.Attributes),
		run.ChecksFailed, ts(run.CreatedAt), ts(run.UpdatedAt))
	if err == nil {
		err = tx.announceRun(ctx, run) // webhooks: run.failed, run.succeeded (outbox.go)
	}
	if err != nil && err != errRunRaced {
		return fmt.Errorf("insert run: %w", err)
	}
	return err
}

// insertRunOfPipeline stores a new run if its pipeline exists, or returns
// errRunRaced when it stored nothing (no such pipeline, or the id taken).
func (tx *Tx) insertRunOfPipeline(ctx context.Context, run *catalog.Run) error {
	err := tx.execOne(ctx, errRunRaced, `INSERT INTO runs (`+runColumns+`) SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11
		WHERE EXISTS (SELECT 1 FROM pipelines WHERE organization_id = $1 AND name = $3) ON CONFLICT DO NOTHING`,
		run.OrgID, run.ID, run.PipelineName, run.Status, ts(run.StartedAt), tsPtr(run.FinishedAt), run.Error, nullText(run.Attributes),
		run.ChecksFailed, ts(run.CreatedAt), ts(run.UpdatedAt))
	if err == nil {
		err = tx.announceRun(ctx, run) // webhooks: run.failed, run.succeeded (outbox.go)
	}
	if err != nil && err != errRunRaced {
		return fmt.Errorf("insert run: %w", err)
	}
	return err
}

// updateRun writes the fields the run rules change (checks_failed is the
// check results' business: markChecksFailed).
func (tx *Tx) updateRun(ctx context.Context, r *catalog.Run) error {
	if _, err := tx.exec(ctx, `UPDATE runs SET status = $1, started_at = $2, finished_at = $3, error = $4, attributes = $5, updated_at = $6
		WHERE organization_id = $7 AND run_id = $8`, r.Status, ts(r.StartedAt), tsPtr(r.FinishedAt), r.Error,
		nullText(r.Attributes), ts(r.UpdatedAt), r.OrgID, r.ID); err != nil {
		return fmt.Errorf("update run: %w", err)
	}
	return tx.announceRun(ctx, r) // webhooks: run.failed, run.succeeded (outbox.go)
}

// pipelineExists reports whether the organization has a pipeline name.
func (tx *Tx) pipelineExists(ctx context.Context, orgID, name string) (bool, error) {
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM pipelines WHERE organization_id = $1 AND name = $2`, orgID, name).Scan(&n); err != nil {
		return false, fmt.Errorf("find pipeline: %w", err)
	}
	return n > 0, nil
}

// nextRunID assigns run-YYYYMMDD-NNN for the UTC day of the transaction.
// The counter row of (organization, day) is incremented inside the run's
// transaction: the upsert holds the row lock until commit, so concurrent
// posts get consecutive numbers, and a rolled-back post gives its number
// back. A number whose id a client already chose is skipped.
func (tx *Tx) nextRunID(ctx context.Context, orgID string) (string, error) {
	day := tx.now.UTC().Format("20060102")
	for {
		var n int
		if err := tx.queryRow(ctx, `INSERT INTO run_counters (organization_id, day, last_seq) VALUES ($1, $2, 1)
			ON CONFLICT (organization_id, day) DO UPDATE SET last_seq = run_counters.last_seq + 1
			RETURNING last_seq`, orgID, day).Scan(&n); err != nil {
			return "", fmt.Errorf("count runs of the day: %w", err)
		}
		id := fmt.Sprintf("run-%s-%03d", day, n)
		var taken int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM runs WHERE organization_id = $1 AND run_id = $2`, orgID, id).Scan(&taken); err != nil {
			return "", fmt.Errorf("find run: %w", err)
		}
		if taken == 0 {
			return id, nil
		}
	}
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
	a := args{orgID}
	q := `SELECT ` + runColumns + ` FROM runs WHERE organization_id = $1`
	if f.PipelineName != "" {
		q += ` AND pipeline_name = ` + a.add(f.PipelineName)
	}
	if f.Status != "" {
		q += ` AND status = ` + a.add(f.Status)
	}
	if f.ChecksFailed != nil {
		q += ` AND checks_failed = ` + a.add(*f.ChecksFailed) // runs_by_checks_failed
	}
	if f.Since != nil {
		q += ` AND started_at >= ` + a.add(ts(*f.Since))
	}
	if f.Until != nil {
		q += ` AND started_at < ` + a.add(ts(*f.Until))
	}
	if after != nil {
		at, id := a.add(after[0]), a.add(after[1])
		q += ` AND (started_at < ` + at + ` OR (started_at = ` + at + ` AND run_id < ` + id + `))`
	}
	rows, err := db.query(ctx, q+` ORDER BY started_at DESC, run_id DESC LIMIT `+a.add(limit+1), a...)
	if err != nil {
		return nil, "", fmt.Errorf("list runs: %w", err)
	}
	return collectPage(rows, limit, scanRun, func(last *catalog.Run) string { return encodeCursor(ts(last.StartedAt), last.ID) })
}

// RecentRuns reads the last perPipeline runs of each named pipeline in one
// query: a UNION ALL of one branch per pipeline, each an index range scan
// of runs_by_pipeline (organization_id, pipeline_name, started_at, run_id)
// cut at perPipeline, so it reads perPipeline rows per pipeline however
// many runs they have. ROW_NUMBER() OVER (PARTITION BY pipeline_name)
// would be shorter but reads and sorts every run of the page's pipelines on
// both engines: with 200 runs a pipeline the list page (BenchmarkWebPages)
// took 80 ms p50 instead of 12 on SQLite and 48 instead of 23 on Postgres.
func (db *DB) RecentRuns(ctx context.Context, pipelines []string, perPipeline int) (map[string][]*catalog.Run, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string][]*catalog.Run, len(pipelines))
	if perPipeline < 1 {
		return out, nil
	}
	pipelines = distinct(pipelines)
	for start := 0; start < len(pipelines); start += recentRunsBranches {
		chunk := pipelines[start:min(start+recentRunsBranches, len(pipelines))]
		a := args{orgID}
		limit := a.add(perPipeline)
		branches := make([]string, len(chunk))
		for i, name := range chunk {
			branches[i] = `SELECT * FROM (SELECT ` + runColumns + ` FROM runs WHERE organization_id = $1 AND pipeline_name = ` + a.add(name) +
				` ORDER BY started_at DESC, run_id DESC LIMIT ` + limit + `) AS p` + strconv.Itoa(i)
		}
		rows, err := db.query(ctx, strings.Join(branches, " UNION ALL "), a...)
		if err != nil {
			return nil, fmt.Errorf("recent runs: %w", err)
		}
		runs, err := scanAll(rows, scanRun)
		if err != nil {
			return nil, fmt.Errorf("recent runs: %w", err)
		}
		// Each branch comes out in its own order, newest first; UNION ALL
		// keeps the rows of a branch together and in order on both
		// engines, but the grouping below does not rely on it.
		for _, r := range runs {
			out[r.PipelineName] = append(out[r.PipelineName], r)
		}
	}
	for name, runs := range out {
		slices.SortFunc(runs, func(x, y *catalog.Run) int {
			if c := y.StartedAt.Compare(x.StartedAt); c != 0 {
				return c
			}
			return strings.Compare(y.ID, x.ID)
		})
		out[name] = runs
	}
	return out, nil
}

// recentRunsBranches bounds the branches of one RecentRuns statement
// (SQLite allows 500 terms in a compound SELECT).
const recentRunsBranches = 200

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
