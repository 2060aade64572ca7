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
	ExpiresAt  *time.Time // as issued
	// RevokedAt is when the key stops working by revocation: at once for a
	// revoke, at the end of the grace period for a rotation.
	RevokedAt *time.Time
	// ReplacedBy is the id of the key a rotation issued in its place.
	ReplacedBy string
}

// Usable reports whether the key may authenticate at now.
func (k *APIKey) Usable(now time.Time) bool {
	if k.RevokedAt != nil && !now.Before(*k.RevokedAt) {
		return false
	}
	return k.ExpiresAt == nil || now.Before(*k.ExpiresAt)
}

// EffectiveExpiry is when the key stops working: the earlier of its expiry
// and its revocation, so a rotated key in its grace period shows the end of
// the grace period. Nil for a key that works until revoked.
func (k *APIKey) EffectiveExpiry() *time.Time {
	if k.RevokedAt != nil && (k.ExpiresAt == nil || k.RevokedAt.Before(*k.ExpiresAt)) {
		return k.RevokedAt
	}
	return k.ExpiresAt
}

// RevokeAt decides a revocation at now: the key stops working now. A key
// that has already stopped by revocation is ENOTFOUND, as an unknown key
// is; a rotated key still in its grace period may be revoked, which ends the
// grace period, and an expired key may be, which takes it off the list.
func (k *APIKey) RevokeAt(now time.Time) (time.Time, error) {
	if k.RevokedAt != nil && !now.Before(*k.RevokedAt) {
		return time.Time{}, Errorf(ENOTFOUND, "No active API key %q in this organization.", k.ID)
	}
	return now, nil
}

// RotateAt decides a rotation at now with a grace period: when the old key
// stops working (now + grace, but never later than it would have expired)
// and when the key issued in its place expires. A key that expires keeps its
// lifetime: the new key lives as long as the old one was issued for,
// counted from now, so rotating a 30-day key gives a key good for 30 days,
// and rotating a key that never expires gives one that never expires.
//
// Only a working key that has not been rotated can be rotated: a revoked
// key is ENOTFOUND; a key in its grace period is ECONFLICT naming its
// replacement and until when it still works; an expired key is ECONFLICT
// (its access has lapsed, so a new key is created instead).
func (k *APIKey) RotateAt(now time.Time, grace time.Duration) (oldEnd time.Time, nextExpiry *time.Time, err error) {
	switch {
	case k.RevokedAt != nil && !now.Before(*k.RevokedAt):
		return time.Time{}, nil, Errorf(ENOTFOUND, "No active API key %q in this organization.", k.ID)
	case k.RevokedAt != nil:
		end := k.EffectiveExpiry().UTC().Format(time.RFC3339)
		if k.ReplacedBy == "" {
			return time.Time{}, nil, Errorf(ECONFLICT, "API key %q was already rotated; it keeps working until %s. Rotate the key that replaced it, or revoke %q to end it now.", k.ID, end, k.ID)
		}
		return time.Time{}, nil, Errorf(ECONFLICT, "API key %q was already rotated into %q; it keeps working until %s. Rotate %q instead, or revoke %q to end it now.",
			k.ID, k.ReplacedBy, end, k.ReplacedBy, k.ID)
	case k.ExpiresAt != nil && !now.Before(*k.ExpiresAt):
		return time.Time{}, nil, Errorf(ECONFLICT, "API key %q expired at %s; create a new key instead.", k.ID, k.ExpiresAt.UTC().Format(time.RFC3339))
	}
	oldEnd = now.Add(grace)
	if k.ExpiresAt != nil && k.ExpiresAt.Before(oldEnd) {
		oldEnd = *k.ExpiresAt // a rotation never extends a key's life
	}
	if k.ExpiresAt != nil {
		next := now.Add(k.ExpiresAt.Sub(k.CreatedAt))
		nextExpiry = &next
	}
	return oldEnd, nextExpiry, nil
}

// APIKeyService manages the caller's organization's keys.
type APIKeyService interface {
	// CreateAPIKey stores key (its Hash and Prefix set by the caller) in the
	// caller's organization, audited as api_key.created.
	CreateAPIKey(ctx context.Context, key *APIKey) error
	// ListAPIKeys lists the organization's keys that are not revoked, by name.
	ListAPIKeys(ctx context.Context, page Page) ([]*APIKey, string, error)
	// RevokeAPIKey revokes at once (APIKey.RevokeAt), also a rotated key in
	// its grace period. ENOTFOUND for an unknown, revoked or other
	// organization's key. Returns the revoked key's hash for cache eviction.
	RevokeAPIKey(ctx context.Context, id string) (*APIKey, error)
	// RotateAPIKey stores next with the old key's name and role and the
	// expiry APIKey.RotateAt gives it, and makes the old key stop after
	// grace. ENOTFOUND as for RevokeAPIKey; ECONFLICT for a key already
	// rotated or expired.
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
