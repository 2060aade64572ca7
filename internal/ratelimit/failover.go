package ratelimit

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// DefaultFailoverTimeout is the primary's time budget when NewFailover gets
// none: far above a healthy Redis round trip on the same network, far below
// what a user notices.
const DefaultFailoverTimeout = 50 * time.Millisecond

// Failover answers from a shared primary limiter (Redis) and, while the
// primary fails or is slow, from a local Memory limiter holding each replica's
// share of the budget. Rate limiting must never take the API down with Redis,
// so Allow never returns an error.
type Failover struct {
	primary  Limiter
	fallback *Memory
	replicas int
	timeout  time.Duration
	logger   *slog.Logger

	degraded  atomic.Bool // read on every call without locking
	mu        sync.Mutex  // serializes transitions so logs and gauge match degraded
	gauge     prometheus.Gauge
	fallbacks prometheus.Counter
}

var _ Limiter = (*Failover)(nil)

// NewFailover uses primary (Redis) and, when it errors or takes longer than
// timeout (e.g. 50ms), answers from fallback (a Memory limiter whose budgets
// are perMinute/replicas, at least 1), logs ONE warning per outage through
// logger (slog) and one info when Redis answers again, and exposes a
// Prometheus gauge `dataxpipe_ratelimit_degraded` (1 while on the local
// fallback) and a counter `dataxpipe_ratelimit_fallback_total`, registered on
// the given prometheus.Registerer (may be nil = don't register). Allow never
// returns an error from NewFailover.
//
// replicas < 1 counts as 1, a nil logger means slog.Default() and a nil
// fallback a fresh NewMemory(nil); timeout <= 0 means DefaultFailoverTimeout
// (a zero timeout would otherwise send every request to the fallback). If reg
// already holds collectors of the same names they are reused; any other
// registration error panics, as prometheus.MustRegister would.
func NewFailover(primary Limiter, fallback *Memory, replicas int, timeout time.Duration, logger *slog.Logger, reg prometheus.Registerer) *Failover {
	if logger == nil {
		logger = slog.Default()
	}
	if fallback == nil {
		fallback = NewMemory(nil)
	}
	if timeout <= 0 {
		timeout = DefaultFailoverTimeout
	}
	f := &Failover{
		primary:  primary,
		fallback: fallback,
		replicas: max(replicas, 1),
		timeout:  timeout,
		logger:   logger,
	}
	f.gauge, f.fallbacks = newFailoverMetrics(reg)
	f.gauge.Set(0)
	return f
}

// Allow asks the primary within the timeout and otherwise spends the local
// share of the budget. The error is always nil.
//
// A budget below 1 is refused outright (retry in a minute) rather than
// reported as an error, since Failover promises never to fail.
func (f *Failover) Allow(ctx context.Context, key string, perMinute int) (Decision, error) {
	if perMinute < 1 {
		return Decision{Limit: 0, ResetAfter: period, RetryAfter: period}, nil
	}
	d, err := f.askPrimary(ctx, key, perMinute)
	if err == nil {
		f.setDegraded(false, nil)
		return d, nil
	}
	// A caller that gave up (client disconnected, request deadline) says
	// nothing about Redis, so it must not start or prolong an outage.
	if ctx.Err() == nil {
		f.setDegraded(true, err)
	}
	f.fallbacks.Inc()
	// Each replica enforces only its share: together they stay near the
	// shared budget without coordinating.
	local := max(perMinute/f.replicas, 1)
	d, err = f.fallback.Allow(ctx, key, local)
	if err != nil { // unreachable: local >= 1; fail open rather than break the API
		return Decision{Allowed: true, Limit: local, Remaining: 0}, nil
	}
	return d, nil
}

// Peek reads the budget from the backend Allow is answering from: the local
// share while degraded, else the primary within the timeout, falling back to
// the local share if it fails. A peek changes neither the degraded state nor
// the fallback counter: it decides nothing. The error is always nil.
func (f *Failover) Peek(ctx context.Context, key string, perMinute int) (Decision, error) {
	if perMinute < 1 {
		return Decision{Limit: 0, ResetAfter: period, RetryAfter: period}, nil
	}
	if !f.Degraded() {
		d, err := f.ask(ctx, func(ctx context.Context) (Decision, error) { return f.primary.Peek(ctx, key, perMinute) })
		if err == nil {
			return d, nil
		}
	}
	local := max(perMinute/f.replicas, 1)
	d, err := f.fallback.Peek(ctx, key, local)
	if err != nil { // unreachable: local >= 1
		return Decision{Allowed: true, Limit: local}, nil
	}
	return d, nil
}

// askPrimary bounds the primary call by f.timeout even if the primary ignores
// its context: go-redis only honours context deadlines on socket reads with
// ContextTimeoutEnabled, otherwise a hung Redis blocks for ReadTimeout
// (seconds). The goroutine left behind ends when the primary gives up.
func (f *Failover) askPrimary(ctx context.Context, key string, perMinute int) (Decision, error) {
	return f.ask(ctx, func(ctx context.Context) (Decision, error) { return f.primary.Allow(ctx, key, perMinute) })
}

// ask runs one primary call under f.timeout (see askPrimary).
func (f *Failover) ask(ctx context.Context, call func(ctx context.Context) (Decision, error)) (Decision, error) {
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()

	type result struct {
		d   Decision
		err error
	}
	done := make(chan result, 1) // buffered: a late answer must not block the goroutine
	go func() {
		d, err := call(ctx)
		done <- result{d, err}
	}()
	select {
	case r := <-done:
		return r.d, r.err
	case <-ctx.Done():
		return Decision{}, ctx.Err()
	}
}
