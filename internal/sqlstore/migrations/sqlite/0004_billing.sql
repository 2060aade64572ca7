-- Stripe events applied to an organization. The key makes each event id
-- count once, even when Stripe delivers it twice at the same moment; the
-- newest `created` (Stripe's own event time) is the watermark an older
-- event may not overwrite.
CREATE TABLE stripe_events (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    event_id        TEXT NOT NULL,
    created         TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    PRIMARY KEY (organization_id, event_id)
);
CREATE INDEX stripe_events_by_created ON stripe_events (organization_id, created);
