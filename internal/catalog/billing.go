package catalog

import "time"

// SubscriptionEvent is one verified Stripe event about one subscription,
// reduced to what the store applies.
type SubscriptionEvent struct {
	EventID        string
	Created        time.Time // Stripe's `created`; orders the events of one subscription
	CustomerID     string
	OrgID          string // the subscription's metadata org_id, "" if absent
	SubscriptionID string
	Status         string
	// Plan is what the subscription grants after the event: a plan name
	// (PlanFree when it grants nothing), or "" to keep what it granted
	// before (past_due while Stripe retries, a price we do not sell).
	Plan string
}
