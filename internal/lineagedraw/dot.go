package lineagedraw

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// DOT renders a walk as Graphviz DOT, the text export of a drawing:
// datasets as boxes labelled with id and object, the root in bold, edges
// labelled with their pipeline. The server draws SVG itself (Draw); DOT is
// for people who lay graphs out elsewhere.
func DOT(g *catalog.LineageGraph) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "digraph lineage {\n")
	fmt.Fprintf(&b, "  graph [rankdir=LR, label=%s, labelloc=t, fontname=\"Helvetica\", fontsize=12];\n", dotQuote(Title(g)))
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

// Title says what a walk is, for a drawing's accessible name and DOT's label.
func Title(g *catalog.LineageGraph) string {
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
