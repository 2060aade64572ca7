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
	_, err := tx.exec(ctx, `UPDATE organizations SET stripe_customer_id = ?, updated_at = ? WHERE id = ? AND stripe_customer_id IS NULL`,
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
func (db *DB) ApplyStripeSubscription(ctx context.Context, eventID string, created time.Time, customerID, orgID, status, plan string) (*catalog.Org, bool, error) {
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, false, err
	}
	defer tx.Rollback()
	o, err := tx.lockStripeOrg(ctx, customerID, orgID)
	if err != nil {
		return nil, false, err
	}
	var last *time.Time
	if err := tx.queryRow(ctx, `SELECT MAX(created) FROM stripe_events WHERE organization_id = ?`, o.ID).Scan(nullTimeCol{&last}); err != nil {
		return nil, false, fmt.Errorf("read last stripe event: %w", err)
	}
	// ON CONFLICT DO NOTHING waits for a concurrent insert of the same id to
	// commit and then inserts nothing: the second delivery sees 0 rows.
	res, err := tx.exec(ctx, `INSERT INTO stripe_events (organization_id, event_id, created, received_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (organization_id, event_id) DO NOTHING`, o.ID, eventID, ts(created), ts(tx.now))
	if err != nil {
		return nil, false, fmt.Errorf("record stripe event: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return nil, false, catalog.Errorf(catalog.ECONFLICT, "Stripe event %s was applied before.", eventID)
	}
	if last != nil && created.Before(*last) {
		return o, false, tx.commit() // recorded, so a redelivery is a duplicate, but it changes nothing
	}
	if o.StripeCustomerID == "" && customerID != "" {
		if err := tx.linkCustomer(ctx, o.ID, customerID); err != nil {
			return nil, false, err
		}
		o.StripeCustomerID = customerID
	}
	if _, err := tx.exec(ctx, `UPDATE organizations SET subscription_status = ?, updated_at = ? WHERE id = ?`, status, ts(tx.now), o.ID); err != nil {
		return nil, false, fmt.Errorf("set subscription status: %w", err)
	}
	o.SubscriptionStatus = status
	if plan != "" {
		if err := tx.setOrgPlan(ctx, o, o.Name, plan, catalog.Actor{Type: "stripe", ID: eventID}); err != nil {
			return nil, false, err
		}
	}
	return o, true, tx.commit()
}

// lockStripeOrg finds and locks the organization of a Stripe event: by its
// customer, else by the org id in its metadata. An organization that already
// has another customer is not taken from metadata, so a stray subscription
// cannot move the plan of an organization it does not pay for.
func (tx *Tx) lockStripeOrg(ctx context.Context, customerID, orgID string) (*catalog.Org, error) {
	if customerID != "" {
		o, err := scanOrg(tx.queryRow(ctx, `SELECT `+orgColumns+` FROM organizations WHERE stripe_customer_id = ?`+tx.forUpdate(), customerID))
		switch {
		case err == nil:
			return o, tx.setOrg(ctx, o.ID) // from here on the event acts in this organization
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
