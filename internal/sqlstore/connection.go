package sqlstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/secretbox"
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
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM connections WHERE organization_id = $1 AND id = $2`, orgID, c.ID).Scan(&n); err != nil {
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
		VALUES ($1, $2, $3, $4, $5, $6, $6)`, orgID, c.ID, c.Type, c.Description, config, ts(tx.now))
	if err = translate(err); errors.Is(err, errUnique) {
		return errConnectionTaken(c.ID)
	} else if err != nil {
		return fmt.Errorf("insert connection: %w", err)
	}
	if err := tx.audit(ctx, orgID, catalog.AuditConnectionCreated, c.ID); err != nil {
		return err
	}
	if err := tx.rejoinConnection(ctx, orgID, c.ID); err != nil { // dataset_join.go
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
	if _, err := tx.exec(ctx, `UPDATE connections SET type = $1, description = $2, config = $3, updated_at = $4 WHERE organization_id = $5 AND id = $6`,
		c.Type, c.Description, config, ts(tx.now), orgID, c.ID); err != nil {
		return fmt.Errorf("update connection: %w", err)
	}
	if err := tx.audit(ctx, orgID, catalog.AuditConnectionUpdated, c.ID); err != nil {
		return err
	}
	if err := tx.rejoinConnection(ctx, orgID, c.ID); err != nil { // dataset_join.go
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
	if err := tx.execOne(ctx, errNoConnection(id), `DELETE FROM connections WHERE organization_id = $1 AND id = $2`, orgID, id); err != nil {
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

const connectionColumns = `id, type, description, config, created_at, updated_at`

// scanConnection reads a row into a connection whose secrets are masked,
// and also returns the config as stored (sealed values in place).
func scanConnection(row scanner, orgID string) (*catalog.Connection, map[string]any, error) {
	c := &catalog.Connection{OrgID: orgID}
	var config string
	if err := row.Scan(&c.ID, &c.Type, &c.Description, &config, timeCol{&c.CreatedAt}, timeCol{&c.UpdatedAt}); err != nil {
		return nil, nil, err
	}
	stored, err := decodeConfig([]byte(config))
	if err != nil {
		return nil, nil, fmt.Errorf("connection %s config: %w", c.ID, err)
	}
	c.Config = catalog.MaskSecrets(stored)
	return c, stored, nil
}

// decodeConfig keeps numbers as written (json.Number), so a large integer
// in a config survives the round trip through float64-less JSON.
func decodeConfig(b []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	return m, nil
}

// findConnection reads one connection; suffix may lock the row.
func findConnection(ctx context.Context, q querier, orgID, id, suffix string) (*catalog.Connection, map[string]any, error) {
	c, stored, err := scanConnection(q.queryRow(ctx, `SELECT `+connectionColumns+` FROM connections
		WHERE organization_id = $1 AND id = $2`+suffix, orgID, id), orgID)
	if err != nil {
		return nil, nil, notFound(err, "No connection %q in this organization.", id)
	}
	return c, stored, nil
}

// FindConnection returns one connection with its secrets masked.
func (db *DB) FindConnection(ctx context.Context, id string) (*catalog.Connection, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, err
	}
	c, _, err := findConnection(ctx, db, orgID, id, "")
	return c, err
}

// ListConnections lists the organization's connections by id.
func (db *DB) ListConnections(ctx context.Context, page catalog.Page) ([]*catalog.Connection, string, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, "", err
	}
	after, err := decodeCursor(page.Cursor, 1)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(page)
	a := args{orgID}
	q := `SELECT ` + connectionColumns + ` FROM connections WHERE organization_id = $1`
	if after != nil {
		q += ` AND id > ` + a.add(after[0])
	}
	rows, err := db.query(ctx, q+` ORDER BY id LIMIT `+a.add(limit+1), a...)
	if err != nil {
		return nil, "", fmt.Errorf("list connections: %w", err)
	}
	scan := func(row scanner) (*catalog.Connection, error) {
		c, _, err := scanConnection(row, orgID)
		return c, err
	}
	return collectPage(rows, limit, scan, func(last *catalog.Connection) string { return encodeCursor(last.ID) })
}

// MissingConnections returns those of ids that name no connection.
func (db *DB) MissingConnections(ctx context.Context, ids []string) ([]string, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, err
	}
	ids = distinct(ids)
	if len(ids) == 0 {
		return nil, nil
	}
	a := args{orgID}
	rows, err := db.query(ctx, `SELECT id FROM connections WHERE organization_id = $1 AND id IN (`+list(&a, ids)+`)`, a...)
	if err != nil {
		return nil, fmt.Errorf("find connections: %w", err)
	}
	known, err := scanAll(rows, scanString)
	if err != nil {
		return nil, fmt.Errorf("find connections: %w", err)
	}
	var missing []string
	for _, id := range ids {
		if !slices.Contains(known, id) {
			missing = append(missing, id)
		}
	}
	return missing, nil
}

// sealConfig encodes config for storage with each plaintext secret sealed.
// A secret's additional data is its organization, connection and path, so
// a sealed value copied into another row or place does not open there.
// A secret sent as the mask takes the value stored at the same path of
// stored (the row being replaced); with nothing there it is EINVALID.
// Without a secret key a plaintext secret is EUNAVAILABLE: it is never
// stored in the clear.
func (tx *Tx) sealConfig(orgID, connID string, config, stored map[string]any) (string, error) {
	kept := map[string]any{}
	if stored != nil {
		catalog.MapSecrets(stored, func(path string, v any) (any, error) { kept[path] = v; return v, nil })
	}
	var problems []catalog.FieldError
	sealed, err := catalog.MapSecrets(config, func(path string, v any) (any, error) {
		if v == catalog.SecretMask {
			if prev, ok := kept[path]; ok {
				return prev, nil
			}
			problems = append(problems, catalog.FieldError{Field: path,
				Message: path + " is " + catalog.SecretMask + ", which stands for a stored secret, and none is stored there; send the secret itself."})
			return nil, nil
		}
		if tx.db.secretKey == nil {
			return nil, catalog.Errorf(catalog.EUNAVAILABLE,
				"This server has no DATAXPIPE_SECRET_KEY, so it cannot store %s encrypted and will not store it in the clear. "+
					"Ask the operator to set the key, or send a reference to your secret store in a key ending in _secret instead.", path)
		}
		plain, err := json.Marshal(v)
		if err != nil {
			return nil, fmt.Errorf("encode %s: %w", path, err)
		}
		return secretbox.Seal(tx.db.secretKey, plain, secretAD(orgID, connID, path))
	})
	if err != nil {
		return "", err
	}
	if len(problems) > 0 {
		slices.SortFunc(problems, func(a, b catalog.FieldError) int { return strings.Compare(a.Field, b.Field) })
		return "", catalog.Invalid(problems)
	}
	b, err := json.Marshal(sealed)
	if err != nil {
		return "", fmt.Errorf("encode config: %w", err)
	}
	return string(b), nil
}

// secretAD is the additional data that binds a sealed value to its place.
func secretAD(orgID, connID, path string) []byte { return []byte(orgID + "/" + connID + "/" + path) }
