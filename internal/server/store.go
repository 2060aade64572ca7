package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/dataxpipe/catalog/internal/api"
	"github.com/dataxpipe/catalog/internal/auth"
	"github.com/dataxpipe/catalog/internal/config"
	"github.com/dataxpipe/catalog/internal/oidc"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/web"
	"github.com/prometheus/client_golang/prometheus"
)

// wiring holds what every store's API shares: configuration, logger,
// metrics, the rate limiter and the one long-lived OIDC verifier.
type wiring struct {
	cfg       config.Config
	logger    *slog.Logger
	secretKey []byte
	migrate   bool
	metrics   *prometheus.Registry
	rateLimit *api.RateLimit
	verifier  *oidc.Verifier
}

// storeAPI is one store with its own authenticator and API: a key or a
// member of one store is unknown to every other.
type storeAPI struct {
	db      *sqlstore.DB
	handler http.Handler
	close   func()
}

// openStoreAPI opens the store at dsn and builds its API. Only the shared
// store gets billing and, in development, the scaffold keys.
func (w *wiring) openStoreAPI(ctx context.Context, name, dsn string, shared bool) (*storeAPI, error) {
	cfg := w.cfg
	cfg.DB = dsn
	db, err := openStore(ctx, cfg, w.secretKey, w.migrate, w.logger.With("store", name))
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", name, err)
	}
	opts := api.Options{Store: db, Logger: w.logger.With("store", name), RateLimit: w.rateLimit, Metrics: w.metrics, StoreName: name,
		WebhooksAllowHTTP: cfg.Development()}
	authn := auth.NewAuthenticator(db, opts.Logger)
	opts.Auth = authn
	if shared {
		if opts.Billing, err = newBilling(cfg, db, w.logger); err != nil { // serve_billing.go
			db.Close()
			return nil, err
		}
		if cfg.Development() {
			dev, err := ensureDevOrg(ctx, db)
			if err != nil {
				db.Close()
				return nil, err
			}
			authn.EnableScaffold(dev)
			w.logger.Warn("development mode: scaffold keys platform-key, admin-key and dev-key act in organization dev; set DATAXPIPE_ENV=production to turn them off")
		}
	}
	if w.verifier != nil {
		authn.EnablePeople(w.verifier, db, cfg.PlatformAdmins)
	}
	// last_used_at is flushed every 15 s and once more at shutdown.
	bg, stop := context.WithCancel(context.WithoutCancel(ctx))
	flushed := make(chan struct{})
	go func() { authn.Run(bg, 15*time.Second); close(flushed) }()
	go purgeLineageEvents(bg, db, cfg.LineageRetention, opts.Logger) // serve_retention.go
	stopNotify := startNotify(cfg, db, opts.Logger)                  // notify.go
	uiOpts := web.Options{Store: db, Auth: authn, Billing: opts.Billing, Config: cfg, Logger: opts.Logger, Scaffold: shared, OpenAPI: api.OpenAPI}
	if w.rateLimit != nil { // the API's limiter: page views and the billing page's usage bar (internal/web/ratelimit.go)
		uiOpts.Limiter = w.rateLimit.Limiter
	}
	opts.UI = web.New(uiOpts)
	return &storeAPI{db: db, handler: api.NewServer(opts), close: func() { stop(); stopNotify(); <-flushed; db.Close() }}, nil
}
