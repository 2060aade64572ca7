package ratelimit

import (
	"context"
	"testing"
	"time"
)

// harness runs one conformance case against a limiter. Cases state the exact
// expected values on a model clock; an exact harness (Memory on a fake clock)
// demands them to the nanosecond, a real-time harness (Redis, whose clock we
// cannot stop) allows for the real time that passed beyond the model, called
// drift, and nothing else.
type harness struct {
	lim    Limiter
	prefix string                // makes keys unique per run in a shared store
	sleep  func(d time.Duration) // moves the limiter's clock by at least d
	exact  bool

	start  time.Time     // real time when the case started
	waited time.Duration // model time the case has waited
}

func (h *harness) wait(d time.Duration) {
	h.waited += d
	h.sleep(d)
}

// drift is how much more real time has passed than the model accounts for.
// It bounds how far a real-time limiter's answers may have moved on.
func (h *harness) drift() time.Duration {
	if h.exact {
		return 0
	}
	return max(time.Since(h.start)-h.waited, 0) + time.Millisecond
}

// expect calls Allow once and compares the decision with want, a decision on
// the model clock.
func (h *harness) expect(t *testing.T, key string, perMinute int, want Decision) {
	t.Helper()
	h.compare(t, "Allow", h.lim.Allow, key, perMinute, want)
}

// peek calls Peek once and compares the decision with want, as expect does.
func (h *harness) peek(t *testing.T, key string, perMinute int, want Decision) {
	t.Helper()
	h.compare(t, "Peek", h.lim.Peek, key, perMinute, want)
}

func (h *harness) compare(t *testing.T, name string, call func(context.Context, string, int) (Decision, error), key string, perMinute int, want Decision) {
	t.Helper()
	got, err := call(context.Background(), h.prefix+key, perMinute)
	if err != nil {
		t.Fatalf("%s(%q, %d): %v", name, key, perMinute, err)
	}
	drift := h.drift()
	if got.Allowed != want.Allowed || got.Limit != want.Limit {
		t.Fatalf("%s(%q, %d) = %+v, want Allowed=%v Limit=%d (drift %v)",
			name, key, perMinute, got, want.Allowed, want.Limit, drift)
	}
	// Time only refills a budget, so drift can only raise Remaining, by one
	// per emission interval that drifted by.
	maxRemaining := want.Remaining + int(drift/emissionInterval(perMinute))
	if got.Remaining < want.Remaining || got.Remaining > maxRemaining {
		t.Fatalf("%s(%q, %d).Remaining = %d, want %d (up to %d with drift %v)",
			name, key, perMinute, got.Remaining, want.Remaining, maxRemaining, drift)
	}
	h.expectDur(t, "ResetAfter", got.ResetAfter, want.ResetAfter, drift)
	h.expectDur(t, "RetryAfter", got.RetryAfter, want.RetryAfter, drift)
}

// expectDur checks a countdown: exact, or for a real-time limiter at most
// drift shorter (time passed) and at most 1ms longer (float and rounding).
// A zero countdown (RetryAfter when allowed) must be exactly zero.
func (h *harness) expectDur(t *testing.T, name string, got, want, drift time.Duration) {
	t.Helper()
	if h.exact || want == 0 {
		if got != want {
			t.Fatalf("%s = %v, want %v", name, got, want)
		}
		return
	}
	lo, hi := max(want-drift, 0), want+time.Millisecond
	if got <= 0 || got < lo || got > hi {
		t.Fatalf("%s = %v, want %v (within [%v, %v] with drift %v)", name, got, want, lo, hi, drift)
	}
}

// allowed and refused build model decisions for expect.
func allowed(limit, remaining int, resetAfter time.Duration) Decision {
	return Decision{Allowed: true, Limit: limit, Remaining: remaining, ResetAfter: resetAfter}
}

func refused(limit int, resetAfter, retryAfter time.Duration) Decision {
	return Decision{Allowed: false, Limit: limit, ResetAfter: resetAfter, RetryAfter: retryAfter}
}
