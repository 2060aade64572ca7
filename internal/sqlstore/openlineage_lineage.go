package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// The lineage an OpenLineage event adds to. A DatasetEvent declares its one
// dataset. A RunEvent or JobEvent adds its datasets to its run's record
// (openlineage_run_datasets); the run's edges (catalog.RunLineage over
// everything the run reported) are merged into its job's edges, which are
// current when the run is the job's latest that reported lineage
// (catalog.SupersedesRun) and historic otherwise. Every step is a min, a max
// or a recomputation from stored facts, so any delivery order of the same
// events leaves the same graph.

func (tx *Tx) applyOpenLineageLineage(ctx context.Context, orgID string, ev catalog.OpenLineageEvent, notes *ingestNotes, runs jobRuns) error {
	switch {
	case ev.Kind == catalog.OpenLineageDatasetEvent && ev.Dataset != nil:
		d, err := tx.eventDataset(ctx, orgID, *ev.Dataset, notes)
		if err != nil {
			return err
		}
		kind, name := ev.LineageSource()
		return tx.replaceLineage(ctx, orgID, lineageSource{kind, name}, []catalog.Dataset{d}, nil)
	case !ev.CarriesLineage():
		return nil
	}
	ins, err := tx.eventDatasets(ctx, orgID, ev.Inputs, notes)
	if err != nil {
		return err
	}
	outs, err := tx.eventDatasets(ctx, orgID, ev.Outputs, notes)
	if err != nil {
		return err
	}
	kind, name := ev.LineageSource()
	src := lineageSource{kind, name}
	if err := tx.declareDatasets(ctx, orgID, src, append(append([]catalog.Dataset(nil), ins...), outs...)); err != nil {
		return err
	}
	key := ev.RunKey()
	if err := tx.recordRunDatasets(ctx, orgID, key, ins, outs, ev.EventTime); err != nil {
		return err
	}
	// What the run's record now says of its job's edges is worked out once
	// per run and transaction, at its end (applyJobRuns).
	r := runs[[2]string{name, key}]
	if r == nil {
		r = &jobRun{src: src, key: key}
		runs[[2]string{name, key}] = r
	}
	r.notes = notes
	return nil
}

// jobRuns are the runs whose records a transaction's events widened, by
// (job, run key).
type jobRuns map[[2]string]*jobRun

// jobRun is one run of a job: its source, its key, and the notes of its
// latest event in the transaction (where a cap it meets is reported).
type jobRun struct {
	src   lineageSource
	key   string
	notes *ingestNotes
}

// applyJobRuns merges each run's edges into its job's, under the locks of
// the jobs taken here, in key order, and held to the commit only: events
// of one job wait for each other from here on, not for their whole
// transaction.
func (tx *Tx) applyJobRuns(ctx context.Context, orgID string, runs jobRuns) error {
	if len(runs) == 0 {
		return nil
	}
	keys := slices.SortedFunc(maps.Keys(runs), func(a, b [2]string) int { return cmp.Or(strings.Compare(a[0], b[0]), strings.Compare(a[1], b[1])) })
	if err := tx.lockJobs(ctx, orgID, keys); err != nil {
		return err
	}
	for _, k := range keys {
		r := runs[k]
		runIns, runOuts, err := tx.runDatasets(ctx, orgID, r.key)
		if err != nil {
			return err
		}
		edges, dropped := catalog.RunLineage(runIns, runOuts)
		if dropped > 0 {
			r.notes.warnings = append(r.notes.warnings, catalog.IngestWarning{Cap: "edges", Message: fmt.Sprintf(
				"The run's inputs × outputs give %d edges; the first %d (by dataset id) were kept, %d were not.",
				len(edges)+dropped, catalog.MaxOpenLineageEdges, dropped)})
		}
		current, err := tx.claimCurrentRun(ctx, orgID, r.src.name, r.key, catalog.RunReportedAt(runIns, runOuts))
		if err != nil {
			return err
		}
		if err := tx.mergeJobEdges(ctx, orgID, r.src, edges, current); err != nil {
			return err
		}
	}
	return nil
}

