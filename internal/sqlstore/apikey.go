package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

const keyColumns = `organization_id, id, name, role, prefix, key_hash, created_at, created_by, last_used_at, expires_at, revoked_at,
	COALESCE(replaced_by, '')`

func scanKey(row scanner) (*catalog.APIKey, error) {
	k := &catalog.APIKey{}
	err := row.Scan(&k.OrgID, &k.ID, &k.Name, &k.Role, &k.Prefix, &k.Hash, timeCol{&k.CreatedAt}, &k.CreatedBy,
		nullTimeCol{&k.LastUsedAt}, nullTimeCol{&k.ExpiresAt}, nullTimeCol{&k.RevokedAt}, &k.ReplacedBy)
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
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		k.OrgID, k.ID, k.Name, string(k.Role), k.Prefix, k.Hash, ts(k.CreatedAt), k.CreatedBy, tsPtr(k.ExpiresAt))
	if err != nil {
		return fmt.Errorf("insert api key: %w", translate(err))
	}
	if _, err := tx.exec(ctx, `INSERT INTO api_key_hashes (key_hash, organization_id, key_id) VALUES ($1, $2, $3)`, k.Hash, k.OrgID, k.ID); err != nil {
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
	a := args{orgID, ts(db.now())}
	q := `SELECT ` + keyColumns + ` FROM api_keys WHERE organization_id = $1 AND (revoked_at IS NULL OR revoked_at > $2)`
	if after != nil {
		name, id := a.add(after[0]), a.add(after[1])
		q += ` AND (name > ` + name + ` OR (name = ` + name + ` AND id > ` + id + `))`
	}
	rows, err := db.query(ctx, q+` ORDER BY name, id LIMIT `+a.add(limit+1), a...)
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

// endKey ends key id, at once (next nil) or, when next is set, after grace
// with next issued in its place under the same name and role: revoke and
// rotate are one operation, and catalog's RevokeAt and RotateAt decide it.
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
	old, err := scanKey(tx.queryRow(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE organization_id = $1 AND id = $2`+tx.forUpdate(), orgID, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, catalog.Errorf(catalog.ENOTFOUND, "No active API key %q in this organization.", id)
	} else if err != nil {
		return nil, fmt.Errorf("find api key: %w", err)
	}
	var end time.Time
	action := catalog.AuditAPIKeyRevoked
	if next == nil {
		end, err = old.RevokeAt(tx.now)
	} else {
		action = catalog.AuditAPIKeyRotated
		end, next.ExpiresAt, err = old.RotateAt(tx.now, grace)
	}
	if err != nil {
		return nil, err
	}
	if next != nil {
		next.OrgID, next.Name, next.Role = orgID, old.Name, old.Role
		if err := tx.createAPIKey(ctx, next); err != nil {
			return nil, err
		}
		old.ReplacedBy = next.ID
	}
	var replacedBy any // NULL until a rotation; a revoke in grace keeps it
	if old.ReplacedBy != "" {
		replacedBy = old.ReplacedBy
	}
	if _, err := tx.exec(ctx, `UPDATE api_keys SET revoked_at = $1, replaced_by = $2 WHERE organization_id = $3 AND id = $4`,
		ts(end), replacedBy, orgID, id); err != nil {
		return nil, fmt.Errorf("revoke api key: %w", err)
	}
	old.RevokedAt = &end
	if err := tx.audit(ctx, orgID, action, id); err != nil {
		return nil, err
	}
	return old, tx.commit()
}

// FindAPIKeyByHash resolves a presented key through the platform directory,
// then reads the key acting in its organization.
func (db *DB) FindAPIKeyByHash(ctx context.Context, hash string) (*catalog.APIKey, *catalog.Org, error) {
	lookup := `SELECT organization_id, key_id FROM api_key_hashes WHERE key_hash = $1`
	if db.engine == Postgres {
		lookup = `SELECT org_id, key_id FROM dxp_platform_find_api_key($1)` // the reviewed cross-tenant path
	}
	var orgID, keyID string
	if err := db.queryRow(ctx, lookup, hash).Scan(&orgID, &keyID); err != nil {
		return nil, nil, notFound(err, "No such key.")
	}
	// The key and its organization in one query (a key not in the
	// authenticator's cache costs two round trips, not three).
	row := db.queryRow(actingIn(ctx, orgID), `SELECT k.*, o.* FROM (SELECT `+keyColumns+` FROM api_keys WHERE organization_id = $1 AND id = $2) k
		CROSS JOIN (SELECT `+orgColumns+` FROM organizations WHERE id = $1) o`, orgID, keyID)
	pair := &scanPair{row: row}
	k, _ := scanKey(pair)
	org, err := scanOrg(pair.second())
	if err != nil {
		return nil, nil, notFound(err, "No such key.")
	}
	return k, org, nil
}

// scanPair scans one row into two scanning functions' destinations: the
// first Scan only keeps its destinations, and second's Scan reads the row
// into both.
type scanPair struct {
	row   scanner
	first []any
}

func (p *scanPair) Scan(dest ...any) error {
	p.first = dest
	return nil
}

func (p *scanPair) second() scanner {
	return scanFunc(func(dest ...any) error { return p.row.Scan(append(p.first, dest...)...) })
}

type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// TouchAPIKeys writes a batch of last-use times, never moving one backwards.
func (db *DB) TouchAPIKeys(ctx context.Context, used []catalog.KeyUse) error {
	if len(used) == 0 {
		return nil
	}
	tx, err := db.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, u := range used {
		if err := tx.setOrg(ctx, u.OrgID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE api_keys SET last_used_at = $1 WHERE organization_id = $2 AND id = $3 AND (last_used_at IS NULL OR last_used_at < $1)`,
			ts(u.At), u.OrgID, u.KeyID); err != nil {
			return fmt.Errorf("touch api key: %w", err)
		}
	}
	return tx.commit()
}
