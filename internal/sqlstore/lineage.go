package sqlstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// The organization's lineage graph: dataset nodes and edges, each declared
// by a source. Sources write it (replaceLineage: pipelines at registration
// and deletion, OpenLineage jobs and datasets at ingestion); walks and the
// dataset reads below read it.

// lineageSource is who declares datasets and edges: a registered pipeline
// (kind "pipeline"), an OpenLineage job or dataset (catalog.LineageSource*).
// Each source's part of the graph is replaced as a whole.
type lineageSource struct{ kind, name string }

// sourcePipeline is the kind of lineage declared by pipeline specs.
const sourcePipeline = "pipeline"

func pipelineSource(name string) lineageSource { return lineageSource{sourcePipeline, name} }

// replaceLineage makes datasets and edges the whole contribution of src to
// the organization's graph. A dataset node exists while some source
// declares it; its object and connection_ref are those of its latest
// declaration that names them, so the node does not depend on which
// pipeline happened to be registered or deleted last.
func (tx *Tx) replaceLineage(ctx context.Context, orgID string, src lineageSource, datasets []catalog.Dataset, edges []catalog.LineageEdge) error {
	if err := tx.lockLineage(ctx, orgID); err != nil {
		return err
	}
	rows, err := tx.query(ctx, `SELECT dataset_id FROM dataset_declarations WHERE organization_id = $1 AND source_kind = $2 AND source_name = $3`,
		orgID, src.kind, src.name)
	if err != nil {
		return fmt.Errorf("read declarations: %w", err)
	}
	old, err := scanAll(rows, scanString)
	if err != nil {
		return fmt.Errorf("read declarations: %w", err)
	}
	for _, table := range []string{"lineage_edges", "dataset_declarations"} {
		if _, err := tx.exec(ctx, `DELETE FROM `+table+` WHERE organization_id = $1 AND source_kind = $2 AND source_name = $3`,
			orgID, src.kind, src.name); err != nil {
			return fmt.Errorf("clear %s of %s %s: %w", table, src.kind, src.name, err)
		}
	}
	now := ts(tx.now)
	nodes, decls, links := make([][]any, len(datasets)), make([][]any, len(datasets)), make([][]any, len(edges))
	affected := append([]string(nil), old...)
	for i, d := range datasets {
		nodes[i] = []any{orgID, d.ID, d.Namespace, d.Name, d.Object, d.ConnectionRef, now, now}
		decls[i] = []any{orgID, src.kind, src.name, d.ID, d.Object, d.ConnectionRef, now}
		affected = append(affected, d.ID)
	}
	for i, e := range edges {
		links[i] = []any{orgID, e.From, e.To, src.kind, src.name, now}
	}
	inserts := []struct {
		head string
		rows [][]any
	}{
		// A new node starts with its first declaration's fields, so the
		// refresh below rewrites only nodes that existed already. An
		// observed node's namespace and name are its id's, never changed.
		{`INSERT INTO datasets (organization_id, id, namespace, name, object, connection_ref, created_at, updated_at) VALUES %s
			ON CONFLICT (organization_id, id) DO NOTHING`, nodes},
		{`INSERT INTO dataset_declarations (organization_id, source_kind, source_name, dataset_id, object, connection_ref, declared_at) VALUES %s`, decls},
		{`INSERT INTO lineage_edges (organization_id, from_id, to_id, source_kind, source_name, created_at) VALUES %s`, links},
	}
	for _, ins := range inserts {
		if err := tx.insertRows(ctx, ins.head, ins.rows); err != nil {
			return err
		}
	}
	if err := tx.refreshDatasets(ctx, orgID, distinct(affected)); err != nil {
		return err
	}
	if src.kind == sourcePipeline {
		return tx.joinSpecDatasets(ctx, orgID, datasets) // dataset_join.go
	}
	return nil
}

