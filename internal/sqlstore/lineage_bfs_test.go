package sqlstore_test

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// genGraph is a generated lineage graph of 10,000 datasets: long chains,
// chains of diamonds (many equal-length paths), a long cycle with a short
// one inside it, fan-out hubs, and random cross edges (which close more
// cycles). Some edges are declared by two pipelines.
type genGraph struct {
	datasets []catalog.Dataset
	edges    []catalog.LineageEdge
	roots    []string
	byID     map[string]catalog.Dataset
	adj      map[bool]map[string][]catalog.LineageEdge // upstream? → dataset → its edges that way
}

func generateGraph(n int) genGraph {
	rng := rand.New(rand.NewPCG(7, 11))
	var g genGraph
	add := func(id string) string {
		d := catalog.Dataset{ID: id}
		if len(g.datasets)%3 == 0 {
			d.Object, d.ConnectionRef = "db.t_"+id, fmt.Sprintf("conn-%d", len(g.datasets)%5)
		}
		g.datasets = append(g.datasets, d)
		return id
	}
	link := func(from, to string) {
		g.edges = append(g.edges, catalog.LineageEdge{From: from, To: to, Pipeline: fmt.Sprintf("p%d", len(g.edges)%7)})
	}
	for c := 0; c < 25; c++ { // chains: 25 × 160; every fifth gives roots at its head, middle and end
		prev := add(fmt.Sprintf("chain%02d_000", c))
		for i := 1; i < 160; i++ {
			next := add(fmt.Sprintf("chain%02d_%03d", c, i))
			link(prev, next)
			if c%5 == 0 && (i == 1 || i == 80) {
				g.roots = append(g.roots, prev)
			}
			prev = next
		}
		if c%5 == 0 {
			g.roots = append(g.roots, prev)
		}
	}
	for c := 0; c < 20; c++ { // diamonds: 20 × (1 + 60 × 3); every fifth gives roots at both ends
		head := add(fmt.Sprintf("dia%02d_h000", c))
		if c%5 == 0 {
			g.roots = append(g.roots, head)
		}
		for i := 0; i < 60; i++ {
			l, r, next := add(fmt.Sprintf("dia%02d_l%03d", c, i)), add(fmt.Sprintf("dia%02d_r%03d", c, i)), add(fmt.Sprintf("dia%02d_h%03d", c, i+1))
			link(head, l)
			link(head, r)
			link(l, next)
			link(r, next)
			head = next
		}
		if c%5 == 0 {
			g.roots = append(g.roots, head)
		}
	}
	ring := make([]string, 400) // a cycle of 400 with a chord making a cycle of 5
	for i := range ring {
		ring[i] = add(fmt.Sprintf("ring_%03d", i))
	}
	for i := range ring {
		link(ring[i], ring[(i+1)%len(ring)])
	}
	link(ring[104], ring[100])
	g.roots = append(g.roots, ring[0], ring[102])
	var hub string
	for i := 0; len(g.datasets) < n; i++ { // fan-out hubs of 100 leaves fill up to n
		if i%100 == 0 {
			hub = add(fmt.Sprintf("hub_%02d", i/100))
		}
		link(hub, add(fmt.Sprintf("leaf_%04d", i)))
	}
	g.roots = append(g.roots, "hub_00")
	for i := 0; i < 600; i++ { // cross edges between random datasets
		a, b := g.datasets[rng.IntN(n)].ID, g.datasets[rng.IntN(n)].ID
		if a != b {
			link(a, b)
		}
	}
	for i := 0; i < 200; i += 10 { // the same edge from a second pipeline
		e := g.edges[i*13]
		g.edges = append(g.edges, catalog.LineageEdge{From: e.From, To: e.To, Pipeline: "shared"})
	}
	for i := 0; i < 10; i++ {
		g.roots = append(g.roots, g.datasets[rng.IntN(n)].ID)
	}
	g.byID = map[string]catalog.Dataset{}
	for _, d := range g.datasets {
		g.byID[d.ID] = d
	}
	g.adj = map[bool]map[string][]catalog.LineageEdge{true: {}, false: {}}
	for _, e := range g.edges {
		g.adj[true][e.To] = append(g.adj[true][e.To], e)
		g.adj[false][e.From] = append(g.adj[false][e.From], e)
	}
	return g
}

// bfs is the reference walk in memory, by the definitions of
// catalog.LineageGraph, with both directions walked separately and merged.
func (g genGraph) bfs(q catalog.LineageQuery) *catalog.LineageGraph {
	out := &catalog.LineageGraph{LineageQuery: q}
	depth := map[string]int{}
	edges := map[catalog.LineageEdge]bool{}
	for _, up := range []bool{true, false} {
		if (up && q.Direction == catalog.Downstream) || (!up && q.Direction == catalog.Upstream) {
			continue
		}
		adj := g.adj[up]
		dist := map[string]int{q.Root: 0}
		for frontier, d := []string{q.Root}, 0; len(frontier) > 0; d++ {
			var next []string
			for _, id := range frontier {
				if d == q.Depth {
					out.Truncated = out.Truncated || len(adj[id]) > 0
					continue
				}
				for _, e := range adj[id] {
					edges[e] = true
					far := e.To
					if up {
						far = e.From
					}
					if _, seen := dist[far]; !seen {
						dist[far] = d + 1
						next = append(next, far)
					}
				}
			}
			frontier = next
		}
		for id, d := range dist {
			if have, ok := depth[id]; !ok || d < have {
				depth[id] = d
			}
		}
	}
	for id, d := range depth {
		out.Nodes = append(out.Nodes, catalog.LineageNode{Dataset: g.byID[id], Depth: d})
	}
	for e := range edges {
		out.Edges = append(out.Edges, e)
	}
	slices.SortFunc(out.Nodes, func(a, b catalog.LineageNode) int {
		return cmp.Or(cmp.Compare(a.Depth, b.Depth), cmp.Compare(a.ID, b.ID))
	})
	slices.SortFunc(out.Edges, func(a, b catalog.LineageEdge) int {
		return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To), cmp.Compare(a.Pipeline, b.Pipeline))
	})
	return out
}

func TestLineageService_WalkMatchesBFSOn10000Datasets(t *testing.T) {
	g := generateGraph(10_000)
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanBusiness)
		start := time.Now()
		if err := sqlstore.LoadLineageForTest(ctx, db, g.datasets, g.edges); err != nil {
			t.Fatal(err)
		}
		loaded, walks := time.Since(start), 0
		for _, root := range g.roots {
			for _, dir := range []catalog.Direction{catalog.Upstream, catalog.Downstream, catalog.Both} {
				for _, depth := range []int{1, 4, 50} {
					q := catalog.LineageQuery{Root: root, Direction: dir, Depth: depth}
					got, err := db.Lineage(ctx, q)
					if err != nil {
						t.Fatalf("%+v: %v", q, err)
					}
					if want := g.bfs(q); graphString(got) != graphString(want) {
						t.Fatalf("%+v differs from BFS:\n got %.600s\nwant %.600s", q, graphString(got), graphString(want))
					}
					walks++
				}
			}
		}
		t.Logf("%d datasets, %d edges loaded in %v; %d walks in %v", len(g.datasets), len(g.edges), loaded, walks, time.Since(start)-loaded)
	})
}
