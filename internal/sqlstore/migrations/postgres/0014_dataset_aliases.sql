-- Other OpenLineage identities of a dataset node: the (namespace, name) a
-- spec dataset's connection and object give (catalog.OpenLineageIdentity),
-- and the physical path of a table Spark reports with a symlinks facet.
-- alias_id is catalog.ObservedDatasetID of the identity, so an event's
-- dataset finds its node by the key it would otherwise create.
CREATE TABLE dataset_aliases (
    organization_id TEXT NOT NULL,
    alias_id        TEXT NOT NULL,
    namespace       TEXT NOT NULL,
    name            TEXT NOT NULL,
    dataset_id      TEXT NOT NULL,
    PRIMARY KEY (organization_id, alias_id),
    FOREIGN KEY (organization_id, dataset_id) REFERENCES datasets (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX dataset_aliases_by_dataset ON dataset_aliases (organization_id, dataset_id);
CREATE INDEX dataset_aliases_by_name ON dataset_aliases (organization_id, (substr(name, 1, 200)));
