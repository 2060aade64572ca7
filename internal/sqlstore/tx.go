package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// Tx is a transaction with its time fixed at the start.
type Tx struct {
	*sql.Tx
	db  *DB
	now time.Time
}

// begin starts a read-write transaction acting in the context's
// organization (see setOrg).
func (db *DB) begin(ctx context.Context) (*Tx, error) {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", translate(err))
	}
	t := &Tx{Tx: tx, db: db, now: db.now()}
	if orgID := catalog.OrgIDFromContext(ctx); orgID != "" {
		if err := t.setOrg(ctx, orgID); err != nil {
			tx.Rollback()
			return nil, err
		}
	}
	return t, nil
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

func (tx *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return tx.ExecContext(ctx, tx.db.rebind(q), args...)
}

func (tx *Tx) query(ctx context.Context, q string, args ...any) (*Rows, error) {
	rows, err := tx.QueryContext(ctx, tx.db.rebind(q), args...)
	if err != nil {
		return nil, err
	}
	return &Rows{Rows: rows}, nil
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
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", translate(err))
	}
	return nil
}
