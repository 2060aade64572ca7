package web

import (
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// uiBudgetKey is the rate-limit key of one person's page views in one
// organization. It is not the API's "org:<id>": an Airflow deployment that
// spends the organization's API budget must not lock its people out of the
// UI, where they would go to find out why. It is per person, at the
// organization's plan rate, so the UI is no unlimited back door either: a
// script holding a session cookie gets one person's budget, no more.
func uiBudgetKey(p *catalog.Principal) string {
	return "ui:" + p.OrgID + ":" + p.UserID
}

// limitPage spends one request of the signed-in person's UI budget and
// reports whether the page may be served; when not, it has answered 429
// with Retry-After and a page that says when to come back. Without a
// limiter (rate limiting off) every page is served; a failing limiter lets
// the page through, as the API does, so a Redis outage cannot take the UI down.
func (u *UI) limitPage(w http.ResponseWriter, r *http.Request, s *signedIn) bool {
	if u.limiter == nil || s == nil {
		return true
	}
	perMinute := planRPM(s.p.Plan) // a person outside any organization: the free plan's budget
	d, err := u.limiter.Allow(r.Context(), uiBudgetKey(s.p), perMinute)
	if err != nil {
		u.logger.WarnContext(r.Context(), "rate limiter failed; page let through", "err", err)
		return true
	}
	if d.Allowed {
		return true
	}
	retry := int(math.Ceil(d.RetryAfter.Seconds()))
	w.Header().Set("Retry-After", strconv.Itoa(retry))
	u.renderError(w, r, s, http.StatusTooManyRequests, "Slow down a little",
		"You opened pages faster than the "+strconv.Itoa(d.Limit)+" a minute your plan allows one person. "+
			"Wait "+strconv.Itoa(retry)+" "+plural(retry, "second", "seconds")+" and reload the page. "+
			"This budget is yours alone: API keys of your organization do not spend it.")
	return false
}

// planRPM is a plan's requests per minute, the free plan's for an unknown
// or empty plan.
func planRPM(plan string) int {
	if limits, ok := catalog.PlanLimits(plan); ok && limits.RequestsPerMinute > 0 {
		return limits.RequestsPerMinute
	}
	free, _ := catalog.PlanLimits(catalog.PlanFree)
	return free.RequestsPerMinute
}

// apiUsage is the organization's API budget this minute, read without
// spending it: nil when rate limiting is off or the limiter fails (the page
// then shows the plan's budget only).
func (u *UI) apiUsage(r *http.Request, org *catalog.Org) *requestUsage {
	if u.limiter == nil {
		return nil
	}
	// The API's key for the organization's budget (internal/api/ratelimit.go).
	d, err := u.limiter.Peek(r.Context(), "org:"+org.ID, planRPM(org.Plan))
	if err != nil {
		u.logger.WarnContext(r.Context(), "rate limiter peek failed", "err", err)
		return nil
	}
	return &requestUsage{Used: max(d.Limit-d.Remaining, 0), Limit: d.Limit, ResetsIn: d.ResetAfter.Round(time.Second)}
}

// requestUsage is the billing page's requests-per-minute bar.
type requestUsage struct {
	Used, Limit int
	ResetsIn    time.Duration
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
