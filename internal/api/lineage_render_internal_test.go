package api

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// chain is a walk of n datasets in a row, with extra edges from the root to
// reach edges in all.
func chain(n, edges int) *catalog.LineageGraph {
	g := &catalog.LineageGraph{LineageQuery: catalog.LineageQuery{Root: "d0", Direction: catalog.Downstream, Depth: catalog.MaxLineageDepth}}
	for i := range n {
		g.Nodes = append(g.Nodes, catalog.LineageNode{Dataset: catalog.Dataset{ID: fmt.Sprintf("d%d", i)}, Depth: i})
	}
	for i := range edges {
		g.Edges = append(g.Edges, catalog.LineageEdge{From: fmt.Sprintf("d%d", i%max(n-1, 1)), To: fmt.Sprintf("d%d", i%max(n-1, 1)+1), Pipeline: fmt.Sprintf("p%d", i)})
	}
	return g
}

// TestLineageSVG_Caps: the documented limits hold exactly, a larger walk is
// a 422 pointing at DOT and JSON, and a drawing past its deadline is
// refused the same way rather than finished late.
func TestLineageSVG_Caps(t *testing.T) {
	ctx := context.Background()
	for _, g := range []*catalog.LineageGraph{chain(maxDrawnNodes, maxDrawnNodes-1), chain(10, maxDrawnEdges)} {
		if svg, err := lineageSVG(ctx, g); err != nil || !strings.Contains(string(svg), `data-id="d9"`) {
			t.Fatalf("%d nodes, %d edges: %v", len(g.Nodes), len(g.Edges), err)
		}
	}
	for _, g := range []*catalog.LineageGraph{chain(maxDrawnNodes+1, 1), chain(10, maxDrawnEdges+1)} {
		_, err := lineageSVG(ctx, g)
		var e *catalog.Error
		if !errors.As(err, &e) || e.Code != catalog.EINVALID || !strings.Contains(e.Fields[0].Message, "format=dot or JSON") {
			t.Fatalf("%d nodes, %d edges: %v, want 422 pointing at DOT and JSON", len(g.Nodes), len(g.Edges), err)
		}
	}
	done, cancel := context.WithCancel(ctx)
	cancel() // a deadline that has passed
	_, err := lineageSVG(done, chain(3, 2))
	var e *catalog.Error
	if !errors.As(err, &e) || e.Fields[0].Field != "format" {
		t.Fatalf("past the deadline: %v", err)
	}
}
