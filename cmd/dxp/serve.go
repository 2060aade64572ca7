package main

import (
	"context"
	"flag"
	"io"
	"log/slog"

	"github.com/dataxpipe/catalog/internal/config"
	"github.com/dataxpipe/catalog/internal/server"
)

// serve runs the server until ctx ends.
func serve(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	runMigrations := fs.Bool("migrate", false, "apply pending migrations before serving (Postgres)")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	srv, err := server.New(ctx, cfg, server.Options{Logger: slog.New(slog.NewJSONHandler(stderr, nil)), Migrate: *runMigrations})
	if err != nil {
		return err
	}
	defer srv.Close()
	return srv.ListenAndServe(ctx)
}

// migrate applies pending migrations to every store, or lists them.
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
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	return server.Migrate(ctx, cfg, server.MigrateOptions{Status: len(args) == 1, AppRole: *appRole}, stdout)
}
