-- Each Stripe subscription of an organization with the plan it grants now.
-- An organization may hold more than one (an upgrade that starts a new
-- subscription before the old one ends); its plan is the largest any of them
-- grants, so deleting an old subscription cannot downgrade an organization
-- that pays through another. event_created orders the events of one
-- subscription: an older event may not overwrite a newer state.
CREATE TABLE stripe_subscriptions (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    subscription_id TEXT NOT NULL,
    status          TEXT NOT NULL,
    plan            TEXT NOT NULL, -- what it grants: free when it grants nothing
    event_created   TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organization_id, subscription_id)
);
