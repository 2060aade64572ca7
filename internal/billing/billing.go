// Package billing connects organizations to Stripe: Checkout and Customer
// Portal sessions, webhook verification, and the sync use case that turns
// subscription events into plan changes. It is the only package that imports
// stripe-go; the rest of the code sees small typed values.
package billing

import (
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/stripe/stripe-go/v85"
)

// Config is what the service needs to talk to Stripe.
type Config struct {
	SecretKey     string // STRIPE_SECRET_KEY
	WebhookSecret string // STRIPE_WEBHOOK_SECRET (whsec_...)
	PriceTeam     string // STRIPE_PRICE_TEAM
	PriceBusiness string // STRIPE_PRICE_BUSINESS
	APIBase       string // STRIPE_API_BASE; "" is api.stripe.com (tests point it at stripe-mock)
	AppURL        string // where Checkout and the Portal send the user back
	// HTTPClient carries calls to Stripe; nil is a client with a 30 s timeout,
	// so a slow Stripe cannot hold an API request for stripe-go's default 80 s.
	HTTPClient *http.Client
	Logger     *slog.Logger
	// Now is the clock webhook timestamps are judged against; nil is
	// time.Now. Tests set it so the tolerance edges do not race the clock.
	Now func() time.Time
}

// Service is the billing use case over Stripe and a Store.
type Service struct {
	cfg    Config
	stripe *stripe.Client
	store  Store
	logger *slog.Logger
	prices map[string]string // plan → price id
}

// New checks cfg and returns the service. Every missing setting is named at
// once, because a half-configured billing would take money and never
// change a plan.
func New(cfg Config, store Store) (*Service, error) {
	var missing []string
	for name, v := range map[string]string{"STRIPE_SECRET_KEY": cfg.SecretKey, "STRIPE_WEBHOOK_SECRET": cfg.WebhookSecret,
		"STRIPE_PRICE_TEAM": cfg.PriceTeam, "STRIPE_PRICE_BUSINESS": cfg.PriceBusiness, "DATAXPIPE_APP_URL": cfg.AppURL} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return nil, errors.New("billing: set " + strings.Join(missing, ", "))
	}
	if cfg.PriceTeam == cfg.PriceBusiness {
		return nil, errors.New("billing: STRIPE_PRICE_TEAM and STRIPE_PRICE_BUSINESS must be different prices")
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg.AppURL = strings.TrimRight(cfg.AppURL, "/")
	backend := &stripe.BackendConfig{
		HTTPClient: cfg.HTTPClient,
		// stripe-go would print to stderr; failures are logged through slog here.
		LeveledLogger: &stripe.LeveledLogger{Level: stripe.LevelNull},
	}
	if cfg.APIBase != "" {
		backend.URL = stripe.String(cfg.APIBase)
	}
	return &Service{
		cfg:    cfg,
		stripe: stripe.NewClient(cfg.SecretKey, stripe.WithBackends(stripe.NewBackendsWithConfig(backend))),
		store:  store,
		logger: cfg.Logger,
		prices: map[string]string{catalog.PlanTeam: cfg.PriceTeam, catalog.PlanBusiness: cfg.PriceBusiness},
	}, nil
}

// planOfPrice returns the plan a configured price id buys, or "".
func (s *Service) planOfPrice(priceID string) string {
	for plan, id := range s.prices {
		if id == priceID {
			return plan
		}
	}
	return ""
}

// stripeFailed logs a failed Stripe call and returns the client-safe 503.
// Stripe's own message stays in the log: it may name ids or settings.
func (s *Service) stripeFailed(what string, err error) error {
	attrs := []any{"err", err}
	var se *stripe.Error
	if errors.As(err, &se) {
		attrs = append(attrs, "stripe_status", se.HTTPStatusCode, "stripe_request_id", se.RequestID)
	}
	s.logger.Error("stripe call failed: "+what, attrs...)
	return catalog.Errorf(catalog.EUNAVAILABLE, "Stripe could not %s just now; try again in a minute.", what)
}
