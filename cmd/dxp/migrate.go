package main

import (
	"context"
	"fmt"
	"io"

	"github.com/dataxpipe/catalog/internal/config"
	"github.com/dataxpipe/catalog/internal/sqlstore"
)

// migrate applies pending migrations, or lists them with "status".
func migrate(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) > 1 || (len(args) == 1 && args[0] != "status") {
		return usageError{"usage: dxp migrate [status]"}
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	db, err := sqlstore.Open(ctx, cfg.DB, sqlstore.Options{PoolMin: cfg.PGPoolMin, PoolMax: cfg.PGPoolMax})
	if err != nil {
		return err
	}
	defer db.Close()
	if len(args) == 1 {
		pending, err := db.Pending(ctx)
		if err != nil {
			return err
		}
		if len(pending) == 0 {
			fmt.Fprintln(stdout, "schema is current")
		}
		for _, m := range pending {
			fmt.Fprintln(stdout, "pending:", m)
		}
		return nil
	}
	ran, err := db.Migrate(ctx)
	for _, m := range ran {
		fmt.Fprintln(stdout, "applied:", m)
	}
	if err == nil && len(ran) == 0 {
		fmt.Fprintln(stdout, "schema is current")
	}
	return err
}
