package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

const keyColumns = `organization_id, id, name, role, prefix, key_hash, created_at, created_by, last_used_at, expires_at, revoked_at`

func scanKey(row scanner) (*catalog.APIKey, error) {
	k := &catalog.APIKey{}
	err := row.Scan(&k.OrgID, &k.ID, &k.Name, &k.Role, &k.Prefix, &k.Hash, timeCol{&k.CreatedAt}, &k.CreatedBy,
		nullTimeCol{&k.LastUsedAt}, nullTimeCol{&k.ExpiresAt}, nullTimeCol{&k.RevokedAt})
	return k, err
}

// CreateAPIKey stores key in the caller's organization.
func (db *DB) CreateAPIKey(ctx context.Context, key *catalog.APIKey) error {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	key.OrgID = orgID
	if err := tx.createAPIKey(ctx, key); err != nil {
		return err
	}
	return tx.commit()
}

func (tx *Tx) createAPIKey(ctx context.Context, k *catalog.APIKey) error {
	if k.ID == "" {
		k.ID = catalog.NewID("key")
	}
	k.CreatedAt = tx.now
	if k.CreatedBy == "" {
		a := catalog.PrincipalFromContext(ctx).Actor()
		k.CreatedBy = a.Type + ":" + a.ID
	}
	_, err := tx.exec(ctx, `INSERT INTO api_keys (organization_id, id, name, role, prefix, key_hash, created_at, created_by, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		k.OrgID, k.ID, k.Name, string(k.Role), k.Prefix, k.Hash, ts(k.CreatedAt), k.CreatedBy, tsPtr(k.ExpiresAt))
	if err != nil {
		return fmt.Errorf("insert api key: %w", translate(err))
	}
	if _, err := tx.exec(ctx, `INSERT INTO api_key_hashes (key_hash, organization_id, key_id) VALUES (?, ?, ?)`, k.Hash, k.OrgID, k.ID); err != nil {
		return fmt.Errorf("insert api key hash: %w", translate(err))
	}
	return tx.audit(ctx, k.OrgID, catalog.AuditAPIKeyCreated, k.ID)
}

// ListAPIKeys lists keys that are not revoked, by name.
func (db *DB) ListAPIKeys(ctx context.Context, page catalog.Page) ([]*catalog.APIKey, string, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, "", err
	}
	after, err := decodeCursor(page.Cursor, 2)
	if err != nil {
		return nil, "", err
	}
	limit := pageLimit(page)
	q, args := `SELECT `+keyColumns+` FROM api_keys WHERE organization_id = ? AND (revoked_at IS NULL OR revoked_at > ?)`, []any{orgID, ts(db.now())}
	if after != nil {
		q, args = q+` AND (name > ? OR (name = ? AND id > ?))`, append(args, after[0], after[0], after[1])
	}
	rows, err := db.query(ctx, q+` ORDER BY name, id LIMIT ?`, append(args, limit+1)...)
	if err != nil {
		return nil, "", fmt.Errorf("list api keys: %w", err)
	}
	return collectPage(rows, limit, scanKey, func(last *catalog.APIKey) string { return encodeCursor(last.Name, last.ID) })
}

// RevokeAPIKey revokes the key with id at once.
func (db *DB) RevokeAPIKey(ctx context.Context, id string) (*catalog.APIKey, error) {
	return db.endKey(ctx, id, nil, 0)
}

// RotateAPIKey issues next in place of the key with id, which keeps working
// for grace.
func (db *DB) RotateAPIKey(ctx context.Context, id string, next *catalog.APIKey, grace time.Duration) (*catalog.APIKey, error) {
	return db.endKey(ctx, id, next, grace)
}

// endKey revokes key id after grace and, when next is set, issues next with
// the same name and role: revoke and rotate are one operation.
func (db *DB) endKey(ctx context.Context, id string, next *catalog.APIKey, grace time.Duration) (*catalog.APIKey, error) {
	orgID, err := requireOrg(ctx)
	if err != nil {
		return nil, err
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	old, err := scanKey(tx.queryRow(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE organization_id = ? AND id = ?`+tx.forUpdate(), orgID, id))
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("find api key: %w", err)
	}
	// A key already revoked, or rotated and in its grace period, is no
	// longer the caller's to revoke or rotate.
	if err != nil || !old.Usable(tx.now) || old.RevokedAt != nil {
		return nil, catalog.Errorf(catalog.ENOTFOUND, "No active API key %q in this organization.", id)
	}
	end := tx.now.Add(grace)
	if old.ExpiresAt != nil && old.ExpiresAt.Before(end) {
		end = *old.ExpiresAt // rotation never extends a key's life
	}
	if _, err := tx.exec(ctx, `UPDATE api_keys SET revoked_at = ? WHERE organization_id = ? AND id = ?`, ts(end), orgID, id); err != nil {
		return nil, fmt.Errorf("revoke api key: %w", err)
	}
	old.RevokedAt = &end
	action := catalog.AuditAPIKeyRevoked
	if next != nil {
		action = catalog.AuditAPIKeyRotated
		next.OrgID, next.Name, next.Role = orgID, old.Name, old.Role
		if err := tx.createAPIKey(ctx, next); err != nil {
			return nil, err
		}
	}
	if err := tx.audit(ctx, orgID, action, id); err != nil {
		return nil, err
	}
	return old, tx.commit()
}
