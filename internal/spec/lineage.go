package spec

import (
	"cmp"
	"slices"
)

// Edges returns the dataset-level lineage edges, deduplicated and sorted by
// (From, To): each transform input to each of its outputs, each target
// input to the target, and the explicit lineage.edges. Edges with an empty
// end are left out; Validate reports them.
func (p *Pipeline) Edges() []Edge {
	edges := append(p.derivedEdges(), p.Lineage.Edges...)
	return sortEdges(edges)
}

// derivedEdges are the edges implied by inputs and outputs, unsorted.
func (p *Pipeline) derivedEdges() []Edge {
	var edges []Edge
	for _, t := range p.Transforms {
		for _, in := range t.Inputs {
			for _, out := range t.Outputs {
				edges = append(edges, Edge{From: in, To: out})
			}
		}
	}
	for _, t := range p.Targets {
		for _, in := range t.Inputs {
			edges = append(edges, Edge{From: in, To: t.ID})
		}
	}
	return edges
}

// sortEdges drops edges with an empty end, sorts and deduplicates. It
// returns a non-nil slice so that callers can encode it as [].
func sortEdges(edges []Edge) []Edge {
	out := make([]Edge, 0, len(edges))
	for _, e := range edges {
		if e.From != "" && e.To != "" {
			out = append(out, e)
		}
	}
	slices.SortFunc(out, func(a, b Edge) int {
		return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To))
	})
	return slices.Compact(out)
}

// Datasets returns the datasets the pipeline declares (sources, transform
// outputs and targets) sorted by ID, each once. When a dataset is declared
// twice (which Validate reports), the first object and connection_ref win
// and later declarations only fill what is missing.
func (p *Pipeline) Datasets() []Dataset {
	byID := map[string]*Dataset{}
	add := func(d Dataset) {
		if d.ID == "" {
			return
		}
		have, ok := byID[d.ID]
		if !ok {
			byID[d.ID] = &d
			return
		}
		have.Object = cmp.Or(have.Object, d.Object)
		have.ConnectionRef = cmp.Or(have.ConnectionRef, d.ConnectionRef)
	}
	for _, s := range p.Sources {
		add(Dataset{ID: s.ID, Object: s.Object, ConnectionRef: s.ConnectionRef})
	}
	for _, t := range p.Transforms {
		for _, out := range t.Outputs {
			add(Dataset{ID: out})
		}
	}
	for _, t := range p.Targets {
		add(Dataset{ID: t.ID, Object: t.Object, ConnectionRef: t.ConnectionRef})
	}
	out := make([]Dataset, 0, len(byID))
	for _, d := range byID {
		out = append(out, *d)
	}
	slices.SortFunc(out, func(a, b Dataset) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// ConnectionRefs returns the distinct, non-empty connection_ref values of
// sources and targets, sorted.
func (p *Pipeline) ConnectionRefs() []string {
	refs := []string{}
	for _, s := range p.Sources {
		refs = append(refs, s.ConnectionRef)
	}
	for _, t := range p.Targets {
		refs = append(refs, t.ConnectionRef)
	}
	refs = slices.DeleteFunc(refs, func(r string) bool { return r == "" })
	slices.Sort(refs)
	return slices.Compact(refs)
}

// CheckSeverity returns the severity declared for the check with id
// checkID ("error" when the check declares none), and false if there is no
// such check. With duplicate ids (invalid) the first check wins.
func (p *Pipeline) CheckSeverity(checkID string) (string, bool) {
	for _, c := range p.Checks {
		if c.ID == checkID {
			return cmp.Or(c.Severity, "error"), true
		}
	}
	return "", false
}
