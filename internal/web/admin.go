package web

import (
	"net/http"
	"net/url"

	"github.com/dataxpipe/catalog/internal/catalog"
)

type adminPage struct {
	Orgs    []*catalog.Org
	NextURL string
	Changed string
}

// adminOrgs lists every organization for platform admins, with plan changes.
func (u *UI) adminOrgs(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	orgs, next, err := u.store.ListOrgs(r.Context(), pageOf(r.URL.Query(), 100))
	if err != nil {
		return err
	}
	data := adminPage{Orgs: orgs, Changed: r.URL.Query().Get("changed")}
	if next != "" {
		data.NextURL = "/admin/organizations?cursor=" + url.QueryEscape(next)
	}
	u.render(w, r, s, http.StatusOK, "admin", "Organizations", "admin", data)
	return nil
}

func (u *UI) adminSetPlan(w http.ResponseWriter, r *http.Request, _ *signedIn) error {
	plan := r.PostFormValue("plan")
	org, err := u.writes.UpdateOrg(r.Context(), r.PathValue("slug"), catalog.OrgUpdate{Plan: &plan})
	if err != nil {
		return err
	}
	return redirect(w, r, "/admin/organizations?changed="+url.QueryEscape(org.Slug))
}

// static serves the embedded, content-hashed assets.
func (u *UI) static(w http.ResponseWriter, r *http.Request, _ *signedIn) error {
	staticAssets.serve(w, r)
	return nil
}
