-- Missed scheduled runs (issue 20): one row per pipeline and expected run
-- time that had not started within the pipeline's grace. A pipeline is late
-- while its newest row is unresolved; resolved_at is set once a run starts.
CREATE TABLE pipeline_lateness (
    organization_id TEXT NOT NULL,
    pipeline_name   TEXT NOT NULL,
    expected_at     TEXT NOT NULL,
    detected_at     TEXT NOT NULL,
    resolved_at     TEXT,
    PRIMARY KEY (organization_id, pipeline_name, expected_at),
    FOREIGN KEY (organization_id, pipeline_name) REFERENCES pipelines (organization_id, name) ON DELETE CASCADE
);
