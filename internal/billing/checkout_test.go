package billing_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/billing"
	"github.com/dataxpipe/catalog/internal/billing/stripemocktest"
	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

func TestNew_MissingSettings(t *testing.T) {
	_, err := billing.New(billing.Config{SecretKey: "sk_test_1", PriceTeam: "p"}, nil)
	if err == nil || err.Error() != "billing: set DATAXPIPE_APP_URL, STRIPE_PRICE_BUSINESS, STRIPE_WEBHOOK_SECRET" {
		t.Fatalf("err = %v; want every missing setting named", err)
	}
}

func TestService_Checkout(t *testing.T) {
	base := stripemocktest.Start(t)
	db := sqlstoretest.Open(t, sqlstore.SQLite)
	_, org := sqlstoretest.MustCreateOrg(t, db, catalog.PlanFree)
	svc, rec := newService(t, base, db)
	ctx := context.Background()

	t.Run("NewCustomer", func(t *testing.T) {
		sess, err := svc.Checkout(ctx, org, "team", "")
		if err != nil || !strings.HasPrefix(sess.URL, "https://") || sess.ID == "" {
			t.Fatalf("checkout = %+v, %v", sess, err)
		}
		calls := rec.take()
		if len(calls) != 2 || calls[0].path != "/v1/customers" || calls[1].path != "/v1/checkout/sessions" {
			t.Fatalf("calls = %+v; want a customer, then a checkout session", calls)
		}
		cust := calls[0]
		if cust.form.Get("metadata[org_id]") != org.ID || cust.form.Get("name") != org.Name || cust.idempotencyKey != "dxp-customer-"+org.ID {
			t.Fatalf("customer params = %v, idempotency key %q", cust.form, cust.idempotencyKey)
		}
		saved, _ := db.FindOrgByID(ctx, org.ID)
		if saved.StripeCustomerID == "" || saved.StripeCustomerID != org.StripeCustomerID {
			t.Fatalf("stored customer %q, org value %q", saved.StripeCustomerID, org.StripeCustomerID)
		}
		want := map[string]string{
			"mode": "subscription", "customer": saved.StripeCustomerID, "client_reference_id": org.ID,
			"line_items[0][price]": priceTeam, "line_items[0][quantity]": "1",
			"subscription_data[metadata][org_id]": org.ID, "metadata[org_id]": org.ID,
			"success_url": "https://app.example.com/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}",
			"cancel_url":  "https://app.example.com/billing?checkout=canceled",
		}
		for k, v := range want {
			if got := calls[1].form.Get(k); got != v {
				t.Errorf("checkout session %s = %q, want %q", k, got, v)
			}
		}
	})
	t.Run("ExistingCustomerByPriceID", func(t *testing.T) {
		if _, err := svc.Checkout(ctx, org, "", priceBusiness); err != nil {
			t.Fatal(err)
		}
		calls := rec.take()
		if len(calls) != 1 || calls[0].form.Get("line_items[0][price]") != priceBusiness || calls[0].form.Get("customer") != org.StripeCustomerID {
			t.Fatalf("calls = %+v; want one session for the known customer at the business price", calls)
		}
	})
	t.Run("ErrInvalid", func(t *testing.T) {
		for _, c := range [][2]string{{"", ""}, {"free", ""}, {"", "price_other"}, {"team", priceTeam}} {
			if _, err := svc.Checkout(ctx, org, c[0], c[1]); catalog.ErrorCode(err) != catalog.EINVALID {
				t.Errorf("plan %q price %q: %v, want %s", c[0], c[1], err, catalog.EINVALID)
			}
		}
		if calls := rec.take(); len(calls) != 0 {
			t.Fatalf("invalid requests reached Stripe: %+v", calls)
		}
	})
	t.Run("ErrLiveSubscription", func(t *testing.T) {
		live := *org
		live.SubscriptionStatus = "active"
		if _, err := svc.Checkout(ctx, &live, "business", ""); catalog.ErrorCode(err) != catalog.ECONFLICT {
			t.Fatalf("checkout with a live subscription: %v, want %s", err, catalog.ECONFLICT)
		}
	})
}

func TestService_Portal(t *testing.T) {
	base := stripemocktest.Start(t)
	db := sqlstoretest.Open(t, sqlstore.SQLite)
	_, org := sqlstoretest.MustCreateOrg(t, db, catalog.PlanTeam)
	svc, rec := newService(t, base, db)
	if _, err := svc.Portal(context.Background(), org); catalog.ErrorCode(err) != catalog.ECONFLICT {
		t.Fatalf("portal without a customer: %v, want %s", err, catalog.ECONFLICT)
	}
	org.StripeCustomerID = "cus_portal"
	sess, err := svc.Portal(context.Background(), org)
	if err != nil || !strings.HasPrefix(sess.URL, "https://") {
		t.Fatalf("portal = %+v, %v", sess, err)
	}
	calls := rec.take()
	if len(calls) != 1 || calls[0].path != "/v1/billing_portal/sessions" || calls[0].form.Get("customer") != "cus_portal" ||
		calls[0].form.Get("return_url") != "https://app.example.com/billing" {
		t.Fatalf("calls = %+v", calls)
	}
}

// A failing Stripe is a 503 whose message says nothing of Stripe's answer.
func TestService_StripeFails(t *testing.T) {
	stripe := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusBadRequest) // 4xx: stripe-go does not retry
		io.WriteString(w, `{"error":{"type":"invalid_request_error","message":"No such price: secret_thing"}}`)
	}))
	defer stripe.Close()
	db := sqlstoretest.Open(t, sqlstore.SQLite)
	_, org := sqlstoretest.MustCreateOrg(t, db, catalog.PlanFree)
	svc, _ := newService(t, stripe.URL, db)
	_, err := svc.Checkout(context.Background(), org, "team", "")
	if catalog.ErrorCode(err) != catalog.EUNAVAILABLE || strings.Contains(catalog.ErrorMessage(err), "secret_thing") {
		t.Fatalf("err = %v; want %s without Stripe's message", err, catalog.EUNAVAILABLE)
	}
	if saved, _ := db.FindOrgByID(context.Background(), org.ID); saved.StripeCustomerID != "" {
		t.Fatalf("a failed customer creation stored %q", saved.StripeCustomerID)
	}
}
