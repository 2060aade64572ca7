-- The transactional outbox: an event is written in the transaction of the
-- change it reports, with one delivery per subscribed endpoint, so a
-- change that commits is never left unannounced and one that rolls back
-- is never announced. dedup_key makes an event once-only.
CREATE TABLE webhook_events (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    id              TEXT NOT NULL,
    type            TEXT NOT NULL,
    dedup_key       TEXT NOT NULL,
    payload         TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (organization_id, id),
    UNIQUE (organization_id, dedup_key)
);

-- One event on its way to one endpoint. The worker claims due deliveries
-- by setting lease_until (with lease_token, so only the claimant records
-- the outcome); a replica that dies mid-delivery leaves a lease that
-- expires, and the delivery is tried again.
CREATE TABLE webhook_deliveries (
    organization_id TEXT NOT NULL,
    id              TEXT NOT NULL,
    endpoint_id     TEXT NOT NULL,
    event_id        TEXT NOT NULL,
    status          TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at TEXT,
    lease_until     TEXT,
    lease_token     TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, endpoint_id) REFERENCES webhook_endpoints (organization_id, id) ON DELETE CASCADE,
    FOREIGN KEY (organization_id, event_id) REFERENCES webhook_events (organization_id, id) ON DELETE CASCADE
);
-- The worker's scan across organizations: pending deliveries by due time.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
-- An endpoint's delivery log, newest first.
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (organization_id, endpoint_id, created_at, id);

-- Every attempt of a delivery: when, the answer's status, how long, what failed.
CREATE TABLE webhook_attempts (
    organization_id TEXT NOT NULL,
    delivery_id     TEXT NOT NULL,
    attempt         INTEGER NOT NULL,
    attempted_at    TEXT NOT NULL,
    status_code     INTEGER NOT NULL,
    latency_ms      INTEGER NOT NULL,
    error           TEXT NOT NULL,
    PRIMARY KEY (organization_id, delivery_id, attempt),
    FOREIGN KEY (organization_id, delivery_id) REFERENCES webhook_deliveries (organization_id, id) ON DELETE CASCADE
);
