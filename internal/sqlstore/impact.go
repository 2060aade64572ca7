package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// impactSQL reads everything an impact analysis needs in one statement, so
// the answer is one snapshot: $1 the root, $2 the organization, $3 the
// depth bound, $4 true (current edges only, as is_current >= $4 reads on
// both engines). Every table is read through an index leading with
// organization_id: the walk through the edges' primary key, the producers
// of the root through lineage_edges_up, last runs through runs_by_pipeline
// and their checks through check_results_by_run.
//
// The walk is walkDown's (see walk.cte in lineage.go for why UNION bounds
// it by edges × depth). Then:
//   - followed: the edges leaving a node closer than the bound;
//   - sources: the pipelines of those edges, and the pipelines writing the
//     root, whose failing checks may guard it;
//   - last_runs: each one's latest run, by started_at then run_id;
//   - fails: the error-severity results of those runs that failed and that
//     no later result of the same check in the run replaced.
//
// The rows are typed by their first column, like Lineage's: node, edge,
// pipe (a registered pipeline with its last run), fail, def (the current
// definition of a pipeline with a failing check, for CheckTargets) and
// cut (a node at the bound has edges not followed).
const impactSQL = `WITH RECURSIVE down_walk (id, depth) AS (
		SELECT CAST($1 AS TEXT), 0
		UNION
		SELECT e.to_id, s.depth + 1 FROM down_walk s CROSS JOIN lineage_edges e
		WHERE e.organization_id = $2 AND e.from_id = s.id AND s.depth < $3 AND e.is_current >= $4
	),
	down AS MATERIALIZED (SELECT id, MIN(depth) AS depth FROM down_walk GROUP BY id),
	followed AS MATERIALIZED (
		SELECT e.from_id, e.to_id, e.source_kind, e.source_name FROM down r CROSS JOIN lineage_edges e
		WHERE e.organization_id = $2 AND e.from_id = r.id AND r.depth < $3 AND e.is_current >= $4
	),
	sources AS MATERIALIZED (
		SELECT source_name AS name FROM followed WHERE source_kind = 'pipeline'
		UNION
		SELECT e.source_name FROM lineage_edges e
		WHERE e.organization_id = $2 AND e.to_id = $1 AND e.source_kind = 'pipeline' AND e.is_current >= $4
	),
	last_runs AS MATERIALIZED (
		SELECT s.name, (SELECT r.run_id FROM runs r WHERE r.organization_id = $2 AND r.pipeline_name = s.name
			ORDER BY r.started_at DESC, r.run_id DESC LIMIT 1) AS run_id
		FROM sources s
	),
	fails AS MATERIALIZED (
		SELECT c.id, c.run_id, c.pipeline_name, c.check_id, c.message, c.executed_at
		FROM last_runs lr CROSS JOIN check_results c
		WHERE c.organization_id = $2 AND c.run_id = lr.run_id AND c.status = 'failed' AND c.severity = 'error'
		AND NOT EXISTS (SELECT 1 FROM check_results l WHERE l.organization_id = $2 AND l.run_id = c.run_id
			AND l.check_id = c.check_id AND (l.executed_at > c.executed_at OR (l.executed_at = c.executed_at AND l.id > c.id)))
	)
	-- pipe comes first: Postgres types a UNION's NULL column by the branches
	-- before it, and this one has timestamps.
	SELECT 'pipe', p.name, p.owner, p.schedule, p.tags, COALESCE(r.run_id, ''), CASE WHEN r.checks_failed THEN 1 ELSE 0 END, r.started_at
		FROM last_runs lr CROSS JOIN pipelines p LEFT JOIN runs r ON r.organization_id = $2 AND r.run_id = lr.run_id
		WHERE p.organization_id = $2 AND p.name = lr.name
	UNION ALL
	SELECT 'node', d.id, ds.namespace, ds.name, ds.object, ds.connection_ref, d.depth, NULL
		FROM down d CROSS JOIN datasets ds WHERE ds.organization_id = $2 AND ds.id = d.id
	UNION ALL
	SELECT 'edge', f.from_id, f.to_id, f.source_kind, f.source_name, '', 0, NULL FROM followed f
	UNION ALL
	SELECT 'status', r.run_id, r.status, '', '', '', 0, NULL
		FROM last_runs lr CROSS JOIN runs r WHERE r.organization_id = $2 AND r.run_id = lr.run_id
	UNION ALL
	SELECT 'fail', f.id, f.run_id, f.pipeline_name, f.check_id, f.message, 0, f.executed_at FROM fails f
	UNION ALL
	SELECT 'def', p.name, v.definition, '', '', '', 0, NULL
		FROM pipelines p CROSS JOIN pipeline_versions v
		WHERE p.organization_id = $2 AND p.name IN (SELECT pipeline_name FROM fails)
		AND v.organization_id = $2 AND v.pipeline_name = p.name AND v.version = p.current_version
	UNION ALL
	SELECT 'cut', '', '', '', '', '', 1, NULL WHERE EXISTS (SELECT 1
		FROM down r CROSS JOIN lineage_edges e WHERE e.organization_id = $2 AND e.from_id = r.id AND r.depth = $3 AND e.is_current >= $4)`

