-- The key a rotation issued in place of this one, so that rotating a key
-- in its grace period again can name the key to rotate instead.
ALTER TABLE api_keys ADD COLUMN replaced_by TEXT;
