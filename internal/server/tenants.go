package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/dataxpipe/catalog/internal/config"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/tenancy"
)

// loadTenants reads DATAXPIPE_TENANTS. Dedicated stores are Postgres
// databases or schemas, so the file needs a Postgres shared store.
func loadTenants(cfg config.Config) ([]tenancy.Tenant, error) {
	if cfg.TenantsFile == "" {
		return nil, nil
	}
	if sqlstore.EngineOf(cfg.DB) != sqlstore.Postgres {
		return nil, errors.New("DATAXPIPE_TENANTS needs DATAXPIPE_DB=postgres://...: SQLite serves one shared store only; unset DATAXPIPE_TENANTS or move to Postgres")
	}
	return tenancy.Load(cfg.TenantsFile)
}

// storesHandler opens the shared store and every tenant store and routes
// requests between them by Host. It returns every store opened, also on
// error, so the caller closes them.
func (w *wiring) storesHandler(ctx context.Context, tenants []tenancy.Tenant) (http.Handler, []*storeAPI, error) {
	shared, err := w.openStoreAPI(ctx, "shared", w.cfg.DB, true)
	if err != nil {
		return nil, nil, err
	}
	stores := []*storeAPI{shared}
	if len(tenants) == 0 {
		return shared.handler, stores, nil
	}
	router := &tenancy.Router{Shared: shared.handler, ByHost: map[string]http.Handler{}}
	for _, t := range tenants {
		st, err := w.openStoreAPI(ctx, t.Host, t.DSN(w.cfg.DB), false)
		if err != nil {
			return nil, stores, err
		}
		stores = append(stores, st)
		router.ByHost[t.Host] = st.handler
	}
	router.Ready = func(r *http.Request) error {
		for i, st := range stores {
			if err := st.db.Ping(r.Context()); err != nil {
				return fmt.Errorf("store %d: %w", i, err)
			}
			if pending, err := st.db.Pending(r.Context()); err != nil || len(pending) > 0 {
				return fmt.Errorf("store %d: schema behind (%v, %v)", i, pending, err)
			}
		}
		return nil
	}
	w.logger.Info("dedicated tenant stores", "count", len(tenants))
	return router, stores, nil
}
