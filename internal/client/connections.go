package client

import (
	"bytes"
	"context"
	"encoding/json"
	"time"
)

// Connection is a connection of the organization. Plaintext secrets in
// Config come back as "********"; keys ending in _secret are references
// to a secret store and come back as given.
type Connection struct {
	ID          string         `json:"id"`
	Type        string         `json:"type"`
	Description string         `json:"description,omitempty"`
	Config      map[string]any `json:"config"`
	CreatedAt   *time.Time     `json:"created_at,omitempty"`
	UpdatedAt   *time.Time     `json:"updated_at,omitempty"`
}

// UnmarshalJSON reads a connection keeping config numbers as written
// (json.Number): an account id of 20 digits must not be rounded to a float.
func (conn *Connection) UnmarshalJSON(b []byte) error {
	type plain Connection // without this method
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return dec.Decode((*plain)(conn))
}

// CreateConnection creates c (201); beyond the plan it is a 403
// plan_limit_exceeded, an id already in use a 409.
func (c *Client) CreateConnection(ctx context.Context, conn Connection) (*Connection, error) {
	body := struct {
		ID          string         `json:"id"`
		Type        string         `json:"type"`
		Description string         `json:"description,omitempty"`
		Config      map[string]any `json:"config"`
	}{conn.ID, conn.Type, conn.Description, conn.Config}
	return call[Connection](ctx, c, "POST", "/api/v1/connections/", nil, body)
}

// ListConnections returns one page of connections, by id.
func (c *Client) ListConnections(ctx context.Context, p Page) (*List[Connection], error) {
	return call[List[Connection]](ctx, c, "GET", "/api/v1/connections/", p.add(nil), nil)
}

// GetConnection returns the connection id.
func (c *Client) GetConnection(ctx context.Context, id string) (*Connection, error) {
	return call[Connection](ctx, c, "GET", itemPath("/api/v1/connections", id), nil, nil)
}
