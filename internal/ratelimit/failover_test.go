package ratelimit

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/dataxpipe/catalog/internal/testrig"
)

// deadRedis is a Redis limiter on a port nothing listens on. Retries are
// off only to keep the test fast; the timeout would cut them short anyway.
func deadRedis(t *testing.T) *Redis {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialerRetries: 1})
	t.Cleanup(func() { _ = client.Close() })
	return NewRedis(client)
}

// newLogger logs at debug level into the shared locked buffer.
func newLogger() (*slog.Logger, *testrig.Logs) { return testrig.NewLogger(slog.LevelDebug) }

// switchable injects an outage: it forwards to whichever limiter is current.
type switchable struct{ cur atomic.Pointer[Limiter] }

func (s *switchable) set(l Limiter) { s.cur.Store(&l) }

func (s *switchable) Allow(ctx context.Context, key string, perMinute int) (Decision, error) {
	return (*s.cur.Load()).Allow(ctx, key, perMinute)
}

func (s *switchable) Peek(ctx context.Context, key string, perMinute int) (Decision, error) {
	return (*s.cur.Load()).Peek(ctx, key, perMinute)
}

func TestFailoverDeadPrimaryUsesLocalShare(t *testing.T) {
	logger, logs := newLogger()
	reg := prometheus.NewRegistry()
	clock := newFakeClock()
	f := NewFailover(deadRedis(t), NewMemory(clock.Now), 2, 50*time.Millisecond, logger, reg)

	// 10/min over 2 replicas: each replica enforces 5 (12s apart) alone.
	const calls = 20
	var wg sync.WaitGroup
	var passed atomic.Int64
	for range calls {
		wg.Go(func() {
			d, err := f.Allow(context.Background(), "org:1", 10)
			if err != nil {
				t.Errorf("Allow returned error %v; Failover must never fail", err)
			}
			if d.Limit != 5 {
				t.Errorf("Limit = %d, want the local share 5", d.Limit)
			}
			if d.Allowed {
				passed.Add(1)
			}
		})
	}
	wg.Wait()
	if got, want := passed.Load(), int64(5); got != want {
		t.Fatalf("passed = %d, want %d", got, want)
	}
	d, _ := f.Allow(context.Background(), "org:1", 10)
	if got, want := d, refused(5, time.Minute, 12*time.Second); got != want {
		t.Fatalf("after local share = %+v, want %+v", got, want)
	}
	if got, want := logs.Count("WARN"), 1; got != want {
		t.Fatalf("warnings = %d, want %d; log:\n%s", got, want, logs.String())
	}
	if got, want := metricValue(t, reg, "dataxpipe_ratelimit_degraded"), 1.0; got != want {
		t.Fatalf("degraded gauge = %v, want %v", got, want)
	}
	if got, want := metricValue(t, reg, "dataxpipe_ratelimit_fallback_total"), float64(calls+1); got != want {
		t.Fatalf("fallback counter = %v, want %v", got, want)
	}
	if got, want := f.Degraded(), true; got != want {
		t.Fatalf("Degraded() = %v, want %v", got, want)
	}
}

// A peek reads the backend Allow answers from: the shared budget while the
// primary is healthy, the local share while degraded, and it neither starts
// an outage nor counts as a fallback decision.
func TestFailoverPeeksTheActiveBackend(t *testing.T) {
	clock := newFakeClock()
	reg := prometheus.NewRegistry()
	shared := NewMemory(clock.Now)
	sw := &switchable{}
	sw.set(shared)
	f := NewFailover(sw, NewMemory(clock.Now), 2, 50*time.Millisecond, nil, reg)
	ctx := context.Background()

	for range 3 {
		if _, err := f.Allow(ctx, "org:1", 10); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := mustPeek(t, f, "org:1", 10), allowed(10, 7, 18*time.Second); got != want {
		t.Fatalf("healthy peek = %+v, want the shared budget %+v", got, want)
	}

	sw.set(deadRedis(t))
	if got, want := mustPeek(t, f, "org:1", 10), allowed(5, 5, 0); got != want {
		t.Fatalf("peek with a failing primary = %+v, want the untouched local share %+v", got, want)
	}
	if f.Degraded() || metricValue(t, reg, "dataxpipe_ratelimit_fallback_total") != 0 {
		t.Fatalf("a peek changed the failover state: degraded=%v", f.Degraded())
	}
	if _, err := f.Allow(ctx, "org:1", 10); err != nil || !f.Degraded() {
		t.Fatalf("Allow with a dead primary: err=%v degraded=%v, want degraded", err, f.Degraded())
	}
	if got, want := mustPeek(t, f, "org:1", 10), allowed(5, 4, 12*time.Second); got != want {
		t.Fatalf("degraded peek = %+v, want the local share %+v", got, want)
	}
}

func mustPeek(t *testing.T, l Limiter, key string, perMinute int) Decision {
	t.Helper()
	d, err := l.Peek(context.Background(), key, perMinute)
	if err != nil {
		t.Fatalf("Peek(%q, %d): %v", key, perMinute, err)
	}
	return d
}
