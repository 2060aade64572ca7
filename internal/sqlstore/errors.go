package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

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
	return ClassifyError(err)
}

// Errors a client can act on, put in front of the driver's error (which
// stays in the chain for the log).
var (
	errUnstorable = catalog.Invalid([]catalog.FieldError{{Field: "",
		Message: "A value of the request cannot be stored (text with a NUL character or invalid UTF-8, a name too long to index, or a number out of range); correct it."}})
	errUnavailable = catalog.Errorf(catalog.EUNAVAILABLE,
		"The database is unavailable; retry after the seconds in Retry-After.")
)

// ClassifyError is the last resort between a driver error and a 500: a
// value Postgres refuses (SQLSTATE class 22, data exception: invalid
// bytes 22021, NUL 22P05, bad JSON text 22P02, out of range 22003; and
// 54000, an index row too large) becomes EINVALID, and a database that
// cannot be reached or is shutting down, or an SQLite database busy past
// its timeout, becomes EUNAVAILABLE. The request checks (catalog.CheckText)
// catch unstorable text earlier, field by field, on both engines; this
// keeps one they missed from being a 500. database/sql reconnects by
// itself, so the store recovers when the database returns. Errors that
// already are *catalog.Error, and everything else, pass unchanged.
func ClassifyError(err error) error {
	if err == nil || errors.As(err, new(*catalog.Error)) {
		return err
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch code := pgErr.Code; {
		case strings.HasPrefix(code, "22"), code == "54000":
			return errors.Join(errUnstorable, err)
		case strings.HasPrefix(code, "08"), // connection exception
			code == "57P01", code == "57P02", code == "57P03", // shutting down, crashed, starting up
			code == "53300", // too many connections
			code == "25006": // read-only: a standby after failover
			return errors.Join(errUnavailable, err)
		}
		return err
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		switch liteErr.Code() & 0xff { // the primary code of an extended one
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return errors.Join(errUnavailable, err)
		}
		return err
	}
	if isConnectionFailure(err) {
		return errors.Join(errUnavailable, err)
	}
	return err
}

// isConnectionFailure reports errors of reaching the database rather than
// of the statement: a refused or failed connect, a broken connection, a
// pool that lost its connection mid-query.
func isConnectionFailure(err error) bool {
	var connectErr *pgconn.ConnectError
	var netErr net.Error
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false // the caller's deadline, not the database's health
	case errors.As(err, &connectErr), errors.As(err, &netErr):
		return true
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return true
	}
	return pgconn.SafeToRetry(err) // pgx's mark for "nothing was sent": the connection failed first
}

// ClassifyError is ClassifyError as a method, for the API's Store.
func (db *DB) ClassifyError(err error) error { return ClassifyError(err) }

// notFound turns sql.ErrNoRows into ENOTFOUND with msg.
func notFound(err error, format string, args ...any) error {
	if errors.Is(err, sql.ErrNoRows) {
		return catalog.Errorf(catalog.ENOTFOUND, format, args...)
	}
	return err
}
