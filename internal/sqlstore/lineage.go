package sqlstore

import (
	"context"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// afterPipelineVersion is where other aggregates follow a new current
// version (lineage edges replace the pipeline's old ones).
func (tx *Tx) afterPipelineVersion(ctx context.Context, p *catalog.Pipeline) error { return nil }

// afterPipelineDeleted is where other aggregates forget a deleted pipeline.
// Versions and tags go by foreign-key cascade; runs stay in history.
func (tx *Tx) afterPipelineDeleted(ctx context.Context, orgID, name string) error { return nil }
