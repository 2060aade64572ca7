package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
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
	), ` + pipelineFactsCTEs + `
	` + pipelineFactsRows + `
	UNION ALL
	SELECT 'node', d.id, ds.namespace, ds.name, ds.object, ds.connection_ref, d.depth, NULL
		FROM down d CROSS JOIN datasets ds WHERE ds.organization_id = $2 AND ds.id = d.id
	UNION ALL
	SELECT 'edge', f.from_id, f.to_id, f.source_kind, f.source_name, '', 0, NULL FROM followed f
	UNION ALL
	SELECT 'cut', '', '', '', '', '', 1, NULL WHERE EXISTS (SELECT 1
		FROM down r CROSS JOIN lineage_edges e WHERE e.organization_id = $2 AND e.from_id = r.id AND r.depth = $3 AND e.is_current >= $4)`

// pipelineFactsCTEs and pipelineFactsRows read, for the pipelines named
// by a CTE sources (name) and the organization $2, what an impact group
// shows: see impactSQL.
const pipelineFactsCTEs = `last_runs AS MATERIALIZED (
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
	)`

// pipelineFactsRows come first in a statement: Postgres types a UNION's
// NULL column by the branches before it, and pipe rows have timestamps.
const pipelineFactsRows = `SELECT 'pipe', p.name, p.owner, p.schedule, p.tags, COALESCE(r.run_id, ''), CASE WHEN r.checks_failed THEN 1 ELSE 0 END, r.started_at
		FROM last_runs lr CROSS JOIN pipelines p LEFT JOIN runs r ON r.organization_id = $2 AND r.run_id = lr.run_id
		WHERE p.organization_id = $2 AND p.name = lr.name
	UNION ALL
	SELECT 'status', r.run_id, r.status, '', '', '', 0, NULL
		FROM last_runs lr CROSS JOIN runs r WHERE r.organization_id = $2 AND r.run_id = lr.run_id
	UNION ALL
	SELECT 'fail', f.id, f.run_id, f.pipeline_name, f.check_id, f.message, 0, f.executed_at FROM fails f
	UNION ALL
	SELECT 'def', p.name, v.definition, '', '', '', 0, NULL
		FROM pipelines p CROSS JOIN pipeline_versions v
		WHERE p.organization_id = $2 AND p.name IN (SELECT pipeline_name FROM fails)
		AND v.organization_id = $2 AND v.pipeline_name = p.name AND v.version = p.current_version`

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

// impactGraph runs impactSQL and reads its rows into the graph; then the
// edges of OpenLineage jobs that a registered pipeline is become the
// pipeline's (claimJobEdges), with its facts read too.
func (db *DB) impactGraph(ctx context.Context, orgID string, q catalog.ImpactQuery, targets catalog.CheckTargets) (*catalog.ImpactGraph, error) {
	g := &catalog.ImpactGraph{Root: q.Root, Depth: q.Depth, Nodes: map[string]catalog.LineageNode{}, Pipelines: map[string]catalog.ImpactPipeline{}}
	facts := impactFacts{status: map[string]string{}, defs: map[string]json.RawMessage{}}
	if err := db.readImpactRows(ctx, g, &facts, impactSQL, q.Root, orgID, q.Depth, true); err != nil {
		return nil, err
	}
	if _, ok := g.Nodes[q.Root]; !ok {
		return nil, catalog.Errorf(catalog.ENOTFOUND, "No dataset %q in this organization's lineage graph.", q.Root)
	}
	if err := db.claimJobEdges(ctx, orgID, g, &facts); err != nil {
		return nil, err
	}
	for name, p := range g.Pipelines {
		if p.LastRun != nil {
			p.LastRun.Status = facts.status[p.LastRun.ID]
			g.Pipelines[name] = p
		}
	}
	if targets != nil {
		guards := map[string]map[string]string{}
		for i, f := range g.Failing {
			if _, ok := guards[f.Pipeline]; !ok {
				guards[f.Pipeline] = targets(facts.defs[f.Pipeline])
			}
			g.Failing[i].Dataset = guards[f.Pipeline][f.CheckID]
		}
	}
	return g, nil
}

// impactFacts are the rows an impact reads besides the graph's own: run
// statuses by run id, and definitions of pipelines with a failing check.
type impactFacts struct {
	status map[string]string
	defs   map[string]json.RawMessage
}

// readImpactRows runs q and reads its typed rows (see impactSQL) into g.
func (db *DB) readImpactRows(ctx context.Context, g *catalog.ImpactGraph, facts *impactFacts, q string, args ...any) error {
	rows, err := db.query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("impact: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, a, b, c, d, e string
		var n int
		var at *time.Time
		if err := rows.Scan(&kind, &a, &b, &c, &d, &e, &n, nullTimeCol{&at}); err != nil {
			return err
		}
		switch kind {
		case "node":
			g.Nodes[a] = catalog.LineageNode{Dataset: catalog.Dataset{ID: a, Namespace: b, Name: c, Object: d, ConnectionRef: e}, Depth: n}
		case "edge":
			g.Edges = append(g.Edges, catalog.ImpactEdge{From: a, To: b, Source: catalog.ImpactSource{Kind: c, Name: d}})
		case "pipe":
			p := catalog.ImpactPipeline{Owner: b, Schedule: c, Tags: []string{}}
			if err := json.Unmarshal([]byte(d), &p.Tags); err != nil {
				return fmt.Errorf("pipeline %s tags: %w", a, err)
			}
			if e != "" && at != nil {
				p.LastRun = &catalog.ImpactRun{ID: e, StartedAt: *at, ChecksFailed: n == 1}
			}
			g.Pipelines[a] = p
		case "status":
			facts.status[a] = b
		case "fail":
			g.Failing = append(g.Failing, catalog.FailingCheck{ResultID: a, RunID: b, Pipeline: c, CheckID: d, Message: e, ExecutedAt: derefTime(at)})
		case "def":
			facts.defs[a] = json.RawMessage(b)
		case "cut":
			g.Truncated = true
		}
	}
	return rows.Err()
}

// claimJobEdges makes the edges of an OpenLineage job that a registered
// pipeline is (its spec's openlineage names the job, or the pipeline is
// called as the job and names none: openLineagePipeline's rule) that
// pipeline's, and reads the facts of the pipelines not read yet. A job's
// edges are named "namespace/name" and a namespace may hold a slash, so
// every split is tried.
func (db *DB) claimJobEdges(ctx context.Context, orgID string, g *catalog.ImpactGraph, facts *impactFacts) error {
	jobs := map[string]bool{}
	for _, e := range g.Edges {
		if e.Source.Kind == catalog.LineageSourceJob {
			jobs[e.Source.Name] = true
		}
	}
	if len(jobs) == 0 {
		return nil
	}
	type split struct{ job, namespace, name string }
	byKey := map[string][]split{}
	var names []string
	for job := range jobs {
		for i := 0; i < len(job); i++ {
			if job[i] != '/' {
				continue
			}
			sp := split{job, job[:i], job[i+1:]}
			for _, ns := range []string{sp.namespace, ""} {
				k := catalog.OpenLineageJobKey(ns, sp.name)
				byKey[k] = append(byKey[k], sp)
			}
			names = append(names, sp.name)
		}
	}
	claimed := map[string]string{} // job → pipeline: a namespaced claim first, then by pipeline name
	exact := map[string]bool{}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	for start := 0; start < len(keys); start += chunkRows {
		a := args{orgID}
		in := list(&a, keys[start:min(start+chunkRows, len(keys))])
		rows, err := db.query(ctx, `SELECT job_key, pipeline_name FROM pipeline_openlineage_jobs WHERE organization_id = $1 AND job_key IN (`+in+`)`, a...)
		if err != nil {
			return fmt.Errorf("pipelines of jobs: %w", err)
		}
		for rows.Next() {
			var key, pipeline string
			if err := rows.Scan(&key, &pipeline); err != nil {
				rows.Close()
				return err
			}
			for _, sp := range byKey[key] {
				isExact := key == catalog.OpenLineageJobKey(sp.namespace, sp.name)
				have, ok := claimed[sp.job]
				if !ok || (isExact && !exact[sp.job]) || (isExact == exact[sp.job] && pipeline < have) {
					claimed[sp.job], exact[sp.job] = pipeline, isExact
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	names = distinct(names)
	for start := 0; start < len(names); start += chunkRows {
		a := args{orgID}
		in := list(&a, names[start:min(start+chunkRows, len(names))])
		rows, err := db.query(ctx, `SELECT name FROM pipelines p WHERE organization_id = $1 AND name IN (`+in+`) AND NOT EXISTS (
			SELECT 1 FROM pipeline_openlineage_jobs j WHERE j.organization_id = p.organization_id AND j.pipeline_name = p.name)`, a...)
		if err != nil {
			return fmt.Errorf("pipelines called as jobs: %w", err)
		}
		called, err := scanAll(rows, scanString)
		if err != nil {
			return err
		}
		for _, name := range called {
			for job := range jobs {
				if _, ok := claimed[job]; !ok && strings.HasSuffix(job, "/"+name) {
					claimed[job] = name
				}
			}
		}
	}
	var missing []string
	for i, e := range g.Edges {
		if p, ok := claimed[e.Source.Name]; ok && e.Source.Kind == catalog.LineageSourceJob {
			g.Edges[i].Source = catalog.ImpactSource{Kind: catalog.SourcePipeline, Name: p}
			if _, read := g.Pipelines[p]; !read {
				missing = append(missing, p)
			}
		}
	}
	if missing = distinct(missing); len(missing) == 0 {
		return nil
	}
	a := args{orgID}
	in := list(&a, missing)
	q := `WITH sources AS (SELECT name FROM pipelines WHERE organization_id = $1 AND name IN (` + in + `)), ` +
		strings.ReplaceAll(pipelineFactsCTEs+"\n\t"+pipelineFactsRows, "$2", "$1")
	return db.readImpactRows(ctx, g, facts, q, a...)
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