// lockLineage serialises changes to one organization's graph on Postgres
// until the transaction ends. Two sources may declare the same dataset:
// without the lock, deleting one pipeline could remove a node that another
// transaction is declaring at that moment (each sees only committed
// declarations). The lock is taken before anything is read, so every read
// after it sees the previous holder's committed work. SQLite's immediate
// transactions are serialised already.
func (tx *Tx) lockLineage(ctx context.Context, orgID string) error {
	if tx.db.engine != Postgres {
		return nil
	}
	if tx.lineageShared {
		// Upgrading in place would deadlock with every other holder doing
		// the same: the transaction starts over holding it exclusively.
		return errLineageExclusive
	}
	if _, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock($1, $2)`, lineageLockClass, lineageLockKey(orgID)); err != nil {
		return fmt.Errorf("lock lineage: %w", err)
	}
	return nil
}

// errLineageExclusive says a transaction holding the lineage lock shared
// came to a step that needs it exclusively.
var errLineageExclusive = errors.New("the lineage lock is needed exclusively")

// lineageLockClass is the first key of lineage advisory locks, apart from
// the migration lock (7316001).
const lineageLockClass int32 = 7316002

// lineageLockKey is the second key: the organization, hashed.
func lineageLockKey(orgID string) int32 {
	h := fnv.New32a()
	h.Write([]byte(orgID))
	return int32(h.Sum32())
}

// chunkRows bounds the ids of one IN list, well under the bind-parameter
// limits of both engines (32766 on SQLite, 65535 on pgx).
const chunkRows = 500

// insertParams bounds the arguments of one multi-row INSERT. Postgres takes
// thousands in one round trip. SQLite looks each $n up among the names the
// statement used before it, so parsing grows with the square of their
// number; its statements run in-process, where more and smaller ones cost
// little.
func (db *DB) insertParams() int {
	if db.engine == SQLite {
		return 300
	}
	return 3000
}

// insertRows runs head (an INSERT with one %s for its VALUES) over rows,
// many rows per statement: a large graph loads in a few round trips.
func (tx *Tx) insertRows(ctx context.Context, head string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	per := max(1, tx.db.insertParams()/len(rows[0]))
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		var a args
		tuples := make([]string, len(chunk))
		for i, r := range chunk {
			tuples[i] = "(" + list(&a, r) + ")"
		}
		if _, err := tx.exec(ctx, fmt.Sprintf(head, strings.Join(tuples, ", ")), a...); err != nil {
			return fmt.Errorf("insert: %w", err)
		}
	}
	return nil
}

// refreshDatasets recomputes the object and connection_ref of the datasets
// ids from their declarations (the latest declaration that names a field
// wins) and removes the datasets no declaration keeps. It reads the
// declarations by index and writes only the rows that change: a plan built
// without table statistics (a fresh table, a big first load) cannot turn it
// into a scan per row, as a correlated UPDATE could.
func (tx *Tx) refreshDatasets(ctx context.Context, orgID string, ids []string) error {
	for start := 0; start < len(ids); start += chunkRows {
		chunk := ids[start:min(start+chunkRows, len(ids))]
		a := args{orgID}
		in := list(&a, chunk)
		want, err := tx.fieldRows(ctx, `SELECT dataset_id, object, connection_ref FROM dataset_declarations
			WHERE organization_id = $1 AND dataset_id IN (`+in+`) ORDER BY dataset_id, declared_at DESC, source_kind, source_name`, a)
		if err != nil {
			return fmt.Errorf("read declarations: %w", err)
		}
		have, err := tx.fieldRows(ctx, `SELECT id, object, connection_ref FROM datasets WHERE organization_id = $1 AND id IN (`+in+`)`, a)
		if err != nil {
			return fmt.Errorf("read datasets: %w", err)
		}
		var orphans []string
		for _, id := range chunk {
			decls, now := want[id], have[id]
			if len(decls) == 0 {
				orphans = append(orphans, id)
				continue
			}
			next := [2]string{}
			for _, d := range decls { // newest first: the first non-empty value wins
				for i := range next {
					if next[i] == "" {
						next[i] = d[i]
					}
				}
			}
			if len(now) == 1 && now[0] == next {
				continue
			}
			if _, err := tx.exec(ctx, `UPDATE datasets SET object = $1, connection_ref = $2, updated_at = $3 WHERE organization_id = $4 AND id = $5`,
				next[0], next[1], ts(tx.now), orgID, id); err != nil {
				return fmt.Errorf("refresh dataset: %w", err)
			}
		}
		if len(orphans) > 0 {
			b := args{orgID}
			if _, err := tx.exec(ctx, `DELETE FROM datasets WHERE organization_id = $1 AND id IN (`+list(&b, orphans)+`)`, b...); err != nil {
				return fmt.Errorf("remove undeclared datasets: %w", err)
			}
		}
	}
	return nil
}

// fieldRows reads (id, object, connection_ref) rows grouped by id, in the
// order the query returns them.
func (tx *Tx) fieldRows(ctx context.Context, q string, a args) (map[string][][2]string, error) {
	rows, err := tx.query(ctx, q, a...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][][2]string{}
	for rows.Next() {
		var id string
		var f [2]string
		if err := rows.Scan(&id, &f[0], &f[1]); err != nil {
			return nil, err
		}
		out[id] = append(out[id], f)
	}
	return out, rows.Err()
}

// walk is one direction of a lineage walk: it stands on edge column near
// and goes to column far.
type walk struct{ name, near, far string }

var (
	walkUp   = walk{"up", "to_id", "from_id"}
	walkDown = walk{"down", "from_id", "to_id"}
)

// The walk's arguments, shared by both directions: $1 the root, $2 the
// organization, $3 the depth bound, $4 the least is_current an edge needs
// (true hides historic edges; false follows every edge).

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
		SELECT CAST($1 AS TEXT), 0
		UNION
		SELECT e.` + w.far + `, s.depth + 1 FROM ` + w.name + `_walk s CROSS JOIN lineage_edges e
		WHERE e.organization_id = $2 AND e.` + w.near + ` = s.id AND s.depth < $3 AND e.is_current >= $4
	), ` + w.name + ` AS MATERIALIZED (SELECT id, MIN(depth) AS depth FROM ` + w.name + `_walk GROUP BY id)`
}

