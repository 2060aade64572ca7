package api

import (
	"bytes"
	"cmp"
	"context"
	"encoding/xml"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// Drawing limits. A picture of more cannot be read anyway; JSON and DOT
// have no such limit. The drawing is linear in nodes and edges and shares
// nothing between requests, so one organization's drawing never waits for
// another's (Graphviz compiled to WebAssembly, used before, runs in one
// module per process and had to be serialised behind a lock).
const (
	maxDrawnNodes = 500
	maxDrawnEdges = 2000
	// drawDeadline bounds one drawing on a busy machine.
	drawDeadline = 2 * time.Second
)

// lineageDOT renders a walk as Graphviz DOT: datasets as boxes labelled with
// id and object, the root in bold, edges labelled with their pipeline.
func lineageDOT(g *catalog.LineageGraph) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "digraph lineage {\n")
	fmt.Fprintf(&b, "  graph [rankdir=LR, label=%s, labelloc=t, fontname=\"Helvetica\", fontsize=12];\n", dotQuote(lineageTitle(g)))
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

func lineageTitle(g *catalog.LineageGraph) string {
	title := fmt.Sprintf("lineage of %s, %s, depth %d", g.Root, g.Direction, g.Depth)
	if g.Truncated {
		title += " (truncated: more lies beyond this depth)"
	}
	return title
}

// dotQuote writes s as a DOT quoted string. Backslashes are doubled so that
// Graphviz's label escapes (\N, \l) never come from data; a newline becomes
// the \n line break.
func dotQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + `"`
}

// Geometry of the drawing, in SVG user units (pixels).
const (
	nodeW, nodeH   = 210, 44
	colW, rowH     = 330, 64
	margin, titleH = 20, 30
	labelRunes     = 30 // longer ids and objects are cut; the <title> keeps them whole
)

