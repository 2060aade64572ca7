package api_test

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/api"
	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/ratelimit"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
	"github.com/dataxpipe/catalog/internal/testrig"
	"github.com/redis/go-redis/v9"
)

// limitedEnv is an env whose server enforces budgets with limiter.
func limitedEnv(t *testing.T, db *sqlstore.DB, limiter func(now func() time.Time) ratelimit.Limiter) *env {
	e := newEnv(t, db)
	e.srv = api.NewServer(api.Options{Store: db, Auth: e.auth, Now: e.clock.Now,
		RateLimit: &api.RateLimit{Limiter: limiter(e.clock.Now), AnonPerMinute: 60}})
	return e
}

func memoryLimiter(now func() time.Time) ratelimit.Limiter { return ratelimit.NewMemory(now) }

func TestRateLimit_PlanBudgetSharedByKeys(t *testing.T) {
	e := limitedEnv(t, sqlstoretest.Open(t, sqlstore.SQLite), memoryLimiter)
	slug, admin := e.newOrg("acme", catalog.PlanFree) // spends 0: platform-key is the dev org's
	k1, _ := e.newKey(admin, "member")                // 1
	k2, _ := e.newKey(admin, "viewer")                // 2
	keys := []string{admin, k1, k2}
	for i := 3; i <= 100; i++ {
		res := e.do("GET", "/api/v1/pipelines/", keys[i%3], "").expect(200)
		if got, want := res.Header().Get("RateLimit-Remaining"), strconv.Itoa(100-i); got != want {
			t.Fatalf("request %d: RateLimit-Remaining %s, want %s", i, got, want)
		}
	}
	res := e.do("GET", "/api/v1/pipelines/", k2, "").expect(429)
	if res.Header().Get("Retry-After") != "1" || res.Header().Get("RateLimit-Limit") != "100" || res.json()["code"] != "rate_limited" {
		t.Fatalf("429 headers %v body %s", res.Header(), res.Body.String())
	}
	// Failed authentication spends the caller's IP budget, never the org's.
	for i := 0; i < 20; i++ {
		e.do("GET", "/api/v1/pipelines/", "dxp_bogus", "").expect(401)
	}
	e.clock.Advance(600 * time.Millisecond) // one request returns to the budget
	e.do("GET", "/api/v1/pipelines/", k1, "").expect(200)
	e.do("GET", "/api/v1/pipelines/", k1, "").expect(429)
	// A plan change takes effect on the next request: the new rate applies
	// at once (GCRA keeps the spent share, so the budget refills at 500/min).
	e.do("PATCH", "/api/v1/admin/organizations/"+slug, "platform-key", `{"plan":"team"}`).expect(200)
	if res := e.do("GET", "/api/v1/pipelines/", k1, ""); res.Header().Get("RateLimit-Limit") != "500" {
		t.Fatalf("after upgrade RateLimit-Limit = %s, want 500", res.Header().Get("RateLimit-Limit"))
	}
	e.clock.Advance(120 * time.Millisecond) // 60 s / 500
	e.do("GET", "/api/v1/pipelines/", k1, "").expect(200)
	// Health and metrics are exempt; they carry no budget headers.
	for i := 0; i < 100; i++ {
		e.do("GET", "/healthz", "", "").expect(200)
	}
	e.do("GET", "/metrics", "", "").expect(200)
}

func TestRateLimit_AnonymousPerIP(t *testing.T) {
	e := limitedEnv(t, sqlstoretest.Open(t, sqlstore.SQLite), memoryLimiter)
	for i := 0; i < 60; i++ {
		e.do("GET", "/api/v1/pipelines/", "", "").expect(401)
	}
	res := e.do("GET", "/api/v1/pipelines/", "", "").expect(429)
	if res.Header().Get("Retry-After") != "1" {
		t.Fatalf("Retry-After = %q, want 1", res.Header().Get("Retry-After"))
	}
	_, key := e.newOrg("acme", catalog.PlanFree) // the same IP with a valid key has its org's budget
	e.do("GET", "/api/v1/pipelines/", key, "").expect(200)
}

