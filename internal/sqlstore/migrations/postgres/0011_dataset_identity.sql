-- OpenLineage datasets are identified by (namespace, name): name is the
-- OpenLineage name ('' for spec datasets no event has met). The id of an
-- observed dataset is derived from both (catalog.ObservedDatasetID), so the
-- primary key is the unique key of the pair, short whatever the name's
-- length. Names are looked up by a prefix, which keeps index entries small
-- on both engines (a whole 8 KiB name would pass Postgres's B-tree limit);
-- the query compares the whole name too.
ALTER TABLE datasets ADD COLUMN name TEXT NOT NULL DEFAULT '';
CREATE INDEX datasets_by_name ON datasets (organization_id, (substr(name, 1, 200)));
-- Nodes events created before: their id was their name.
UPDATE datasets SET name = id WHERE namespace <> '';
