package ratelimit

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// TestRedisReplicasShareBudget runs two Redis limiters on two clients, as two
// API replicas would, and offers 1.5x the budget concurrently.
func TestRedisReplicasShareBudget(t *testing.T) {
	first := testRedis(t)
	second := redis.NewClient(&redis.Options{Addr: redisAddr})
	t.Cleanup(func() { _ = second.Close() })
	key := testPrefix(t, first) + "org:42"
	replicas := []*Redis{NewRedis(first), NewRedis(second)}

	const budget, workers = 120, 12
	const offered = budget * 3 / 2
	var passed, sent atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		wg.Go(func() {
			lim := replicas[w%len(replicas)]
			for sent.Add(1) <= offered {
				d, err := lim.Allow(context.Background(), key, budget)
				if err != nil {
					t.Errorf("Allow: %v", err)
					return
				}
				if d.Allowed {
					passed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)

	// The budget refills one request per 500ms while the test runs; on a
	// slow machine that may legitimately let a few more through.
	refilled := int64(elapsed / emissionInterval(budget))
	lo, hi := int64(budget*95/100), int64(budget)+refilled
	if got := passed.Load(); got < lo || got > hi {
		t.Fatalf("passed = %d of %d offered, want within [%d, %d] (elapsed %v)", got, offered, lo, hi, elapsed)
	}
}

func TestRemainingFromResetAbsorbsFloatError(t *testing.T) {
	cases := []struct {
		perMinute  int
		resetAfter time.Duration
		want       int
	}{
		{100, 600*time.Millisecond + 4*time.Nanosecond, 99}, // seen from redis_rate: it said 98
		{100, 600*time.Millisecond - 4*time.Nanosecond, 99},
		{100, 600*time.Millisecond + 2*time.Microsecond, 98}, // a real microsecond counts
		{7, emissionInterval(7), 6},
		{10, time.Minute, 0},
		{10, time.Minute + time.Second, 0}, // never negative
		{10, 0, 10},
	}
	for _, c := range cases {
		if got := remainingFromReset(c.perMinute, c.resetAfter); got != c.want {
			t.Fatalf("remainingFromReset(%d, %v) = %d, want %d", c.perMinute, c.resetAfter, got, c.want)
		}
	}
}
