-- SQLite has no row-level security, so the platform lookups of the
-- Postgres migration 0006 are plain queries in the store; this keeps the
-- numbering of both engines in step.
SELECT 1;
