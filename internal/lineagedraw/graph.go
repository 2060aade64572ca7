// Package lineagedraw lays out and draws a lineage neighbourhood as SVG,
// in Go, with no shared state: every drawing is its own computation, so
// drawings of different organizations never wait for each other (Graphviz
// compiled to WebAssembly, used before, ran behind one process-wide lock).
//
// The layout is focus-centred: a dataset's column is its signed distance
// from the focus dataset (upstream left, downstream right); a few sweeps
// of barycentre ordering reduce crossings. Layout is a deterministic
// function of the graph (the order nodes and edges arrive in does not
// matter). Collapse keeps a drawing within a budget by grouping the
// farthest datasets by pipeline, then by namespace. DOT is the text
// export. Besides the standard library it imports only internal/catalog,
// for the walk it turns into a graph (FromLineage).
package lineagedraw

import (
	"cmp"
	"slices"
)

// State is what a node's badges say, as bits.
type State uint8

// The node states, from the most to the least urgent.
const (
	CheckFailed State = 1 << iota // the latest result of an error-severity check failed
	RunFailed                     // the producing pipeline's last run failed
	CheckWarned                   // the latest result of a warn-severity check failed
	RunLate                       // the producing pipeline's next run is overdue
	Dropped                       // an OpenLineage lifecycleStateChange said DROP
)

// stateWords names each state with a symbol, so colour is never the only
// signal.
var stateWords = []struct {
	s           State
	symbol, txt string
	class       string
}{
	{CheckFailed, "✕", "check failed", "bad"},
	{RunFailed, "✕", "run failed", "bad"},
	{CheckWarned, "!", "check warned", "warn"},
	{RunLate, "◷", "run late", "warn"},
	{Dropped, "⊘", "dropped", "gone"},
}

// Badge is one state as a page shows it: words with a symbol, and a tone
// ("bad", "warn", "gone") for its colour.
type Badge struct{ Text, Tone string }

// Badges lists the states set in s, most urgent first.
func (s State) Badges() []Badge {
	var out []Badge
	for _, w := range stateWords {
		if s&w.s != 0 {
			out = append(out, Badge{w.symbol + " " + w.txt, w.class})
		}
	}
	return out
}

// Words lists the states set in s, most urgent first, as "✕ check failed".
func (s State) Words() []string {
	var out []string
	for _, w := range stateWords {
		if s&w.s != 0 {
			out = append(out, w.symbol+" "+w.txt)
		}
	}
	return out
}

// Provenance says who vouches for an edge, as bits.
type Provenance uint8

// Edge provenances.
const (
	Declared Provenance = 1 << iota // a pipeline spec declares it
	Observed                        // OpenLineage events reported it
)

// Word is how the legend and tooltips name the provenance.
func (p Provenance) Word() string {
	switch p {
	case Declared:
		return "declared, never observed"
	case Observed:
		return "observed"
	case Declared | Observed:
		return "declared and observed"
	}
	return "unknown"
}

// Node is a dataset, or a group of datasets Collapse folded together.
type Node struct {
	ID        string
	Label     string // the first line ("" shows ID)
	Sub       string // the second line: the object, or the namespace
	Pipeline  string // the producing pipeline ("" when none is known): the first grouping
	Namespace string // the OpenLineage namespace: the second grouping
	State     State
	Note      string // tooltip detail: which check, which run
	// Href is the node's link; ExpandHref and CollapseHref, when set, are
	// its + and − toggles (inline drawings only).
	Href, ExpandHref, CollapseHref string
	// Fields are the columns drawn inside the node when column lineage is
	// shown, in order.
	Fields []string
	// Count > 0 makes the node a group standing for Count datasets;
	// GroupKind says by what ("pipeline", "namespace", "column").
	Count     int
	GroupKind string
	// Pinned nodes are kept first by Collapse (the person expanded them).
	Pinned bool
}

