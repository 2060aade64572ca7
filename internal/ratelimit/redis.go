package ratelimit

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"
)

// floatSlack absorbs the float64 error of redis_rate's Lua script. The script
// measures time as seconds since 2017 in a double (~2.8e8 s, whose last bit is
// worth ~60 ns), so a fresh key of 100/min reports 98 remaining instead of 99.
// Redis time has microsecond resolution, so 500 ns cannot hide a real change.
const floatSlack = 500 * time.Nanosecond

// Redis is a Limiter whose budgets live in Redis, so every replica pointed at
// the same Redis spends the same budget. Each key is one Redis string,
// "rate:"+key, that expires on its own once the budget has refilled.
type Redis struct {
	limiter *redis_rate.Limiter
}

var _ Limiter = (*Redis)(nil)

// NewRedis shares budgets between replicas through Redis, using
// github.com/go-redis/redis_rate (GCRA). Redis's own clock is the time base,
// so replicas with skewed clocks still agree.
func NewRedis(client redis.UniversalClient) *Redis {
	return &Redis{limiter: redis_rate.NewLimiter(client)}
}

// Allow spends one request of key's budget of perMinute in Redis. Errors are
// ErrInvalidLimit for perMinute < 1, or the Redis error (connection, timeout,
// context) so that a caller such as Failover can fall back.
func (r *Redis) Allow(ctx context.Context, key string, perMinute int) (Decision, error) {
	if err := checkLimit(perMinute); err != nil {
		return Decision{}, err
	}
	res, err := r.limiter.Allow(ctx, key, redis_rate.PerMinute(perMinute))
	if err != nil {
		return Decision{}, fmt.Errorf("ratelimit: redis: %w", err)
	}

	d := Decision{
		Allowed: res.Allowed > 0,
		Limit:   perMinute,
		// Redis time is in microseconds; rounding drops the float noise
		// (e.g. 1.000000004s) that would otherwise push a header rounded
		// up to whole seconds one second too far.
		ResetAfter: nonNegative(res.ResetAfter.Round(time.Microsecond)),
	}
	if !d.Allowed {
		// redis_rate reports RetryAfter -1 when allowed; only keep it here.
		d.RetryAfter = nonNegative(res.RetryAfter.Round(time.Microsecond))
		return d, nil
	}
	d.Remaining = remainingFromReset(perMinute, res.ResetAfter)
	return d, nil
}

// Peek reads key's budget of perMinute without spending it: redis_rate's
// AllowN with a cost of 0 computes the state and writes the TAT back
// unchanged. Errors are as Allow's.
func (r *Redis) Peek(ctx context.Context, key string, perMinute int) (Decision, error) {
	if err := checkLimit(perMinute); err != nil {
		return Decision{}, err
	}
	res, err := r.limiter.AllowN(ctx, key, redis_rate.PerMinute(perMinute), 0)
	if err != nil {
		return Decision{}, fmt.Errorf("ratelimit: redis: %w", err)
	}
	// redis_rate's Allowed is the cost (0) and its Remaining is truncated
	// after float error, so both come from ResetAfter, like Allow's
	// Remaining. Redis's window is exactly one period (its interval is a
	// float, not truncated like Memory's).
	d := peekDecision(perMinute, emissionInterval(perMinute), period+floatSlack, nonNegative(res.ResetAfter))
	d.ResetAfter = nonNegative(res.ResetAfter.Round(time.Microsecond)) // as Allow's
	if !d.Allowed {
		d.RetryAfter = d.RetryAfter.Round(time.Microsecond)
	}
	return d, nil
}

// remainingFromReset recomputes Remaining from ResetAfter instead of using
// redis_rate's value, which Redis truncates to an integer after float error
// (see floatSlack). After an allowed request the window left is
// period - ResetAfter, and each whole emission interval in it is one request.
func remainingFromReset(perMinute int, resetAfter time.Duration) int {
	left := float64(period-resetAfter+floatSlack) / float64(period) * float64(perMinute)
	n := int(math.Floor(left))
	return max(0, min(n, perMinute))
}

func nonNegative(d time.Duration) time.Duration {
	return max(d, 0)
}
