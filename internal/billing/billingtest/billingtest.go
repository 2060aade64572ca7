// Package billingtest builds signed Stripe webhook deliveries for tests, so
// that tests outside internal/billing need not import stripe-go.
package billingtest

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/stripe/stripe-go/v85"
	"github.com/stripe/stripe-go/v85/webhook"
)

// Sign returns the Stripe-Signature header of payload signed with secret at
// at (the zero time is now), made by stripe-go's own test helper.
func Sign(payload []byte, secret string, at time.Time) string {
	return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: payload, Secret: secret, Timestamp: at}).Header
}

// SignRolled returns a header with two v1 signatures, as Stripe sends while
// a rolled secret's predecessor is still valid: one per secret.
func SignRolled(payload []byte, oldSecret, newSecret string, at time.Time) string {
	if at.IsZero() {
		at = time.Now()
	}
	return fmt.Sprintf("t=%d,v1=%s,v1=%s", at.Unix(),
		hex.EncodeToString(webhook.ComputeSignature(at, payload, oldSecret)),
		hex.EncodeToString(webhook.ComputeSignature(at, payload, newSecret)))
}

// Event is a Stripe event envelope in the API version of stripe-go.
func Event(id, typ string, created int64, object any) []byte {
	b, err := json.Marshal(map[string]any{"id": id, "object": "event", "api_version": stripe.APIVersion,
		"created": created, "type": typ, "livemode": false, "data": map[string]any{"object": object}})
	if err != nil {
		panic(err)
	}
	return b
}

// Subscription is a customer.subscription.* event about one subscription.
type Subscription struct {
	EventID, Type string // Type: created, updated or deleted
	Created       int64
	ID, Customer  string
	OrgID         string // metadata org_id; "" for none
	Status, Price string
}

// JSON is the event's payload.
func (s Subscription) JSON() []byte {
	meta := map[string]string{}
	if s.OrgID != "" {
		meta["org_id"] = s.OrgID
	}
	return Event(s.EventID, "customer.subscription."+s.Type, s.Created, map[string]any{
		"id": s.ID, "object": "subscription", "customer": s.Customer, "status": s.Status, "metadata": meta,
		"items": map[string]any{"object": "list", "data": []any{map[string]any{"id": "si_" + s.ID, "object": "subscription_item",
			"price": map[string]any{"id": s.Price, "object": "price"}}}},
	})
}

// Checkout is a checkout.session.completed event of a subscription Checkout.
type Checkout struct {
	EventID  string
	Created  int64
	Customer string
	OrgID    string // client_reference_id
}

// JSON is the event's payload.
func (c Checkout) JSON() []byte {
	return Event(c.EventID, "checkout.session.completed", c.Created, map[string]any{
		"id": "cs_" + c.EventID, "object": "checkout.session", "mode": "subscription", "status": "complete",
		"payment_status": "paid", "customer": c.Customer, "client_reference_id": c.OrgID, "subscription": "sub_" + c.EventID,
	})
}