// Edge is data flowing From one node To another.
type Edge struct {
	From, To string
	Prov     Provenance
	Historic bool   // only older runs of a job reported it
	Label    string // tooltip: the pipelines and jobs behind it
	Count    int    // edges a collapsed edge stands for (0 or 1: itself)
}

// ColumnEdge is column-level lineage: FromField of From feeds ToField of To.
type ColumnEdge struct {
	From, FromField, To, ToField string
}

// Graph is what to draw around Focus.
type Graph struct {
	Focus string
	Nodes []Node
	Edges []Edge
	// Columns, when set, fixes nodes' columns (Collapse sets it for the
	// groups it makes); other nodes get their signed distance.
	Columns     map[string]int
	ColumnEdges []ColumnEdge
}

// sorted is g with nodes by id and edges by endpoints, so that the picture
// does not depend on the order the caller listed them in.
func sorted(g Graph) Graph {
	g.Nodes = slices.Clone(g.Nodes)
	slices.SortStableFunc(g.Nodes, func(a, b Node) int { return cmp.Compare(a.ID, b.ID) })
	g.Edges = slices.Clone(g.Edges)
	// Every field takes part, so equal edges are identical and an unstable
	// sort (much faster than a stable one on 30,000 edges) is deterministic.
	slices.SortFunc(g.Edges, func(a, b Edge) int {
		return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To), cmp.Compare(a.Label, b.Label),
			cmp.Compare(a.Prov, b.Prov), cmp.Compare(a.Count, b.Count), boolCompare(a.Historic, b.Historic))
	})
	return g
}

func boolCompare(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// Ranks is each node's column: its signed distance from the focus,
// downstream positive along edges, upstream negative against them. A node
// both ways (a cycle through the focus) takes the nearer side, downstream
// on a tie. A node neither way reached sits next to a neighbour that is,
// else in the focus's column. g.Columns overrides.
func Ranks(g Graph) map[string]int {
	ids := make(map[string]bool, len(g.Nodes))
	for _, n := range g.Nodes {
		ids[n.ID] = true
	}
	out, in := map[string][]string{}, map[string][]string{}
	for _, e := range g.Edges {
		if ids[e.From] && ids[e.To] {
			out[e.From] = append(out[e.From], e.To)
			in[e.To] = append(in[e.To], e.From)
		}
	}
	bfs := func(next map[string][]string) map[string]int {
		dist := map[string]int{}
		if !ids[g.Focus] {
			return dist
		}
		dist[g.Focus] = 0
		frontier := []string{g.Focus}
		for len(frontier) > 0 {
			var reached []string
			for _, id := range frontier {
				for _, n := range next[id] {
					if _, seen := dist[n]; !seen {
						dist[n] = dist[id] + 1
						reached = append(reached, n)
					}
				}
			}
			frontier = reached
		}
		return dist
	}
	down, up := bfs(out), bfs(in)
	rank := make(map[string]int, len(g.Nodes))
	for _, n := range g.Nodes {
		if c, ok := g.Columns[n.ID]; ok {
			rank[n.ID] = c
			continue
		}
		d, okD := down[n.ID]
		u, okU := up[n.ID]
		switch {
		case okD && (!okU || d <= u):
			rank[n.ID] = d
		case okU:
			rank[n.ID] = -u
		}
	}
	// Unreached nodes: next to a ranked neighbour, repeatedly.
	for changed := true; changed; {
		changed = false
		for _, e := range g.Edges {
			rf, okF := rank[e.From]
			rt, okT := rank[e.To]
			if okF && !okT && ids[e.To] {
				rank[e.To], changed = rf+1, true
			} else if okT && !okF && ids[e.From] {
				rank[e.From], changed = rt-1, true
			}
		}
	}
	for _, n := range g.Nodes {
		if _, ok := rank[n.ID]; !ok {
			rank[n.ID] = 0
		}
	}
	return rank
}
