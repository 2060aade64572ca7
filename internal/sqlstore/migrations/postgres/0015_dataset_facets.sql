-- The dataset facets the catalog keeps and shows (catalog.KeptDatasetFacets:
-- schema, documentation, ownership, dataSource, columnLineage,
-- lifecycleStateChange), as a JSON object of facet name → {"at": event time,
-- "facet": the facet}: the newest event's facet wins, in any delivery order.
ALTER TABLE datasets ADD COLUMN facets TEXT NOT NULL DEFAULT '{}';
ALTER TABLE datasets ADD COLUMN dropped BOOLEAN NOT NULL DEFAULT FALSE;
