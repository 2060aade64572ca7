-- Datasets that events made before migration 0011 kept their name as id
-- (0011 only copied it into name), so an event naming the same (namespace,
-- name) now makes a second node, ds_ + hash, and the bare name becomes
-- ambiguous. This gives them the identity new datasets get:
--   * an observed node (no pipeline declares it) moves to
--     catalog.ObservedDatasetID(namespace, name), merged into that node if
--     events made it already; its old id stays an alias, so old URLs
--     (/datasets/<name>) still resolve;
--   * a spec node that took an event's namespace before 0011 keeps its id
--     and gets the identity as an alias, as a join gives it; a node events
--     made since is merged into it.
-- The moves run as mergeDataset does (dataset_join.go), set-based.
CREATE TEMP TABLE dataset_moves (
    organization_id TEXT NOT NULL,
    from_id         TEXT NOT NULL,
    into_id         TEXT NOT NULL,
    namespace       TEXT NOT NULL,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL, -- observed: from_id is the legacy node; spec: into_id is
    PRIMARY KEY (organization_id, from_id)
) ON COMMIT DROP;
INSERT INTO dataset_moves (organization_id, from_id, into_id, namespace, name, kind)
SELECT d.organization_id, d.id, COALESCE((SELECT a.dataset_id FROM dataset_aliases a WHERE a.organization_id = d.organization_id
    AND a.alias_id = 'ds_' || encode(substring(sha256(convert_to(d.namespace, 'UTF8') || '\x00'::bytea || convert_to(d.name, 'UTF8')) from 1 for 12), 'hex')), 'ds_' || encode(substring(sha256(convert_to(d.namespace, 'UTF8') || '\x00'::bytea || convert_to(d.name, 'UTF8')) from 1 for 12), 'hex')), d.namespace, d.name, 'observed'
FROM datasets d
WHERE d.namespace <> '' AND d.name <> '' AND substr(d.id, 1, 3) <> 'ds_'
  AND NOT EXISTS (SELECT 1 FROM dataset_declarations x WHERE x.organization_id = d.organization_id AND x.dataset_id = d.id AND x.source_kind = 'pipeline');
INSERT INTO dataset_moves (organization_id, from_id, into_id, namespace, name, kind)
SELECT d.organization_id, 'ds_' || encode(substring(sha256(convert_to(d.namespace, 'UTF8') || '\x00'::bytea || convert_to(d.name, 'UTF8')) from 1 for 12), 'hex'), d.id, d.namespace, d.name, 'spec'
FROM datasets d
WHERE d.namespace <> '' AND d.name <> '' AND substr(d.id, 1, 3) <> 'ds_'
  AND EXISTS (SELECT 1 FROM dataset_declarations x WHERE x.organization_id = d.organization_id AND x.dataset_id = d.id AND x.source_kind = 'pipeline')
  AND NOT EXISTS (SELECT 1 FROM dataset_aliases a WHERE a.organization_id = d.organization_id AND a.dataset_id = d.id)
ON CONFLICT DO NOTHING;

-- The new node of each moved observed dataset, unless events made it already.
INSERT INTO datasets (organization_id, id, namespace, name, object, connection_ref, created_at, updated_at, facets, dropped)
SELECT d.organization_id, m.into_id, d.namespace, d.name, d.object, d.connection_ref, d.created_at, d.updated_at, d.facets, d.dropped
FROM datasets d JOIN dataset_moves m ON m.organization_id = d.organization_id AND m.from_id = d.id
WHERE m.kind = 'observed'
ON CONFLICT (organization_id, id) DO NOTHING;

