package billing

import (
	"context"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// Store is what billing needs of storage. Its methods cross tenants: the
// organization comes from Stripe's data, which the signature vouches for.
type Store interface {
	// LinkStripeCustomer gives organization orgID the Stripe customer
	// customerID unless it has one already, and returns the customer the
	// organization has afterwards. ENOTFOUND if there is no such
	// organization; ECONFLICT if the customer belongs to another one.
	LinkStripeCustomer(ctx context.Context, orgID, customerID string) (string, error)
	// ApplyStripeSubscription applies one subscription event in one
	// transaction. It finds the organization by the customer, else by the
	// event's org id (unless that organization has another customer), and
	// records the event id. Unless an event about the same subscription
	// created after this one was already applied, it then records what the
	// subscription grants, links the customer, and sets the organization's
	// plan to the largest plan any of its subscriptions grants (with that
	// subscription's status), audited as organization.plan_changed by actor
	// {stripe, eventID}. It returns the organization and whether anything
	// was written. ENOTFOUND if no organization matches; ECONFLICT if the
	// event id was recorded before, including by a concurrent delivery.
	ApplyStripeSubscription(ctx context.Context, ev catalog.SubscriptionEvent) (*catalog.Org, bool, error)
}

// Outcomes of a webhook delivery, for the log and the tests.
const (
	OutcomeApplied    = "applied"     // status or plan written
	OutcomeLinked     = "linked"      // checkout finished; customer tied to the org
	OutcomeIgnored    = "ignored"     // a type billing does not act on
	OutcomeDuplicate  = "duplicate"   // this event id was applied before
	OutcomeStale      = "stale"       // older than the last event applied to the org
	OutcomeUnknownOrg = "unknown_org" // no organization matches the customer or metadata
	OutcomeConflict   = "conflict"    // the checkout's customer belongs to another organization
)

// WebhookResult says what one delivery did.
type WebhookResult struct {
	EventID, Type string
	OrgID         string // the organization concerned, "" if none
	Outcome       string
}

// HandleWebhook verifies and applies one delivery. Only signature and
// parsing failures are errors the sender should see (EMALFORMED); events
// that match nothing are answered 200 so that Stripe stops retrying them.
// Other errors are internal, and Stripe retries the delivery.
func (s *Service) HandleWebhook(ctx context.Context, payload []byte, signature string) (WebhookResult, error) {
	ev, err := s.ParseEvent(payload, signature)
	if err != nil {
		return WebhookResult{}, err
	}
	res := WebhookResult{EventID: ev.ID, Type: ev.Type, Outcome: OutcomeIgnored}
	switch {
	case ev.Subscription != nil:
		sub := ev.Subscription
		org, wrote, err := s.store.ApplyStripeSubscription(ctx, catalog.SubscriptionEvent{EventID: ev.ID, Created: ev.Created,
			CustomerID: sub.CustomerID, OrgID: sub.OrgID, SubscriptionID: sub.ID, Status: sub.Status, Plan: s.planFor(ev.ID, sub)})
		res.Outcome, err = outcome(err, OutcomeApplied, OutcomeDuplicate)
		if org != nil {
			res.OrgID = org.ID
			if !wrote {
				res.Outcome = OutcomeStale
			}
		}
		return res, err
	case ev.Checkout != nil && ev.Checkout.OrgID != "" && ev.Checkout.CustomerID != "":
		res.OrgID = ev.Checkout.OrgID
		linked, err := s.store.LinkStripeCustomer(ctx, ev.Checkout.OrgID, ev.Checkout.CustomerID)
		if err == nil && linked != ev.Checkout.CustomerID {
			s.logger.Warn("stripe checkout finished with another customer than the organization's; kept the organization's",
				"event_id", ev.ID, "org_id", res.OrgID, "customer", ev.Checkout.CustomerID, "kept", linked)
		}
		res.Outcome, err = outcome(err, OutcomeLinked, OutcomeConflict)
		return res, err
	}
	return res, nil
}

// outcome turns the store's answer into an outcome; only unexpected errors
// remain errors.
func outcome(err error, ok, conflict string) (string, error) {
	switch catalog.ErrorCode(err) {
	case "":
		return ok, nil
	case catalog.ENOTFOUND:
		return OutcomeUnknownOrg, nil
	case catalog.ECONFLICT:
		return conflict, nil
	}
	return "", err
}

// planFor is the plan a subscription's state grants, or "" to keep what it
// granted before: past_due keeps it while Stripe retries the payment, and an
// incomplete subscription has not been paid yet. paused (a trial that
// ended without a payment method) pays nothing, so it is free.
func (s *Service) planFor(eventID string, sub *SubscriptionChange) string {
	if sub.Deleted {
		return catalog.PlanFree
	}
	switch sub.Status {
	case "active", "trialing":
		for _, plan := range []string{catalog.PlanBusiness, catalog.PlanTeam} { // the larger plan wins
			for _, price := range sub.PriceIDs {
				if s.prices[plan] == price {
					return plan
				}
			}
		}
		s.logger.Warn("stripe subscription has none of the configured prices; plan kept", "event_id", eventID,
			"subscription", sub.ID, "prices", sub.PriceIDs)
	case "canceled", "unpaid", "incomplete_expired", "paused":
		return catalog.PlanFree
	}
	return ""
}
