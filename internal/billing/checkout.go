package billing

import (
	"context"
	"fmt"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/stripe/stripe-go/v85"
)

// Session is a Stripe-hosted page to send the user to.
type Session struct {
	URL string
	ID  string
}

// Checkout starts a subscription Checkout for org, which always comes from
// the caller's credential. Exactly one of plan ("team", "business") and
// priceID (one of the two configured prices) names what it buys. The Stripe
// customer is created first when org has none, and saved on org.
// EINVALID for anything else; ECONFLICT when org already has a live
// subscription (plan changes go through the Portal, so nobody pays twice);
// EUNAVAILABLE when Stripe fails.
func (s *Service) Checkout(ctx context.Context, org *catalog.Org, plan, priceID string) (Session, error) {
	price, err := s.priceFor(plan, priceID)
	if err != nil {
		return Session{}, err
	}
	switch org.SubscriptionStatus {
	case "active", "trialing", "past_due":
		return Session{}, catalog.Errorf(catalog.ECONFLICT, "%s already has a %s subscription; change or cancel it in the Customer Portal (POST /api/v1/billing/portal).", org.Slug, org.SubscriptionStatus)
	}
	customer, err := s.ensureCustomer(ctx, org)
	if err != nil {
		return Session{}, err
	}
	cs, err := s.stripe.V1CheckoutSessions.Create(ctx, s.checkoutParams(org.ID, customer, price))
	if err != nil {
		return Session{}, s.stripeFailed("start Checkout", err)
	}
	return Session{URL: cs.URL, ID: cs.ID}, nil
}

// priceFor turns the request's plan or price id into a configured price.
func (s *Service) priceFor(plan, priceID string) (string, error) {
	switch {
	case plan != "" && priceID != "":
		return "", catalog.Invalid([]catalog.FieldError{{Field: "price_id", Message: "Send plan or price_id, not both."}})
	case plan != "":
		if price, ok := s.prices[plan]; ok {
			return price, nil
		}
		return "", catalog.Invalid([]catalog.FieldError{{Field: "plan", Message: "plan must be team or business."}})
	case priceID != "":
		if s.planOfPrice(priceID) != "" {
			return priceID, nil
		}
		return "", catalog.Invalid([]catalog.FieldError{{Field: "price_id", Message: "price_id must be the price of the Team or Business plan."}})
	}
	return "", catalog.Invalid([]catalog.FieldError{{Field: "plan", Message: "Send plan (team or business) or price_id."}})
}

// ensureCustomer returns org's Stripe customer, creating and saving it when
// org has none. The idempotency key makes two concurrent first checkouts get
// the same customer from Stripe instead of two.
func (s *Service) ensureCustomer(ctx context.Context, org *catalog.Org) (string, error) {
	if org.StripeCustomerID != "" {
		return org.StripeCustomerID, nil
	}
	params := &stripe.CustomerCreateParams{Name: stripe.String(org.Name)}
	params.AddMetadata("org_id", org.ID)
	params.AddMetadata("org_slug", org.Slug)
	params.SetIdempotencyKey("dxp-customer-" + org.ID)
	c, err := s.stripe.V1Customers.Create(ctx, params)
	if err != nil {
		return "", s.stripeFailed("create the customer", err)
	}
	id, err := s.store.LinkStripeCustomer(ctx, org.ID, c.ID)
	if err != nil {
		return "", fmt.Errorf("save stripe customer: %w", err)
	}
	org.StripeCustomerID = id
	return id, nil
}

// checkoutParams is the Checkout Session of one subscription to price. The
// org id travels three ways (client_reference_id, session and subscription
// metadata) so that every later event can name the organization even before
// the customer id is known to be its.
func (s *Service) checkoutParams(orgID, customer, price string) *stripe.CheckoutSessionCreateParams {
	p := &stripe.CheckoutSessionCreateParams{
		Mode:              stripe.String(string(stripe.CheckoutSessionModeSubscription)),
		Customer:          stripe.String(customer),
		ClientReferenceID: stripe.String(orgID),
		LineItems:         []*stripe.CheckoutSessionCreateLineItemParams{{Price: stripe.String(price), Quantity: stripe.Int64(1)}},
		SubscriptionData:  &stripe.CheckoutSessionCreateSubscriptionDataParams{},
		SuccessURL:        stripe.String(s.cfg.AppURL + "/billing?checkout=success&session_id={CHECKOUT_SESSION_ID}"),
		CancelURL:         stripe.String(s.cfg.AppURL + "/billing?checkout=canceled"),
	}
	p.AddMetadata("org_id", orgID)
	p.SubscriptionData.AddMetadata("org_id", orgID)
	return p
}

// Portal opens the Customer Portal for org's customer. ECONFLICT when org
// has no customer yet; EUNAVAILABLE when Stripe fails.
func (s *Service) Portal(ctx context.Context, org *catalog.Org) (Session, error) {
	if org.StripeCustomerID == "" {
		return Session{}, catalog.Errorf(catalog.ECONFLICT, "%s has no Stripe customer yet; start a subscription with POST /api/v1/billing/checkout first.", org.Slug)
	}
	ps, err := s.stripe.V1BillingPortalSessions.Create(ctx, &stripe.BillingPortalSessionCreateParams{
		Customer: stripe.String(org.StripeCustomerID), ReturnURL: stripe.String(s.cfg.AppURL + "/billing")})
	if err != nil {
		return Session{}, s.stripeFailed("open the Customer Portal", err)
	}
	return Session{URL: ps.URL, ID: ps.ID}, nil
}
