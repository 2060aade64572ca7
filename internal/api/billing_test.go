package api_test

import (
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/api"
	"github.com/dataxpipe/catalog/internal/billing"
	"github.com/dataxpipe/catalog/internal/billing/billingtest"
	"github.com/dataxpipe/catalog/internal/billing/stripemocktest"
	"github.com/dataxpipe/catalog/internal/catalog"
)

const (
	testWhsec     = "whsec_api_test"
	priceTeam     = "price_team_test"
	priceBusiness = "price_business_test"
)

// withBilling rebuilds e's server with a billing service whose Stripe calls
// go to base (stripe-mock, or an address nothing listens on when a test only
// sends webhooks).
func (e *env) withBilling(base string) { e.withBillingLimited(base, nil) }

// withBillingLimited is withBilling with budgets enforced by limits.
func (e *env) withBillingLimited(base string, limits *api.RateLimit) {
	e.t.Helper()
	svc, err := billing.New(billing.Config{SecretKey: stripemocktest.SecretKey, WebhookSecret: testWhsec, PriceTeam: priceTeam,
		PriceBusiness: priceBusiness, APIBase: base, AppURL: "https://app.example.com"}, e.db)
	if err != nil {
		e.t.Fatal(err)
	}
	e.srv = api.NewServer(api.Options{Store: e.db, Auth: e.auth, Logger: slog.New(slog.DiscardHandler), Now: e.clock.Now, Billing: svc, RateLimit: limits})
}

// deliverStripe posts payload to the webhook signed with the test secret now.
func (e *env) deliverStripe(payload []byte) response {
	e.t.Helper()
	return e.do("POST", "/webhooks/stripe", "", string(payload), "Stripe-Signature", billingtest.Sign(payload, testWhsec, time.Time{}))
}

// myOrg is GET /organizations/me for key.
func (e *env) myOrg(key string) map[string]any {
	e.t.Helper()
	return e.do("GET", "/api/v1/organizations/me", key, "").expect(200).json()
}

func TestBilling_NotConfigured(t *testing.T) {
	e := sqliteEnv(t)
	_, admin := e.newOrg("acme", catalog.PlanFree)
	for _, path := range []string{"/api/v1/billing/checkout", "/api/v1/billing/portal"} {
		if code := e.do("POST", path, admin, `{"plan":"team"}`).expect(503).json()["code"]; code != "billing_not_configured" {
			t.Fatalf("%s code %v, want billing_not_configured", path, code)
		}
	}
	payload := []byte(`{"id":"evt_1","object":"event"}`)
	e.do("POST", "/webhooks/stripe", "", string(payload)).expect(400)
	e.do("POST", "/webhooks/stripe", "", string(payload), "Stripe-Signature", billingtest.Sign(payload, testWhsec, time.Time{})).expect(503)
	e.myOrg(admin) // the rest of the API works
}

func TestBilling_CheckoutAndPortal(t *testing.T) {
	e := sqliteEnv(t)
	e.withBilling(stripemocktest.Start(t))
	_, adminA := e.newOrg("org-a", catalog.PlanFree)
	_, adminB := e.newOrg("org-b", catalog.PlanFree)
	member, _ := e.newKey(adminA, "member")

	detail := e.do("POST", "/api/v1/billing/portal", adminA, "").expect(409).json()["detail"].(string)
	if !strings.Contains(detail, "/api/v1/billing/checkout") {
		t.Fatalf("portal before checkout: detail %q should point to checkout", detail)
	}
	m := e.do("POST", "/api/v1/billing/checkout", adminA, `{"plan":"team"}`).expect(200).json()
	if !strings.HasPrefix(m["url"].(string), "https://") || m["session_id"] == "" {
		t.Fatalf("checkout = %v", m)
	}
	customer := e.myOrg(adminA)["billing"].(map[string]any)["stripe_customer_id"]
	if customer == nil {
		t.Fatal("checkout did not store the Stripe customer")
	}
	e.do("POST", "/api/v1/billing/checkout", adminA, `{"price_id":"`+priceBusiness+`"}`).expect(200)
	e.do("POST", "/api/v1/billing/checkout", adminA, `{"price_id":"price_elsewhere"}`).expect(422)
	e.do("POST", "/api/v1/billing/checkout", adminA, `{"plan":"free"}`).expect(422)
	if !strings.HasPrefix(e.do("POST", "/api/v1/billing/portal", adminA, "").expect(200).json()["url"].(string), "https://") {
		t.Fatal("portal has no url")
	}
	e.do("POST", "/api/v1/billing/checkout", member, `{"plan":"team"}`).expect(403)
	e.do("POST", "/api/v1/billing/portal", member, "").expect(403)

	// Org B's admin acts only in org B: there is no way to name org A.
	e.do("POST", "/api/v1/billing/portal", adminB, "").expect(409)
	e.do("POST", "/api/v1/billing/checkout", adminB, `{"plan":"team","organization_id":"org-a"}`).expect(422)
	if got := e.myOrg(adminA)["billing"].(map[string]any)["stripe_customer_id"]; got != customer {
		t.Fatalf("org A's customer changed to %v", got)
	}
}
