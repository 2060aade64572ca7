package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/jackc/pgx/v5"
)

// Tx is a transaction with its time fixed at the start.
type Tx struct {
	*sql.Tx
	db  *DB
	now time.Time
	// release gives back the SQLite write turn (see DB.writer) once.
	release func()
	// lineageShared: the transaction holds the organization's lineage lock
	// shared (OpenLineage ingestion), and a step that needs it exclusively
	// must start over (lockLineage).
	lineageShared bool
}

// begin starts a read-write transaction acting in the context's
// organization (see setOrg). On SQLite it first waits its turn among the
// process's writers: SQLite admits one writer, and waiting here, in order,
// costs nothing, where a connection waiting in SQLite's busy handler sleeps
// and polls, and under many concurrent writers some wait past the timeout.
func (db *DB) begin(ctx context.Context) (*Tx, error) {
	release := func() {}
	if db.writer != nil {
		select {
		case db.writer <- struct{}{}:
			release = sync.OnceFunc(func() { <-db.writer })
		case <-ctx.Done():
			return nil, fmt.Errorf("begin: %w", ctx.Err())
		}
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		release()
		return nil, fmt.Errorf("begin: %w", translate(err))
	}
	t := &Tx{Tx: tx, db: db, now: db.now(), release: release}
	if orgID := catalog.OrgIDFromContext(ctx); orgID != "" {
		if err := t.setOrg(ctx, orgID); err != nil {
			t.Rollback()
			return nil, err
		}
	}
	return t, nil
}

// Rollback ends the transaction without its changes (a no-op after
// commit, as for *sql.Tx).
func (tx *Tx) Rollback() error {
	err := tx.Tx.Rollback()
	if tx.release != nil {
		tx.release()
	}
	return err
}

// requireOrg returns the organization of the request; a store method without
// one fails closed.
func requireOrg(ctx context.Context) (string, error) {
	if id := catalog.OrgIDFromContext(ctx); id != "" {
		return id, nil
	}
	return "", catalog.Errorf(catalog.EUNAUTHENTICATED, "This request needs an organization's credential.")
}

// actingIn returns ctx acting in orgID for a platform path that has just
// learned the organization (before any principal exists).
func actingIn(ctx context.Context, orgID string) context.Context {
	return catalog.NewContextWithPrincipal(ctx, &catalog.Principal{OrgID: orgID})
}

// setOrg tells Postgres row-level security which organization this
// transaction acts in. set_config(..., true) lasts until the transaction
// ends, so a pooled connection never carries one tenant into the next
// request (a session-wide SET would). Platform paths call it once they know
// the organization. SQLite has no row-level security.
func (tx *Tx) setOrg(ctx context.Context, orgID string) error {
	if tx.db.engine != Postgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `SELECT set_config('app.org_id', $1, true)`, orgID); err != nil {
		return fmt.Errorf("set organization: %w", err)
	}
	return nil
}

// forUpdate locks the selected row on Postgres. SQLite needs no clause: its
// immediate transactions already hold the database's write lock.
func (tx *Tx) forUpdate() string {
	if tx.db.engine == Postgres {
		return ` FOR UPDATE`
	}
	return ``
}

// forNoKeyUpdate is forUpdate for a change that leaves the row's key as
// it is, so that rows referencing it by foreign key are not kept waiting.
func (tx *Tx) forNoKeyUpdate() string {
	if tx.db.engine == Postgres {
		return ` FOR NO KEY UPDATE`
	}
	return ``
}

