package web

import (
	"net/http"
	"net/url"

	"github.com/dataxpipe/catalog/internal/catalog"
)

type usageBar struct {
	Label string
	Used  int
	Limit *int // nil: unlimited
}

type billingPage struct {
	Org        *catalog.Org
	Bars       []usageBar
	RPM        int
	Requests   *requestUsage // this minute's API requests; nil when rate limiting is off
	Configured bool
	Upgrades   []string
	Returned   string // "success" after Checkout, "portal" after the Portal
	CanAdmin   bool
}

// billingPage shows plan and usage against each limit; admins upgrade
// through Checkout or manage billing in the Portal.
func (u *UI) billingPage(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	org, err := u.store.FindOrgByID(r.Context(), s.p.OrgID)
	if err != nil {
		return err
	}
	usage, err := u.store.OrgUsage(r.Context(), org.ID)
	if err != nil {
		return err
	}
	limits, _ := catalog.PlanLimits(org.Plan)
	data := billingPage{Org: org, RPM: limits.RequestsPerMinute, Requests: u.apiUsage(r, org), Configured: u.billing != nil, CanAdmin: s.can(catalog.RoleAdmin),
		Bars:     []usageBar{{"Pipelines", usage.Pipelines, limits.Pipelines}, {"Connections", usage.Connections, limits.Connections}},
		Returned: r.URL.Query().Get("checkout")}
	for p := catalog.NextPlan(org.Plan); p != ""; p = catalog.NextPlan(p) {
		data.Upgrades = append(data.Upgrades, p)
	}
	u.render(w, r, s, http.StatusOK, "billing", "Billing", "billing", data)
	return nil
}

// billingReturn is the URL Stripe sends people back to (DATAXPIPE_APP_URL
// + /billing, as internal/billing builds it).
func (u *UI) billingReturn(w http.ResponseWriter, r *http.Request, _ *signedIn) error {
	q := url.Values{}
	if c := r.URL.Query().Get("checkout"); c != "" {
		q.Set("checkout", c)
	}
	to := "/settings/billing"
	if len(q) > 0 {
		to += "?" + q.Encode()
	}
	return redirect(w, r, to)
}

var errStripeOff = catalog.Errorf(catalog.EUNAVAILABLE, "Stripe is not configured on this server, so plans cannot be bought here; a platform admin can change the plan.")

func (u *UI) checkout(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	if u.billing == nil {
		return errStripeOff
	}
	org, err := u.store.FindOrgByID(r.Context(), s.p.OrgID)
	if err != nil {
		return err
	}
	sess, err := u.billing.Checkout(r.Context(), org, r.PostFormValue("plan"), "")
	if err != nil {
		return err
	}
	http.Redirect(w, r, sess.URL, http.StatusSeeOther)
	return nil
}

func (u *UI) portal(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	if u.billing == nil {
		return errStripeOff
	}
	org, err := u.store.FindOrgByID(r.Context(), s.p.OrgID)
	if err != nil {
		return err
	}
	sess, err := u.billing.Portal(r.Context(), org)
	if err != nil {
		return err
	}
	http.Redirect(w, r, sess.URL, http.StatusSeeOther)
	return nil
}
