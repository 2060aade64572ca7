// Package sqlstore implements the catalog services on SQLite (modernc.org/sqlite,
// pure Go) and PostgreSQL (pgx) with one set of data SQL. It persists what the
// rules of package catalog decide. Each exported method is one transaction;
// lowercase helpers take a *Tx and never start their own.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib" // also registers the "pgx" driver
	_ "modernc.org/sqlite"           // registers the "sqlite" driver
)

// Engine names the database behind a DB.
type Engine string

// The supported engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Options tune the connection pool.
type Options struct {
	PoolMin, PoolMax int    // Postgres only
	SecretKey        []byte // AES-256 key for connection secrets at rest
}

// DB is the store. Now is the clock every transaction fixes once at its start.
type DB struct {
	sql       *sql.DB
	pg        *pgxpool.Pool // Postgres: the pool under sql, used natively for reads
	engine    Engine
	secretKey []byte
	Now       func() time.Time
	// writer holds the one SQLite write turn (nil on Postgres; see begin).
	writer chan struct{}
	// stmts are SQLite's prepared statements by text (nil on Postgres; see
	// prepared).
	stmtMu sync.Mutex
	stmts  map[string]*sql.Stmt
}

// EngineOf tells which engine a DATAXPIPE_DB value selects.
func EngineOf(dsn string) Engine {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		return Postgres
	}
	return SQLite
}

// Open connects to dsn: a postgres:// URL or a SQLite file path. It does not
// migrate; see Migrate and Pending.
func Open(ctx context.Context, dsn string, opt Options) (*DB, error) {
	db := &DB{engine: EngineOf(dsn), secretKey: opt.SecretKey, Now: time.Now}
	var err error
	if db.engine == Postgres {
		// One pgx pool serves both reads, natively (see DB.query), and
		// transactions, through database/sql over the same connections.
		var cfg *pgxpool.Config
		if cfg, err = pgxpool.ParseConfig(dsn); err == nil {
			cfg.MaxConns = int32(opt.PoolMax)
			if cfg.MaxConns <= 0 {
				cfg.MaxConns = 10
			}
			cfg.MinConns = int32(min(max(opt.PoolMin, 0), int(cfg.MaxConns)))
			cfg.MaxConnLifetime = 30 * time.Minute
			if db.pg, err = pgxpool.NewWithConfig(ctx, cfg); err == nil {
				db.sql = stdlib.OpenDBFromPool(db.pg)
			}
		}
	} else {
		if err := createPrivate(dsn); err != nil {
			return nil, err
		}
		db.sql, err = sql.Open("sqlite", sqliteDSN(dsn))
		if err == nil {
			// WAL lets readers run beside the one writer; a few connections suffice.
			db.sql.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)))
			db.sql.SetMaxIdleConns(4)
			db.writer = make(chan struct{}, 1)
			db.stmts = map[string]*sql.Stmt{}
		}
	}
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", db.engine, err)
	}
	if err := db.sql.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s: %w", db.engine, err)
	}
	return db, nil
}

// createPrivate creates the SQLite file readable by its owner only, before
// SQLite would create it with the process umask (often world-readable). The
// -wal and -shm files SQLite makes later copy the database file's mode. An
// existing file is left as it is: its mode is the operator's choice.
func createPrivate(path string) error {
	if path == ":memory:" || strings.HasPrefix(path, "file:") {
		return nil
	}
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create sqlite database %s: %w", path, err)
	}
	return f.Close()
}

// sqliteDSN puts the per-connection pragmas in the DSN so that every pooled
// connection gets them. busy_timeout comes before journal_mode: switching to
// WAL needs a lock, and without the timeout a busy file fails at once.
// _txlock=immediate takes the write lock at BEGIN, which serialises writers
// and makes count-then-insert checks (plan limits) race-free.
func sqliteDSN(path string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Set("_txlock", "immediate")
	return "file:" + path + "?" + q.Encode()
}

// Engine reports which database this is.
func (db *DB) Engine() Engine { return db.engine }

// Close closes the pool.
func (db *DB) Close() error {
	db.stmtMu.Lock()
	for _, st := range db.stmts {
		st.Close()
	}
	db.stmts = nil
	db.stmtMu.Unlock()
	err := db.sql.Close()
	if db.pg != nil {
		db.pg.Close()
	}
	return err
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.sql.PingContext(ctx) }

// now returns the store's clock as the catalog keeps times (microseconds,
// which both engines store).
func (db *DB) now() time.Time { return catalog.KeepTime(db.Now()) }

// RawSQLite opens a second pool on a SQLite file with the store's pragmas,
// for baselines that bypass the store (bench/).
func RawSQLite(path string) (*sql.DB, error) {
	db, err := sql.Open("sqlite", sqliteDSN(path))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(max(4, runtime.GOMAXPROCS(0)))
	return db, nil
}
