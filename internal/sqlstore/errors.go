package sqlstore

import (
	"database/sql"
	"errors"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// errUnique marks a unique-constraint violation, found by driver error code
// (never by message) in translate, so callers can turn it into ECONFLICT.
var errUnique = errors.New("unique violation")

// translate maps driver errors to the store's sentinels; everything else is
// returned as is and stays internal.
func translate(err error) error {
	if err == nil {
		return nil
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" {
		return errors.Join(errUnique, err)
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		switch liteErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return errors.Join(errUnique, err)
		}
	}
	return err
}

// notFound turns sql.ErrNoRows into ENOTFOUND with msg.
func notFound(err error, format string, args ...any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return catalog.Errorf(catalog.ENOTFOUND, format, args...)
	}
	return err
}
