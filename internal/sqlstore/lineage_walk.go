package sqlstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// walk is one direction of a lineage walk: it stands on edge column near
// and goes to column far.
type walk struct{ name, near, far string }

var (
	walkUp   = walk{"up", "to_id", "from_id"}
	walkDown = walk{"down", "from_id", "to_id"}
)

// cte is the walk as WITH RECURSIVE terms, the same SQL on both engines.
// Its rows are (dataset, depth) pairs joined with UNION, which both engines
// keep once ever: a dataset reached again at a depth it already has is not
// expanded again, and a cycle cannot loop, since each lap is deeper and the
// walk stops at the depth bound. A dataset reached again at a greater
// depth (round a cycle, along a longer path) is expanded once more: neither
// engine lets a recursive term see earlier rows, and carrying each path's
// visited list instead would multiply rows through every diamond. So the
// work is bounded by edges × depth, and <name> keeps each dataset's
// smallest depth. Both engines materialise <name> once; the outer query
// reads it thrice.
// CROSS JOIN makes SQLite loop over the walk's rows and look each one's
// edges up by index; without statistics it would rather scan all of the
// organization's edges per row. Postgres reads it as a plain inner join.
func (w walk) cte() string {
	return w.name + `_walk (id, depth) AS (
		SELECT CAST(? AS TEXT), 0
		UNION
		SELECT e.` + w.far + `, s.depth + 1 FROM ` + w.name + `_walk s CROSS JOIN lineage_edges e
		WHERE e.organization_id = ? AND e.` + w.near + ` = s.id AND s.depth < ?
	), ` + w.name + ` AS MATERIALIZED (SELECT id, MIN(depth) AS depth FROM ` + w.name + `_walk GROUP BY id)`
}

// rows selects the walk's nodes with their fields, the edges it followed
// (those leaving a node closer than the bound), and one "cut" row when a
// node at the bound has edges it did not follow.
func (w walk) rows() string {
	return `SELECT 'node', r.id, ds.namespace, ds.object, ds.connection_ref, r.depth
		FROM ` + w.name + ` r CROSS JOIN datasets ds WHERE ds.organization_id = ? AND ds.id = r.id
	UNION ALL
	SELECT 'edge', e.from_id, e.to_id, e.source_kind, e.source_name, 0
		FROM ` + w.name + ` r CROSS JOIN lineage_edges e WHERE e.organization_id = ? AND e.` + w.near + ` = r.id AND r.depth < ?
	UNION ALL
	SELECT 'cut', '', '', '', '', 1 WHERE EXISTS (SELECT 1
		FROM ` + w.name + ` r CROSS JOIN lineage_edges e WHERE e.organization_id = ? AND e.` + w.near + ` = r.id AND r.depth = ?)`
}

// Lineage walks the organization's graph from q.Root in the database, in
// one statement, so the answer is one consistent snapshot.
func (db *DB) Lineage(ctx context.Context, q catalog.LineageQuery) (*catalog.LineageGraph, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, err
	}
	if errs := q.Validate(); len(errs) > 0 {
		return nil, catalog.Invalid(errs)
	}
	walks := map[catalog.Direction][]walk{catalog.Upstream: {walkUp}, catalog.Downstream: {walkDown}, catalog.Both: {walkUp, walkDown}}[q.Direction]
	var ctes, selects []string
	var cteArgs, selArgs []any
	for _, w := range walks {
		ctes, cteArgs = append(ctes, w.cte()), append(cteArgs, q.Root, orgID, q.Depth)
		selects, selArgs = append(selects, w.rows()), append(selArgs, orgID, orgID, q.Depth, orgID, q.Depth)
	}
	rows, err := db.query(ctx, `WITH RECURSIVE `+strings.Join(ctes, ", ")+" "+strings.Join(selects, " UNION ALL "), append(cteArgs, selArgs...)...)
	if err != nil {
		return nil, fmt.Errorf("walk lineage: %w", err)
	}
	defer rows.Close()
	g := &catalog.LineageGraph{LineageQuery: q}
	nodes := map[string]int{} // index in g.Nodes
	edges := map[catalog.LineageEdge]bool{}
	for rows.Next() {
		var kind, a, b, c, d string
		var n int
		if err := rows.Scan(&kind, &a, &b, &c, &d, &n); err != nil {
			return nil, err
		}
		switch kind {
		case "node":
			// Reached both ways: the smaller depth wins.
			if i, ok := nodes[a]; !ok {
				nodes[a] = len(g.Nodes)
				g.Nodes = append(g.Nodes, catalog.LineageNode{Dataset: catalog.Dataset{ID: a, Namespace: b, Object: c, ConnectionRef: d}, Depth: n})
			} else {
				g.Nodes[i].Depth = min(g.Nodes[i].Depth, n)
			}
		case "edge":
			edges[catalog.LineageEdge{From: a, To: b, Pipeline: edgePipeline(c, d), Job: edgeJob(c, d)}] = true
		case "cut":
			g.Truncated = true
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(g.Nodes) == 0 { // the root row joins no dataset
		return nil, catalog.Errorf(catalog.ENOTFOUND, "No dataset %q in this organization's lineage graph.", q.Root)
	}
	for e := range edges {
		g.Edges = append(g.Edges, e)
	}
	sortGraph(g)
	return g, nil
}

// edgePipeline is the pipeline an edge belongs to ("" for other sources).
func edgePipeline(kind, name string) string {
	if kind == sourcePipeline {
		return name
	}
	return ""
}

// edgeJob is the OpenLineage job an edge was reported by ("" for others).
func edgeJob(kind, name string) string {
	if kind == "job" {
		return name
	}
	return ""
}

// sortGraph orders nodes by depth then id, and edges by from, to, pipeline,
// so both engines give byte-identical answers.
func sortGraph(g *catalog.LineageGraph) {
	slices.SortFunc(g.Nodes, func(a, b catalog.LineageNode) int {
		return cmp.Or(cmp.Compare(a.Depth, b.Depth), cmp.Compare(a.ID, b.ID))
	})
	slices.SortFunc(g.Edges, func(a, b catalog.LineageEdge) int {
		return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To), cmp.Compare(a.Pipeline, b.Pipeline), cmp.Compare(a.Job, b.Job))
	})
}
