package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// Which registered pipeline an OpenLineage run hierarchy belongs to, and
// what the store knows of a hierarchy the event does not spell out.

// replaceOpenLineageJobs records the OpenLineage jobs a pipeline's current
// version says it is.
func (tx *Tx) replaceOpenLineageJobs(ctx context.Context, orgID, pipeline string, jobs []catalog.OpenLineageJob) error {
	if _, err := tx.exec(ctx, `DELETE FROM pipeline_openlineage_jobs WHERE organization_id = $1 AND pipeline_name = $2`, orgID, pipeline); err != nil {
		return fmt.Errorf("clear openlineage jobs: %w", err)
	}
	rows := make([][]any, 0, len(jobs))
	for _, j := range jobs {
		rows = append(rows, []any{orgID, catalog.OpenLineageJobKey(j.Namespace, j.Name), pipeline})
	}
	return tx.insertRows(ctx, `INSERT INTO pipeline_openlineage_jobs (organization_id, job_key, pipeline_name) VALUES %s ON CONFLICT DO NOTHING`, rows)
}

// openLineagePipeline is the registered pipeline whose run the job
// (namespace, name) is: the pipeline that names the job (in that
// namespace, or in any), else the pipeline called as the job that names no
// job of its own; "" for none.
func (tx *Tx) openLineagePipeline(ctx context.Context, orgID, namespace, name string) (string, error) {
	var p string
	err := tx.queryRow(ctx, `SELECT pipeline_name FROM pipeline_openlineage_jobs WHERE organization_id = $1 AND job_key IN ($2, $3)
		ORDER BY pipeline_name LIMIT 1`, orgID, catalog.OpenLineageJobKey(namespace, name), catalog.OpenLineageJobKey("", name)).Scan(&p)
	if err == nil || !errors.Is(err, sql.ErrNoRows) {
		return p, err
	}
	err = tx.queryRow(ctx, `SELECT name FROM pipelines p WHERE organization_id = $1 AND name = $2 AND NOT EXISTS (
		SELECT 1 FROM pipeline_openlineage_jobs j WHERE j.organization_id = p.organization_id AND j.pipeline_name = p.name)`, orgID, name).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("find pipeline of job: %w", err)
	}
	return p, nil
}

// placeUnderKnownRoot completes the hierarchy of an event with a parent
// but no root facet: when the parent's own events said it sits under
// another root (a child job of an Airflow task from a provider that sends
// no root), the event rolls up to that root.
func (tx *Tx) placeUnderKnownRoot(ctx context.Context, orgID string, ev catalog.OpenLineageEvent) (catalog.OpenLineageEvent, error) {
	if ev.Kind != catalog.OpenLineageRunEvent || ev.Depth != 1 || ev.Root != nil {
		return ev, nil
	}
	var root catalog.OpenLineageRunRef
	err := tx.queryRow(ctx, `SELECT dag_run_id FROM openlineage_events WHERE organization_id = $1 AND run_id = $2 AND dag_run_id <> run_id
		ORDER BY dag_run_id LIMIT 1`, orgID, ev.DAGRunID).Scan(&root.RunID)
	if errors.Is(err, sql.ErrNoRows) {
		return ev, nil
	}
	if err != nil {
		return ev, fmt.Errorf("find parent's root: %w", err)
	}
	err = tx.queryRow(ctx, `SELECT job_namespace, job_name FROM openlineage_events WHERE organization_id = $1 AND run_id = $2
		ORDER BY event_time LIMIT 1`, orgID, root.RunID).Scan(&root.JobNamespace, &root.JobName)
	if errors.Is(err, sql.ErrNoRows) {
		return ev, nil // the root's own events have not arrived: keep the parent
	}
	if err != nil {
		return ev, fmt.Errorf("find root's job: %w", err)
	}
	return ev.UnderRoot(root), nil
}

// recordOnce reports whether the check key is new for the run, claiming it.
func (tx *Tx) recordOnce(ctx context.Context, orgID, runID, key string) (bool, error) {
	res, err := tx.exec(ctx, `INSERT INTO openlineage_checks (organization_id, run_id, check_key) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
		orgID, runID, key)
	if err != nil {
		return false, fmt.Errorf("claim check: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
