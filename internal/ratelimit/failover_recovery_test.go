package ratelimit

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func TestFailoverRecoversToSharedBudget(t *testing.T) {
	client := testRedis(t)
	key := testPrefix(t, client) + "org:9"
	logger, logs := newLogger()
	reg := prometheus.NewRegistry()
	primary := &switchable{}
	primary.set(deadRedis(t))
	f := NewFailover(primary, NewMemory(nil), 2, 50*time.Millisecond, logger, reg)
	ctx := context.Background()

	for range 3 {
		if d, _ := f.Allow(ctx, key, 10); d.Limit != 5 {
			t.Fatalf("during outage Limit = %d, want local share 5", d.Limit)
		}
	}
	primary.set(NewRedis(client))

	d, err := f.Allow(ctx, key, 10)
	if err != nil || !d.Allowed || d.Limit != 10 || d.Remaining != 9 {
		t.Fatalf("after recovery = %+v, %v; want allowed from the shared 10 with 9 left", d, err)
	}
	if got, want := metricValue(t, reg, "dataxpipe_ratelimit_degraded"), 0.0; got != want {
		t.Fatalf("degraded gauge = %v, want %v", got, want)
	}
	if got, want := logs.Count("WARN"), 1; got != want {
		t.Fatalf("warnings = %d, want %d", got, want)
	}
	if got, want := logs.Count("INFO"), 1; got != want {
		t.Fatalf("infos = %d, want %d", got, want)
	}
	// Another replica sees the request just spent: the budget is shared.
	other, err := NewRedis(client).Allow(ctx, key, 10)
	if err != nil || other.Remaining != 8 {
		t.Fatalf("other replica = %+v, %v; want 8 left of the shared budget", other, err)
	}
}

// hanging injects a stalled Redis: it blocks until its context ends or, with
// ignoreCtx, until the test ends, like a client without context deadlines.
type hanging struct {
	ignoreCtx bool
	release   chan struct{}
}

func (h *hanging) Allow(ctx context.Context, _ string, _ int) (Decision, error) {
	if h.ignoreCtx {
		<-h.release
		return Decision{}, context.DeadlineExceeded
	}
	<-ctx.Done()
	return Decision{}, ctx.Err()
}

func (h *hanging) Peek(ctx context.Context, key string, perMinute int) (Decision, error) {
	return h.Allow(ctx, key, perMinute)
}

func TestFailoverHangingPrimaryAnswersWithinTimeout(t *testing.T) {
	for _, ignoreCtx := range []bool{false, true} {
		h := &hanging{ignoreCtx: ignoreCtx, release: make(chan struct{})}
		t.Cleanup(func() { close(h.release) })
		logger, logs := newLogger()
		f := NewFailover(h, nil, 3, 50*time.Millisecond, logger, nil)

		start := time.Now()
		d, err := f.Allow(context.Background(), "ip:192.0.2.1", 60)
		if elapsed := time.Since(start); elapsed >= time.Second {
			t.Fatalf("ignoreCtx=%v: Allow took %v, want about the 50ms timeout", ignoreCtx, elapsed)
		}
		if err != nil || !d.Allowed || d.Limit != 20 {
			t.Fatalf("ignoreCtx=%v: got %+v, %v; want allowed from the local share 20", ignoreCtx, d, err)
		}
		if got, want := logs.Count("WARN"), 1; got != want {
			t.Fatalf("ignoreCtx=%v: warnings = %d, want %d", ignoreCtx, got, want)
		}
	}
}

func TestFailoverCallerCancelIsNotAnOutage(t *testing.T) {
	logger, logs := newLogger()
	f := NewFailover(&hanging{}, NewMemory(nil), 2, time.Second, logger, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the client went away before we asked Redis

	if _, err := f.Allow(ctx, "org:1", 10); err != nil {
		t.Fatalf("Allow: %v", err)
	}
	if got, want := f.Degraded(), false; got != want {
		t.Fatalf("Degraded() = %v, want %v", got, want)
	}
	if got, want := logs.Count("WARN"), 0; got != want {
		t.Fatalf("warnings = %d, want %d", got, want)
	}
}

func TestFailoverInvalidLimitAndSharedRegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	first := NewFailover(&hanging{}, nil, 1, time.Second, nil, reg)
	// A second Failover on the same registry reuses the collectors.
	NewFailover(&hanging{}, nil, 1, time.Second, nil, reg)

	d, err := first.Allow(context.Background(), "org:1", 0)
	if err != nil || d.Allowed || d.RetryAfter != time.Minute {
		t.Fatalf("perMinute=0: got %+v, %v; want refused, retry in a minute, no error", d, err)
	}
}
