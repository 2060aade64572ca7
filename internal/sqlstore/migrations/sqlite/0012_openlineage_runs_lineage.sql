-- A run's lineage is the union of its events' datasets: inputs on START and
-- outputs on COMPLETE still make an edge. Each run (run_key: the runId, or
-- for a JobEvent "job:" and its job) keeps the datasets it reported on each
-- side with the first and last event time it reported them, so the run's
-- edges are the same whatever order its events arrive in.
CREATE TABLE openlineage_run_datasets (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    run_key         TEXT NOT NULL,
    side            TEXT NOT NULL,
    dataset_id      TEXT NOT NULL,
    first_seen_at   TEXT NOT NULL,
    last_seen_at    TEXT NOT NULL,
    PRIMARY KEY (organization_id, run_key, side, dataset_id)
);

-- Per OpenLineage job, the run whose edges are the job's current ones: the
-- run that reported lineage latest (then the greater run_key).
CREATE TABLE openlineage_jobs (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    source_name     TEXT NOT NULL,
    current_run_key TEXT NOT NULL,
    current_run_at  TEXT NOT NULL,
    PRIMARY KEY (organization_id, source_name)
);

-- Edges of a job's older runs stay, not current, with the first and last
-- time a run reported them (NULL for spec edges, which are always current).
ALTER TABLE lineage_edges ADD COLUMN is_current INTEGER NOT NULL DEFAULT 1;
ALTER TABLE lineage_edges ADD COLUMN first_seen_at TEXT;
ALTER TABLE lineage_edges ADD COLUMN last_seen_at TEXT;
