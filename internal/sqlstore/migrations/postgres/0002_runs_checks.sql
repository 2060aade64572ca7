-- Runs keep the pipeline's name without a foreign key: a deleted pipeline's
-- runs stay in history (API.md, Pipelines).
CREATE TABLE runs (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    run_id          TEXT NOT NULL,
    pipeline_name   TEXT NOT NULL,
    status          TEXT NOT NULL,
    started_at      TIMESTAMPTZ NOT NULL,
    finished_at     TIMESTAMPTZ,
    error           TEXT NOT NULL,
    attributes      TEXT, -- JSON object
    checks_failed   BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organization_id, run_id)
);
CREATE INDEX runs_by_start ON runs (organization_id, started_at, run_id);
CREATE INDEX runs_by_pipeline ON runs (organization_id, pipeline_name, started_at, run_id);

-- One row per organization and UTC day: the last NNN of run-YYYYMMDD-NNN.
-- Incrementing it inside the run's transaction serialises concurrent posts.
CREATE TABLE run_counters (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    day             TEXT NOT NULL, -- YYYYMMDD
    last_seq        INTEGER NOT NULL,
    PRIMARY KEY (organization_id, day)
);

CREATE TABLE check_results (
    organization_id TEXT NOT NULL,
    id              TEXT NOT NULL,
    run_id          TEXT NOT NULL,
    pipeline_name   TEXT NOT NULL,
    check_id        TEXT NOT NULL,
    status          TEXT NOT NULL,
    severity        TEXT NOT NULL,
    observed_value  TEXT, -- JSON value
    expected        TEXT, -- JSON value
    message         TEXT NOT NULL,
    executed_at     TIMESTAMPTZ NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organization_id, id),
    FOREIGN KEY (organization_id, run_id) REFERENCES runs (organization_id, run_id) ON DELETE CASCADE
);
CREATE INDEX check_results_by_time ON check_results (organization_id, executed_at, id);
CREATE INDEX check_results_by_run ON check_results (organization_id, run_id, executed_at, id);
CREATE INDEX check_results_by_pipeline ON check_results (organization_id, pipeline_name, executed_at, id);
