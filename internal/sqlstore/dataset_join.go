package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// Joining spec datasets to observed ones, and a table to its symlinked
// paths. An identity (namespace, name) that is an alias of a node finds
// that node; a node created for an identity before it became an alias is
// merged into the node it aliases, so the graph does not depend on whether
// registration or events came first.

// aliasedDataset is the node the identity is an alias of, "" for none.
func (tx *Tx) aliasedDataset(ctx context.Context, orgID, namespace, name string) (string, error) {
	var id string
	err := tx.queryRow(ctx, `SELECT dataset_id FROM dataset_aliases WHERE organization_id = $1 AND alias_id = $2`,
		orgID, catalog.ObservedDatasetID(namespace, name)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("find alias: %w", err)
	}
	return id, nil
}

// datasetOf is the node an observed id stands for: the node it is an alias
// of (joined or symlinked), else the id itself.
func (tx *Tx) datasetOf(ctx context.Context, orgID, id string) (string, error) {
	var into string
	err := tx.queryRow(ctx, `SELECT dataset_id FROM dataset_aliases WHERE organization_id = $1 AND alias_id = $2`, orgID, id).Scan(&into)
	if errors.Is(err, sql.ErrNoRows) {
		return id, nil
	}
	if err != nil {
		return "", fmt.Errorf("find alias: %w", err)
	}
	return into, nil
}

