package server

import (
	"context"
	"log/slog"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/config"
	"github.com/dataxpipe/catalog/internal/notify"
	"github.com/dataxpipe/catalog/internal/sqlstore"
)

// startNotify runs one store's webhook delivery worker and lateness scan
// (every replica runs them: claims are leased, so each delivery is attempted
// by one replica at a time). In production deliveries go only to public
// https addresses; development allows http and loopback receivers. stop
// ends both and waits for the attempts in flight.
func startNotify(cfg config.Config, db *sqlstore.DB, logger *slog.Logger) (stop func()) {
	if !cfg.Webhooks.Enabled {
		return func() {}
	}
	dev := cfg.Development()
	w := &notify.Worker{Queue: db, Client: notify.Guard{AllowPrivate: dev}.Client(cfg.Webhooks.Timeout), RequireHTTPS: !dev,
		Policy: catalog.DefaultRetryPolicy, AppURL: cfg.AppURL, Timeout: cfg.Webhooks.Timeout, Batch: 10, Poll: cfg.Webhooks.Poll, Logger: logger}
	stopWorker := w.Start()
	scan := &notify.LatenessScanner{Store: db, Interval: cfg.Webhooks.LatenessInterval, Logger: logger}
	ctx, cancel := context.WithCancel(context.Background())
	scanned, purged := make(chan struct{}), make(chan struct{})
	go func() { scan.Run(ctx); close(scanned) }()
	go func() { purgeWebhookHistory(ctx, db, logger); close(purged) }()
	return func() {
		cancel()
		<-scanned
		<-purged
		stopWorker()
	}
}

// webhookHistory is how long settled deliveries stay in the delivery log.
const webhookHistory = 30 * 24 * time.Hour

// purgeWebhookHistory deletes settled deliveries older than webhookHistory
// at start and then every retentionInterval, until ctx ends.
func purgeWebhookHistory(ctx context.Context, db *sqlstore.DB, logger *slog.Logger) {
	tick := time.NewTicker(retentionInterval)
	defer tick.Stop()
	for {
		n, err := db.PurgeWebhookHistory(ctx, time.Now().Add(-webhookHistory))
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			logger.Error("purge webhook history", "err", err)
		case n > 0:
			logger.Info("purged webhook history", "events", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
