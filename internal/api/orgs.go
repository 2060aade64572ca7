package api

import (
	"net/http"
	"time"

	"github.com/dataxpipe/catalog/internal/auth"
	"github.com/dataxpipe/catalog/internal/catalog"
)

type orgView struct {
	ID        string    `json:"id"`
	Slug      string    `json:"slug"`
	Name      string    `json:"name"`
	Plan      string    `json:"plan"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func viewOrg(o *catalog.Org) orgView {
	return orgView{ID: o.ID, Slug: o.Slug, Name: o.Name, Plan: o.Plan, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
}

type myOrgView struct {
	ID      string         `json:"id"`
	Slug    string         `json:"slug"`
	Name    string         `json:"name"`
	Plan    string         `json:"plan"`
	Limits  catalog.Limits `json:"limits"`
	Usage   catalog.Usage  `json:"usage"`
	Billing billingView    `json:"billing"`
}

type billingView struct {
	StripeCustomerID   *string `json:"stripe_customer_id"`
	SubscriptionStatus *string `json:"subscription_status"`
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (s *Server) getMyOrg(w http.ResponseWriter, r *http.Request) error {
	orgID := catalog.OrgIDFromContext(r.Context())
	o, err := s.store.FindOrgByID(r.Context(), orgID)
	if err != nil {
		return err
	}
	usage, err := s.store.OrgUsage(r.Context(), orgID)
	if err != nil {
		return err
	}
	limits, _ := catalog.PlanLimits(o.Plan)
	return respond(w, http.StatusOK, myOrgView{ID: o.ID, Slug: o.Slug, Name: o.Name, Plan: o.Plan, Limits: limits, Usage: usage,
		Billing: billingView{StripeCustomerID: nullable(o.StripeCustomerID), SubscriptionStatus: nullable(o.SubscriptionStatus)}})
}

// newOrgView is a new organization with its first admin key, shown once.
type newOrgView struct {
	Organization orgView `json:"organization"`
	APIKey       keyView `json:"api_key"`
}

type createOrgRequest struct {
	Slug string `json:"slug"`
	Name string `json:"name"`
	Plan string `json:"plan"`
}

// createOrg creates an organization with its first admin key, shown once.
func (s *Server) createOrg(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[createOrgRequest](r)
	if err != nil {
		return err
	}
	if req.Plan == "" {
		req.Plan = catalog.PlanFree
	}
	org := &catalog.Org{Slug: req.Slug, Name: req.Name, Plan: req.Plan}
	secret := auth.GenerateKey()
	key := &catalog.APIKey{Name: "admin", Role: catalog.RoleAdmin, Prefix: auth.DisplayPrefix(secret), Hash: auth.HashKey(secret)}
	if err := s.store.CreateOrg(r.Context(), org, key); err != nil {
		return err
	}
	return respond(w, http.StatusCreated, newOrgView{Organization: viewOrg(org), APIKey: viewNewKey(key, secret)})
}

func (s *Server) listOrgs(w http.ResponseWriter, r *http.Request) error {
	q := &queryReader{r: r}
	page := q.page()
	if err := q.err(); err != nil {
		return err
	}
	orgs, next, err := s.store.ListOrgs(r.Context(), page)
	if err != nil {
		return err
	}
	return respond(w, http.StatusOK, newList(mapList(orgs, viewOrg), next))
}

type updateOrgRequest struct {
	Name *string `json:"name"`
	Plan *string `json:"plan"`
}

func (s *Server) updateOrg(w http.ResponseWriter, r *http.Request) error {
	req, err := decode[updateOrgRequest](r)
	if err != nil {
		return err
	}
	o, err := s.store.UpdateOrg(r.Context(), r.PathValue("slug"), catalog.OrgUpdate{Name: req.Name, Plan: req.Plan})
	if err != nil {
		return err
	}
	return respond(w, http.StatusOK, viewOrg(o))
}
