package cli

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/dataxpipe/catalog/internal/client"
	"github.com/spf13/cobra"
)

func (c *cli) lineageShowCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "show DATASET [--direction upstream|downstream|both] [--depth N]",
		Short: "show a dataset's lineage as a tree",
		Long: `Shows the lineage around DATASET (a dataset id from a spec, such as
clean_orders) as an indented tree: what it is computed from (←) and what
is computed from it (→), with the pipeline that declared each edge. The
graph is organization-wide, so datasets of other teams' pipelines appear
too. A dataset reached twice is expanded once.`,
		Example: examples(
			"dxp lineage show clean_orders",
			"dxp lineage show raw_customers --direction downstream --depth 10",
			"dxp lineage show clean_orders --output json",
		),
		Args: args(1, 1),
	}
	direction := cmd.Flags().String("direction", "both", "`DIRECTION`: upstream, downstream or both")
	depth := cmd.Flags().Int("depth", 3, "how many edges away to go, `N` from 1 to 50")
	api, out := addAPIFlags(cmd), addOutputFlag(cmd)
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		switch *direction {
		case "upstream", "downstream", "both":
		default:
			return usagef(cmd, "--direction must be upstream, downstream or both")
		}
		if *depth < 1 || *depth > 50 {
			return usagef(cmd, "--depth must be from 1 to 50")
		}
		cl, err := api.client(c, cmd)
		if err != nil {
			return err
		}
		g, err := cl.Lineage(cmd.Context(), pos[0], client.LineageQuery{Direction: *direction, Depth: *depth})
		if err != nil {
			return err
		}
		if out.json() {
			return printJSON(c.Stdout, g)
		}
		return writeTree(c.Stdout, g)
	}
	return cmd
}

// lineageTree renders a lineage graph as a tree from its root.
type lineageTree struct {
	w     io.Writer
	nodes map[string]client.GraphNode
	up    map[string][]string // dataset → the datasets it is computed from
	down  map[string][]string // dataset → the datasets computed from it
	via   map[[2]string][]string
	shown map[string]bool // expanded already; a repeat is not expanded again
}

// writeTree writes g: the root, then its upstream (←) and downstream (→)
// datasets, each level indented under the one it feeds or is fed by.
func writeTree(w io.Writer, g *client.Graph) error {
	t := &lineageTree{w: w, nodes: map[string]client.GraphNode{}, up: map[string][]string{},
		down: map[string][]string{}, via: map[[2]string][]string{}}
	for _, n := range g.Nodes {
		t.nodes[n.ID] = n
	}
	for _, e := range g.Edges {
		key := [2]string{e.From, e.To}
		if _, seen := t.via[key]; !seen { // two pipelines may declare one edge
			t.up[e.To] = append(t.up[e.To], e.From)
			t.down[e.From] = append(t.down[e.From], e.To)
			t.via[key] = nil
		}
		if e.Pipeline != "" && !slices.Contains(t.via[key], e.Pipeline) {
			t.via[key] = append(t.via[key], e.Pipeline)
		}
	}
	fmt.Fprintln(w, t.label(g.Root))
	if len(g.Edges) == 0 {
		fmt.Fprintln(w, "  (no lineage)")
	}
	if g.Direction != "downstream" {
		t.shown = map[string]bool{g.Root: true}
		t.branch(g.Root, 1, true)
	}
	if g.Direction != "upstream" {
		t.shown = map[string]bool{g.Root: true}
		t.branch(g.Root, 1, false)
	}
	if g.Truncated {
		fmt.Fprintf(w, "  (the graph goes on beyond depth %d; use --depth for more)\n", g.Depth)
	}
	return nil
}

// branch writes the neighbours of id in one direction, and theirs below.
func (t *lineageTree) branch(id string, level int, upstream bool) {
	next, arrow := t.down[id], "→"
	if upstream {
		next, arrow = t.up[id], "←"
	}
	for _, n := range slices.Sorted(slices.Values(next)) {
		edge := [2]string{id, n}
		if upstream {
			edge = [2]string{n, id}
		}
		line := strings.Repeat("  ", level) + arrow + " " + t.label(n)
		if via := t.via[edge]; len(via) > 0 {
			line += "  via " + strings.Join(via, ", ")
		}
		if t.shown[n] {
			fmt.Fprintln(t.w, line+"  (see above)")
			continue
		}
		fmt.Fprintln(t.w, line)
		t.shown[n] = true
		t.branch(n, level+1, upstream)
	}
}

// label is a dataset id with its object when the graph knows it.
func (t *lineageTree) label(id string) string {
	if n, ok := t.nodes[id]; ok && n.Object != "" && n.Object != id {
		return id + " (" + n.Object + ")"
	}
	return id
}
