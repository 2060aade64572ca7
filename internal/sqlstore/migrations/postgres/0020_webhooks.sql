-- Webhook endpoints of an organization (issue 20). events is a JSON array
-- of event types; secret is the signing secret sealed with the server's
-- secret key (internal/secretbox), never stored in the clear.
CREATE TABLE webhook_endpoints (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    id              TEXT NOT NULL,
    url             TEXT NOT NULL,
    description     TEXT NOT NULL,
    format          TEXT NOT NULL,
    events          TEXT NOT NULL,
    secret          TEXT NOT NULL,
    enabled         BOOLEAN NOT NULL,
    disabled_reason TEXT NOT NULL,
    failing_since   TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organization_id, id)
);
