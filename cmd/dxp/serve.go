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
	tenants, err := loadTenants(cfg) // serve_tenants.go
	if err != nil {
		return err
	}
	w := &wiring{cfg: cfg, logger: logger, secretKey: secretKey, migrate: *runMigrations, metrics: prometheus.NewRegistry()}
	var closeRateLimit func()
	w.rateLimit, closeRateLimit, err = newRateLimit(cfg, logger, w.metrics) // serve_ratelimit.go
	if err != nil {
		return err
	}
	defer closeRateLimit()
	if cfg.OIDCIssuer != "" {
		w.verifier, err = oidc.New(ctx, oidc.Config{Issuer: cfg.OIDCIssuer, Audience: cfg.OIDCAudience})
		if err != nil {
			return fmt.Errorf("OIDC sign-in (DATAXPIPE_OIDC_ISSUER): %w", err)
		}
		logger.Info("OIDC sign-in on", "issuer", cfg.OIDCIssuer, "audience", cfg.OIDCAudience, "platform_admins", len(cfg.PlatformAdmins))
	}
	handler, stores, err := w.storesHandler(ctx, tenants)
	defer func() {
		for _, st := range stores {
			st.close()
		}
	}()
	if err != nil {
		return err
	}

	srv := &http.Server{
		Handler:           handler,
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
