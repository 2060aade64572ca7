-- The same foreign keys as Postgres (see its 0028): api_key_hashes refers to
-- organizations, not to api_keys. SQLite changes a foreign key by rebuilding
-- the table; nothing refers to api_key_hashes.
CREATE TABLE api_key_hashes_next (
    key_hash        TEXT NOT NULL PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    key_id          TEXT NOT NULL
);
INSERT INTO api_key_hashes_next (key_hash, organization_id, key_id)
    SELECT key_hash, organization_id, key_id FROM api_key_hashes;
DROP TABLE api_key_hashes;
ALTER TABLE api_key_hashes_next RENAME TO api_key_hashes;