// lineageSVG draws the walk left to right: upstream datasets in columns
// left of the root, downstream ones right of it, one column per step; each
// column ordered by where its neighbours in the previous column sit, so
// edges cross less. Each node and edge has a <title> (a tooltip, and the
// full id).
func lineageSVG(ctx context.Context, g *catalog.LineageGraph) ([]byte, error) {
	if len(g.Nodes) > maxDrawnNodes || len(g.Edges) > maxDrawnEdges {
		return nil, catalog.Invalid([]catalog.FieldError{{Field: "depth", Message: fmt.Sprintf(
			"This walk reaches %d datasets and %d edges; an SVG drawing shows at most %d datasets and %d edges. Lower depth, pick one direction, or ask for format=dot or JSON.",
			len(g.Nodes), len(g.Edges), maxDrawnNodes, maxDrawnEdges)}})
	}
	ctx, cancel := context.WithTimeout(ctx, drawDeadline)
	defer cancel()
	tooSlow := func() error {
		if ctx.Err() == nil {
			return nil
		}
		return catalog.Invalid([]catalog.FieldError{{Field: "format", Message: fmt.Sprintf(
			"Drawing this walk took over %s; ask for format=dot or JSON, or lower depth.", drawDeadline)}})
	}
	pos := layout(g)
	if err := tooSlow(); err != nil {
		return nil, err
	}
	width, height := 2*margin+nodeW, titleH+2*margin+nodeH
	for _, p := range pos {
		width, height = max(width, p.x+nodeW+margin), max(height, p.y+nodeH+margin)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n")
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="Helvetica, Arial, sans-serif">`+"\n", width, height, width, height)
	b.WriteString(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#555555"/></marker></defs>` + "\n")
	fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12">%s</text>`+"\n", margin, margin+8, esc(lineageTitle(g)))
	for i, e := range g.Edges {
		if i%256 == 0 {
			if err := tooSlow(); err != nil {
				return nil, err
			}
		}
		from, okFrom := pos[e.From]
		to, okTo := pos[e.To]
		if !okFrom || !okTo {
			continue
		}
		x1, y1 := from.x+nodeW, from.y+nodeH/2
		x2, y2 := to.x, to.y+nodeH/2
		bend := max((x2-x1)/2, 60) // a backward edge loops around instead of crossing its boxes
		fmt.Fprintf(&b, `<g class="edge"><title>%s</title><path d="M%d,%d C%d,%d %d,%d %d,%d" fill="none" stroke="#555555" marker-end="url(#arrow)"/>`,
			esc(e.From+"->"+e.To), x1, y1, x1+bend, y1, x2-bend, y2, x2, y2)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="9" text-anchor="middle" fill="#555555">%s</text></g>`+"\n",
			(x1+x2)/2, (y1+y2)/2-3, esc(cut(e.Pipeline)))
	}
	for i, n := range g.Nodes {
		if i%256 == 0 {
			if err := tooSlow(); err != nil {
				return nil, err
			}
		}
		p := pos[n.ID]
		fill, stroke := "#ffffff", 1
		if n.ID == g.Root {
			fill, stroke = "#e8f0fe", 2
		}
		full := n.ID
		if n.Object != "" {
			full += "\n" + n.Object
		}
		fmt.Fprintf(&b, `<g class="node"><title>%s</title><rect x="%d" y="%d" width="%d" height="%d" rx="6" fill="%s" stroke="#333333" stroke-width="%d"/>`,
			esc(n.ID), p.x, p.y, nodeW, nodeH, fill, stroke)
		if n.Object == "" {
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" text-anchor="middle">%s</text>`, p.x+nodeW/2, p.y+nodeH/2+4, esc(cut(n.ID)))
		} else {
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" text-anchor="middle">%s</text>`, p.x+nodeW/2, p.y+18, esc(cut(n.ID)))
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="10" text-anchor="middle" fill="#555555">%s</text>`, p.x+nodeW/2, p.y+34, esc(cut(n.Object)))
		}
		b.WriteString("</g>\n")
	}
	b.WriteString("</svg>\n")
	return b.Bytes(), nil
}

type point struct{ x, y int }

// layout places every node: its column is its signed distance from the
// root (upstream negative), its row its place in the column.
func layout(g *catalog.LineageGraph) map[string]point {
	out, in := map[string][]string{}, map[string][]string{}
	for _, e := range g.Edges {
		out[e.From] = append(out[e.From], e.To)
		in[e.To] = append(in[e.To], e.From)
	}
	rank := map[string]int{g.Root: 0}
	walk := func(next map[string][]string, sign int) {
		frontier := []string{g.Root}
		for step := 1; len(frontier) > 0; step++ {
			var reached []string
			for _, id := range frontier {
				for _, n := range next[id] {
					if _, seen := rank[n]; !seen {
						rank[n] = sign * step
						reached = append(reached, n)
					}
				}
			}
			frontier = reached
		}
	}
	if g.Direction != catalog.Upstream {
		walk(out, 1)
	}
	if g.Direction != catalog.Downstream {
		walk(in, -1)
	}
	minRank := 0
	columns := map[int][]string{}
	for _, n := range g.Nodes { // g.Nodes is ordered by depth, then id: a stable start
		r := rank[n.ID] // a node the walks did not reach (none expected) joins the root's column
		columns[r] = append(columns[r], n.ID)
		minRank = min(minRank, r)
	}
	maxRank := minRank
	for r := range columns {
		maxRank = max(maxRank, r)
	}
	pos := map[string]point{}
	row := map[string]float64{}
	for r := minRank; r <= maxRank; r++ {
		col := columns[r]
		// Barycentre of each node's neighbours already placed (columns to the left).
		bary := make(map[string]float64, len(col))
		for i, id := range col {
			sum, k := 0.0, 0
			for _, nb := range append(in[id], out[id]...) {
				if y, placed := row[nb]; placed {
					sum, k = sum+y, k+1
				}
			}
			bary[id] = float64(i)
			if k > 0 {
				bary[id] = sum / float64(k)
			}
		}
		slices.SortStableFunc(col, func(a, b string) int { return cmp.Compare(bary[a], bary[b]) })
		for i, id := range col {
			row[id] = float64(i)
			pos[id] = point{x: margin + (r-minRank)*colW, y: titleH + margin + i*rowH}
		}
	}
	return pos
}

// cut shortens a label to labelRunes characters.
func cut(s string) string {
	if r := []rune(s); len(r) > labelRunes {
		return string(r[:labelRunes-1]) + "…"
	}
	return s
}

// esc escapes text for XML; characters XML cannot hold become U+FFFD.
func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
