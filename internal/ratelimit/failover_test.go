package ratelimit

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
)

// deadRedis is a Redis limiter on a port nothing listens on. Retries are
// off only to keep the test fast; the timeout would cut them short anyway.
func deadRedis(t *testing.T) *Redis {
	client := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialerRetries: 1})
	t.Cleanup(func() { _ = client.Close() })
	return NewRedis(client)
}

// logBuffer captures slog output; handlers may write from many goroutines.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) count(level string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Count(b.buf.String(), "level="+level)
}

func newLogger() (*slog.Logger, *logBuffer) {
	buf := &logBuffer{}
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

// switchable injects an outage: it forwards to whichever limiter is current.
type switchable struct{ cur atomic.Pointer[Limiter] }

func (s *switchable) set(l Limiter) { s.cur.Store(&l) }

func (s *switchable) Allow(ctx context.Context, key string, perMinute int) (Decision, error) {
	return (*s.cur.Load()).Allow(ctx, key, perMinute)
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
	if got, want := logs.count("WARN"), 1; got != want {
		t.Fatalf("warnings = %d, want %d; log:\n%s", got, want, logs.buf.String())
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
