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
// budget per minute shared by all its keys and users; unauthenticated
// callers get AnonPerMinute per IP address.
type RateLimit struct {
	Limiter       ratelimit.Limiter
	AnonPerMinute int
}

// limitOrg spends one request of the principal's organization and sets the
// RateLimit-* headers. A limiter failure lets the request through: rate
// limiting must not take the API down.
func (s *Server) limitOrg(w http.ResponseWriter, r *http.Request, p *catalog.Principal) error {
	if s.limits == nil {
		return nil
	}
	limits, _ := catalog.PlanLimits(p.Plan)
	return s.spend(w, r, "org:"+p.OrgID, limits.RequestsPerMinute)
}

// limitAnonymous spends one request of the caller's per-IP budget.
func (s *Server) limitAnonymous(w http.ResponseWriter, r *http.Request) error {
	if s.limits == nil {
		return nil
	}
	return s.spend(w, r, "ip:"+clientIP(r), s.limits.AnonPerMinute)
}

func (s *Server) spend(w http.ResponseWriter, r *http.Request, key string, perMinute int) error {
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
		"This organization's budget of %d requests per minute is spent; retry in %d s, or upgrade the plan for a larger budget.", d.Limit, retry))
}

// ceilSeconds rounds up, so a client that waits the given seconds is not
// refused again.
func ceilSeconds(d time.Duration) int { return int(math.Ceil(d.Seconds())) }