// Impact is one page of the impact of q.Root (see catalog.ImpactGraph).
// The whole analysis is read and made for each page: its totals need all
// of it anyway, and the walk is bounded by the depth.
func (db *DB) Impact(ctx context.Context, q catalog.ImpactQuery, targets catalog.CheckTargets) (*catalog.Impact, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, err
	}
	if errs := q.Validate(); len(errs) > 0 {
		return nil, catalog.Invalid(errs)
	}
	keys, err := decodeCursor(q.Cursor, 2)
	if err != nil {
		return nil, err
	}
	g, err := db.impactGraph(ctx, orgID, q, targets)
	if err != nil {
		return nil, err
	}
	a := g.Analyse(db.now())
	var after *catalog.ImpactSource
	if keys != nil {
		after = &catalog.ImpactSource{Kind: keys[0], Name: keys[1]}
	}
	page, more := a.After(after, pageLimit(q.Page))
	out := &catalog.Impact{ImpactAnalysis: a}
	out.Groups = page
	if more {
		last := page[len(page)-1].Source
		out.NextCursor = encodeCursor(last.Kind, last.Name)
	}
	return out, nil
}

// impactGraph runs impactSQL and reads its rows into the graph.
func (db *DB) impactGraph(ctx context.Context, orgID string, q catalog.ImpactQuery, targets catalog.CheckTargets) (*catalog.ImpactGraph, error) {
	rows, err := db.query(ctx, impactSQL, q.Root, orgID, q.Depth, true)
	if err != nil {
		return nil, fmt.Errorf("impact: %w", err)
	}
	defer rows.Close()
	g := &catalog.ImpactGraph{Root: q.Root, Depth: q.Depth, Nodes: map[string]catalog.LineageNode{}, Pipelines: map[string]catalog.ImpactPipeline{}}
	status := map[string]string{} // run id → status
	defs := map[string]json.RawMessage{}
	for rows.Next() {
		var kind, a, b, c, d, e string
		var n int
		var at *time.Time
		if err := rows.Scan(&kind, &a, &b, &c, &d, &e, &n, nullTimeCol{&at}); err != nil {
			return nil, err
		}
		switch kind {
		case "node":
			g.Nodes[a] = catalog.LineageNode{Dataset: catalog.Dataset{ID: a, Namespace: b, Name: c, Object: d, ConnectionRef: e}, Depth: n}
		case "edge":
			g.Edges = append(g.Edges, catalog.ImpactEdge{From: a, To: b, Source: catalog.ImpactSource{Kind: c, Name: d}})
		case "pipe":
			p := catalog.ImpactPipeline{Owner: b, Schedule: c, Tags: []string{}}
			if err := json.Unmarshal([]byte(d), &p.Tags); err != nil {
				return nil, fmt.Errorf("pipeline %s tags: %w", a, err)
			}
			if e != "" && at != nil {
				p.LastRun = &catalog.ImpactRun{ID: e, StartedAt: *at, ChecksFailed: n == 1}
			}
			g.Pipelines[a] = p
		case "status":
			status[a] = b
		case "fail":
			g.Failing = append(g.Failing, catalog.FailingCheck{ResultID: a, RunID: b, Pipeline: c, CheckID: d, Message: e, ExecutedAt: derefTime(at)})
		case "def":
			defs[a] = json.RawMessage(b)
		case "cut":
			g.Truncated = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if _, ok := g.Nodes[q.Root]; !ok {
		return nil, catalog.Errorf(catalog.ENOTFOUND, "No dataset %q in this organization's lineage graph.", q.Root)
	}
	for name, p := range g.Pipelines {
		if p.LastRun != nil {
			p.LastRun.Status = status[p.LastRun.ID]
			g.Pipelines[name] = p
		}
	}
	if targets != nil {
		guards := map[string]map[string]string{}
		for i, f := range g.Failing {
			if _, ok := guards[f.Pipeline]; !ok {
				guards[f.Pipeline] = targets(defs[f.Pipeline])
			}
			g.Failing[i].Dataset = guards[f.Pipeline][f.CheckID]
		}
	}
	return g, nil
}

func derefTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// ImpactStatement is the statement Impact runs, with its arguments for
// root, organization and depth: the benchmark runs it through pgx alone
// to tell the database's share of an answer from the store's.
func ImpactStatement(root, orgID string, depth int) (string, []any) {
	return impactSQL, []any{root, orgID, depth, true}
}
