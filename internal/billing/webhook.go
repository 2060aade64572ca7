package billing

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/stripe/stripe-go/v85"
	"github.com/stripe/stripe-go/v85/webhook"
)

// Tolerance is how far a Stripe-Signature timestamp may be from now, in
// either direction: older is a replay, newer is a clock or a forgery.
const Tolerance = 300 * time.Second

// Event is a verified Stripe event reduced to what billing acts on. At most
// one of Checkout and Subscription is set; neither for other types.
type Event struct {
	ID           string
	Type         string
	Created      time.Time // Stripe's `created`, which orders events
	Checkout     *CheckoutCompleted
	Subscription *SubscriptionChange
}

// CheckoutCompleted is a finished subscription Checkout.
type CheckoutCompleted struct {
	CustomerID string
	OrgID      string // client_reference_id, else metadata org_id
}

// SubscriptionChange is a subscription's state after an event.
type SubscriptionChange struct {
	ID         string
	CustomerID string
	OrgID      string // metadata org_id, set through Checkout's subscription_data
	Status     string
	PriceIDs   []string
	Deleted    bool // customer.subscription.deleted
}

// ParseEvent verifies the Stripe-Signature header over the raw payload with
// stripe-go's webhook package (HMAC-SHA256, every v1 signature tried, so a
// rolled secret still verifies) and parses the event. EMALFORMED for any
// failure, with the reason, so Stripe's delivery log shows what to fix.
func (s *Service) ParseEvent(payload []byte, header string) (Event, error) {
	ev, err := webhook.ConstructEventWithOptions(payload, header, s.cfg.WebhookSecret, webhook.ConstructEventOptions{IgnoreTolerance: true})
	switch {
	case errors.Is(err, webhook.ErrNotSigned):
		return Event{}, catalog.Errorf(catalog.EMALFORMED, "The Stripe-Signature header is missing.")
	case errors.Is(err, webhook.ErrInvalidHeader):
		return Event{}, catalog.Errorf(catalog.EMALFORMED, "The Stripe-Signature header is malformed.")
	case errors.Is(err, webhook.ErrNoValidSignature):
		return Event{}, catalog.Errorf(catalog.EMALFORMED, "No signature in Stripe-Signature matches the payload and the webhook secret.")
	case err != nil: // bad JSON, a thin event, or another API version
		return Event{}, catalog.Errorf(catalog.EMALFORMED, "The event could not be read: %s", err.Error())
	}
	// The timestamp is judged here, against our clock, in both directions:
	// stripe-go only refuses the past, and a timestamp ahead of us by more
	// than the tolerance would stay replayable for that much longer.
	now, signed := s.now(), signedAt(header)
	if signed.Before(now.Add(-Tolerance)) {
		return Event{}, catalog.Errorf(catalog.EMALFORMED, "The Stripe-Signature timestamp is more than %d seconds old.", int(Tolerance.Seconds()))
	}
	if signed.After(now.Add(Tolerance)) {
		return Event{}, catalog.Errorf(catalog.EMALFORMED, "The Stripe-Signature timestamp is more than %d seconds in the future.", int(Tolerance.Seconds()))
	}
	out := Event{ID: ev.ID, Type: string(ev.Type), Created: time.Unix(ev.Created, 0).UTC()}
	switch ev.Type {
	case stripe.EventTypeCheckoutSessionCompleted:
		var cs stripe.CheckoutSession
		if err := json.Unmarshal(ev.Data.Raw, &cs); err != nil {
			return Event{}, catalog.Errorf(catalog.EMALFORMED, "The checkout session in event %s could not be read.", ev.ID)
		}
		if cs.Mode == stripe.CheckoutSessionModeSubscription {
			out.Checkout = &CheckoutCompleted{CustomerID: customerID(cs.Customer), OrgID: firstOf(cs.ClientReferenceID, cs.Metadata["org_id"])}
		}
	case stripe.EventTypeCustomerSubscriptionCreated, stripe.EventTypeCustomerSubscriptionUpdated, stripe.EventTypeCustomerSubscriptionDeleted:
		var sub stripe.Subscription
		if err := json.Unmarshal(ev.Data.Raw, &sub); err != nil {
			return Event{}, catalog.Errorf(catalog.EMALFORMED, "The subscription in event %s could not be read.", ev.ID)
		}
		change := &SubscriptionChange{ID: sub.ID, CustomerID: customerID(sub.Customer), OrgID: sub.Metadata["org_id"],
			Status: string(sub.Status), Deleted: ev.Type == stripe.EventTypeCustomerSubscriptionDeleted}
		if sub.Items != nil {
			for _, item := range sub.Items.Data {
				if item != nil && item.Price != nil {
					change.PriceIDs = append(change.PriceIDs, item.Price.ID)
				}
			}
		}
		out.Subscription = change
	}
	return out, nil
}

// signedAt reads the t= part of a header that has already verified.
func (s *Service) now() time.Time {
	if s.cfg.Now != nil {
		return s.cfg.Now()
	}
	return time.Now()
}

func signedAt(header string) time.Time {
	for _, part := range strings.Split(header, ",") {
		if v, ok := strings.CutPrefix(part, "t="); ok {
			if sec, err := strconv.ParseInt(v, 10, 64); err == nil {
				return time.Unix(sec, 0)
			}
		}
	}
	return time.Time{}
}

func customerID(c *stripe.Customer) string {
	if c == nil {
		return ""
	}
	return c.ID
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
