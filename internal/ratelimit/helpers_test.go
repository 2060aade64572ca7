package ratelimit

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/dataxpipe/catalog/internal/testrig"
)

// TestMain silences go-redis's own logger: the dead-port Failover tests would
// otherwise print a dial error per attempt, burying the test output. Errors
// still reach the tests through Allow's return value.
func TestMain(m *testing.M) {
	redis.SetLogger(discardLogger{})
	os.Exit(m.Run())
}

type discardLogger struct{}

func (discardLogger) Printf(context.Context, string, ...any) {}

// redisAddr is the Redis the integration tests use (started by the dev setup
// and by CI).
const redisAddr = "127.0.0.1:6379"

// testRedis connects to the local Redis, skipping the test when it is not
// reachable, except under CI=true where a missing Redis must fail the run
// instead of silently skipping the shared-budget tests.
func testRedis(t *testing.T) *redis.Client {
	t.Helper()
	// Probe without go-redis's dial retries so a missing Redis skips fast.
	probe := redis.NewClient(&redis.Options{Addr: redisAddr, MaxRetries: -1, DialerRetries: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := probe.Ping(ctx).Err()
	_ = probe.Close()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("redis unreachable at %s (required when CI=true): %v", redisAddr, err)
		}
		t.Skipf("redis unreachable at %s: %v", redisAddr, err)
	}
	client := redis.NewClient(&redis.Options{Addr: redisAddr})
	t.Cleanup(func() { _ = client.Close() })
	return client
}

// testPrefix returns a key prefix unique to this test run and deletes every
// redis_rate key under it when the test ends, so runs neither collide nor
// leave state behind in a shared Redis.
func testPrefix(t *testing.T, client *redis.Client) string {
	t.Helper()
	prefix := fmt.Sprintf("ratelimit-test:%d:%d:%s:", os.Getpid(), time.Now().UnixNano(), t.Name())
	t.Cleanup(func() {
		ctx := context.Background()
		iter := client.Scan(ctx, 0, "rate:"+prefix+"*", 100).Iterator()
		for iter.Next(ctx) {
			_ = client.Del(ctx, iter.Val()).Err()
		}
		if err := iter.Err(); err != nil {
			t.Errorf("cleaning up redis keys %q: %v", prefix, err)
		}
	})
	return prefix
}

// newFakeClock is the shared test clock, at a fixed start, for Memory.
func newFakeClock() *testrig.Clock {
	return testrig.NewClock(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
}

// metricValue reads a gauge or counter through the registry, which also
// proves that NewFailover registered it.
func metricValue(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	families, err := reg.Gather()
	if err != nil {
		t.Fatalf("gather: %v", err)
	}
	for _, mf := range families {
		if mf.GetName() != name {
			continue
		}
		m := mf.GetMetric()[0]
		if g := m.GetGauge(); g != nil {
			return g.GetValue()
		}
		return m.GetCounter().GetValue()
	}
	t.Fatalf("metric %s not registered", name)
	return 0
}
