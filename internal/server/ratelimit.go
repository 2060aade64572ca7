package server

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/dataxpipe/catalog/internal/api"
	"github.com/dataxpipe/catalog/internal/config"
	"github.com/dataxpipe/catalog/internal/ratelimit"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
)

// redisTimeout bounds what a Redis call may add to a request; past it the
// request is answered from the local budget.
const redisTimeout = 50 * time.Millisecond

// newRateLimit builds the limiter from the configuration: nil when rate
// limiting is off, in memory for one replica, through Redis (with a local
// fallback) when DATAXPIPE_REDIS_URL is set.
func newRateLimit(cfg config.Config, logger *slog.Logger, reg prometheus.Registerer) (*api.RateLimit, func(), error) {
	if !cfg.RateLimitEnabled {
		return nil, func() {}, nil
	}
	rl := &api.RateLimit{AnonPerMinute: cfg.RateLimitAnonPerMinute}
	if cfg.RedisURL == "" {
		rl.Limiter = ratelimit.NewMemory(nil)
		logger.Info("rate limits in memory: budgets are per replica", "replicas", cfg.Replicas)
		return rl, func() {}, nil
	}
	opt, err := redis.ParseURL(cfg.RedisURL)
	if err != nil {
		return nil, nil, fmt.Errorf("DATAXPIPE_REDIS_URL: %w", err)
	}
	client := redis.NewClient(opt)
	rl.Limiter = ratelimit.NewFailover(ratelimit.NewRedis(client), ratelimit.NewMemory(nil), cfg.Replicas, redisTimeout, logger, reg)
	logger.Info("rate limits shared through Redis", "replicas", cfg.Replicas)
	return rl, func() { client.Close() }, nil
}
