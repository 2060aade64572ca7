// Package ratelimit decides whether a request fits a per-minute budget.
//
// Budgets follow the generic cell rate algorithm (GCRA): a budget of N per
// minute lets N requests pass at once from a full budget (burst N) and then
// refills one request every minute/N. The state of a key is a single
// "theoretical arrival time" (TAT), so a key costs one value in memory or one
// Redis string, and a key whose TAT lies in the past is indistinguishable from
// a key never seen, which is what makes eviction safe.
//
// Three limiters share the same Decision semantics:
//   - Memory: exact GCRA in process memory (tests, single replica, fallback).
//   - Redis: budgets shared between replicas through redis_rate.
//   - Failover: Redis first, Memory with a per-replica share when Redis fails.
package ratelimit

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Decision is the outcome of one request against a budget.
type Decision struct {
	Allowed    bool
	Limit      int           // the budget per minute
	Remaining  int           // requests left now (>= 0)
	ResetAfter time.Duration // until the budget is fully restored (RateLimit-Reset, rounded up to whole seconds by the caller)
	RetryAfter time.Duration // when refused: until one request would be allowed; 0 when allowed
}

// Limiter decides whether one more request fits key's budget of perMinute
// requests per minute.
//
// Peek reads key's budget without spending any of it, for a page that shows
// usage (the billing page's requests-per-minute bar). Its Decision says
// whether one request would be allowed now, how many remain, when the
// budget is full again and, with none left, when one would be allowed.
type Limiter interface {
	Allow(ctx context.Context, key string, perMinute int) (Decision, error)
	Peek(ctx context.Context, key string, perMinute int) (Decision, error)
}

// ErrInvalidLimit is returned by Memory and Redis for a budget below one
// request per minute: GCRA's emission interval (minute/N) is undefined for
// N <= 0, and silently clamping would hide a plan misconfiguration.
var ErrInvalidLimit = errors.New("ratelimit: perMinute must be at least 1")

// period is the window every budget is expressed in.
const period = time.Minute

// emissionInterval is the time one request's token takes to return.
// Truncating to the nanosecond keeps N*interval <= period, so a full burst of
// N is never refused because of rounding.
func emissionInterval(perMinute int) time.Duration {
	return period / time.Duration(perMinute)
}

func checkLimit(perMinute int) error {
	if perMinute < 1 {
		return fmt.Errorf("%w (got %d)", ErrInvalidLimit, perMinute)
	}
	return nil
}