func (tx *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st := tx.db.prepared(ctx, q); st != nil {
		return tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return tx.ExecContext(ctx, q, args...)
}

func (tx *Tx) query(ctx context.Context, q string, args ...any) (*Rows, error) {
	if st := tx.db.prepared(ctx, q); st != nil {
		rows, err := tx.StmtContext(ctx, st).QueryContext(ctx, args...)
		if err != nil {
			return nil, err
		}
		return &Rows{sql: rows}, nil
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return &Rows{sql: rows}, nil
}

func (tx *Tx) queryRow(ctx context.Context, q string, args ...any) *Row {
	rows, err := tx.query(ctx, q, args...)
	return &Row{rows: rows, err: err}
}

// execOne runs a statement that must change a row, returning missing when
// it changed none (the row does not exist in this organization).
func (tx *Tx) execOne(ctx context.Context, missing error, q string, args ...any) error {
	res, err := tx.exec(ctx, q, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return missing
	}
	return nil
}

// commit commits tx, translating driver errors.
func (tx *Tx) commit() error {
	err := tx.Commit()
	if tx.release != nil {
		tx.release()
	}
	if err != nil {
		return fmt.Errorf("commit: %w", translate(err))
	}
	return nil
}

// querier is what both *DB and *Tx offer for reads, so a read helper serves
// inside and outside transactions.
type querier interface {
	queryRow(ctx context.Context, q string, args ...any) *Row
	query(ctx context.Context, q string, args ...any) (*Rows, error)
}

// Reads outside a write transaction. On SQLite they go straight to the pool
// (an immediate transaction would take the write lock). On Postgres
// row-level security needs the organization set for the query's
// transaction: the set_config and the query go to the server as one
// pipeline ending in one Sync, which Postgres runs as one implicit
// transaction (so set_config(..., true) applies to the query and ends with
// it), in one round trip instead of BEGIN, set_config, the query and
// ROLLBACK.
func (db *DB) query(ctx context.Context, q string, args ...any) (*Rows, error) {
	if db.engine != Postgres {
		if st := db.prepared(ctx, q); st != nil {
			rows, err := st.QueryContext(ctx, args...)
			if err != nil {
				return nil, err
			}
			return &Rows{sql: rows}, nil
		}
		rows, err := db.sql.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		return &Rows{sql: rows}, nil
	}
	conn, err := db.pg.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	batch := &pgx.Batch{}
	batch.Queue(`SELECT set_config('app.org_id', $1, true)`, catalog.OrgIDFromContext(ctx))
	batch.Queue(q, args...)
	results := conn.SendBatch(ctx, batch)
	if _, err := results.Exec(); err != nil {
		results.Close()
		conn.Release()
		return nil, fmt.Errorf("set organization: %w", err)
	}
	rows, err := results.Query()
	if err != nil {
		results.Close()
		conn.Release()
		return nil, err
	}
	return &Rows{pg: rows, done: func() error {
		err := results.Close()
		conn.Release()
		return err
	}}, nil
}

func (db *DB) queryRow(ctx context.Context, q string, args ...any) *Row {
	rows, err := db.query(ctx, q, args...)
	return &Row{rows: rows, err: err}
}

// Rows are the results of a query: database/sql's (SQLite, and inside a
// transaction), or pgx's for a Postgres read outside one, whose Close
// gives the connection back.
type Rows struct {
	sql  *sql.Rows
	pg   pgx.Rows
	done func() error
}

// Next prepares the next row for Scan.
func (r *Rows) Next() bool {
	if r.pg != nil {
		return r.pg.Next()
	}
	return r.sql.Next()
}

// Scan copies the current row into dest.
func (r *Rows) Scan(dest ...any) error {
	if r.pg != nil {
		return r.pg.Scan(dest...)
	}
	return r.sql.Scan(dest...)
}

// Err is the error that ended the iteration, if any.
func (r *Rows) Err() error {
	if r.pg != nil {
		return r.pg.Err()
	}
	return r.sql.Err()
}

// Close closes the rows and gives back what they hold.
func (r *Rows) Close() error {
	if r.pg == nil {
		return r.sql.Close()
	}
	r.pg.Close()
	err := r.pg.Err()
	if r.done != nil {
		if derr := r.done(); err == nil {
			err = derr
		}
		r.done = nil
	}
	return err
}

// Row is the first row of a query, as *sql.Row is, over Rows.
type Row struct {
	rows *Rows
	err  error
}

// Scan copies the first row into dest, or returns sql.ErrNoRows.
func (r *Row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	defer r.rows.Close()
	if !r.rows.Next() {
		if err := r.rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	if err := r.rows.Scan(dest...); err != nil {
		return err
	}
	return r.rows.Close()
}

// maxPrepared bounds the SQLite statement cache: queries built piece by
// piece (IN lists, multi-row VALUES) come in many texts, which are run
// unprepared once it is full.
const maxPrepared = 512

// prepared returns the SQLite statement for q, preparing it once (nil on
// Postgres, whose pgx connections cache statements themselves, or when q
// does not prepare: running it unprepared then reports the error). Parsing
// a statement costs modernc SQLite more than running most of ours.
func (db *DB) prepared(ctx context.Context, q string) *sql.Stmt {
	if db.engine == Postgres {
		return nil
	}
	db.stmtMu.Lock()
	defer db.stmtMu.Unlock()
	if db.stmts == nil {
		return nil // closed
	}
	if st, ok := db.stmts[q]; ok {
		return st
	}
	if len(db.stmts) >= maxPrepared {
		return nil
	}
	st, err := db.sql.PrepareContext(context.WithoutCancel(ctx), q)
	if err != nil {
		return nil
	}
	db.stmts[q] = st
	return st
}
