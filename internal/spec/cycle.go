package spec

import (
	"cmp"
	"slices"
)

// node is a vertex of the graph searched for cycles: a dataset, or a
// transform step. Routing data through the step (inputs → step → outputs)
// instead of expanding every input × output pair keeps the search linear
// in the size of the definition, whatever its fan-in and fan-out.
type node struct {
	step int // index+1 of a transform; 0 for a dataset
	name string
}

func compareNodes(a, b node) int {
	return cmp.Or(cmp.Compare(a.name, b.name), cmp.Compare(a.step, b.step))
}

// findCycle returns one cycle of the dataset graph of Edges as a path that
// starts and ends at the same dataset (a → b → a), or nil when there is
// none. Nodes and successors are visited in sorted order, so the cycle
// reported for a given definition is always the same one.
//
// An explicit lineage edge from a dataset to itself is left out: Validate
// reports it on the edge itself, and saying it twice would not help. A
// self-loop implied by inputs (a transform reading its own output) stays,
// as nothing else would report it.
func (p *Pipeline) findCycle() []string {
	graph := map[node][]node{}
	link := func(from, to node) {
		if from.name != "" && to.name != "" {
			graph[from] = append(graph[from], to)
		}
	}
	for i, t := range p.Transforms {
		step := node{step: i + 1, name: cmp.Or(t.ID, "?")}
		for _, in := range t.Inputs {
			link(node{name: in}, step)
		}
		for _, out := range t.Outputs {
			link(step, node{name: out})
		}
	}
	for _, t := range p.Targets {
		for _, in := range t.Inputs {
			link(node{name: in}, node{name: t.ID})
		}
	}
	for _, e := range p.Lineage.Edges {
		if e.From != e.To {
			link(node{name: e.From}, node{name: e.To})
		}
	}
	nodes := make([]node, 0, len(graph))
	for n, next := range graph {
		nodes = append(nodes, n)
		slices.SortFunc(next, compareNodes)
	}
	slices.SortFunc(nodes, compareNodes)
	return datasetPath(searchCycle(graph, nodes))
}

// datasetPath turns a closed cycle into a closed path of datasets. It
// drops the transform steps and closes the path on its first dataset, not
// on the cycle's first node, which may be a step.
func datasetPath(cycle []node) []string {
	var out []string
	for _, n := range cycle[:max(0, len(cycle)-1)] {
		if n.step == 0 {
			out = append(out, n.name)
		}
	}
	if len(out) == 0 {
		// Steps only ever link datasets, so a cycle always holds one.
		return nil
	}
	return append(out, out[0])
}
