// Package server wires the catalog together: configuration → stores →
// authentication → API, for one shared store and any dedicated tenant
// stores. `dxp serve` and `dxp migrate` are thin commands over it, and tests
// build a Server directly and talk to its Handler.
package server

import (
	"context"
	"errors"
	"fmt"
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

// Options are the choices of the one starting the server, beside the
// configuration read from the environment.
type Options struct {
	// Logger receives the server's logs; nil discards them.
	Logger *slog.Logger
	// Migrate applies pending migrations before serving. The embedded
	// SQLite default always migrates itself; Postgres only when asked.
	Migrate bool
	// Limits bound connections (timeouts, header size); zero fields take
	// DefaultLimits. Tests shorten them.
	Limits Limits
}

// Server is the catalog's HTTP handler over its open stores. Close it to
// stop its background work and close the stores.
type Server struct {
	cfg     config.Config
	logger  *slog.Logger
	limits  Limits
	handler http.Handler
	stores  []*storeAPI
	closers []func()
}

// New opens every store the configuration names and builds the handler. A
// failure closes whatever was opened before it.
func New(ctx context.Context, cfg config.Config, opts Options) (*Server, error) {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	logger.Info("starting", "env", cfg.Env, "scaffold_keys", cfg.Development(), "engine", sqlstore.EngineOf(cfg.DB))
	s := &Server{cfg: cfg, logger: logger, limits: opts.Limits.withDefaults()}
	if err := s.open(ctx, opts); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Server) open(ctx context.Context, opts Options) error {
	secretKey, err := loadSecretKey(s.cfg, s.logger) // secrets.go
	if err != nil {
		return err
	}
	tenants, err := loadTenants(s.cfg) // tenants.go
	if err != nil {
		return err
	}
	w := &wiring{cfg: s.cfg, logger: s.logger, secretKey: secretKey, migrate: opts.Migrate, metrics: prometheus.NewRegistry()}
	var closeRateLimit func()
	w.rateLimit, closeRateLimit, err = newRateLimit(s.cfg, s.logger, w.metrics) // ratelimit.go
	if err != nil {
		return err
	}
	s.closers = append(s.closers, closeRateLimit)
	if s.cfg.OIDCIssuer != "" {
		w.verifier, err = oidc.New(ctx, oidc.Config{Issuer: s.cfg.OIDCIssuer, Audience: s.cfg.OIDCAudience})
		if err != nil {
			return fmt.Errorf("OIDC sign-in (DATAXPIPE_OIDC_ISSUER): %w", err)
		}
		s.logger.Info("OIDC sign-in on", "issuer", s.cfg.OIDCIssuer, "audience", s.cfg.OIDCAudience, "platform_admins", len(s.cfg.PlatformAdmins))
	}
	s.handler, s.stores, err = w.storesHandler(ctx, tenants) // tenants.go
	return err
}

// Handler answers every request: API, webhooks and probes, routed to the
// store the request's Host names.
func (s *Server) Handler() http.Handler { return s.handler }

// Close stops the background work (flushing key use, purging old events)
// and closes every store, the rate limiter's Redis client last. It may be
// called more than once.
func (s *Server) Close() error {
	for _, st := range s.stores {
		st.close()
	}
	s.stores = nil
	for _, c := range s.closers {
		c()
	}
	s.closers = nil
	return nil
}

// HTTPServer is the one place the catalog's http.Server is built, so its
// limits (timeouts, header size: limits.go) are set for every way of
// serving.
func (s *Server) HTTPServer() *http.Server {
	srv := s.limits.httpServer(s.handler)
	srv.ErrorLog = slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn)
	return srv
}

// shutdownGrace is how long requests in flight may take to finish once
// the server is asked to stop.
const shutdownGrace = 15 * time.Second

// ListenAndServe serves on the configured address (DATAXPIPE_ADDR) until
// ctx ends, then shuts down gracefully. It does not Close the Server.
func (s *Server) ListenAndServe(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", s.cfg.Addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx ends, then shuts down gracefully: new
// connections are refused and requests in flight get shutdownGrace. With
// DATAXPIPE_PPROF_ADDR set it also serves the profiles there, meanwhile.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	stopProfiles, err := s.serveProfiles() // profiles.go; off unless DATAXPIPE_PPROF_ADDR is set
	if err != nil {
		return err
	}
	defer stopProfiles()
	srv := s.HTTPServer()
	s.logger.Info("listening", "addr", ln.Addr().String(), "ui", s.cfg.AppURL+"/", "api", s.cfg.AppURL+"/api/v1/")
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	s.logger.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
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
	if err := checkRole(ctx, cfg, db, logger); err != nil { // rolecheck.go, before anything is changed
		db.Close()
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
