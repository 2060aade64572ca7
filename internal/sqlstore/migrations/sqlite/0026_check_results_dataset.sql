-- The dataset a check result tests, '' when it names none: an OpenLineage
-- dataQualityAssertions facet sits on the dataset it tests (a dbt test's
-- input), so its results keep that node's id. Merging a node into another
-- (a spec join) moves its results along.
ALTER TABLE check_results ADD COLUMN dataset_id TEXT NOT NULL DEFAULT '';
-- The results of one dataset, newest first; merging a node rewrites them by it.
CREATE INDEX check_results_by_dataset ON check_results (organization_id, dataset_id, executed_at, id);
