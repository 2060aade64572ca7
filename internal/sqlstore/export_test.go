package sqlstore

import (
	"context"
	"fmt"
	"time"

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
	if err := tx.replaceLineage(ctx, orgID, pipelineSource("generated"), datasets, nil); err != nil {
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
	if err := tx.replaceLineage(ctx, orgID, pipelineSource(pipeline), ends, edges); err != nil {
		tx.Rollback()
		return nil, err
	}
	return tx.commit, nil
}

// WaitForLineageWaiterForTest returns once another transaction waits for
// the lineage lock of ctx's organization. On Postgres it polls pg_locks for
// the ungranted advisory lock (an int4 pair shows as classid, objid with
// the second key as unsigned). SQLite serialises writers at BEGIN, where no
// waiter can be seen and the order of the two cannot matter: it returns at
// once there.
func WaitForLineageWaiterForTest(ctx context.Context, db *DB) error {
	if db.engine != Postgres {
		return nil
	}
	orgID, err := requireOrg(ctx)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		var waiting int
		err := db.queryRow(ctx, `SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted
			AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
			AND classid::bigint = $1 AND objid::bigint = $2`, lineageLockClass, int64(uint32(lineageLockKey(orgID)))).Scan(&waiting)
		switch {
		case err != nil:
			return err
		case waiting > 0:
			return nil
		case time.Now().After(deadline):
			return fmt.Errorf("no transaction waited for the lineage lock of %s within 10s", orgID)
		}
		time.Sleep(5 * time.Millisecond) // the poll's interval, not a guess at the wait
	}
}

// SetEventRunInsertHookForTest makes fn run where an event, having found
// no run, is about to create it; the returned func removes it.
func SetEventRunInsertHookForTest(fn func()) (restore func()) {
	testHookBeforeEventRunInsert = fn
	return func() { testHookBeforeEventRunInsert = nil }
}

// RerunMigrationForTest runs migration version's SQL again in one
// transaction acting in ctx's organization (on Postgres row-level security
// then shows it that organization's rows), so a test can build the state a
// migration meets on an old database and watch what it does to it.
func RerunMigrationForTest(ctx context.Context, db *DB, version int) error {
	all, err := db.migrations()
	if err != nil {
		return err
	}
	for _, m := range all {
		if m.version != version {
			continue
		}
		tx, err := db.begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return err
		}
		return tx.commit()
	}
	return fmt.Errorf("no migration %d", version)
}

// ExecForTest runs one statement acting in ctx's organization.
func ExecForTest(ctx context.Context, db *DB, q string, args ...any) error {
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.exec(ctx, q, args...); err != nil {
		return err
	}
	return tx.commit()
}
