package ratelimit

import (
	"context"
	"sync"
	"time"
)

// sweepEvery is how often Memory drops keys whose budget has fully refilled.
// A key's TAT is at most about one minute ahead of the clock, so sweeping once
// per period bounds the map to the keys active in roughly the last two minutes.
const sweepEvery = period

// Memory is an exact GCRA limiter that keeps its state in process memory.
// It is safe for concurrent use. Its memory is bounded by the number of keys
// active recently: keys whose budget is full again are swept lazily from
// Allow, so no background goroutine needs stopping.
type Memory struct {
	now func() time.Time

	mu        sync.Mutex
	tat       map[string]time.Time // theoretical arrival time per key
	lastSweep time.Time
}

var _ Limiter = (*Memory)(nil)

// NewMemory is an exact GCRA limiter in process memory. now is injectable for
// tests (nil = time.Now).
func NewMemory(now func() time.Time) *Memory {
	if now == nil {
		now = time.Now
	}
	return &Memory{now: now, tat: make(map[string]time.Time)}
}

// Allow spends one request of key's budget of perMinute if there is one left.
// The error is non-nil only for perMinute < 1 (ErrInvalidLimit).
//
// The arithmetic mirrors redis_rate's GCRA script so that Memory and Redis
// agree: the budget is a window of perMinute emission intervals ending at the
// key's TAT, and a request fits if adding one interval stays in the window.
func (m *Memory) Allow(_ context.Context, key string, perMinute int) (Decision, error) {
	if err := checkLimit(perMinute); err != nil {
		return Decision{}, err
	}
	interval := emissionInterval(perMinute)
	burst := interval * time.Duration(perMinute)

	m.mu.Lock()
	defer m.mu.Unlock()

	now := m.now()
	m.maybeSweep(now)

	// A TAT in the past means a full budget; clamping also makes a
	// perMinute change apply at once, since only the TAT is stored and the
	// interval is recomputed from the caller's current budget every call.
	tat, ok := m.tat[key]
	if !ok || tat.Before(now) {
		tat = now
	}
	newTAT := tat.Add(interval)
	// diff is how much time the window has left after this request; negative
	// means the request does not fit and -diff is the wait until it would.
	diff := now.Sub(newTAT.Add(-burst))
	if diff < 0 {
		return Decision{
			Allowed:    false,
			Limit:      perMinute,
			Remaining:  0,
			ResetAfter: tat.Sub(now),
			RetryAfter: -diff,
		}, nil
	}
	m.tat[key] = newTAT
	return Decision{
		Allowed:    true,
		Limit:      perMinute,
		Remaining:  int(diff / interval),
		ResetAfter: newTAT.Sub(now),
		RetryAfter: 0,
	}, nil
}

// Peek reads key's budget of perMinute without spending it. The error is
// non-nil only for perMinute < 1 (ErrInvalidLimit).
func (m *Memory) Peek(_ context.Context, key string, perMinute int) (Decision, error) {
	if err := checkLimit(perMinute); err != nil {
		return Decision{}, err
	}
	interval := emissionInterval(perMinute)
	burst := interval * time.Duration(perMinute)

	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	tat, ok := m.tat[key]
	if !ok || tat.Before(now) {
		tat = now
	}
	return peekDecision(perMinute, interval, burst, tat.Sub(now)), nil
}

// peekDecision is a budget's state from resetAfter, the time until it is
// full (TAT - now), for a budget of burst that refills one request per
// interval. Memory and Redis share it, with their own burst.
func peekDecision(perMinute int, interval, burst, resetAfter time.Duration) Decision {
	left := burst - resetAfter // the window still unspent
	d := Decision{Limit: perMinute, ResetAfter: resetAfter}
	d.Remaining = max(0, min(int(left/interval), perMinute))
	d.Allowed = d.Remaining > 0
	if !d.Allowed {
		d.RetryAfter = nonNegative(interval - left)
	}
	return d
}

// maybeSweep drops every key whose budget has fully refilled. Such a key
// behaves exactly like an unknown key, so dropping it changes no decision.
// Called with m.mu held.
func (m *Memory) maybeSweep(now time.Time) {
	if now.Sub(m.lastSweep) < sweepEvery {
		return
	}
	m.lastSweep = now
	for key, tat := range m.tat {
		if !tat.After(now) {
			delete(m.tat, key)
		}
	}
}

// len reports how many keys Memory currently holds (for tests).
func (m *Memory) len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.tat)
}
