-- Organizations are the tenants. The table is the tenant list itself, so it is
-- keyed by its own id; every other tenant table leads with organization_id.
CREATE TABLE organizations (
    id                  TEXT NOT NULL PRIMARY KEY, -- SQLite lets a TEXT key be NULL unless told
    slug                TEXT NOT NULL UNIQUE,
    name                TEXT NOT NULL,
    plan                TEXT NOT NULL,
    stripe_customer_id  TEXT UNIQUE,
    subscription_status TEXT,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);

CREATE TABLE api_keys (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    id              TEXT NOT NULL,
    name            TEXT NOT NULL,
    role            TEXT NOT NULL,
    prefix          TEXT NOT NULL,
    key_hash        TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    last_used_at    TEXT,
    expires_at      TEXT,
    revoked_at      TEXT,
    PRIMARY KEY (organization_id, id),
    UNIQUE (organization_id, key_hash)
);
CREATE INDEX api_keys_by_name ON api_keys (organization_id, name, id);

-- The platform directory that resolves a presented key's hash to its
-- organization before any tenant is known. It holds no tenant data.
CREATE TABLE api_key_hashes (
    key_hash        TEXT NOT NULL PRIMARY KEY,
    organization_id TEXT NOT NULL,
    key_id          TEXT NOT NULL,
    FOREIGN KEY (organization_id, key_id) REFERENCES api_keys (organization_id, id) ON DELETE CASCADE
);

CREATE TABLE pipelines (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name            TEXT NOT NULL,
    current_version TEXT NOT NULL,
    description     TEXT NOT NULL,
    owner           TEXT NOT NULL,
    environment     TEXT NOT NULL,
    schedule        TEXT NOT NULL,
    tags            TEXT NOT NULL, -- JSON array, for display; pipeline_tags serves filtering
    versions_count  INTEGER NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (organization_id, name)
);
CREATE INDEX pipelines_by_owner ON pipelines (organization_id, owner, name);

CREATE TABLE pipeline_versions (
    organization_id TEXT NOT NULL,
    pipeline_name   TEXT NOT NULL,
    version         TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    content_hash    TEXT NOT NULL,
    definition      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    PRIMARY KEY (organization_id, pipeline_name, version),
    UNIQUE (organization_id, pipeline_name, seq),
    FOREIGN KEY (organization_id, pipeline_name) REFERENCES pipelines (organization_id, name) ON DELETE CASCADE
);

CREATE TABLE pipeline_tags (
    organization_id TEXT NOT NULL,
    pipeline_name   TEXT NOT NULL,
    tag             TEXT NOT NULL,
    PRIMARY KEY (organization_id, pipeline_name, tag),
    FOREIGN KEY (organization_id, pipeline_name) REFERENCES pipelines (organization_id, name) ON DELETE CASCADE
);
CREATE INDEX pipeline_tags_by_tag ON pipeline_tags (organization_id, tag, pipeline_name);

-- Append-only: the API offers no update or delete. No foreign key, so the
-- record outlives what it describes.
CREATE TABLE audit_events (
    organization_id TEXT NOT NULL,
    id              TEXT NOT NULL,
    time            TEXT NOT NULL,
    actor_type      TEXT NOT NULL,
    actor_id        TEXT NOT NULL,
    action          TEXT NOT NULL,
    target          TEXT NOT NULL,
    ip              TEXT NOT NULL,
    request_id      TEXT NOT NULL,
    PRIMARY KEY (organization_id, id)
);
CREATE INDEX audit_events_by_time ON audit_events (organization_id, time, id);
