package sqlstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

// Each engine has its own folder because DDL differs (types); the numbering
// is the same in both, so one schema version means the same tables.
//
//go:embed migrations
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

func (db *DB) migrations() ([]migration, error) {
	dir := "migrations/" + string(db.engine)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration file %s: want NNNN_name.sql", e.Name())
		}
		body, err := fs.ReadFile(migrationFiles, dir+"/"+e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// Pending returns the names of migrations not yet applied.
func (db *DB) Pending(ctx context.Context) ([]string, error) {
	all, err := db.migrations()
	if err != nil {
		return nil, err
	}
	applied, err := db.appliedSoFar(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, m := range all {
		if !applied[m.version] {
			out = append(out, m.name)
		}
	}
	return out, nil
}

func (db *DB) applied(ctx context.Context) (map[int]bool, error) {
	if _, err := db.sql.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	return db.appliedSoFar(ctx)
}

// appliedSoFar reads the applied versions without creating anything, so the
// application role (which may not create tables) can check the schema; a
// missing table means nothing is applied.
func (db *DB) appliedSoFar(ctx context.Context) (map[int]bool, error) {
	var exists bool
	q := `SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations')`
	if db.engine == Postgres {
		q = `SELECT to_regclass('schema_migrations') IS NOT NULL`
	}
	if err := db.sql.QueryRowContext(ctx, q).Scan(&exists); err != nil {
		return nil, fmt.Errorf("find schema_migrations: %w", err)
	}
	if !exists {
		return map[int]bool{}, nil
	}
	rows, err := db.sql.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	defer rows.Close()
	done := map[int]bool{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		done[v] = true
	}
	return done, rows.Err()
}

// Migrate applies every pending migration, each in its own transaction, and
// returns the names applied. On Postgres an advisory lock keeps two
// replicas from migrating at once.
func (db *DB) Migrate(ctx context.Context) ([]string, error) {
	all, err := db.migrations()
	if err != nil {
		return nil, err
	}
	var ran []string
	for _, m := range all {
		did, err := db.applyOne(ctx, m)
		if err != nil {
			return ran, fmt.Errorf("migration %s: %w", m.name, err)
		}
		if did {
			ran = append(ran, m.name)
		}
	}
	if db.engine == Postgres {
		return ran, db.enforceRLS(ctx)
	}
	return ran, nil
}

func (db *DB) applyOne(ctx context.Context, m migration) (bool, error) {
	if _, err := db.applied(ctx); err != nil {
		return false, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return false, err
	}
	defer tx.Rollback()
	if db.engine == Postgres {
		if _, err := tx.exec(ctx, `SELECT pg_advisory_xact_lock(7316001)`); err != nil {
			return false, err
		}
	}
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = $1`, m.version).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return false, err
	}
	if _, err := tx.exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.version, m.name); err != nil {
		return false, err
	}
	return true, tx.commit()
}