// rows selects the walk's nodes with their fields, the edges it followed
// (those leaving a node closer than the bound), and one "cut" row when a
// node at the bound has edges it did not follow.
func (w walk) rows() string {
	return `SELECT 'node', r.id, ds.namespace, ds.name, ds.object, ds.connection_ref, r.depth, NULL, NULL, CASE WHEN ds.dropped THEN 1 ELSE 0 END
		FROM ` + w.name + ` r CROSS JOIN datasets ds WHERE ds.organization_id = $2 AND ds.id = r.id
	UNION ALL
	SELECT 'edge', e.from_id, e.to_id, e.source_kind, e.source_name, '', CASE WHEN e.is_current THEN 1 ELSE 0 END, e.first_seen_at, e.last_seen_at, 0
		FROM ` + w.name + ` r CROSS JOIN lineage_edges e WHERE e.organization_id = $2 AND e.` + w.near + ` = r.id AND r.depth < $3 AND e.is_current >= $4
	UNION ALL
	SELECT 'cut', '', '', '', '', '', 1, NULL, NULL, 0 WHERE EXISTS (SELECT 1
		FROM ` + w.name + ` r CROSS JOIN lineage_edges e WHERE e.organization_id = $2 AND e.` + w.near + ` = r.id AND r.depth = $3 AND e.is_current >= $4)`
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
	for _, w := range walks {
		ctes, selects = append(ctes, w.cte()), append(selects, w.rows())
	}
	rows, err := db.query(ctx, `WITH RECURSIVE `+strings.Join(ctes, ", ")+" "+strings.Join(selects, " UNION ALL "), q.Root, orgID, q.Depth, !q.History)
	if err != nil {
		return nil, fmt.Errorf("walk lineage: %w", err)
	}
	defer rows.Close()
	g := &catalog.LineageGraph{LineageQuery: q}
	nodes := map[string]int{} // index in g.Nodes
	edges := map[[4]string]catalog.LineageEdge{}
	for rows.Next() {
		var kind, a, b, c, d, e string
		var n, dropped int
		var first, last *time.Time
		if err := rows.Scan(&kind, &a, &b, &c, &d, &e, &n, nullTimeCol{&first}, nullTimeCol{&last}, &dropped); err != nil {
			return nil, err
		}
		switch kind {
		case "node":
			// Reached both ways: the smaller depth wins.
			if i, ok := nodes[a]; !ok {
				nodes[a] = len(g.Nodes)
				g.Nodes = append(g.Nodes, catalog.LineageNode{Dataset: catalog.Dataset{ID: a, Namespace: b, Name: c, Object: d, ConnectionRef: e, Dropped: dropped == 1}, Depth: n})
			} else {
				g.Nodes[i].Depth = min(g.Nodes[i].Depth, n)
			}
		case "edge":
			edges[[4]string{a, b, c, d}] = catalog.LineageEdge{From: a, To: b, Pipeline: edgePipeline(c, d), Job: edgeJob(c, d),
				Historic: n == 0, FirstSeen: first, LastSeen: last}
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
	for _, e := range edges {
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
	if kind == catalog.LineageSourceJob {
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

const datasetColumns = `id, namespace, name, object, connection_ref, dropped`

func scanDataset(row scanner) (*catalog.Dataset, error) {
	d := &catalog.Dataset{}
	return d, row.Scan(&d.ID, &d.Namespace, &d.Name, &d.Object, &d.ConnectionRef, &d.Dropped)
}

// ListDatasets lists the organization's datasets by id.
func (db *DB) ListDatasets(ctx context.Context, f catalog.DatasetFilter) ([]*catalog.Dataset, string, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, "", err
	}
	after, err := decodeCursor(f.Cursor, 1)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(f.Page)
	a := args{orgID}
	q := `SELECT ` + datasetColumns + ` FROM datasets WHERE organization_id = $1`
	if f.Query != "" {
		like := a.add("%" + escapeLike(strings.ToLower(f.Query)) + "%")
		q += ` AND (LOWER(id) LIKE ` + like + ` ESCAPE '\' OR LOWER(object) LIKE ` + like + ` ESCAPE '\' OR LOWER(name) LIKE ` + like + ` ESCAPE '\')`
	}
	if f.Namespace != "" {
		q += ` AND namespace = ` + a.add(f.Namespace)
	}
	if f.Name != "" {
		q += ` AND ` + byName(&a, f.Name)
	}
	if after != nil {
		q += ` AND id > ` + a.add(after[0])
	}
	rows, err := db.query(ctx, q+` ORDER BY id LIMIT `+a.add(limit+1), a...)
	if err != nil {
		return nil, "", fmt.Errorf("list datasets: %w", err)
	}
	return collectPage(rows, limit, scanDataset, func(last *catalog.Dataset) string { return encodeCursor(last.ID) })
}

// FindDataset returns a dataset with the pipelines that produce it and its
// direct neighbours, each with the pipelines declaring the edge.
func (db *DB) FindDataset(ctx context.Context, id string) (*catalog.DatasetDetail, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, err
	}
	d, err := scanDataset(db.queryRow(ctx, `SELECT `+datasetColumns+` FROM datasets WHERE organization_id = $1 AND id = $2`, orgID, id))
	if err != nil {
		return nil, notFound(err, "No dataset %q in this organization's lineage graph.", id)
	}
	neighbours := func(near, far string) string {
		return `SELECT n.id, n.namespace, n.name, n.object, n.connection_ref, e.source_kind, e.source_name
			FROM lineage_edges e JOIN datasets n ON n.organization_id = e.organization_id AND n.id = e.` + far + `
			WHERE e.organization_id = $1 AND e.` + near + ` = $2 AND e.is_current = $3 ORDER BY n.id, e.source_kind, e.source_name`
	}
	detail := &catalog.DatasetDetail{Dataset: *d, Producers: []string{}}
	var facets string
	if err := db.queryRow(ctx, `SELECT facets FROM datasets WHERE organization_id = $1 AND id = $2`, orgID, id).Scan(&facets); err != nil {
		return nil, fmt.Errorf("read facets: %w", err)
	}
	detail.Facets = catalog.DatasetFacets([]byte(facets))
	if detail.Upstream, err = db.neighbours(ctx, neighbours("to_id", "from_id"), orgID, id); err != nil {
		return nil, err
	}
	if detail.Downstream, err = db.neighbours(ctx, neighbours("from_id", "to_id"), orgID, id); err != nil {
		return nil, err
	}
	for _, n := range detail.Upstream {
		detail.Producers = append(detail.Producers, n.Pipelines...)
	}
	slices.Sort(detail.Producers)
	detail.Producers = slices.Compact(detail.Producers)
	return detail, nil
}

// neighbours reads rows ordered by neighbour id into one entry per
// neighbour with the pipelines of its edges.
func (db *DB) neighbours(ctx context.Context, q, orgID, id string) ([]catalog.Neighbour, error) {
	rows, err := db.query(ctx, q, orgID, id, true)
	if err != nil {
		return nil, fmt.Errorf("read neighbours: %w", err)
	}
	defer rows.Close()
	out := []catalog.Neighbour{}
	for rows.Next() {
		var n catalog.Neighbour
		var kind, source string
		if err := rows.Scan(&n.ID, &n.Namespace, &n.Name, &n.Object, &n.ConnectionRef, &kind, &source); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].ID != n.ID {
			n.Pipelines = []string{}
			out = append(out, n)
		}
		if p := edgePipeline(kind, source); p != "" {
			last := &out[len(out)-1]
			last.Pipelines = append(last.Pipelines, p)
		}
	}
	return out, rows.Err()
}
