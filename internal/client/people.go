package client

import (
	"context"
	"net/url"
	"time"
)

// Member is a person of the organization, invited by email; Subject is
// their OIDC sub once they have signed in.
type Member struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Subject   *string   `json:"subject"`
	Role      string    `json:"role"`
	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by,omitempty"`
}

// ListMembers returns one page of the organization's members (admins).
func (c *Client) ListMembers(ctx context.Context, p Page) (*List[Member], error) {
	return call[List[Member]](ctx, c, "GET", "/api/v1/members/", p.add(nil), nil)
}

// InviteMember invites email with role ("" means member); the person
// joins at their first sign-in with that address.
func (c *Client) InviteMember(ctx context.Context, email, role string) (*Member, error) {
	body := map[string]string{"email": email}
	if role != "" {
		body["role"] = role
	}
	return call[Member](ctx, c, "POST", "/api/v1/members/", nil, body)
}

// RemoveMember removes the member id (mem_...).
func (c *Client) RemoveMember(ctx context.Context, id string) error {
	return c.do(ctx, "DELETE", itemPath("/api/v1/members", id), nil, nil, nil)
}

// AuditEvent is one entry of the organization's audit log.
type AuditEvent struct {
	ID        string     `json:"id"`
	Time      time.Time  `json:"time"`
	Actor     AuditActor `json:"actor"`
	Action    string     `json:"action"`
	Target    string     `json:"target"`
	IP        string     `json:"ip"`
	RequestID string     `json:"request_id"`
}

// AuditActor is who made a change: an API key, a user or the system.
type AuditActor struct {
	Type string `json:"type"`
	ID   string `json:"id"`
}

// AuditFilter narrows ListAuditEvents; empty fields do not filter.
type AuditFilter struct {
	Action string
	Since  *time.Time
}

// ListAuditEvents returns one page of audit events, newest first (admins).
func (c *Client) ListAuditEvents(ctx context.Context, f AuditFilter, p Page) (*List[AuditEvent], error) {
	q := url.Values{}
	setNonEmpty(q, "action", f.Action)
	setTime(q, "since", f.Since)
	return call[List[AuditEvent]](ctx, c, "GET", "/api/v1/audit-events/", p.add(q), nil)
}
