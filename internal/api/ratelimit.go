package api

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/ratelimit"
)

// RateLimit configures request budgets: each organization's plan sets one
// budget per minute shared by all its keys and users; a person signed in
// without an organization (before signup, or a platform admin) gets
// PersonPerMinute of their own; unauthenticated callers get AnonPerMinute
// per IP address.
type RateLimit struct {
	Limiter       ratelimit.Limiter
	AnonPerMinute int
	// PersonPerMinute is the budget of a person outside any organization;
	// 0 means the free plan's budget.
	PersonPerMinute int
}

// budget is one limiter key and, for the 429 message, whose budget it is
// and what else the caller could do (", or ...").
type budget struct {
	key, whose, hint string
	perMinute        int
}

// limitOrg spends one request of the principal's budget and sets the
// RateLimit-* headers: its organization's, or for a person with none their
// own (an organization-less principal has no plan, and a budget of 0 would
// refuse signup). A limiter failure lets the request through: rate limiting
// must not take the API down.
func (s *Server) limitOrg(w http.ResponseWriter, r *http.Request, p *catalog.Principal) error {
	if s.limits == nil {
		return nil
	}
	if p.OrgID == "" {
		perMinute := s.limits.PersonPerMinute
		if perMinute <= 0 {
			free, _ := catalog.PlanLimits(catalog.PlanFree)
			perMinute = free.RequestsPerMinute
		}
		key := "user:" + p.UserID
		if p.UserID == "" { // not expected: every org-less principal is a person
			key = "ip:" + clientIP(r)
		}
		return s.spend(w, r, budget{key: key, whose: "Your personal budget", perMinute: perMinute})
	}
	limits, _ := catalog.PlanLimits(p.Plan)
	return s.spend(w, r, budget{key: "org:" + p.OrgID, whose: "This organization's budget",
		hint: ", or upgrade the plan for a larger budget", perMinute: limits.RequestsPerMinute})
}

// limitAnonymous spends one request of the caller's per-IP budget.
func (s *Server) limitAnonymous(w http.ResponseWriter, r *http.Request) error {
	if s.limits == nil {
		return nil
	}
	return s.spend(w, r, budget{key: "ip:" + clientIP(r), whose: "This IP address's budget for unauthenticated requests",
		hint: ", or send a valid API key to use your organization's budget", perMinute: s.limits.AnonPerMinute})
}

func (s *Server) spend(w http.ResponseWriter, r *http.Request, b budget) error {
	key, perMinute := b.key, b.perMinute
	d, err := s.limits.Limiter.Allow(r.Context(), key, perMinute)
	if err != nil {
		s.logger.WarnContext(r.Context(), "rate limiter failed; request let through", "err", err)
		return nil
	}
	h := w.Header()
	h.Set("RateLimit-Limit", strconv.Itoa(d.Limit))
	h.Set("RateLimit-Remaining", strconv.Itoa(d.Remaining))
	h.Set("RateLimit-Reset", strconv.Itoa(ceilSeconds(d.ResetAfter)))
	if d.Allowed {
		return nil
	}
	retry := ceilSeconds(d.RetryAfter)
	h.Set("Retry-After", strconv.Itoa(retry))
	return catalog.Errorf(catalog.ERATELIMIT, "%s", fmt.Sprintf(
		"%s of %d requests per minute is spent; retry in %d s%s.", b.whose, d.Limit, retry, b.hint))
}

// ceilSeconds rounds up, so a client that waits the given seconds is not
// refused again.
func ceilSeconds(d time.Duration) int { return int(math.Ceil(d.Seconds())) }
