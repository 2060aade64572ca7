package sqlstore

import (
	"context"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// SetSecretKeyForTest gives db the key Options.SecretKey would, so tests
// that run on sqlstoretest.Each stores can store connection secrets.
func SetSecretKeyForTest(db *DB, key []byte) { db.secretKey = key }

// LoadLineageForTest writes a generated graph in one transaction: the
// pipeline "generated" declares every dataset, through the same code as a
// registration, and the edges go in as their pipelines' (without each
// pipeline declaring its edges' ends, which walks do not read), many rows
// per statement.
func LoadLineageForTest(ctx context.Context, db *DB, datasets []catalog.Dataset, edges []catalog.LineageEdge) error {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.replaceLineage(ctx, orgID, lineageSource{sourcePipeline, "generated"}, datasets, nil); err != nil {
		return err
	}
	rows := make([][]any, len(edges))
	for i, e := range edges {
		rows[i] = []any{orgID, e.From, e.To, sourcePipeline, e.Pipeline, ts(tx.now)}
	}
	if err := tx.insertRows(ctx, `INSERT INTO lineage_edges (organization_id, from_id, to_id, source_kind, source_name, created_at) VALUES %s`, rows); err != nil {
		return err
	}
	return tx.commit()
}

// ReplaceLineageInTxForTest begins a transaction that makes edges (and
// their ends) the lineage of pipeline, and returns it open: the caller
// commits it, so tests can interleave it with other transactions.
func ReplaceLineageInTxForTest(ctx context.Context, db *DB, pipeline string, edges []catalog.LineageEdge) (commit func() error, err error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	var ends []catalog.Dataset
	seen := map[string]bool{}
	for _, e := range edges {
		for _, id := range []string{e.From, e.To} {
			if !seen[id] {
				seen[id] = true
				ends = append(ends, catalog.Dataset{ID: id})
			}
		}
	}
	if err := tx.replaceLineage(ctx, orgID, lineageSource{sourcePipeline, pipeline}, ends, edges); err != nil {
		tx.Rollback()
		return nil, err
	}
	return tx.commit, nil
}
