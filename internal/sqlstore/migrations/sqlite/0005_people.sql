-- People who sign in with OIDC. A platform table: a user may belong to
-- several organizations, so it has no organization_id.
CREATE TABLE users (
    id         TEXT NOT NULL PRIMARY KEY,
    issuer     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    email      TEXT NOT NULL,
    name       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (issuer, subject)
);

CREATE TABLE members (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    id              TEXT NOT NULL,
    email           TEXT NOT NULL,
    user_id         TEXT REFERENCES users (id),
    role            TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    PRIMARY KEY (organization_id, id),
    UNIQUE (organization_id, email),
    UNIQUE (organization_id, user_id)
);

-- The platform directory that resolves a signed-in person to their
-- memberships before any tenant is known (as api_key_hashes does for keys).
CREATE TABLE member_directory (
    organization_id TEXT NOT NULL,
    member_id       TEXT NOT NULL,
    email           TEXT NOT NULL,
    user_id         TEXT,
    PRIMARY KEY (organization_id, member_id),
    FOREIGN KEY (organization_id, member_id) REFERENCES members (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX member_directory_by_email ON member_directory (email);
CREATE INDEX member_directory_by_user ON member_directory (user_id);
