-- GET /api/v1/runs/?checks_failed=true lists the runs whose error-severity
-- checks failed, newest first, whatever their status; false the others. A
-- full index rather than a partial one serves both values and a bound
-- parameter alike.
CREATE INDEX runs_by_checks_failed ON runs (organization_id, checks_failed, started_at, run_id);
