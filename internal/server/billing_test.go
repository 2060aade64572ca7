package server

import (
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/config"
)

func TestNewBilling(t *testing.T) {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg := config.Config{AppURL: "http://localhost:8000"}
	if b, err := newBilling(cfg, nil, logger); b != nil || err != nil {
		t.Fatalf("without a secret key = %v, %v; want nil, nil (billing off)", b, err)
	}
	cfg.Stripe.SecretKey = "sk_test_1"
	if _, err := newBilling(cfg, nil, logger); err == nil || !strings.Contains(err.Error(), "STRIPE_WEBHOOK_SECRET") {
		t.Fatalf("secret key alone: %v; want the missing settings named", err)
	}
	cfg.Stripe = config.Stripe{SecretKey: "sk_test_1", WebhookSecret: "whsec_1", PriceTeam: "price_t", PriceBusiness: "price_b"}
	if b, err := newBilling(cfg, nil, logger); b == nil || err != nil {
		t.Fatalf("fully configured = %v, %v", b, err)
	}
}
