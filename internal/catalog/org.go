package catalog

import (
	"context"
	"regexp"
	"time"
)

// Org is an organization: the tenant that owns everything else.
type Org struct {
	ID                 string
	Slug               string
	Name               string
	Plan               string
	StripeCustomerID   string // "" when the organization has none yet
	SubscriptionStatus string
	CreatedAt          time.Time
	UpdatedAt          time.Time
}

// Usage counts what an organization has registered, against its limits.
type Usage struct {
	Pipelines   int `json:"pipelines"`
	Connections int `json:"connections"`
}

// OrgUpdate holds the fields a platform admin may change; nil means unchanged.
type OrgUpdate struct {
	Name *string
	Plan *string
}

var slugPattern = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`)

// ValidateOrg checks the fields of a new organization.
func ValidateOrg(slug, name, plan string) []FieldError {
	var errs []FieldError
	if !slugPattern.MatchString(slug) {
		errs = append(errs, FieldError{"slug", "slug must be 1-63 lowercase letters, digits or hyphens, starting and ending with a letter or digit"})
	}
	if name == "" || len(name) > 200 {
		errs = append(errs, FieldError{"name", "name is required and must be at most 200 characters"})
	}
	if !ValidPlan(plan) {
		errs = append(errs, FieldError{"plan", "plan must be one of free, team, business"})
	}
	return errs
}

// OrgService manages organizations. Its methods cross tenants, so only
// platform paths (the admin API, signup, billing) call them.
type OrgService interface {
	// CreateOrg creates org and, when key is not nil, its first admin key, in
	// one transaction with an organization.created audit event.
	// ECONFLICT if the slug is taken; EINVALID for bad fields.
	CreateOrg(ctx context.Context, org *Org, key *APIKey) error
	// FindOrgByID returns ENOTFOUND if there is no such organization.
	FindOrgByID(ctx context.Context, id string) (*Org, error)
	// FindOrgBySlug returns ENOTFOUND if there is no such organization.
	FindOrgBySlug(ctx context.Context, slug string) (*Org, error)
	// ListOrgs lists organizations by slug.
	ListOrgs(ctx context.Context, page Page) ([]*Org, string, error)
	// UpdateOrg changes name or plan; a plan change is audited as
	// organization.plan_changed. ENOTFOUND, EINVALID.
	UpdateOrg(ctx context.Context, slug string, upd OrgUpdate) (*Org, error)
	// OrgUsage counts the caller's organization's pipelines and connections.
	OrgUsage(ctx context.Context, orgID string) (Usage, error)
}
