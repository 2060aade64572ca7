-- Web UI sessions. A platform table (a person's session is resolved before
-- any organization is known), so it has no organization_id column and no
-- row-level security; active_org_id is checked against the person's
-- memberships on every request instead. Only the SHA-256 of the cookie's
-- random id is stored.
CREATE TABLE sessions (
    id_hash       TEXT NOT NULL PRIMARY KEY,
    user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    active_org_id TEXT,
    -- 1 when the issuer verified the email at sign-in: only then may the
    -- email make the person a platform admin (DATAXPIPE_PLATFORM_ADMINS).
    email_verified INTEGER NOT NULL DEFAULT 0,
    created_at    TIMESTAMPTZ NOT NULL,
    seen_at       TIMESTAMPTZ NOT NULL,
    expires_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
