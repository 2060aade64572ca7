package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/dataxpipe/catalog/internal/catalog"
)

const datasetColumns = `id, namespace, object, connection_ref`

func scanDataset(row scanner) (*catalog.Dataset, error) {
	d := &catalog.Dataset{}
	return d, row.Scan(&d.ID, &d.Namespace, &d.Object, &d.ConnectionRef)
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
	q, args := `SELECT `+datasetColumns+` FROM datasets WHERE organization_id = ?`, []any{orgID}
	if f.Query != "" {
		like := "%" + escapeLike(strings.ToLower(f.Query)) + "%"
		q, args = q+` AND (LOWER(id) LIKE ? ESCAPE '\' OR LOWER(object) LIKE ? ESCAPE '\')`, append(args, like, like)
	}
	if after != nil {
		q, args = q+` AND id > ?`, append(args, after[0])
	}
	rows, err := db.query(ctx, q+` ORDER BY id LIMIT ?`, append(args, limit+1)...)
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
	d, err := scanDataset(db.queryRow(ctx, `SELECT `+datasetColumns+` FROM datasets WHERE organization_id = ? AND id = ?`, orgID, id))
	if err != nil {
		return nil, notFound(err, "No dataset %q in this organization's lineage graph.", id)
	}
	neighbours := func(near, far string) string {
		return `SELECT n.id, n.namespace, n.object, n.connection_ref, e.source_kind, e.source_name
			FROM lineage_edges e JOIN datasets n ON n.organization_id = e.organization_id AND n.id = e.` + far + `
			WHERE e.organization_id = ? AND e.` + near + ` = ? ORDER BY n.id, e.source_kind, e.source_name`
	}
	detail := &catalog.DatasetDetail{Dataset: *d, Producers: []string{}}
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
	rows, err := db.query(ctx, q, orgID, id)
	if err != nil {
		return nil, fmt.Errorf("read neighbours: %w", err)
	}
	defer rows.Close()
	out := []catalog.Neighbour{}
	for rows.Next() {
		var n catalog.Neighbour
		var kind, source string
		if err := rows.Scan(&n.ID, &n.Namespace, &n.Object, &n.ConnectionRef, &kind, &source); err != nil {
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
