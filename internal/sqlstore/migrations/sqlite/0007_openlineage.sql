-- Raw OpenLineage events as received, kept once per fingerprint (the
-- SHA-256 of the event's canonical JSON) so a retried delivery has no second
-- effect, and so events can be listed and replayed after a mapping fix.
-- run_id is '' for DatasetEvents and JobEvents; dag_run_id is the run a
-- task's event rolls up to (openlineage.DAGRunID), so ?run_id= finds both.
-- has_lineage says the event carried inputs or outputs: the newest such
-- event of a job decides the job's edges, whatever order events arrive in.
CREATE TABLE openlineage_events (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    fingerprint     TEXT NOT NULL,
    run_id          TEXT NOT NULL,
    dag_run_id      TEXT NOT NULL,
    job_namespace   TEXT NOT NULL,
    job_name        TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    event_time      TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    has_lineage     INTEGER NOT NULL DEFAULT 0,
    body            TEXT NOT NULL,
    PRIMARY KEY (organization_id, fingerprint)
);
CREATE INDEX openlineage_events_by_time ON openlineage_events (organization_id, event_time, fingerprint);
CREATE INDEX openlineage_events_by_run ON openlineage_events (organization_id, run_id, event_time, fingerprint);
CREATE INDEX openlineage_events_by_dag_run ON openlineage_events (organization_id, dag_run_id, event_time, fingerprint);
CREATE INDEX openlineage_events_by_job ON openlineage_events (organization_id, job_namespace, job_name, event_time);
CREATE INDEX openlineage_events_by_received ON openlineage_events (organization_id, received_at);
