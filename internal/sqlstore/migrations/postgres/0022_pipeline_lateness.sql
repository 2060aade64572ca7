-- Missed scheduled runs (issue 20): one row per pipeline and expected run
-- time that had not started within the pipeline's grace. A pipeline is late
-- while its newest row is unresolved; resolved_at is set once a run starts.
CREATE TABLE pipeline_lateness (
    organization_id TEXT NOT NULL,
    pipeline_name   TEXT NOT NULL,
    expected_at     TIMESTAMPTZ NOT NULL,
    detected_at     TIMESTAMPTZ NOT NULL,
    resolved_at     TIMESTAMPTZ,
    PRIMARY KEY (organization_id, pipeline_name, expected_at),
    FOREIGN KEY (organization_id, pipeline_name) REFERENCES pipelines (organization_id, name) ON DELETE CASCADE
);

-- The lateness scan visits only organizations with a scheduled pipeline.
CREATE FUNCTION dxp_platform_scheduled_orgs()
RETURNS TABLE (org_id text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT
AS $$ SELECT DISTINCT organization_id FROM pipelines WHERE schedule <> '' $$;
REVOKE EXECUTE ON FUNCTION dxp_platform_scheduled_orgs() FROM PUBLIC;
