package server

import (
	"context"
	"fmt"
	"io"

	"github.com/dataxpipe/catalog/internal/config"
	"github.com/dataxpipe/catalog/internal/sqlstore"
)

// MigrateOptions say what `dxp migrate` does besides applying migrations.
type MigrateOptions struct {
	// Status only lists the pending migrations of every store.
	Status bool
	// AppRole, on Postgres, creates this login role (no superuser, no
	// BYPASSRLS) and grants it what the server needs.
	AppRole string
}

// Migrate applies pending migrations to the shared store and every
// dedicated tenant store (creating tenant schemas first), or lists them,
// writing one line per store and migration to out.
func Migrate(ctx context.Context, cfg config.Config, opts MigrateOptions, out io.Writer) error {
	tenants, err := loadTenants(cfg)
	if err != nil {
		return err
	}
	if err := migrateStore(ctx, cfg, "shared", cfg.DB, "", opts, out); err != nil {
		return err
	}
	for _, t := range tenants {
		if err := migrateStore(ctx, cfg, t.Host, t.DSN(cfg.DB), t.Schema, opts, out); err != nil {
			return err
		}
	}
	return nil
}

// migrateStore migrates (or reports on) one store; schema, when set, is
// created in the shared database first.
func migrateStore(ctx context.Context, cfg config.Config, name, dsn, schema string, opts MigrateOptions, out io.Writer) error {
	sqlOpts := sqlstore.Options{PoolMin: cfg.PGPoolMin, PoolMax: cfg.PGPoolMax}
	if schema != "" && !opts.Status {
		shared, err := sqlstore.Open(ctx, cfg.DB, sqlOpts)
		if err != nil {
			return err
		}
		err = shared.EnsureSchema(ctx, schema)
		shared.Close()
		if err != nil {
			return err
		}
	}
	db, err := sqlstore.Open(ctx, dsn, sqlOpts)
	if err != nil {
		return fmt.Errorf("store %s: %w", name, err)
	}
	defer db.Close()
	if opts.Status {
		pending, err := db.Pending(ctx)
		if err != nil {
			return fmt.Errorf("store %s: %w", name, err)
		}
		if len(pending) == 0 {
			fmt.Fprintf(out, "%s: schema is current\n", name)
		}
		for _, m := range pending {
			fmt.Fprintf(out, "%s: pending: %s\n", name, m)
		}
		return nil
	}
	ran, err := db.Migrate(ctx)
	for _, m := range ran {
		fmt.Fprintf(out, "%s: applied: %s\n", name, m)
	}
	if err == nil && len(ran) == 0 {
		fmt.Fprintf(out, "%s: schema is current\n", name)
	}
	if err != nil {
		return fmt.Errorf("store %s: %w", name, err)
	}
	if opts.AppRole != "" {
		if err := db.GrantAppRole(ctx, opts.AppRole); err != nil {
			return fmt.Errorf("store %s: %w", name, err)
		}
		fmt.Fprintf(out, "%s: granted %s\n", name, opts.AppRole)
	}
	return nil
}
