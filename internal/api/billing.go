package api

import (
	"context"
	"net/http"

	"github.com/dataxpipe/catalog/internal/billing"
	"github.com/dataxpipe/catalog/internal/catalog"
)

// billingStore is what the billing handlers need of the store beyond
// catalog.OrgService: nothing. Stripe state is written only by the billing
// use case through its own billing.Store (wired in cmd/dxp), so no handler
// can change a plan outside it.
type billingStore interface{}

// Billing is the Stripe billing use case as the handlers see it; the
// implementation is *billing.Service. A nil Billing means Stripe is not
// configured, and the billing endpoints answer 503 billing_not_configured.
type Billing interface {
	// Checkout starts a subscription Checkout for org to plan or priceID
	// (exactly one set). EINVALID for a plan or price not for sale;
	// ECONFLICT when org already has a live subscription; EUNAVAILABLE when
	// Stripe fails.
	Checkout(ctx context.Context, org *catalog.Org, plan, priceID string) (billing.Session, error)
	// Portal opens the Customer Portal for org's customer. ECONFLICT when org
	// has no customer yet; EUNAVAILABLE when Stripe fails.
	Portal(ctx context.Context, org *catalog.Org) (billing.Session, error)
	// HandleWebhook verifies and applies one Stripe delivery. EMALFORMED
	// when the signature or the event does not verify or parse.
	HandleWebhook(ctx context.Context, payload []byte, signature string) (billing.WebhookResult, error)
}

// eBillingNotConfigured is API.md's 503 code for a server without Stripe.
const eBillingNotConfigured = "billing_not_configured"

var errBillingOff = catalog.Errorf(eBillingNotConfigured,
	"Billing is not configured on this server (no STRIPE_SECRET_KEY); a platform admin can change the plan instead.")

// checkoutView is where to send the person to pay, and the session.
type checkoutView struct {
	URL       string `json:"url"`
	SessionID string `json:"session_id"`
}

// portalView is where to send the person to manage billing.
type portalView struct {
	URL string `json:"url"`
}

type checkoutRequest struct {
	Plan    string `json:"plan"`
	PriceID string `json:"price_id"`
}

// startCheckout answers {url, session_id} for the caller's organization;
// no field of the request can name another one.
func (s *Server) startCheckout(w http.ResponseWriter, r *http.Request) error {
	if s.billing == nil {
		return errBillingOff
	}
	req, err := decode[checkoutRequest](r)
	if err != nil {
		return err
	}
	org, err := s.store.FindOrgByID(r.Context(), catalog.OrgIDFromContext(r.Context()))
	if err != nil {
		return err
	}
	sess, err := s.billing.Checkout(r.Context(), org, req.Plan, req.PriceID)
	if err != nil {
		return err
	}
	return respond(w, http.StatusOK, checkoutView{URL: sess.URL, SessionID: sess.ID})
}

// openPortal answers {url} of the Customer Portal for the caller's
// organization's customer.
func (s *Server) openPortal(w http.ResponseWriter, r *http.Request) error {
	if s.billing == nil {
		return errBillingOff
	}
	if _, err := decode[struct{}](r); err != nil { // an empty body, or {}
		return err
	}
	org, err := s.store.FindOrgByID(r.Context(), catalog.OrgIDFromContext(r.Context()))
	if err != nil {
		return err
	}
	sess, err := s.billing.Portal(r.Context(), org)
	if err != nil {
		return err
	}
	return respond(w, http.StatusOK, portalView{URL: sess.URL})
}