-- Edges, declarations, what runs reported and check results follow the node.
INSERT INTO lineage_edges (organization_id, from_id, to_id, source_kind, source_name, created_at, is_current, first_seen_at, last_seen_at)
SELECT e.organization_id, m.into_id, e.to_id, e.source_kind, e.source_name, e.created_at, e.is_current, e.first_seen_at, e.last_seen_at
FROM lineage_edges e JOIN dataset_moves m ON m.organization_id = e.organization_id AND m.from_id = e.from_id
WHERE e.to_id <> m.into_id
ON CONFLICT DO NOTHING;
INSERT INTO lineage_edges (organization_id, from_id, to_id, source_kind, source_name, created_at, is_current, first_seen_at, last_seen_at)
SELECT e.organization_id, e.from_id, m.into_id, e.source_kind, e.source_name, e.created_at, e.is_current, e.first_seen_at, e.last_seen_at
FROM lineage_edges e JOIN dataset_moves m ON m.organization_id = e.organization_id AND m.from_id = e.to_id
WHERE e.from_id <> m.into_id
ON CONFLICT DO NOTHING;
DELETE FROM lineage_edges WHERE EXISTS (SELECT 1 FROM dataset_moves m WHERE m.organization_id = lineage_edges.organization_id
    AND (m.from_id = lineage_edges.from_id OR m.from_id = lineage_edges.to_id));
INSERT INTO dataset_declarations (organization_id, source_kind, source_name, dataset_id, object, connection_ref, declared_at)
SELECT x.organization_id, x.source_kind, x.source_name, m.into_id, x.object, x.connection_ref, x.declared_at
FROM dataset_declarations x JOIN dataset_moves m ON m.organization_id = x.organization_id AND m.from_id = x.dataset_id
WHERE true
ON CONFLICT DO NOTHING;
DELETE FROM dataset_declarations WHERE EXISTS (SELECT 1 FROM dataset_moves m WHERE m.organization_id = dataset_declarations.organization_id
    AND m.from_id = dataset_declarations.dataset_id);
INSERT INTO openlineage_run_datasets (organization_id, run_key, side, dataset_id, first_seen_at, last_seen_at)
SELECT r.organization_id, r.run_key, r.side, m.into_id, r.first_seen_at, r.last_seen_at
FROM openlineage_run_datasets r JOIN dataset_moves m ON m.organization_id = r.organization_id AND m.from_id = r.dataset_id
WHERE true
ON CONFLICT DO NOTHING;
DELETE FROM openlineage_run_datasets WHERE EXISTS (SELECT 1 FROM dataset_moves m WHERE m.organization_id = openlineage_run_datasets.organization_id
    AND m.from_id = openlineage_run_datasets.dataset_id);
UPDATE check_results SET dataset_id = (SELECT m.into_id FROM dataset_moves m WHERE m.organization_id = check_results.organization_id
    AND m.from_id = check_results.dataset_id)
WHERE EXISTS (SELECT 1 FROM dataset_moves m WHERE m.organization_id = check_results.organization_id AND m.from_id = check_results.dataset_id);
UPDATE dataset_aliases SET dataset_id = (SELECT m.into_id FROM dataset_moves m WHERE m.organization_id = dataset_aliases.organization_id
    AND m.from_id = dataset_aliases.dataset_id)
WHERE EXISTS (SELECT 1 FROM dataset_moves m WHERE m.organization_id = dataset_aliases.organization_id AND m.from_id = dataset_aliases.dataset_id);

-- The old id of a moved observed node, and the identity of a spec node,
-- are aliases: both resolve, and events of the identity find the node.
INSERT INTO dataset_aliases (organization_id, alias_id, namespace, name, dataset_id)
SELECT organization_id, CASE kind WHEN 'observed' THEN from_id ELSE 'ds_' || encode(substring(sha256(convert_to(namespace, 'UTF8') || '\x00'::bytea || convert_to(name, 'UTF8')) from 1 for 12), 'hex') END, namespace, name, into_id
FROM dataset_moves
WHERE true
ON CONFLICT DO NOTHING;
DELETE FROM datasets WHERE EXISTS (SELECT 1 FROM dataset_moves m WHERE m.organization_id = datasets.organization_id AND m.from_id = datasets.id);
