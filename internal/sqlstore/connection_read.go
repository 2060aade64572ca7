package sqlstore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/dataxpipe/catalog/internal/catalog"
)

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
		WHERE organization_id = ? AND id = ?`+suffix, orgID, id), orgID)
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
	q, args := `SELECT `+connectionColumns+` FROM connections WHERE organization_id = ?`, []any{orgID}
	if after != nil {
		q, args = q+` AND id > ?`, append(args, after[0])
	}
	rows, err := db.query(ctx, q+` ORDER BY id LIMIT ?`, append(args, limit+1)...)
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
	args := []any{orgID}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := db.query(ctx, `SELECT id FROM connections WHERE organization_id = ? AND id IN (`+placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("find connections: %w", err)
	}
	defer rows.Close()
	known := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		known[id] = true
	}
	var missing []string
	for _, id := range ids {
		if !known[id] {
			missing = append(missing, id)
		}
	}
	return missing, rows.Err()
}
