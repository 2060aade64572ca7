package ratelimit

import (
	"context"
	"strconv"
	"testing"
	"time"
)

// conformanceCases define the Decision semantics every Limiter must share.
// Budgets are chosen so one emission interval (minute/N) is long next to the
// few milliseconds a real-time run takes between calls.
var conformanceCases = []struct {
	name string
	run  func(t *testing.T, h *harness)
}{
	{"burst of N passes then N+1th is refused", func(t *testing.T, h *harness) {
		const n, every = 10, 6 * time.Second
		for k := 1; k <= n; k++ {
			h.expect(t, "org:1", n, allowed(n, n-k, time.Duration(k)*every))
		}
		h.expect(t, "org:1", n, refused(n, time.Minute, every))
		// A refused request spends nothing: the answer does not get worse.
		h.expect(t, "org:1", n, refused(n, time.Minute, every))
	}},
	{"budget refills one request per emission interval", func(t *testing.T, h *harness) {
		const n, every = 120, 500 * time.Millisecond
		// Empty the budget in one call, not 120: one request at 1/min spends
		// the whole minute (see the perMinute case), and a slow machine
		// would refill tokens during a 120-call burst.
		h.expect(t, "org:1", 1, allowed(1, 0, time.Minute))
		h.expect(t, "org:1", n, refused(n, time.Minute, every))
		h.wait(every)
		h.expect(t, "org:1", n, allowed(n, 0, time.Minute))
		h.expect(t, "org:1", n, refused(n, time.Minute, every))
		h.wait(3 * every)
		h.expect(t, "org:1", n, allowed(n, 2, time.Minute-2*every))
	}},
	{"keys are independent", func(t *testing.T, h *harness) {
		const n, every = 5, 12 * time.Second
		for k := 1; k <= n; k++ {
			h.expect(t, "ip:10.0.0.1", n, allowed(n, n-k, time.Duration(k)*every))
		}
		h.expect(t, "ip:10.0.0.1", n, refused(n, time.Minute, every))
		h.expect(t, "ip:10.0.0.2", n, allowed(n, n-1, every))
		h.expect(t, "ip:10.0.0.1", n, refused(n, time.Minute, every))
	}},
	{"perMinute change applies on the next call", func(t *testing.T, h *harness) {
		// The state is the time the budget is spent up to, so a change keeps
		// the spent fraction: half of 10 spent is half of 20 spent.
		for k := 1; k <= 5; k++ {
			h.expect(t, "org:7", 10, allowed(10, 10-k, time.Duration(k)*6*time.Second))
		}
		h.expect(t, "org:7", 20, allowed(20, 9, 33*time.Second))
		// Downgrade to 5 (12s each): 33s spent of 60s leaves one more after this.
		h.expect(t, "org:7", 5, allowed(5, 1, 45*time.Second))
		h.expect(t, "org:7", 5, allowed(5, 0, 57*time.Second))
		h.expect(t, "org:7", 5, refused(5, 57*time.Second, 9*time.Second))
	}},
	{"fresh key has N-1 remaining for any N", func(t *testing.T, h *harness) {
		// 7 does not divide a minute; 100 and 500 hit float error in Redis.
		for _, n := range []int{1, 7, 100, 500, 2000} {
			key := "org:fresh:" + strconv.Itoa(n)
			h.expect(t, key, n, allowed(n, n-1, emissionInterval(n)))
		}
		h.expect(t, "org:fresh:1", 1, refused(1, time.Minute, time.Minute))
	}},
	{"peek reads the budget without spending it", func(t *testing.T, h *harness) {
		const n, every = 10, 6 * time.Second
		h.peek(t, "org:peek", n, allowed(n, n, 0))
		for k := 1; k <= 3; k++ {
			h.expect(t, "org:peek", n, allowed(n, n-k, time.Duration(k)*every))
		}
		h.peek(t, "org:peek", n, allowed(n, n-3, 3*every))
		h.peek(t, "org:peek", n, allowed(n, n-3, 3*every))
		// The next request sees the budget the peeks left: they spent nothing.
		h.expect(t, "org:peek", n, allowed(n, n-4, 4*every))
		for k := 5; k <= n; k++ {
			h.expect(t, "org:peek", n, allowed(n, n-k, time.Duration(k)*every))
		}
		// Spent: a peek says a request would be refused, and when one fits.
		h.peek(t, "org:peek", n, refused(n, time.Minute, every))
		h.wait(every)
		h.peek(t, "org:peek", n, allowed(n, 1, time.Minute-every))
		h.expect(t, "org:peek", n, allowed(n, 0, time.Minute))
	}},
	{"peek of an invalid budget is an error or a refusal, never an allowance", func(t *testing.T, h *harness) {
		d, err := h.lim.Peek(context.Background(), h.prefix+"org:zero", 0)
		if err == nil && d.Allowed {
			t.Fatalf("Peek(0) = %+v, want ErrInvalidLimit or a refusal", d)
		}
	}},
}

func TestConformanceMemory(t *testing.T) {
	for _, tc := range conformanceCases {
		t.Run(tc.name, func(t *testing.T) {
			clock := newFakeClock()
			h := &harness{lim: NewMemory(clock.Now), sleep: clock.Advance, exact: true}
			tc.run(t, h)
		})
	}
}

func TestConformanceRedis(t *testing.T) {
	client := testRedis(t)
	for _, tc := range conformanceCases {
		t.Run(tc.name, func(t *testing.T) {
			h := &harness{
				lim:    NewRedis(client),
				prefix: testPrefix(t, client),
				// Redis and Go read different clocks; 2ms covers the skew.
				sleep: func(d time.Duration) { time.Sleep(d + 2*time.Millisecond) },
				start: time.Now(),
			}
			tc.run(t, h)
		})
	}
}
