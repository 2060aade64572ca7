package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// The billing methods cross tenants: a Stripe webhook has no credential, and
// the organization comes from Stripe's signed data (see billing.Store).

// LinkStripeCustomer gives orgID the Stripe customer customerID unless it
// has one already, and returns the customer it has afterwards.
func (db *DB) LinkStripeCustomer(ctx context.Context, orgID, customerID string) (string, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return "", err
	}
	defer tx.Rollback()
	o, err := tx.lockOrg(ctx, orgID)
	if err != nil {
		return "", err
	}
	if o.StripeCustomerID != "" {
		return o.StripeCustomerID, nil
	}
	if err := tx.linkCustomer(ctx, o.ID, customerID); err != nil {
		return "", err
	}
	return customerID, tx.commit()
}

// linkCustomer sets an organization's customer if it has none; a customer
// already linked elsewhere is ECONFLICT.
func (tx *Tx) linkCustomer(ctx context.Context, orgID, customerID string) error {
	_, err := tx.exec(ctx, `UPDATE organizations SET stripe_customer_id = $1, updated_at = $2 WHERE id = $3 AND stripe_customer_id IS NULL`,
		customerID, ts(tx.now), orgID)
	if err = translate(err); errors.Is(err, errUnique) {
		return catalog.Errorf(catalog.ECONFLICT, "The Stripe customer %s belongs to another organization.", customerID)
	}
	if err != nil {
		return fmt.Errorf("link stripe customer: %w", err)
	}
	return nil
}

// ApplyStripeSubscription applies one subscription event; see billing.Store.
// The organization's row lock (and SQLite's write lock) serialises events of
// one organization, so the watermark read and the write cannot interleave.
// The organization's plan is recomputed from all its subscriptions, so the
// end of one does not undo another that is still paid.
func (db *DB) ApplyStripeSubscription(ctx context.Context, ev catalog.SubscriptionEvent) (*catalog.Org, bool, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, false, err
	}
	defer tx.Rollback()
	o, err := tx.lockStripeOrg(ctx, ev.CustomerID, ev.OrgID)
	if err != nil {
		return nil, false, err
	}
	// ON CONFLICT DO NOTHING waits for a concurrent insert of the same id to
	// commit and then inserts nothing: the second delivery sees 0 rows.
	res, err := tx.exec(ctx, `INSERT INTO stripe_events (organization_id, event_id, created, received_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (organization_id, event_id) DO NOTHING`, o.ID, ev.EventID, ts(ev.Created), ts(tx.now))
	if err != nil {
		return nil, false, fmt.Errorf("record stripe event: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return nil, false, err
	} else if n == 0 {
		return nil, false, catalog.Errorf(catalog.ECONFLICT, "Stripe event %s was applied before.", ev.EventID)
	}
	granted, seen := catalog.PlanFree, false
	var last time.Time
	err = tx.queryRow(ctx, `SELECT plan, event_created FROM stripe_subscriptions WHERE organization_id = $1 AND subscription_id = $2`,
		o.ID, ev.SubscriptionID).Scan(&granted, timeCol{&last})
	switch {
	case err == nil:
		seen = true
	case !errors.Is(err, sql.ErrNoRows):
		return nil, false, fmt.Errorf("read stripe subscription: %w", err)
	}
	if seen && ev.Created.Before(last) {
		return o, false, tx.commit() // recorded, so a redelivery is a duplicate, but it changes nothing
	}
	if ev.Plan != "" {
		granted = ev.Plan
	}
	if _, err := tx.exec(ctx, `INSERT INTO stripe_subscriptions (organization_id, subscription_id, status, plan, event_created, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (organization_id, subscription_id) DO UPDATE SET status = excluded.status, plan = excluded.plan,
			event_created = excluded.event_created, updated_at = excluded.updated_at`,
		o.ID, ev.SubscriptionID, ev.Status, granted, ts(ev.Created), ts(tx.now)); err != nil {
		return nil, false, fmt.Errorf("record stripe subscription: %w", err)
	}
	if o.StripeCustomerID == "" && ev.CustomerID != "" {
		if err := tx.linkCustomer(ctx, o.ID, ev.CustomerID); err != nil {
			return nil, false, err
		}
		o.StripeCustomerID = ev.CustomerID
	}
	plan, status, err := tx.subscriptionsPlan(ctx, o.ID)
	if err != nil {
		return nil, false, err
	}
	if plan == catalog.PlanFree {
		status = ev.Status // nothing pays: the status is the one this event reports
	}
	if _, err := tx.exec(ctx, `UPDATE organizations SET subscription_status = $1, updated_at = $2 WHERE id = $3`, status, ts(tx.now), o.ID); err != nil {
		return nil, false, fmt.Errorf("set subscription status: %w", err)
	}
	o.SubscriptionStatus = status
	if err := tx.setOrgPlan(ctx, o, o.Name, plan, catalog.Actor{Type: "stripe", ID: ev.EventID}); err != nil {
		return nil, false, err
	}
	return o, true, tx.commit()
}

// subscriptionsPlan is the largest plan the organization's subscriptions
// grant, with the status of the subscription that grants it.
func (tx *Tx) subscriptionsPlan(ctx context.Context, orgID string) (plan, status string, err error) {
	rows, err := tx.query(ctx, `SELECT plan, status FROM stripe_subscriptions WHERE organization_id = $1 ORDER BY subscription_id`, orgID)
	if err != nil {
		return "", "", fmt.Errorf("read stripe subscriptions: %w", err)
	}
	defer rows.Close()
	plan = catalog.PlanFree
	for rows.Next() {
		var p, s string
		if err := rows.Scan(&p, &s); err != nil {
			return "", "", fmt.Errorf("read stripe subscription: %w", err)
		}
		if p != plan && catalog.LargerPlan(plan, p) == p {
			plan, status = p, s
		}
	}
	return plan, status, rows.Err()
}

// lockStripeOrg finds and locks the organization of a Stripe event: by its
// customer, else by the org id in its metadata. An organization that already
// has another customer is not taken from metadata, so a stray subscription
// cannot move the plan of an organization it does not pay for.
func (tx *Tx) lockStripeOrg(ctx context.Context, customerID, orgID string) (*catalog.Org, error) {
	if customerID != "" {
		id, err := tx.db.orgIDBy(ctx, tx, "customer", customerID)
		switch {
		case err == nil:
			return tx.lockOrg(ctx, id) // from here on the event acts in this organization
		case !errors.Is(err, sql.ErrNoRows):
			return nil, fmt.Errorf("find organization by stripe customer: %w", err)
		}
	}
	if orgID != "" {
		o, err := tx.lockOrg(ctx, orgID)
		if err != nil || o.StripeCustomerID == "" || o.StripeCustomerID == customerID {
			return o, err
		}
	}
	return nil, catalog.Errorf(catalog.ENOTFOUND, "No organization has Stripe customer %q or id %q.", customerID, orgID)
}
