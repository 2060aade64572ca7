package sqlstore

import (
	"context"
	"fmt"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// FindAPIKeyByHash resolves a presented key through the platform directory,
// then reads the key acting in its organization.
func (db *DB) FindAPIKeyByHash(ctx context.Context, hash string) (*catalog.APIKey, *catalog.Org, error) {
	lookup := `SELECT organization_id, key_id FROM api_key_hashes WHERE key_hash = ?`
	if db.engine == Postgres {
		lookup = `SELECT org_id, key_id FROM dxp_platform_find_api_key(?)` // the reviewed cross-tenant path
	}
	var orgID, keyID string
	if err := db.queryRow(ctx, lookup, hash).Scan(&orgID, &keyID); err != nil {
		return nil, nil, notFound(err, "No such key.")
	}
	k, err := scanKey(db.queryRow(actingIn(ctx, orgID), `SELECT `+keyColumns+` FROM api_keys WHERE organization_id = ? AND id = ?`, orgID, keyID))
	if err != nil {
		return nil, nil, notFound(err, "No such key.")
	}
	org, err := db.FindOrgByID(ctx, k.OrgID)
	if err != nil {
		return nil, nil, err
	}
	return k, org, nil
}

// actingIn returns ctx acting in orgID for a platform path that has just
// learned the organization (before any principal exists).
func actingIn(ctx context.Context, orgID string) context.Context {
	return catalog.NewContextWithPrincipal(ctx, &catalog.Principal{OrgID: orgID})
}

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
		if _, err := tx.exec(ctx, `UPDATE api_keys SET last_used_at = ? WHERE organization_id = ? AND id = ? AND (last_used_at IS NULL OR last_used_at < ?)`,
			ts(u.At), u.OrgID, u.KeyID, ts(u.At)); err != nil {
			return fmt.Errorf("touch api key: %w", err)
		}
	}
	return tx.commit()
}
