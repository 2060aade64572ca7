package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/dataxpipe/catalog/internal/api"
	"github.com/dataxpipe/catalog/internal/auth"
	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/config"
	"github.com/dataxpipe/catalog/internal/oidc"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/prometheus/client_golang/prometheus"
)

// serve wires the server together: config → store → auth → api → listener.
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
	logger := slog.New(slog.NewJSONHandler(stderr, nil))
	logger.Info("starting", "env", cfg.Env, "scaffold_keys", cfg.Development(), "engine", sqlstore.EngineOf(cfg.DB))

	secretKey, err := loadSecretKey(cfg, logger) // serve_secrets.go
	if err != nil {
		return err
	}
	db, err := openStore(ctx, cfg, secretKey, *runMigrations, logger)
	if err != nil {
		return err
	}
	defer db.Close()
	billing, err := newBilling(cfg, db, logger) // serve_billing.go
	if err != nil {
		return err
	}

	authn := auth.NewAuthenticator(db, logger)
	if cfg.Development() {
		dev, err := ensureDevOrg(ctx, db)
		if err != nil {
			return err
		}
		authn.EnableScaffold(dev)
		logger.Warn("development mode: scaffold keys platform-key, admin-key and dev-key act in organization dev; set DATAXPIPE_ENV=production to turn them off")
	}
	if cfg.OIDCIssuer != "" {
		v, err := oidc.New(ctx, oidc.Config{Issuer: cfg.OIDCIssuer, Audience: cfg.OIDCAudience})
		if err != nil {
			return fmt.Errorf("OIDC sign-in (DATAXPIPE_OIDC_ISSUER): %w", err)
		}
		authn.EnablePeople(v, db, cfg.PlatformAdmins)
		logger.Info("OIDC sign-in on", "issuer", cfg.OIDCIssuer, "audience", cfg.OIDCAudience, "platform_admins", len(cfg.PlatformAdmins))
	}
	bg, stopBackground := context.WithCancel(context.WithoutCancel(ctx))
	flushed := make(chan struct{})
	go func() { authn.Run(bg, 15*time.Second); close(flushed) }()
	defer func() { stopBackground(); <-flushed }()

	metrics := prometheus.NewRegistry()
	rateLimit, closeRateLimit, err := newRateLimit(cfg, logger, metrics) // serve_ratelimit.go
	if err != nil {
		return err
	}
	defer closeRateLimit()

	srv := &http.Server{
		Handler: api.NewServer(api.Options{Store: db, Auth: authn, Logger: logger, Billing: billing,
			RateLimit: rateLimit, Metrics: metrics}),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	logger.Info("listening", "addr", ln.Addr().String())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// openStore opens the database. The embedded SQLite default migrates itself
// so a fresh checkout just runs; Postgres migrates only when asked and
// otherwise refuses an outdated schema.
func openStore(ctx context.Context, cfg config.Config, secretKey []byte, migrate bool, logger *slog.Logger) (*sqlstore.DB, error) {
	db, err := sqlstore.Open(ctx, cfg.DB, sqlstore.Options{PoolMin: cfg.PGPoolMin, PoolMax: cfg.PGPoolMax, SecretKey: secretKey})
	if err != nil {
		return nil, err
	}
	if migrate || db.Engine() == sqlstore.SQLite {
		ran, err := db.Migrate(ctx)
		if err != nil {
			db.Close()
			return nil, err
		}
		if len(ran) > 0 {
			logger.Info("migrated", "applied", ran)
		}
	}
	pending, err := db.Pending(ctx)
	if err != nil {
		db.Close()
		return nil, err
	}
	if len(pending) > 0 {
		db.Close()
		return nil, fmt.Errorf("the database schema is behind (%s pending): run `dxp migrate` or `dxp serve --migrate`", strings.Join(pending, ", "))
	}
	return db, nil
}

// ensureDevOrg returns the development organization, creating it on first start.
func ensureDevOrg(ctx context.Context, db *sqlstore.DB) (*catalog.Org, error) {
	org, err := db.FindOrgBySlug(ctx, "dev")
	if catalog.ErrorCode(err) == catalog.ENOTFOUND {
		org = &catalog.Org{Slug: "dev", Name: "Development", Plan: catalog.PlanFree}
		err = db.CreateOrg(ctx, org, nil)
		if catalog.ErrorCode(err) == catalog.ECONFLICT { // another replica created it first
			return db.FindOrgBySlug(ctx, "dev")
		}
	}
	return org, err
}
