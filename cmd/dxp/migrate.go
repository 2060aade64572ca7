package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/dataxpipe/catalog/internal/config"
	"github.com/dataxpipe/catalog/internal/sqlstore"
)

// migrate applies pending migrations to the shared store and every
// dedicated tenant store, or lists them with "status".
func migrate(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	appRole := fs.String("app-role", "", "Postgres: create this login role (no superuser, no BYPASSRLS) and grant it what the server needs")
	if err := fs.Parse(args); err != nil {
		return usageError{"usage: dxp migrate [--app-role NAME] [status]"}
	}
	args = fs.Args()
	if len(args) > 1 || (len(args) == 1 && args[0] != "status") {
		return usageError{"usage: dxp migrate [--app-role NAME] [status]"}
	}
	status := len(args) == 1
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	tenants, err := loadTenants(cfg)
	if err != nil {
		return err
	}
	if err := migrateStore(ctx, cfg, "shared", cfg.DB, "", *appRole, status, stdout); err != nil {
		return err
	}
	for _, t := range tenants {
		if err := migrateStore(ctx, cfg, t.Host, t.DSN(cfg.DB), t.Schema, *appRole, status, stdout); err != nil {
			return err
		}
	}
	return nil
}

// migrateStore migrates (or reports on) one store; schema, when set, is
// created in the shared database first.
func migrateStore(ctx context.Context, cfg config.Config, name, dsn, schema, appRole string, status bool, stdout io.Writer) error {
	opts := sqlstore.Options{PoolMin: cfg.PGPoolMin, PoolMax: cfg.PGPoolMax}
	if schema != "" && !status {
		shared, err := sqlstore.Open(ctx, cfg.DB, opts)
		if err != nil {
			return err
		}
		err = shared.EnsureSchema(ctx, schema)
		shared.Close()
		if err != nil {
			return err
		}
	}
	db, err := sqlstore.Open(ctx, dsn, opts)
	if err != nil {
		return fmt.Errorf("store %s: %w", name, err)
	}
	defer db.Close()
	if status {
		pending, err := db.Pending(ctx)
		if err != nil {
			return fmt.Errorf("store %s: %w", name, err)
		}
		if len(pending) == 0 {
			fmt.Fprintf(stdout, "%s: schema is current\n", name)
		}
		for _, m := range pending {
			fmt.Fprintf(stdout, "%s: pending: %s\n", name, m)
		}
		return nil
	}
	ran, err := db.Migrate(ctx)
	for _, m := range ran {
		fmt.Fprintf(stdout, "%s: applied: %s\n", name, m)
	}
	if err == nil && len(ran) == 0 {
		fmt.Fprintf(stdout, "%s: schema is current\n", name)
	}
	if err != nil {
		return fmt.Errorf("store %s: %w", name, err)
	}
	if appRole != "" {
		if err := db.GrantAppRole(ctx, appRole); err != nil {
			return fmt.Errorf("store %s: %w", name, err)
		}
		fmt.Fprintf(stdout, "%s: granted %s\n", name, appRole)
	}
	return nil
}
