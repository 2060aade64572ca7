package sqlstore

import (
	"context"
	"fmt"
)

// refreshDatasets recomputes the object and connection_ref of the datasets
// ids from their declarations (the latest declaration that names a field
// wins) and removes the datasets no declaration keeps. It reads the
// declarations by index and writes only the rows that change: a plan built
// without table statistics (a fresh table, a big first load) cannot turn it
// into a scan per row, as a correlated UPDATE could.
func (tx *Tx) refreshDatasets(ctx context.Context, orgID string, ids []string) error {
	for start := 0; start < len(ids); start += chunkRows {
		chunk := ids[start:min(start+chunkRows, len(ids))]
		args := []any{orgID}
		for _, id := range chunk {
			args = append(args, id)
		}
		in := placeholders(len(chunk))
		want, err := tx.fieldRows(ctx, `SELECT dataset_id, object, connection_ref FROM dataset_declarations
			WHERE organization_id = ? AND dataset_id IN (`+in+`) ORDER BY dataset_id, declared_at DESC, source_kind, source_name`, args)
		if err != nil {
			return fmt.Errorf("read declarations: %w", err)
		}
		have, err := tx.fieldRows(ctx, `SELECT id, object, connection_ref FROM datasets WHERE organization_id = ? AND id IN (`+in+`)`, args)
		if err != nil {
			return fmt.Errorf("read datasets: %w", err)
		}
		var orphans []any
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
			if _, err := tx.exec(ctx, `UPDATE datasets SET object = ?, connection_ref = ?, updated_at = ? WHERE organization_id = ? AND id = ?`,
				next[0], next[1], ts(tx.now), orgID, id); err != nil {
				return fmt.Errorf("refresh dataset: %w", err)
			}
		}
		if len(orphans) > 0 {
			if _, err := tx.exec(ctx, `DELETE FROM datasets WHERE organization_id = ? AND id IN (`+placeholders(len(orphans))+`)`,
				append([]any{orgID}, orphans...)...); err != nil {
				return fmt.Errorf("remove undeclared datasets: %w", err)
			}
		}
	}
	return nil
}

// fieldRows reads (id, object, connection_ref) rows grouped by id, in the
// order the query returns them.
func (tx *Tx) fieldRows(ctx context.Context, q string, args []any) (map[string][][2]string, error) {
	rows, err := tx.query(ctx, q, args...)
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