// addAlias makes (namespace, name) an alias of the node into, merging the
// node observed under that identity, if any, into it. An identity already
// an alias of another node keeps it.
func (tx *Tx) addAlias(ctx context.Context, orgID, namespace, name, into string) error {
	alias := catalog.ObservedDatasetID(namespace, name)
	if alias == into {
		return nil
	}
	res, err := tx.exec(ctx, `INSERT INTO dataset_aliases (organization_id, alias_id, namespace, name, dataset_id) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT DO NOTHING`, orgID, alias, namespace, name, into)
	if err != nil {
		return fmt.Errorf("add alias: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		// A new alias can merge what concurrent events said of it: they
		// finish first (OpenLineage ingestion, holding the lock shared,
		// starts over holding it exclusively).
		if err := tx.lockLineage(ctx, orgID); err != nil {
			return err
		}
	}
	return tx.mergeDataset(ctx, orgID, alias, into)
}

// mergeDataset moves everything said of the node from onto the node into
// and removes from: its edges (but those it would make a loop), its
// declarations, what runs reported of it, and its aliases.
func (tx *Tx) mergeDataset(ctx context.Context, orgID, from, into string) error {
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM datasets WHERE organization_id = $1 AND id = $2`, orgID, from).Scan(&n); err != nil {
		return fmt.Errorf("find merged dataset: %w", err)
	}
	if n == 0 || from == into {
		return nil
	}
	if err := tx.lockLineage(ctx, orgID); err != nil { // it rewrites other sources' parts
		return err
	}
	edgeCols := `organization_id, from_id, to_id, source_kind, source_name, created_at, is_current, first_seen_at, last_seen_at`
	steps := []string{
		`INSERT INTO lineage_edges (` + edgeCols + `) SELECT organization_id, $3, to_id, source_kind, source_name, created_at, is_current,
			first_seen_at, last_seen_at FROM lineage_edges WHERE organization_id = $1 AND from_id = $2 AND to_id <> $3 ON CONFLICT DO NOTHING`,
		`INSERT INTO lineage_edges (` + edgeCols + `) SELECT organization_id, from_id, $3, source_kind, source_name, created_at, is_current,
			first_seen_at, last_seen_at FROM lineage_edges WHERE organization_id = $1 AND to_id = $2 AND from_id <> $3 AND from_id <> $2 ON CONFLICT DO NOTHING`,
		`DELETE FROM lineage_edges WHERE organization_id = $1 AND (from_id = $2 OR to_id = $2) AND $3 <> ''`,
		`INSERT INTO dataset_declarations (organization_id, source_kind, source_name, dataset_id, object, connection_ref, declared_at)
			SELECT organization_id, source_kind, source_name, $3, object, connection_ref, declared_at FROM dataset_declarations
			WHERE organization_id = $1 AND dataset_id = $2 ON CONFLICT DO NOTHING`,
		`DELETE FROM dataset_declarations WHERE organization_id = $1 AND dataset_id = $2 AND $3 <> ''`,
		`INSERT INTO openlineage_run_datasets (organization_id, run_key, side, dataset_id, first_seen_at, last_seen_at)
			SELECT organization_id, run_key, side, $3, first_seen_at, last_seen_at FROM openlineage_run_datasets
			WHERE organization_id = $1 AND dataset_id = $2 ON CONFLICT DO NOTHING`,
		`DELETE FROM openlineage_run_datasets WHERE organization_id = $1 AND dataset_id = $2 AND $3 <> ''`,
		`UPDATE dataset_aliases SET dataset_id = $3 WHERE organization_id = $1 AND dataset_id = $2`,
		`UPDATE check_results SET dataset_id = $3 WHERE organization_id = $1 AND dataset_id = $2 AND $3 <> ''`,
		`DELETE FROM datasets WHERE organization_id = $1 AND id = $2 AND $3 <> ''`,
	}
	for _, q := range steps {
		if _, err := tx.exec(ctx, q, orgID, from, into); err != nil {
			return fmt.Errorf("merge dataset: %w", err)
		}
	}
	return nil
}

// joinSpecDatasets gives each spec dataset whose connection the
// organization has the OpenLineage identity its connection and object say
// (catalog.OpenLineageIdentity): the node shows it and takes the events of
// that identity, including those that came first. A node joined before
// under another identity (its connection's address changed) moves to the
// new one: the old identity stops being its alias, so later events of the
// old server make their own node, while what was merged stays. A
// connection that no longer gives an identity (its type changed, its host
// removed) unjoins the node; one that does not exist (yet, or any more)
// leaves it as it is.
func (tx *Tx) joinSpecDatasets(ctx context.Context, orgID string, datasets []catalog.Dataset) error {
	conns := map[string]*catalog.Connection{}
	for _, d := range datasets {
		if d.ConnectionRef == "" || d.Object == "" {
			continue
		}
		c, ok := conns[d.ConnectionRef]
		if !ok {
			found, _, err := findConnection(ctx, tx, orgID, d.ConnectionRef, "")
			if err != nil && catalog.ErrorCode(err) != catalog.ENOTFOUND {
				return err
			}
			c, conns[d.ConnectionRef] = found, found
		}
		if c == nil {
			continue
		}
		ns, name, ok := catalog.OpenLineageIdentity(c.Type, c.Config, d.Object)
		if !ok {
			ns, name = "", ""
		}
		var oldNS, oldName string
		if err := tx.queryRow(ctx, `SELECT namespace, name FROM datasets WHERE organization_id = $1 AND id = $2`, orgID, d.ID).
			Scan(&oldNS, &oldName); errors.Is(err, sql.ErrNoRows) {
			continue
		} else if err != nil {
			return fmt.Errorf("find spec dataset: %w", err)
		}
		if oldNS != "" && (oldNS != ns || oldName != name) {
			if _, err := tx.exec(ctx, `DELETE FROM dataset_aliases WHERE organization_id = $1 AND alias_id = $2 AND dataset_id = $3`,
				orgID, catalog.ObservedDatasetID(oldNS, oldName), d.ID); err != nil {
				return fmt.Errorf("drop old join alias: %w", err)
			}
		}
		if _, err := tx.exec(ctx, `UPDATE datasets SET namespace = $1, name = $2 WHERE organization_id = $3 AND id = $4 AND (namespace <> $1 OR name <> $2)`,
			ns, name, orgID, d.ID); err != nil {
			return fmt.Errorf("join spec dataset: %w", err)
		}
		if ns == "" {
			continue
		}
		if err := tx.addAlias(ctx, orgID, ns, name, d.ID); err != nil {
			return err
		}
	}
	return nil
}

// rejoinConnection joins again the spec datasets that name the connection
// id, after it was created or changed: registration and ingestion join
// too, so the order of connection, registration and events never matters.
func (tx *Tx) rejoinConnection(ctx context.Context, orgID, id string) error {
	if err := tx.lockLineage(ctx, orgID); err != nil {
		return err
	}
	rows, err := tx.query(ctx, `SELECT id, object, connection_ref FROM datasets WHERE organization_id = $1 AND connection_ref = $2 ORDER BY id`, orgID, id)
	if err != nil {
		return fmt.Errorf("find spec datasets of connection: %w", err)
	}
	datasets, err := scanAll(rows, func(row scanner) (catalog.Dataset, error) {
		var d catalog.Dataset
		return d, row.Scan(&d.ID, &d.Object, &d.ConnectionRef)
	})
	if err != nil {
		return fmt.Errorf("find spec datasets of connection: %w", err)
	}
	return tx.joinSpecDatasets(ctx, orgID, datasets)
}
