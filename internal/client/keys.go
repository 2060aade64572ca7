package client

import (
	"context"
	"time"
)

// APIKey is an API key of the caller's organization. Key, the secret, is
// set only in the answers that create one (CreateKey, RotateKey).
type APIKey struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Role       string     `json:"role"`
	Prefix     string     `json:"prefix"`
	Key        string     `json:"key,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	CreatedBy  string     `json:"created_by,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	// PreviousKeyExpiresAt is when the rotated-out key stops working
	// (RotateKey only).
	PreviousKeyExpiresAt *time.Time `json:"previous_key_expires_at,omitempty"`
}

// NewKey is what CreateKey sends; Role empty means member.
type NewKey struct {
	Name      string     `json:"name"`
	Role      string     `json:"role,omitempty"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}

// CreateKey creates a key (admins only); the answer holds the secret.
func (c *Client) CreateKey(ctx context.Context, k NewKey) (*APIKey, error) {
	return call[APIKey](ctx, c, "POST", "/api/v1/api-keys/", nil, k)
}

// ListKeys returns one page of the organization's keys.
func (c *Client) ListKeys(ctx context.Context, p Page) (*List[APIKey], error) {
	return call[List[APIKey]](ctx, c, "GET", "/api/v1/api-keys/", p.add(nil), nil)
}

// AllKeys returns every key, following the pages.
func (c *Client) AllKeys(ctx context.Context) ([]APIKey, error) {
	return all(ctx, c.ListKeys)
}

// RevokeKey revokes the key id; it is refused from then on.
func (c *Client) RevokeKey(ctx context.Context, id string) error {
	return c.do(ctx, "DELETE", itemPath("/api/v1/api-keys", id), nil, nil, nil)
}

// RotateKey replaces key id with a new key of the same name and role. The
// old key keeps working for grace (nil: the server's default, an hour).
func (c *Client) RotateKey(ctx context.Context, id string, grace *time.Duration) (*APIKey, error) {
	body := map[string]int{}
	if grace != nil {
		body["grace_period_seconds"] = int(grace.Seconds())
	}
	return call[APIKey](ctx, c, "POST", itemPath("/api/v1/api-keys", id)+"/rotate", nil, body)
}
