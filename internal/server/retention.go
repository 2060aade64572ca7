package server

import (
	"context"
	"log/slog"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// retentionInterval is how often raw OpenLineage events past their
// retention are deleted. Hourly is plenty for a retention in days, and the
// deletes stay small.
const retentionInterval = time.Hour

// purgeLineageEvents deletes raw OpenLineage events received more than
// retention ago, at start and then every retentionInterval, until ctx ends.
// A retention of zero or less keeps them forever. Failures are logged and
// retried at the next tick: an old event left a while longer harms no one.
func purgeLineageEvents(ctx context.Context, store catalog.OpenLineageRetention, retention time.Duration, logger *slog.Logger) {
	if retention <= 0 {
		return
	}
	tick := time.NewTicker(retentionInterval)
	defer tick.Stop()
	for {
		n, err := store.PurgeOpenLineageEvents(ctx, time.Now().Add(-retention))
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			logger.Error("purge openlineage events", "err", err)
		case n > 0:
			logger.Info("purged openlineage events", "count", n, "retention", retention.String())
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
