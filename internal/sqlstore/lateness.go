package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// Lateness: the scan (internal/notify) decides which scheduled runs were
// missed; the store keeps one row per missed run, raises pipeline.late
// when the row is new, and answers which pipelines are late.

// scheduledOrgIDs lists the organizations with a scheduled pipeline, on
// Postgres through dxp_platform_scheduled_orgs (pipelines are under
// row-level security).
func (db *DB) scheduledOrgIDs(ctx context.Context) ([]string, error) {
	q := `SELECT DISTINCT organization_id FROM pipelines WHERE schedule <> ''`
	if db.engine == Postgres {
		q = `SELECT org_id FROM dxp_platform_scheduled_orgs()`
	}
	rows, err := db.query(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("list scheduled organizations: %w", err)
	}
	return scanAll(rows, scanString)
}

// ScheduledPipelines lists every organization's scheduled pipelines with
// their current definition and latest run start.
func (db *DB) ScheduledPipelines(ctx context.Context) ([]catalog.ScheduledPipeline, error) {
	orgs, err := db.scheduledOrgIDs(ctx)
	if err != nil {
		return nil, err
	}
	var out []catalog.ScheduledPipeline
	for _, orgID := range orgs {
		rows, err := db.query(actingIn(ctx, orgID), `SELECT p.name, p.owner, p.schedule, p.created_at, v.definition,
			(SELECT MAX(r.started_at) FROM runs r WHERE r.organization_id = p.organization_id AND r.pipeline_name = p.name)
			FROM pipelines p JOIN pipeline_versions v ON v.organization_id = p.organization_id AND v.pipeline_name = p.name AND v.version = p.current_version
			WHERE p.organization_id = $1 AND p.schedule <> '' ORDER BY p.name`, orgID)
		if err != nil {
			return nil, fmt.Errorf("list scheduled pipelines: %w", err)
		}
		ps, err := scanAll(rows, func(row scanner) (catalog.ScheduledPipeline, error) {
			p := catalog.ScheduledPipeline{OrgID: orgID}
			var def string
			err := row.Scan(&p.Name, &p.Owner, &p.Schedule, timeCol{&p.CreatedAt}, &def, nullTimeCol{&p.LastRunStart})
			p.Definition = json.RawMessage(def)
			return p, err
		})
		if err != nil {
			return nil, err
		}
		out = append(out, ps...)
	}
	return out, nil
}

// SettleLateness records missed runs and resolves lateness that ended.
func (db *DB) SettleLateness(ctx context.Context, orgID string, late []catalog.Lateness, onTime []string) error {
	ctx = actingIn(ctx, orgID)
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, l := range late {
		res, err := tx.exec(ctx, `INSERT INTO pipeline_lateness (organization_id, pipeline_name, expected_at, detected_at, resolved_at)
			SELECT $1, $2, $3, $4, NULL WHERE EXISTS (SELECT 1 FROM pipelines WHERE organization_id = $1 AND name = $2)
			ON CONFLICT DO NOTHING`, orgID, l.Pipeline.Name, ts(l.ExpectedAt), ts(tx.now))
		if err != nil {
			return fmt.Errorf("record lateness: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue // known already: once per missed run
		}
		if _, err := tx.exec(ctx, `UPDATE pipeline_lateness SET resolved_at = $1 WHERE organization_id = $2 AND pipeline_name = $3
			AND expected_at < $4 AND resolved_at IS NULL`, ts(tx.now), orgID, l.Pipeline.Name, ts(l.ExpectedAt)); err != nil {
			return fmt.Errorf("resolve older lateness: %w", err)
		}
		if err := tx.announceLate(ctx, orgID, l); err != nil {
			return err
		}
	}
	if len(onTime) > 0 {
		a := args{ts(tx.now), orgID}
		if _, err := tx.exec(ctx, `UPDATE pipeline_lateness SET resolved_at = $1 WHERE organization_id = $2 AND resolved_at IS NULL
			AND pipeline_name IN (`+list(&a, onTime)+`)`, a...); err != nil {
			return fmt.Errorf("resolve lateness: %w", err)
		}
	}
	return tx.commit()
}

func (tx *Tx) announceLate(ctx context.Context, orgID string, l catalog.Lateness) error {
	key := "late:" + l.Pipeline.Name + ":" + ts(l.ExpectedAt)
	return tx.announce(ctx, orgID, catalog.EventPipelineLate, key, func() (*catalog.EventData, error) {
		p, err := tx.eventPipeline(ctx, orgID, l.Pipeline.Name)
		if err != nil {
			return nil, err
		}
		d := &catalog.EventData{Pipeline: p, Late: &catalog.EventLate{ExpectedAt: l.ExpectedAt.UTC(), GraceSeconds: int64(l.Grace / time.Second),
			LastRunStartedAt: l.LastRunStart}}
		d.DownstreamPipelines, err = tx.downstreamPipelines(ctx, orgID, l.Pipeline.Name)
		return d, err
	})
}

// LatePipelines says which of names are late in the caller's organization,
// each with the expected time of its newest missed run.
func (db *DB) LatePipelines(ctx context.Context, names []string) (map[string]time.Time, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]time.Time{}
	if len(names) == 0 {
		return out, nil
	}
	a := args{orgID}
	rows, err := db.query(ctx, `SELECT pipeline_name, MAX(expected_at) FROM pipeline_lateness WHERE organization_id = $1
		AND resolved_at IS NULL AND pipeline_name IN (`+list(&a, distinct(names))+`) GROUP BY pipeline_name`, a...)
	if err != nil {
		return nil, fmt.Errorf("find late pipelines: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		var at time.Time
		if err := rows.Scan(&name, timeCol{&at}); err != nil {
			return nil, err
		}
		out[name] = at
	}
	return out, rows.Err()
}
