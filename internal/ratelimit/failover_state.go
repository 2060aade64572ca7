package ratelimit

import (
	"errors"

	"github.com/prometheus/client_golang/prometheus"
)

// Degraded reports whether Failover is currently answering from its local
// fallback because the primary failed (e.g. for a health or readiness check).
func (f *Failover) Degraded() bool {
	return f.degraded.Load()
}

// setDegraded records the primary's health and, only on a change, logs and
// updates the gauge: one warning when an outage starts and one info when it
// ends, however many requests see it.
func (f *Failover) setDegraded(on bool, cause error) {
	// Fast path: every request passes here, and the state rarely changes.
	if f.degraded.Load() == on {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.degraded.Load() == on { // another request made this transition first
		return
	}
	f.degraded.Store(on)
	if on {
		f.gauge.Set(1)
		f.logger.Warn("rate limiter degraded: shared store unavailable, enforcing local per-replica budgets",
			"error", cause, "replicas", f.replicas, "timeout", f.timeout)
		return
	}
	f.gauge.Set(0)
	f.logger.Info("rate limiter recovered: shared store answers again, enforcing shared budgets")
}

// newFailoverMetrics builds the degraded gauge and the fallback counter and
// registers them on reg when it is not nil.
func newFailoverMetrics(reg prometheus.Registerer) (prometheus.Gauge, prometheus.Counter) {
	gauge := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "dataxpipe_ratelimit_degraded",
		Help: "1 while rate limits are enforced from the local per-replica fallback instead of the shared store.",
	})
	counter := prometheus.NewCounter(prometheus.CounterOpts{
		Name: "dataxpipe_ratelimit_fallback_total",
		Help: "Rate limit decisions answered from the local fallback because the shared store failed or was slow.",
	})
	return register(reg, gauge), register(reg, counter)
}

// register adds c to reg, reusing a collector already registered under the
// same description (e.g. a second Failover in one process, or a test) instead
// of failing, since NewFailover has no error to return.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	if reg == nil {
		return c
	}
	err := reg.Register(c)
	if err == nil {
		return c
	}
	var dup prometheus.AlreadyRegisteredError
	if errors.As(err, &dup) {
		if existing, ok := dup.ExistingCollector.(C); ok {
			return existing
		}
	}
	panic(err)
}
