package api

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/goccy/go-graphviz"
)

// maxDrawnNodes bounds the SVG drawing: laying out thousands of nodes takes
// seconds of CPU per request and nobody can read the picture anyway.
const maxDrawnNodes = 500

// lineageDOT renders a walk as Graphviz DOT: datasets as boxes labelled with
// id and object, the root in bold, edges labelled with their pipeline.
func lineageDOT(g *catalog.LineageGraph) []byte {
	var b bytes.Buffer
	title := fmt.Sprintf("lineage of %s, %s, depth %d", g.Root, g.Direction, g.Depth)
	if g.Truncated {
		title += " (truncated: more lies beyond this depth)"
	}
	fmt.Fprintf(&b, "digraph lineage {\n")
	fmt.Fprintf(&b, "  graph [rankdir=LR, label=%s, labelloc=t, fontname=\"Helvetica\", fontsize=12];\n", dotQuote(title))
	fmt.Fprintf(&b, "  node [shape=box, style=\"rounded,filled\", fillcolor=\"#ffffff\", fontname=\"Helvetica\", fontsize=11];\n")
	fmt.Fprintf(&b, "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#555555\"];\n")
	for _, n := range g.Nodes {
		label := n.ID
		if n.Object != "" {
			label += "\n" + n.Object
		}
		extra := ""
		if n.ID == g.Root {
			extra = `, penwidth=2, fillcolor="#e8f0fe"`
		}
		fmt.Fprintf(&b, "  %s [label=%s%s];\n", dotQuote(n.ID), dotQuote(label), extra)
	}
	for _, e := range g.Edges {
		fmt.Fprintf(&b, "  %s -> %s [label=%s];\n", dotQuote(e.From), dotQuote(e.To), dotQuote(e.Pipeline))
	}
	b.WriteString("}\n")
	return b.Bytes()
}

// dotQuote writes s as a DOT quoted string. Backslashes are doubled so that
// Graphviz's label escapes (\N, \l) never come from data; a newline becomes
// the \n line break.
func dotQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

// graphvizMu guards the one Graphviz instance: go-graphviz runs Graphviz
// compiled to WebAssembly in a single module, which is not safe for
// concurrent use. Drawings are small (maxDrawnNodes), so queueing is brief.
var graphvizMu sync.Mutex
var graphvizInstance *graphviz.Graphviz

// lineageSVG lays out and draws the walk with Graphviz's dot engine, from
// the same DOT that ?format=dot returns.
func lineageSVG(ctx context.Context, g *catalog.LineageGraph) ([]byte, error) {
	if len(g.Nodes) > maxDrawnNodes {
		return nil, catalog.Invalid([]catalog.FieldError{{Field: "depth", Message: fmt.Sprintf(
			"This walk reaches %d datasets; an SVG drawing shows at most %d. Lower depth, pick one direction, or ask for format=dot or JSON.",
			len(g.Nodes), maxDrawnNodes)}})
	}
	graphvizMu.Lock()
	defer graphvizMu.Unlock()
	if graphvizInstance == nil {
		gv, err := graphviz.New(ctx)
		if err != nil {
			return nil, fmt.Errorf("start graphviz: %w", err)
		}
		graphvizInstance = gv
	}
	graph, err := graphviz.ParseBytes(lineageDOT(g))
	if err != nil {
		return nil, fmt.Errorf("parse lineage DOT: %w", err)
	}
	defer graph.Close()
	var svg bytes.Buffer
	if err := graphvizInstance.Render(ctx, graph, graphviz.SVG, &svg); err != nil {
		return nil, fmt.Errorf("draw lineage: %w", err)
	}
	return svg.Bytes(), nil
}
