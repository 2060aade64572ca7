package bench

import (
	"context"
	"database/sql"
	"log/slog"
	"net/http"
	"testing"

	"github.com/dataxpipe/catalog/internal/api"
	"github.com/dataxpipe/catalog/internal/auth"
	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Every figure is a benchmark with two sub-benchmarks: ours (through the
// API and the store) and raw (the same rows or the same query sent straight
// to the database in the same run), so that bench/run prints their ratio.

// senders is how many requests are in flight at once in the concurrent
// figures: 32, as many as a busy organization's producers.
const senders = 32

// env is an API over a fresh store of one engine with one Business
// organization, and a raw connection to the same database for baselines.
type env struct {
	h      http.Handler
	key    string
	db     *sqlstore.DB
	orgID  string
	engine sqlstore.Engine
	pg     *pgxpool.Pool // Postgres: the owning role's pool (row-level security does not apply to it)
	lite   *sql.DB       // SQLite: a second pool on the same file
}

func newEnv(b *testing.B, engine sqlstore.Engine) *env {
	b.Helper()
	ctx := context.Background()
	dsn := sqlstoretest.DSN(b, engine)
	owner, err := sqlstore.Open(ctx, dsn, sqlstore.Options{PoolMax: 20})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { owner.Close() })
	if _, err := owner.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	e := &env{engine: engine, db: owner}
	if engine == sqlstore.Postgres {
		if err := owner.GrantAppRole(ctx, sqlstoretest.AppRole); err != nil {
			b.Fatal(err)
		}
		if e.db, err = sqlstore.Open(ctx, sqlstoretest.AsRole(dsn, sqlstoretest.AppRole), sqlstore.Options{PoolMax: 20}); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { e.db.Close() })
		cfg, err := pgxpool.ParseConfig(dsn)
		if err != nil {
			b.Fatal(err)
		}
		cfg.MaxConns = 20
		if e.pg, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(e.pg.Close)
	} else {
		if e.lite, err = sqlstore.RawSQLite(dsn); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { e.lite.Close() })
	}
	a := auth.NewAuthenticator(e.db, slog.New(slog.DiscardHandler))
	e.h = api.NewServer(api.Options{Store: e.db, Auth: a})
	org := &catalog.Org{Slug: "bench", Name: "Bench", Plan: catalog.PlanBusiness}
	e.key = auth.GenerateKey()
	k := &catalog.APIKey{Name: "bench", Role: catalog.RoleAdmin, Prefix: auth.DisplayPrefix(e.key), Hash: auth.HashKey(e.key)}
	if err := e.db.CreateOrg(ctx, org, k); err != nil {
		b.Fatal(err)
	}
	e.orgID = org.ID
	return e
}

// rawExec runs one statement on the raw connection.
func (e *env) rawExec(b *testing.B, q string, args ...any) {
	var err error
	if e.pg != nil {
		_, err = e.pg.Exec(context.Background(), q, args...)
	} else {
		_, err = e.lite.Exec(q, args...)
	}
	if err != nil {
		b.Fatal(err)
	}
}

// rawQueryRow runs one query and scans its row into dest.
func (e *env) rawQueryRow(b *testing.B, q string, args []any, dest ...any) {
	var err error
	if e.pg != nil {
		err = e.pg.QueryRow(context.Background(), q, args...).Scan(dest...)
	} else {
		err = e.lite.QueryRow(q, args...).Scan(dest...)
	}
	if err != nil {
		b.Fatal(err)
	}
}

// engines are the engines every paired figure is measured on.
var engines = []sqlstore.Engine{sqlstore.Postgres, sqlstore.SQLite}
