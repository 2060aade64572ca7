package bench

import (
	"context"
	"fmt"
	"testing"

	"github.com/dataxpipe/catalog/internal/lineagedraw"
)

// Lineage drawing figures (internal/lineagedraw). Targets: layout and SVG
// of a 300-dataset neighbourhood ≤ 100 ms; a 30,000-edge neighbourhood
// folded into the 300-box budget, laid out and drawn ≤ 1 s.

// layered is a neighbourhood of layers columns upstream and as many
// downstream of the focus, width datasets each, in pipes pipelines, every
// dataset fed by fanIn datasets of the column before.
func layered(layers, width, fanIn, pipes int) lineagedraw.Graph {
	g := lineagedraw.Graph{Focus: "focus", Nodes: []lineagedraw.Node{{ID: "focus"}}}
	name := func(l, i int) string {
		if l == 0 {
			return "focus"
		}
		return fmt.Sprintf("ds_%+d_%05d", l, i)
	}
	for l := -layers; l <= layers; l++ {
		if l == 0 {
			continue
		}
		for i := range width {
			g.Nodes = append(g.Nodes, lineagedraw.Node{ID: name(l, i), Sub: "warehouse.table", Namespace: fmt.Sprintf("ns%d", i%7),
				Pipeline: fmt.Sprintf("pipeline_%02d", (i+l*3)%pipes)})
		}
	}
	for l := -layers; l < layers; l++ {
		from, to := width, width
		if l == 0 {
			from = 1
		}
		if l+1 == 0 {
			to = 1
		}
		for j := range to {
			for k := range min(fanIn, from) {
				i := (j*31 + k*17) % from
				g.Edges = append(g.Edges, lineagedraw.Edge{From: name(l, i), To: name(l+1, j), Prov: lineagedraw.Provenance(1 + (i+j)%3)})
			}
		}
	}
	return g
}

func BenchmarkLineageDraw300Nodes(b *testing.B) {
	g := layered(3, 50, 3, 12) // 301 datasets, about 900 edges
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		if _, _, err := lineagedraw.Draw(ctx, g, lineagedraw.Options{}, lineagedraw.RenderOptions{Inline: true}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(g.Nodes)), "nodes")
}

func BenchmarkLineageDraw30000EdgesCollapsed(b *testing.B) {
	g := layered(3, 500, 15, 40) // 3,001 datasets, 30,515 edges
	if len(g.Edges) < 29_000 {
		b.Fatalf("only %d edges", len(g.Edges))
	}
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		c := lineagedraw.Collapse(g, lineagedraw.DefaultBudget)
		if _, _, err := lineagedraw.Draw(ctx, c.Graph, lineagedraw.Options{}, lineagedraw.RenderOptions{Inline: true}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(g.Edges)), "edges")
}
