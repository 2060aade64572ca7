package sqlstore

import (
	"context"
	"database/sql"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// Reads outside a write transaction. On SQLite they go straight to the pool
// (an immediate transaction would take the write lock). On Postgres row-level
// security needs the organization set inside a transaction, so each read runs
// in a short read-only one that Rows.Close ends.
func (db *DB) query(ctx context.Context, q string, args ...any) (*Rows, error) {
	if db.engine != Postgres {
		rows, err := db.sql.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, err
		}
		return &Rows{Rows: rows}, nil
	}
	sqlTx, err := db.sql.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	tx := &Tx{Tx: sqlTx, db: db}
	if orgID := catalog.OrgIDFromContext(ctx); orgID != "" {
		if err := tx.setOrg(ctx, orgID); err != nil {
			sqlTx.Rollback()
			return nil, err
		}
	}
	rows, err := sqlTx.QueryContext(ctx, db.rebind(q), args...)
	if err != nil {
		sqlTx.Rollback()
		return nil, err
	}
	return &Rows{Rows: rows, tx: sqlTx}, nil
}

func (db *DB) queryRow(ctx context.Context, q string, args ...any) *Row {
	rows, err := db.query(ctx, q, args...)
	return &Row{rows: rows, err: err}
}

// Rows are the results of a query; Close also ends the read transaction
// they belong to, if any.
type Rows struct {
	*sql.Rows
	tx *sql.Tx
}

// Close closes the rows and ends their read transaction.
func (r *Rows) Close() error {
	err := r.Rows.Close()
	if r.tx != nil {
		r.tx.Rollback() // read-only: nothing to keep
		r.tx = nil
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
