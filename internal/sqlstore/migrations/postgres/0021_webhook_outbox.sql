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
    created_at      TIMESTAMPTZ NOT NULL,
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
    next_attempt_at TIMESTAMPTZ,
    lease_until     TIMESTAMPTZ,
    lease_token     TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
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
    attempted_at    TIMESTAMPTZ NOT NULL,
    status_code     INTEGER NOT NULL,
    latency_ms      INTEGER NOT NULL,
    error           TEXT NOT NULL,
    PRIMARY KEY (organization_id, delivery_id, attempt),
    FOREIGN KEY (organization_id, delivery_id) REFERENCES webhook_deliveries (organization_id, id) ON DELETE CASCADE
);

-- The delivery worker's claim across organizations: due deliveries of
-- enabled endpoints, each leased to one caller. FOR UPDATE SKIP LOCKED lets
-- replicas claim at the same moment without waiting on, or taking, each
-- other's rows. It returns ids only; the worker reads the rest acting in
-- each organization.
CREATE FUNCTION dxp_platform_claim_deliveries(p_now timestamptz, p_lease_until timestamptz, p_token text, p_limit integer)
RETURNS TABLE (org_id text, delivery_id text)
LANGUAGE sql VOLATILE STRICT SECURITY DEFINER SET search_path FROM CURRENT
AS $$
  WITH due AS (
    SELECT d.organization_id, d.id FROM webhook_deliveries d
     WHERE d.status = 'pending' AND d.next_attempt_at <= p_now AND (d.lease_until IS NULL OR d.lease_until <= p_now)
       AND EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.organization_id = d.organization_id AND e.id = d.endpoint_id AND e.enabled)
     ORDER BY d.next_attempt_at LIMIT LEAST(GREATEST(p_limit, 1), 100)
     FOR UPDATE OF d SKIP LOCKED)
  UPDATE webhook_deliveries w SET lease_until = p_lease_until, lease_token = p_token
    FROM due WHERE w.organization_id = due.organization_id AND w.id = due.id
  RETURNING w.organization_id, w.id $$;
REVOKE EXECUTE ON FUNCTION dxp_platform_claim_deliveries(timestamptz, timestamptz, text, integer) FROM PUBLIC;
