package catalog

import (
	"context"
	"time"
)

// APIKey is a machine credential of one organization. Only the SHA-256 of the
// key is stored; the key itself exists only in the creation response.
type APIKey struct {
	OrgID      string
	ID         string
	Name       string
	Role       Role
	Prefix     string // the first 12 characters, for display
	Hash       string // hex SHA-256 of the key
	CreatedAt  time.Time
	CreatedBy  string
	LastUsedAt *time.Time
	ExpiresAt  *time.Time
	RevokedAt  *time.Time
}

// Usable reports whether the key may authenticate at now.
func (k *APIKey) Usable(now time.Time) bool {
	if k.RevokedAt != nil && !now.Before(*k.RevokedAt) {
		return false
	}
	return k.ExpiresAt == nil || now.Before(*k.ExpiresAt)
}

// APIKeyService manages the caller's organization's keys.
type APIKeyService interface {
	// CreateAPIKey stores key (its Hash and Prefix set by the caller) in the
	// caller's organization, audited as api_key.created.
	CreateAPIKey(ctx context.Context, key *APIKey) error
	// ListAPIKeys lists the organization's keys that are not revoked, by name.
	ListAPIKeys(ctx context.Context, page Page) ([]*APIKey, string, error)
	// RevokeAPIKey revokes at once. ENOTFOUND for an unknown, revoked or other
	// organization's key. Returns the revoked key's hash for cache eviction.
	RevokeAPIKey(ctx context.Context, id string) (*APIKey, error)
	// RotateAPIKey stores next with the old key's name and role and makes the
	// old key expire after grace. ENOTFOUND as for RevokeAPIKey.
	RotateAPIKey(ctx context.Context, id string, next *APIKey, grace time.Duration) (*APIKey, error)
	// FindAPIKeyByHash is the one lookup that crosses tenants: it resolves a
	// presented key before any organization is known. ENOTFOUND if unknown.
	FindAPIKeyByHash(ctx context.Context, hash string) (*APIKey, *Org, error)
	// TouchAPIKeys records last use times in one batch.
	TouchAPIKeys(ctx context.Context, used []KeyUse) error
}

// KeyUse is one observed use of a key, recorded in batches so that
// authenticating is not a database write.
type KeyUse struct {
	OrgID, KeyID string
	At           time.Time
}
