-- Connections. config is JSON; the value of every plaintext secret in it is
-- sealed (internal/secretbox, "v1:..."), so a dump of the table shows none.
CREATE TABLE connections (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    id              TEXT NOT NULL,
    type            TEXT NOT NULL,
    description     TEXT NOT NULL,
    config          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (organization_id, id)
);

-- The nodes of each organization's lineage graph. A node exists while some
-- source declares it (dataset_declarations); object and connection_ref are
-- those of its latest declaration that names them. namespace is kept for
-- OpenLineage datasets ('' for spec datasets).
CREATE TABLE datasets (
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    id              TEXT NOT NULL,
    namespace       TEXT NOT NULL DEFAULT '',
    object          TEXT NOT NULL DEFAULT '',
    connection_ref  TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (organization_id, id)
);
CREATE INDEX datasets_by_object ON datasets (organization_id, object);

-- Who declares which dataset. A source is (source_kind, source_name):
-- ('pipeline', <pipeline name>) for specs, later ('job', <OpenLineage job>).
CREATE TABLE dataset_declarations (
    organization_id TEXT NOT NULL,
    source_kind     TEXT NOT NULL,
    source_name     TEXT NOT NULL,
    dataset_id      TEXT NOT NULL,
    object          TEXT NOT NULL,
    connection_ref  TEXT NOT NULL,
    declared_at     TEXT NOT NULL,
    PRIMARY KEY (organization_id, source_kind, source_name, dataset_id),
    FOREIGN KEY (organization_id, dataset_id) REFERENCES datasets (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX dataset_declarations_by_dataset ON dataset_declarations (organization_id, dataset_id);

-- Edges, each tagged with the source that declared it. The primary key
-- serves downstream walks; lineage_edges_up serves upstream walks and, like
-- the key, covers every column, so a walk never reads the table itself
-- (without it SQLite prefers scanning the covering key to a lookup).
CREATE TABLE lineage_edges (
    organization_id TEXT NOT NULL,
    from_id         TEXT NOT NULL,
    to_id           TEXT NOT NULL,
    source_kind     TEXT NOT NULL,
    source_name     TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (organization_id, from_id, to_id, source_kind, source_name),
    FOREIGN KEY (organization_id, from_id) REFERENCES datasets (organization_id, id) ON DELETE CASCADE,
    FOREIGN KEY (organization_id, to_id) REFERENCES datasets (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX lineage_edges_up ON lineage_edges (organization_id, to_id, from_id, source_kind, source_name);
CREATE INDEX lineage_edges_by_source ON lineage_edges (organization_id, source_kind, source_name);
