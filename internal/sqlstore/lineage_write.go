package sqlstore

import (
	"context"
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// replaceLineage makes datasets and edges the whole contribution of src to
// the organization's graph. A dataset node exists while some source
// declares it; its object and connection_ref are those of its latest
// declaration that names them, so the node does not depend on which
// pipeline happened to be registered or deleted last.
func (tx *Tx) replaceLineage(ctx context.Context, orgID string, src lineageSource, datasets []catalog.Dataset, edges []catalog.LineageEdge) error {
	if err := tx.lockLineage(ctx, orgID); err != nil {
		return err
	}
	old, err := tx.declaredBy(ctx, orgID, src)
	if err != nil {
		return err
	}
	for _, table := range []string{"lineage_edges", "dataset_declarations"} {
		if _, err := tx.exec(ctx, `DELETE FROM `+table+` WHERE organization_id = ? AND source_kind = ? AND source_name = ?`,
			orgID, src.kind, src.name); err != nil {
			return fmt.Errorf("clear %s of %s %s: %w", table, src.kind, src.name, err)
		}
	}
	now := ts(tx.now)
	nodes, decls, links := make([][]any, len(datasets)), make([][]any, len(datasets)), make([][]any, len(edges))
	affected := append([]string(nil), old...)
	for i, d := range datasets {
		nodes[i] = []any{orgID, d.ID, d.Object, d.ConnectionRef, now, now}
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
		// refresh below rewrites only nodes that existed already.
		{`INSERT INTO datasets (organization_id, id, object, connection_ref, created_at, updated_at) VALUES %s
			ON CONFLICT (organization_id, id) DO NOTHING`, nodes},
		{`INSERT INTO dataset_declarations (organization_id, source_kind, source_name, dataset_id, object, connection_ref, declared_at) VALUES %s`, decls},
		{`INSERT INTO lineage_edges (organization_id, from_id, to_id, source_kind, source_name, created_at) VALUES %s`, links},
	}
	for _, ins := range inserts {
		if err := tx.insertRows(ctx, ins.head, ins.rows); err != nil {
			return err
		}
	}
	return tx.refreshDatasets(ctx, orgID, distinct(affected))
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
	h := fnv.New32a()
	h.Write([]byte(orgID))
	if _, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock(?, ?)`, lineageLockClass, int32(h.Sum32())); err != nil {
		return fmt.Errorf("lock lineage: %w", err)
	}
	return nil
}

// lineageLockClass is the first key of lineage advisory locks, apart from
// the migration lock (7316001).
const lineageLockClass int32 = 7316002

// declaredBy lists the datasets src declares now.
func (tx *Tx) declaredBy(ctx context.Context, orgID string, src lineageSource) ([]string, error) {
	rows, err := tx.query(ctx, `SELECT dataset_id FROM dataset_declarations WHERE organization_id = ? AND source_kind = ? AND source_name = ?`,
		orgID, src.kind, src.name)
	if err != nil {
		return nil, fmt.Errorf("read declarations: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// chunkRows bounds the rows of one multi-row statement, well under the
// bind-parameter limits of both engines (32766 on SQLite, 65535 on pgx).
const chunkRows = 500

// insertRows runs head (an INSERT with one %s for its VALUES) over rows,
// many rows per statement: a large graph loads in a few round trips.
func (tx *Tx) insertRows(ctx context.Context, head string, rows [][]any) error {
	for start := 0; start < len(rows); start += chunkRows {
		chunk := rows[start:min(start+chunkRows, len(rows))]
		tuple := "(" + placeholders(len(chunk[0])) + ")"
		values := strings.TrimSuffix(strings.Repeat(tuple+", ", len(chunk)), ", ")
		var args []any
		for _, r := range chunk {
			args = append(args, r...)
		}
		if _, err := tx.exec(ctx, fmt.Sprintf(head, values), args...); err != nil {
			return fmt.Errorf("insert: %w", err)
		}
	}
	return nil
}
