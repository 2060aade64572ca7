package api

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/lineagedraw"
)

// Drawing limits of the API's SVG, which draws the walk it answers as it
// is (the UI folds large walks into groups instead). A picture of more
// cannot be read anyway; JSON and DOT have no such limit. The drawing
// shares nothing between requests, so one organization's drawing never
// waits for another's.
const (
	maxDrawnNodes = 500
	maxDrawnEdges = 2000
	// drawDeadline bounds one drawing on a busy machine.
	drawDeadline = 2 * time.Second
)

// lineageSVG draws the walk as a standalone SVG with its legend.
func lineageSVG(ctx context.Context, g *catalog.LineageGraph) ([]byte, error) {
	if len(g.Nodes) > maxDrawnNodes || len(g.Edges) > maxDrawnEdges {
		return nil, catalog.Invalid([]catalog.FieldError{{Field: "depth", Message: fmt.Sprintf(
			"This walk reaches %d datasets and %d edges; an SVG drawing shows at most %d datasets and %d edges. Lower depth, pick one direction, or ask for format=dot or JSON.",
			len(g.Nodes), len(g.Edges), maxDrawnNodes, maxDrawnEdges)}})
	}
	ctx, cancel := context.WithTimeout(ctx, drawDeadline)
	defer cancel()
	svg, _, err := lineagedraw.Draw(ctx, lineagedraw.FromLineage(g), lineagedraw.Options{}, lineagedraw.RenderOptions{Title: lineageTitle(g)})
	if errors.Is(err, lineagedraw.ErrTooSlow) {
		return nil, catalog.Invalid([]catalog.FieldError{{Field: "format", Message: fmt.Sprintf(
			"Drawing this walk took over %s; ask for format=dot or JSON, or lower depth.", drawDeadline)}})
	}
	return svg, err
}
