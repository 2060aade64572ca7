-- The pipeline list sorted by most recently updated pages through this
-- index (pipelines_by_owner already serves the owner order).
CREATE INDEX pipelines_by_updated ON pipelines (organization_id, updated_at DESC, name);
