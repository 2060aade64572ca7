package server

import (
	"log/slog"

	"github.com/dataxpipe/catalog/internal/api"
	"github.com/dataxpipe/catalog/internal/billing"
	"github.com/dataxpipe/catalog/internal/config"
	"github.com/dataxpipe/catalog/internal/sqlstore"
)

// newBilling returns the Stripe billing service, or nil when
// STRIPE_SECRET_KEY is unset (billing endpoints then answer 503). With a
// secret key, every other Stripe setting must be there too: the server
// refuses to start rather than take payments it cannot turn into plans.
func newBilling(cfg config.Config, db *sqlstore.DB, logger *slog.Logger) (api.Billing, error) {
	if cfg.Stripe.SecretKey == "" {
		logger.Info("billing off: STRIPE_SECRET_KEY is unset, billing endpoints answer 503")
		return nil, nil // a typed nil *billing.Service would not compare equal to nil in the API
	}
	svc, err := billing.New(billing.Config{
		SecretKey:     cfg.Stripe.SecretKey,
		WebhookSecret: cfg.Stripe.WebhookSecret,
		PriceTeam:     cfg.Stripe.PriceTeam,
		PriceBusiness: cfg.Stripe.PriceBusiness,
		APIBase:       cfg.Stripe.APIBase,
		AppURL:        cfg.AppURL,
		Logger:        logger,
	}, db)
	if err != nil {
		return nil, err
	}
	logger.Info("billing on", "stripe_api_base", apiBaseOrDefault(cfg.Stripe.APIBase))
	return svc, nil
}

func apiBaseOrDefault(base string) string {
	if base == "" {
		return "https://api.stripe.com"
	}
	return base
}
