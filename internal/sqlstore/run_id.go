package sqlstore

import (
	"context"
	"fmt"
)

// nextRunID assigns run-YYYYMMDD-NNN for the UTC day of the transaction.
// The counter row of (organization, day) is incremented inside the run's
// transaction: the upsert holds the row lock until commit, so concurrent
// posts get consecutive numbers, and a rolled-back post gives its number
// back. A number whose id a client already chose is skipped.
func (tx *Tx) nextRunID(ctx context.Context, orgID string) (string, error) {
	day := tx.now.UTC().Format("20060102")
	for {
		var n int
		if err := tx.queryRow(ctx, `INSERT INTO run_counters (organization_id, day, last_seq) VALUES (?, ?, 1)
			ON CONFLICT (organization_id, day) DO UPDATE SET last_seq = run_counters.last_seq + 1
			RETURNING last_seq`, orgID, day).Scan(&n); err != nil {
			return "", fmt.Errorf("count runs of the day: %w", err)
		}
		id := fmt.Sprintf("run-%s-%03d", day, n)
		var taken int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM runs WHERE organization_id = ? AND run_id = ?`, orgID, id).Scan(&taken); err != nil {
			return "", fmt.Errorf("find run: %w", err)
		}
		if taken == 0 {
			return id, nil
		}
	}
}
