package ratelimit

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestMemoryEvictsRefilledKeys(t *testing.T) {
	clock := newFakeClock()
	m := NewMemory(clock.Now)
	ctx := context.Background()
	allow := func(key string, perMinute int) Decision {
		t.Helper()
		d, err := m.Allow(ctx, key, perMinute)
		if err != nil {
			t.Fatalf("Allow(%q): %v", key, err)
		}
		return d
	}

	for i := range 1000 {
		allow("ip:"+strconv.Itoa(i), 60) // full again after 1s
	}
	allow("org:slow", 1) // full again after 60s
	clock.Advance(30 * time.Second)
	allow("org:late", 1) // full again 90s after the start
	if got, want := m.len(), 1002; got != want {
		t.Fatalf("keys before sweep = %d, want %d", got, want)
	}

	clock.Advance(30 * time.Second) // one sweep interval since the first call
	allow("org:new", 1)
	// Only the keys still refilling survive: org:late and org:new.
	if got, want := m.len(), 2; got != want {
		t.Fatalf("keys after sweep = %d, want %d", got, want)
	}
	// An evicted key answers like the full budget it had.
	if got, want := allow("org:slow", 1), allowed(1, 0, time.Minute); got != want {
		t.Fatalf("evicted key = %+v, want %+v", got, want)
	}
}

func TestMemoryConcurrentExactBudget(t *testing.T) {
	clock := newFakeClock() // frozen: no refill, so exactly the budget passes
	m := NewMemory(clock.Now)
	const budget, workers, perWorker = 500, 50, 20
	var passed atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for range perWorker {
				d, err := m.Allow(context.Background(), "org:shared", budget)
				if err != nil {
					t.Errorf("Allow: %v", err)
					return
				}
				if d.Allowed {
					passed.Add(1)
				}
				// Private keys exercise the map concurrently with the shared one.
				_, _ = m.Allow(context.Background(), "ip:"+strconv.Itoa(w), budget)
			}
		})
	}
	wg.Wait()
	if got, want := passed.Load(), int64(budget); got != want {
		t.Fatalf("passed = %d, want %d", got, want)
	}
}

func TestMemoryRealClock(t *testing.T) {
	m := NewMemory(nil)
	for k := range 2 {
		if d, err := m.Allow(context.Background(), "org:1", 2); err != nil || !d.Allowed {
			t.Fatalf("request %d = %+v, %v; want allowed", k+1, d, err)
		}
	}
	d, err := m.Allow(context.Background(), "org:1", 2)
	if err != nil || d.Allowed {
		t.Fatalf("third request = %+v, %v; want refused", d, err)
	}
	if d.RetryAfter <= 0 || d.RetryAfter > 30*time.Second {
		t.Fatalf("RetryAfter = %v, want within (0, 30s]", d.RetryAfter)
	}
}

func TestInvalidLimit(t *testing.T) {
	for _, perMinute := range []int{0, -5} {
		_, err := NewMemory(nil).Allow(context.Background(), "org:1", perMinute)
		if got, want := errors.Is(err, ErrInvalidLimit), true; got != want {
			t.Fatalf("Memory perMinute=%d: err = %v, want ErrInvalidLimit", perMinute, err)
		}
		// Redis validates before any I/O, so no server is needed here.
		_, err = NewRedis(nil).Allow(context.Background(), "org:1", perMinute)
		if got, want := errors.Is(err, ErrInvalidLimit), true; got != want {
			t.Fatalf("Redis perMinute=%d: err = %v, want ErrInvalidLimit", perMinute, err)
		}
	}
}
