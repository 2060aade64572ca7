-- Ready for distribution by tenant (Citus): api_key_hashes is looked up by
-- a key's hash before any tenant is known, so it cannot be sharded by
-- organization_id and becomes a reference table, and a reference table may
-- not refer into a distributed one (api_keys). It refers to organizations
-- instead, which stays a reference table too; the key row and its hash are
-- written in one transaction, and keys are never deleted on their own.
ALTER TABLE api_key_hashes DROP CONSTRAINT api_key_hashes_organization_id_key_id_fkey;
ALTER TABLE api_key_hashes ADD FOREIGN KEY (organization_id) REFERENCES organizations (id) ON DELETE CASCADE;
