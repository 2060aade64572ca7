-- SQLite has no row-level security: the organizations and users policies
-- and platform functions of the Postgres migration 0012 are plain queries
-- in the store. This keeps the numbering of both engines in step.
SELECT 1;