// lockJobs takes, on Postgres, the advisory lock of every job of keys
// ((job, run key) pairs), in lock-key order. A job's lock covers its
// current run and its edges.
func (tx *Tx) lockJobs(ctx context.Context, orgID string, keys [][2]string) error {
	if tx.db.engine != Postgres {
		return nil
	}
	jobs := make([]int32, 0, len(keys))
	for _, k := range keys {
		jobs = append(jobs, lineageLockKey(orgID+"\x00"+k[0]))
	}
	slices.Sort(jobs)
	jobs = slices.Compact(jobs)
	if _, err := tx.exec(ctx, `SELECT count(pg_advisory_xact_lock($1, k)) FROM (SELECT k FROM unnest($2::int4[]) AS k ORDER BY k) AS s`,
		jobLockClass, jobs); err != nil {
		return fmt.Errorf("lock jobs: %w", err)
	}
	return nil
}

// jobLockClass is the first key of an OpenLineage job's advisory lock.
const jobLockClass int32 = 7316003

// declareDatasets makes src a declarer of datasets, adding the nodes that
// do not exist yet. A job's declarations are never taken back: its older
// runs' datasets stay in the graph with their historic edges.
func (tx *Tx) declareDatasets(ctx context.Context, orgID string, src lineageSource, datasets []catalog.Dataset) error {
	now := ts(tx.now)
	var nodes, decls [][]any
	seen := map[string]bool{}
	// In id order: concurrent events inserting the same new nodes then
	// wait for each other in one order rather than deadlock.
	datasets = slices.SortedFunc(slices.Values(datasets), func(a, b catalog.Dataset) int { return strings.Compare(a.ID, b.ID) })
	for _, d := range datasets {
		if seen[d.ID] {
			continue
		}
		seen[d.ID] = true
		nodes = append(nodes, []any{orgID, d.ID, d.Namespace, d.Name, d.Object, d.ConnectionRef, now, now})
		decls = append(decls, []any{orgID, src.kind, src.name, d.ID, d.Object, d.ConnectionRef, now})
	}
	if err := tx.insertRows(ctx, `INSERT INTO datasets (organization_id, id, namespace, name, object, connection_ref, created_at, updated_at)
		VALUES %s ON CONFLICT (organization_id, id) DO NOTHING`, nodes); err != nil {
		return err
	}
	return tx.insertRows(ctx, `INSERT INTO dataset_declarations (organization_id, source_kind, source_name, dataset_id, object, connection_ref, declared_at)
		VALUES %s ON CONFLICT (organization_id, source_kind, source_name, dataset_id) DO NOTHING`, decls)
}

// recordRunDatasets widens the run's record of its inputs and outputs to
// include the event's time, in one statement.
func (tx *Tx) recordRunDatasets(ctx context.Context, orgID, key string, ins, outs []catalog.Dataset, at time.Time) error {
	var rows [][]any
	seen := map[[2]string]bool{}
	for side, list := range map[string][]catalog.Dataset{"in": ins, "out": outs} {
		for _, d := range list {
			if k := [2]string{side, d.ID}; !seen[k] {
				seen[k] = true
				rows = append(rows, []any{orgID, key, side, d.ID, ts(at), ts(at)})
			}
		}
	}
	// In key order, so that two events of one run cannot lock its rows in
	// opposite orders.
	slices.SortFunc(rows, func(a, b []any) int {
		return cmp.Or(strings.Compare(a[2].(string), b[2].(string)), strings.Compare(a[3].(string), b[3].(string)))
	})
	return tx.insertRows(ctx, `INSERT INTO openlineage_run_datasets AS r (organization_id, run_key, side, dataset_id, first_seen_at, last_seen_at)
		VALUES %s ON CONFLICT (organization_id, run_key, side, dataset_id) DO UPDATE SET
		first_seen_at = CASE WHEN excluded.first_seen_at < r.first_seen_at THEN excluded.first_seen_at ELSE r.first_seen_at END,
		last_seen_at = CASE WHEN excluded.last_seen_at > r.last_seen_at THEN excluded.last_seen_at ELSE r.last_seen_at END`, rows)
}

