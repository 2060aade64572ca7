package api

import (
	"context"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// LineageSVG draws a walk exactly as GET /api/v1/lineage/{id}?format=svg
// does, for the web UI's lineage page.
func LineageSVG(ctx context.Context, g *catalog.LineageGraph) ([]byte, error) {
	return lineageSVG(ctx, g)
}
