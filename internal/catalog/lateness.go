package catalog

import (
	"context"
	"encoding/json"
	"time"
)

// LateStartSkew is how early a run may start and still count as the
// scheduled one: schedulers and clocks drift by seconds.
const LateStartSkew = time.Minute

// ScheduledPipeline is what the lateness scan needs of a pipeline.
type ScheduledPipeline struct {
	OrgID, Name, Owner, Schedule string
	CreatedAt                    time.Time
	Definition                   json.RawMessage // the current version's normalised definition (freshness.grace)
	LastRunStart                 *time.Time
}

// MissedRun reports whether the run expected at expected was missed: the
// pipeline existed by then and no run started since (give or take
// LateStartSkew).
func (p ScheduledPipeline) MissedRun(expected time.Time) bool {
	if expected.Before(p.CreatedAt) {
		return false
	}
	return p.LastRunStart == nil || p.LastRunStart.Before(expected.Add(-LateStartSkew))
}

// Lateness is a missed scheduled run of a pipeline.
type Lateness struct {
	Pipeline     ScheduledPipeline
	ExpectedAt   time.Time
	Grace        time.Duration
	LastRunStart *time.Time
}

// LatenessStore is the store side of the lateness scan.
type LatenessStore interface {
	// ScheduledPipelines lists every organization's scheduled pipelines.
	ScheduledPipelines(ctx context.Context) ([]ScheduledPipeline, error)
	// SettleLateness records, in one organization, the missed runs (each
	// raising pipeline.late once) and resolves the lateness of the
	// pipelines named onTime.
	SettleLateness(ctx context.Context, orgID string, late []Lateness, onTime []string) error
	// LatePipelines says, of names in the caller's organization, which are
	// late and since which expected run.
	LatePipelines(ctx context.Context, names []string) (map[string]time.Time, error)
}
