package lineagedraw

import (
	"slices"
	"strings"

	"github.com/dataxpipe/catalog/internal/catalog"
)

// FromLineage turns a store's walk into a graph to draw. The store keeps
// one edge per source (a spec's pipeline, an OpenLineage job); a drawing
// has one edge per pair of datasets whose provenance says who vouches for
// it. A node's pipeline is the first pipeline declaring an edge into it,
// else the pipeline part of the first job reporting one (orders_sync for
// the job orders_sync.load).
func FromLineage(lg *catalog.LineageGraph) Graph {
	g := Graph{Focus: lg.Root}
	type pair struct{ from, to string }
	type acc struct {
		prov        Provenance
		pipes, jobs []string
		current     bool // some source reports it today (spec edges always do)
	}
	edges := map[pair]*acc{}
	var order []pair
	producer := map[string]string{}
	jobProducer := map[string]string{}
	for _, e := range lg.Edges {
		k := pair{e.From, e.To}
		a, ok := edges[k]
		if !ok {
			a = &acc{}
			edges[k] = a
			order = append(order, k)
		}
		if e.Pipeline != "" {
			a.prov |= Declared
			a.pipes = append(a.pipes, e.Pipeline)
			a.current = true
			if p, ok := producer[e.To]; !ok || e.Pipeline < p {
				producer[e.To] = e.Pipeline
			}
		}
		if e.Job != "" {
			a.prov |= Observed
			a.jobs = append(a.jobs, e.Job)
			if !e.Historic {
				a.current = true
			}
			p := JobPipeline(e.Job)
			if cur, ok := jobProducer[e.To]; !ok || p < cur {
				jobProducer[e.To] = p
			}
		}
	}
	for _, n := range lg.Nodes {
		node := Node{ID: n.ID, Sub: n.Object, Namespace: n.Namespace, Pipeline: producer[n.ID]}
		if n.Name != "" && n.ID == catalog.ObservedDatasetID(n.Namespace, n.Name) {
			// Only OpenLineage knows it: its name says more than a hash id.
			node.Label = n.Name
		}
		if node.Sub == "" && n.Namespace != "" {
			node.Sub = n.Namespace
		}
		if node.Pipeline == "" {
			node.Pipeline = jobProducer[n.ID]
		}
		if n.Dropped {
			node.State |= Dropped
		}
		g.Nodes = append(g.Nodes, node)
	}
	for _, k := range order {
		a := edges[k]
		var words []string
		if len(a.pipes) > 0 {
			words = append(words, "declared by "+strings.Join(uniq(a.pipes), ", "))
		}
		if len(a.jobs) > 0 {
			words = append(words, "observed from "+strings.Join(uniq(a.jobs), ", "))
		}
		g.Edges = append(g.Edges, Edge{From: k.from, To: k.to, Prov: a.prov, Historic: !a.current, Label: strings.Join(words, "; ")})
	}
	return g
}

// JobPipeline is the pipeline an OpenLineage job ("namespace/name") rolls
// up to: the name up to its first dot, as the ingest maps tasks to DAGs.
func JobPipeline(job string) string {
	if i := strings.LastIndex(job, "/"); i >= 0 {
		job = job[i+1:]
	}
	if i := strings.Index(job, "."); i > 0 {
		job = job[:i]
	}
	return job
}

func uniq(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}
