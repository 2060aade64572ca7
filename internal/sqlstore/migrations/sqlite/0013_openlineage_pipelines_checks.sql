-- The OpenLineage jobs a registered pipeline says it is (the spec's
-- openlineage field); a pipeline that names none is the job of its name.
-- job_key is catalog.OpenLineageJobKey of (namespace, name): job names can be
-- long, and the key keeps the index small.
CREATE TABLE pipeline_openlineage_jobs (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    job_key         TEXT NOT NULL,
    pipeline_name   TEXT NOT NULL,
    PRIMARY KEY (organization_id, job_key, pipeline_name),
    FOREIGN KEY (organization_id, pipeline_name) REFERENCES pipelines (organization_id, name) ON DELETE CASCADE
);
CREATE INDEX pipeline_openlineage_jobs_by_pipeline ON pipeline_openlineage_jobs (organization_id, pipeline_name);

-- The check results OpenLineage facets recorded per run, by
-- catalog.OpenLineageCheck.Key: a dbt test carried by START and COMPLETE,
-- or by two facets, is one result.
CREATE TABLE openlineage_checks (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    run_id          TEXT NOT NULL,
    check_key       TEXT NOT NULL,
    PRIMARY KEY (organization_id, run_id, check_key)
);
