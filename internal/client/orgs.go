package client

import (
	"context"
	"time"
)

// Org is an organization as GET /organizations/me shows it.
type Org struct {
	ID        string     `json:"id"`
	Slug      string     `json:"slug"`
	Name      string     `json:"name"`
	Plan      string     `json:"plan"`
	Limits    *Limits    `json:"limits,omitempty"`
	Usage     *Usage     `json:"usage,omitempty"`
	Billing   *Billing   `json:"billing,omitempty"`
	CreatedAt *time.Time `json:"created_at,omitempty"`
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

// Limits are a plan's caps; nil means unlimited.
type Limits struct {
	Pipelines         *int `json:"pipelines"`
	Connections       *int `json:"connections"`
	RequestsPerMinute int  `json:"requests_per_minute"`
}

// Usage counts what the limits cap.
type Usage struct {
	Pipelines   int `json:"pipelines"`
	Connections int `json:"connections"`
}

// Billing is the organization's Stripe state.
type Billing struct {
	StripeCustomerID   *string `json:"stripe_customer_id"`
	SubscriptionStatus *string `json:"subscription_status"`
}

// Me returns the caller's organization with its plan, limits and usage.
func (c *Client) Me(ctx context.Context) (*Org, error) {
	return call[Org](ctx, c, "GET", "/api/v1/organizations/me", nil, nil)
}

// NewOrg is what a platform admin sends to create an organization; Plan
// empty means free.
type NewOrg struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
	Plan string `json:"plan,omitempty"`
}

// CreatedOrg is the answer to CreateOrg: the organization and its first
// admin key, whose Key is shown only here.
type CreatedOrg struct {
	Organization Org    `json:"organization"`
	APIKey       APIKey `json:"api_key"`
}

// CreateOrg creates an organization (platform admins only).
func (c *Client) CreateOrg(ctx context.Context, org NewOrg) (*CreatedOrg, error) {
	return call[CreatedOrg](ctx, c, "POST", "/api/v1/admin/organizations/", nil, org)
}

// OrgUpdate changes an organization's plan or name (nil leaves it).
type OrgUpdate struct {
	Plan *string `json:"plan,omitempty"`
	Name *string `json:"name,omitempty"`
}

// UpdateOrg changes the organization slug (platform admins only).
func (c *Client) UpdateOrg(ctx context.Context, slug string, u OrgUpdate) (*Org, error) {
	return call[Org](ctx, c, "PATCH", itemPath("/api/v1/admin/organizations", slug), nil, u)
}
