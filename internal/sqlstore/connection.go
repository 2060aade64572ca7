package sqlstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// CreateConnection stores c with its plaintext secrets sealed. It holds the
// organization's row lock, so concurrent creations cannot both pass the
// plan limit. On success c is as a read would show it (secrets masked).
func (db *DB) CreateConnection(ctx context.Context, c *catalog.Connection) error {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return err
	}
	if errs := c.Validate(); len(errs) > 0 {
		return catalog.Invalid(errs)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	org, err := tx.lockOrg(ctx, orgID)
	if err != nil {
		return err
	}
	// A taken id is a conflict even at the limit: that answer is the useful one.
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM connections WHERE organization_id = ? AND id = ?`, orgID, c.ID).Scan(&n); err != nil {
		return fmt.Errorf("find connection: %w", err)
	}
	if n > 0 {
		return errConnectionTaken(c.ID)
	}
	if err := tx.checkLimit(ctx, org, "connections"); err != nil {
		return err
	}
	config, err := tx.sealConfig(orgID, c.ID, c.Config, nil)
	if err != nil {
		return err
	}
	_, err = tx.exec(ctx, `INSERT INTO connections (organization_id, id, type, description, config, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, orgID, c.ID, c.Type, c.Description, config, ts(tx.now), ts(tx.now))
	if err = translate(err); errors.Is(err, errUnique) {
		return errConnectionTaken(c.ID)
	} else if err != nil {
		return fmt.Errorf("insert connection: %w", err)
	}
	if err := tx.audit(ctx, orgID, catalog.AuditConnectionCreated, c.ID); err != nil {
		return err
	}
	c.OrgID, c.CreatedAt, c.UpdatedAt, c.Config = orgID, tx.now, tx.now, catalog.MaskSecrets(c.Config)
	return tx.commit()
}

func errConnectionTaken(id string) error {
	return catalog.Errorf(catalog.ECONFLICT, "A connection %q already exists in this organization; PUT /api/v1/connections/%s replaces it.", id, id)
}

// ReplaceConnection replaces c.ID's type, description and config. A secret
// sent as the mask keeps its stored value, so a read-edit-write round trip
// does not overwrite a password with asterisks.
func (db *DB) ReplaceConnection(ctx context.Context, c *catalog.Connection) error {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return err
	}
	if errs := c.Validate(); len(errs) > 0 {
		return catalog.Invalid(errs)
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	old, stored, err := findConnection(ctx, tx, orgID, c.ID, tx.forUpdate())
	if err != nil {
		return err
	}
	config, err := tx.sealConfig(orgID, c.ID, c.Config, stored)
	if err != nil {
		return err
	}
	if _, err := tx.exec(ctx, `UPDATE connections SET type = ?, description = ?, config = ?, updated_at = ? WHERE organization_id = ? AND id = ?`,
		c.Type, c.Description, config, ts(tx.now), orgID, c.ID); err != nil {
		return fmt.Errorf("update connection: %w", err)
	}
	if err := tx.audit(ctx, orgID, catalog.AuditConnectionUpdated, c.ID); err != nil {
		return err
	}
	c.OrgID, c.CreatedAt, c.UpdatedAt, c.Config = orgID, old.CreatedAt, tx.now, catalog.MaskSecrets(c.Config)
	return tx.commit()
}

// DeleteConnection removes a connection. Pipelines that name it are left
// alone: a connection_ref is a name, and the next registration warns.
func (db *DB) DeleteConnection(ctx context.Context, id string) error {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := tx.execOne(ctx, errNoConnection(id), `DELETE FROM connections WHERE organization_id = ? AND id = ?`, orgID, id); err != nil {
		return fmt.Errorf("delete connection: %w", err)
	}
	if err := tx.audit(ctx, orgID, catalog.AuditConnectionDeleted, id); err != nil {
		return err
	}
	return tx.commit()
}

func errNoConnection(id string) error {
	return catalog.Errorf(catalog.ENOTFOUND, "No connection %q in this organization.", id)
}