// redisClient connects to the local Redis, skipping without it unless CI.
func redisClient(t *testing.T, addr string) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr})
	if err := c.Ping(context.Background()).Err(); err != nil {
		c.Close()
		if os.Getenv("CI") == "true" {
			t.Fatalf("Redis at %s is required under CI=true: %v", addr, err)
		}
		t.Skipf("Redis not reachable at %s (set CI=true to require it): %v", addr, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestRateLimit_ReplicasShareRedisBudget(t *testing.T) {
	db := sqlstoretest.Open(t, sqlstore.SQLite)
	replicas := make([]*env, 2)
	for i := range replicas {
		client := redisClient(t, "127.0.0.1:6379") // each replica its own connection pool
		replicas[i] = limitedEnv(t, db, func(func() time.Time) ratelimit.Limiter { return ratelimit.NewRedis(client) })
		replicas[i].clock = testrig.NewClock(time.Now()) // keys expire by real time here
		replicas[i].db.Now = time.Now
		replicas[i].auth.Now = time.Now
	}
	org := &catalog.Org{Slug: "rl-" + fmt.Sprint(time.Now().UnixNano()), Name: "RL", Plan: catalog.PlanFree}
	var keys []string
	for i := 0; i < 3; i++ {
		key := replicas[0].directKey(org, i == 0)
		keys = append(keys, key)
	}
	// 1.5x the budget, spread evenly over the run, from both replicas and all three keys.
	const run = 4 * time.Second
	budgetAt := func(d time.Duration) float64 { return 100 + 100*d.Seconds()/60 }
	total := int(1.5 * budgetAt(run))
	var accepted atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < total; i++ {
		time.Sleep(time.Until(start.Add(run * time.Duration(i) / time.Duration(total))))
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			res := replicas[i%2].do("GET", "/api/v1/organizations/me", keys[i%3], "")
			switch res.Code {
			case 200:
				accepted.Add(1)
			case 429:
			default:
				t.Errorf("status %d: %s", res.Code, res.Body.String())
			}
		}(i)
	}
	wg.Wait()
	budget := budgetAt(time.Since(start))
	t.Logf("accepted %d of %d; budget over the run %.1f", accepted.Load(), total, budget)
	if got := float64(accepted.Load()); got < 0.95*budget || got > budget+1 {
		t.Fatalf("accepted %v of %d requests; budget over the run %.1f (want 95-100%%)", got, total, budget)
	}
}

func TestRateLimit_RedisDownKeepsServing(t *testing.T) {
	redis.SetLogger(quietRedis{}) // the dial failures are the point here
	dead := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialerRetries: 1})
	t.Cleanup(func() { dead.Close() })
	e := limitedEnv(t, sqlstoretest.Open(t, sqlstore.SQLite), func(now func() time.Time) ratelimit.Limiter {
		return ratelimit.NewFailover(ratelimit.NewRedis(dead), ratelimit.NewMemory(now), 2, 50*time.Millisecond, nil, nil)
	})
	_, key := e.newOrg("acme", catalog.PlanFree)
	for i := 0; i < 50; i++ { // the local share is 100/2
		if res := e.do("GET", "/api/v1/pipelines/", key, "").expect(200); res.Header().Get("RateLimit-Limit") != "50" {
			t.Fatalf("local budget limit header = %s, want 50", res.Header().Get("RateLimit-Limit"))
		}
	}
	e.do("GET", "/api/v1/pipelines/", key, "").expect(429)
}

// quietRedis discards go-redis's own log lines.
type quietRedis struct{}

func (quietRedis) Printf(context.Context, string, ...any) {}

// TestRateLimit_PersonWithoutOrgHasOwnBudget: behind Redis (with the local
// fallback, as dxp serve wires it) a person who has no organization yet
// (before signup) spends a budget of their own, the free plan's, and a 429
// names it; signup works.
func TestRateLimit_PersonWithoutOrgHasOwnBudget(t *testing.T) {
	client := redisClient(t, "127.0.0.1:6379")
	e := limitedEnv(t, sqlstoretest.Open(t, sqlstore.SQLite), func(func() time.Time) ratelimit.Limiter {
		return ratelimit.NewFailover(ratelimit.NewRedis(client), ratelimit.NewMemory(nil), 2, time.Second, slog.New(slog.DiscardHandler), nil)
	})
	e.clock = testrig.NewClock(time.Now()) // Redis keys expire by real time
	e.db.Now, e.auth.Now = time.Now, time.Now
	e.enablePeople()
	run := fmt.Sprint(time.Now().UnixNano()) // fresh limiter keys on a shared Redis
	newcomer := e.token("newcomer-"+run, "newcomer-"+run+"@example.com")
	res := e.asPerson("POST", "/api/v1/organizations/", newcomer, "", `{"slug":"s-`+run+`","name":"Signup"}`)
	if res.Code != 201 || res.Header().Get("RateLimit-Limit") != "100" {
		t.Fatalf("signup: %d (RateLimit-Limit %q): %s", res.Code, res.Header().Get("RateLimit-Limit"), res.Body.String())
	}
	browser := e.token("browser-"+run, "browser-"+run+"@example.com")
	for i := 0; i < 100; i++ {
		e.asPerson("GET", "/api/v1/organizations/me", browser, "", "").expect(404) // no organization yet
	}
	// The budget refills by real time (one request per 0.6 s), so a slow run
	// may earn a few more; the refusal must still come long before the
	// budget would allow a second hundred.
	var m map[string]any
	for i := 0; m == nil && i < 50; i++ {
		if res := e.asPerson("GET", "/api/v1/organizations/me", browser, "", ""); res.Code == 429 {
			m = res.json()
		} else {
			res.expect(404)
		}
	}
	if m == nil {
		t.Fatal("150 requests in a row were never refused; the personal budget is not spent")
	}
	if msg := m["detail"].(string); !strings.HasPrefix(msg, "Your personal budget of 100 requests per minute is spent") {
		t.Fatalf("429 detail %q; want it to name the personal budget", msg)
	}
	// Someone else is not affected.
	other := e.token("other-"+run, "other-"+run+"@example.com")
	e.asPerson("GET", "/api/v1/organizations/me", other, "", "").expect(404)
}

func TestRateLimit_AnonymousMessageNamesIPBudget(t *testing.T) {
	e := limitedEnv(t, sqlstoretest.Open(t, sqlstore.SQLite), memoryLimiter)
	for i := 0; i < 60; i++ {
		e.do("GET", "/api/v1/pipelines/", "", "").expect(401)
	}
	m := e.do("GET", "/api/v1/pipelines/", "", "").expect(429).json()
	if msg := m["detail"].(string); !strings.HasPrefix(msg, "This IP address's budget for unauthenticated requests of 60 requests per minute") {
		t.Fatalf("429 detail %q; want it to name the IP budget", msg)
	}
}
