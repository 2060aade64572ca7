package api

import (
	"context"

	"github.com/dataxpipe/catalog/internal/auth"
	"github.com/dataxpipe/catalog/internal/billing"
)

// No handler evicts a cached credential. The store's writes that change
// what a key or a person may do go through the authenticator's Watch, and
// billing's plan changes through watchedBilling: both end in
// auth.Invalidate, the one invalidation point.

// watchedStore is Store with the writes of auth.CredentialWrites taken from
// the watched store. The embedded CredentialWrites is one level shallower
// than the Store inside storeMethods, and Go picks the shallowest method, so
// a write added to CredentialWrites is watched here without another line.
type watchedStore struct {
	storeMethods
	auth.CredentialWrites
}

type storeMethods struct{ Store }

func watchStore(s Store, a *auth.Authenticator) Store {
	return watchedStore{storeMethods{s}, a.Watch(s)}
}

// watchedBilling invalidates the organization whose plan a Stripe delivery
// changed: billing writes through its own store, outside Watch.
type watchedBilling struct {
	Billing
	auth *auth.Authenticator
}

func (b watchedBilling) HandleWebhook(ctx context.Context, payload []byte, signature string) (billing.WebhookResult, error) {
	res, err := b.Billing.HandleWebhook(ctx, payload, signature)
	if err == nil && res.Outcome == billing.OutcomeApplied {
		b.auth.Invalidate(auth.Change{OrgID: res.OrgID})
	}
	return res, err
}