// runDatasets reads everything a run reported, by side.
func (tx *Tx) runDatasets(ctx context.Context, orgID, key string) (ins, outs []catalog.RunDataset, err error) {
	rows, err := tx.query(ctx, `SELECT side, dataset_id, first_seen_at, last_seen_at FROM openlineage_run_datasets
		WHERE organization_id = $1 AND run_key = $2`, orgID, key)
	if err != nil {
		return nil, nil, fmt.Errorf("read run datasets: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var side string
		var d catalog.RunDataset
		if err := rows.Scan(&side, &d.ID, timeCol{&d.FirstSeen}, timeCol{&d.LastSeen}); err != nil {
			return nil, nil, err
		}
		if side == "in" {
			ins = append(ins, d)
		} else {
			outs = append(outs, d)
		}
	}
	return ins, outs, rows.Err()
}

// claimCurrentRun reports whether the run is its job's current run, making
// it so when it supersedes the one recorded: the job's edges then all
// become historic until mergeJobEdges marks the run's own current again.
func (tx *Tx) claimCurrentRun(ctx context.Context, orgID, job, key string, at time.Time) (bool, error) {
	var curKey string
	var curAt time.Time
	err := tx.queryRow(ctx, `SELECT current_run_key, current_run_at FROM openlineage_jobs WHERE organization_id = $1 AND source_name = $2`,
		orgID, job).Scan(&curKey, timeCol{&curAt})
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = tx.exec(ctx, `INSERT INTO openlineage_jobs (organization_id, source_name, current_run_key, current_run_at) VALUES ($1, $2, $3, $4)`,
			orgID, job, key, ts(at))
		return true, err
	case err != nil:
		return false, fmt.Errorf("read job: %w", err)
	case curKey == key:
		_, err = tx.exec(ctx, `UPDATE openlineage_jobs SET current_run_at = $1 WHERE organization_id = $2 AND source_name = $3`, ts(at), orgID, job)
		return true, err
	case !catalog.SupersedesRun(key, at, curKey, curAt):
		return false, nil
	}
	if _, err := tx.exec(ctx, `UPDATE openlineage_jobs SET current_run_key = $1, current_run_at = $2 WHERE organization_id = $3 AND source_name = $4`,
		key, ts(at), orgID, job); err != nil {
		return false, fmt.Errorf("move current run: %w", err)
	}
	if _, err := tx.exec(ctx, `UPDATE lineage_edges SET is_current = $1 WHERE organization_id = $2 AND source_kind = $3 AND source_name = $4`,
		false, orgID, catalog.LineageSourceJob, job); err != nil {
		return false, fmt.Errorf("retire job edges: %w", err)
	}
	return true, nil
}

// mergeJobEdges adds a run's edges to its job's, widening the times of
// edges seen before; current marks them the job's current edges, otherwise
// an edge keeps whatever the current run made of it.
func (tx *Tx) mergeJobEdges(ctx context.Context, orgID string, src lineageSource, edges []catalog.LineageEdge, current bool) error {
	rows := make([][]any, len(edges))
	for i, e := range edges {
		rows[i] = []any{orgID, e.From, e.To, src.kind, src.name, ts(tx.now), current, ts(*e.FirstSeen), ts(*e.LastSeen)}
	}
	return tx.insertRows(ctx, `INSERT INTO lineage_edges AS e (organization_id, from_id, to_id, source_kind, source_name, created_at,
		is_current, first_seen_at, last_seen_at) VALUES %s ON CONFLICT (organization_id, from_id, to_id, source_kind, source_name) DO UPDATE SET
		is_current = CASE WHEN excluded.is_current THEN excluded.is_current ELSE e.is_current END,
		first_seen_at = CASE WHEN e.first_seen_at IS NULL OR excluded.first_seen_at < e.first_seen_at THEN excluded.first_seen_at ELSE e.first_seen_at END,
		last_seen_at = CASE WHEN e.last_seen_at IS NULL OR excluded.last_seen_at > e.last_seen_at THEN excluded.last_seen_at ELSE e.last_seen_at END`, rows)
}
