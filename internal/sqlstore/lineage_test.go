package sqlstore_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/sqlstore"
	"github.com/dataxpipe/catalog/internal/sqlstore/sqlstoretest"
)

// lineageReg registers a pipeline declaring the lineage the API reads from
// a spec: datasets as "id" or "id=object@connection_ref" (with the external
// ones its edges name) and edges as "from>to". Its content is its lineage.
func lineageReg(name, version string, datasets []string, edges ...string) catalog.PipelineRegistration {
	r := reg(name, version, strings.Join(append(slices.Clone(datasets), edges...), " "))
	for _, d := range datasets {
		id, rest, _ := strings.Cut(d, "=")
		object, conn, _ := strings.Cut(rest, "@")
		r.Datasets = append(r.Datasets, catalog.Dataset{ID: id, Object: object, ConnectionRef: conn})
	}
	for _, e := range edges {
		from, to, _ := strings.Cut(e, ">")
		r.Edges = append(r.Edges, catalog.LineageEdge{From: from, To: to})
	}
	return r
}

// The lineage of a few specs: orders_sync reads raw_orders and (in its first
// version) customers_sync's dim_customers; reporting reads clean_orders.
var (
	ordersV1 = lineageReg("orders_sync", "1",
		[]string{"raw_orders=ecommerce.orders@pg-prod", "orders_enriched", "clean_orders=analytics.orders_clean@bq-prod", "dim_customers"},
		"raw_orders>orders_enriched", "dim_customers>orders_enriched", "orders_enriched>clean_orders")
	ordersV2 = lineageReg("orders_sync", "2",
		[]string{"raw_orders=ecommerce.orders@pg-prod", "orders_enriched", "clean_orders=analytics.orders_clean@bq-prod"},
		"raw_orders>orders_enriched", "orders_enriched>clean_orders")
	customers = lineageReg("customers_sync", "1", []string{"crm_customers", "dim_customers=analytics.dim_customers"}, "crm_customers>dim_customers")
	reporting = lineageReg("reporting", "1", []string{"daily_revenue", "clean_orders"}, "clean_orders>daily_revenue")
)

// graphString renders a walk compactly: nodes with depths, edges, truncated.
func graphString(g *catalog.LineageGraph) string {
	var b strings.Builder
	for _, n := range g.Nodes {
		fmt.Fprintf(&b, "%s:%d", n.ID, n.Depth)
		if n.Object != "" || n.ConnectionRef != "" {
			fmt.Fprintf(&b, "(%s,%s)", n.Object, n.ConnectionRef)
		}
		b.WriteString(" ")
	}
	b.WriteString("|")
	for _, e := range g.Edges {
		fmt.Fprintf(&b, " %s>%s@%s", e.From, e.To, e.Pipeline)
	}
	fmt.Fprintf(&b, " | truncated=%v", g.Truncated)
	return b.String()
}

func mustWalk(t *testing.T, db *sqlstore.DB, ctx context.Context, root string, dir catalog.Direction, depth int) string {
	t.Helper()
	g, err := db.Lineage(ctx, catalog.LineageQuery{Root: root, Direction: dir, Depth: depth})
	if err != nil {
		t.Fatalf("Lineage(%s, %s, %d): %v", root, dir, depth, err)
	}
	return graphString(g)
}

func TestLineageService_MergeReplaceDelete(t *testing.T) {
	answers := map[string][]string{} // engine → every answer, compared across engines at the end
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanBusiness)
		check := func(root string, dir catalog.Direction, depth int, want string) {
			t.Helper()
			got := mustWalk(t, db, ctx, root, dir, depth)
			if got != want {
				t.Fatalf("%s %s %d:\n got %s\nwant %s", root, dir, depth, got, want)
			}
			answers[t.Name()] = append(answers[t.Name()], got)
		}
		for _, r := range []catalog.PipelineRegistration{ordersV1, customers, reporting} {
			if _, _, err := db.RegisterPipeline(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		check("clean_orders", catalog.Upstream, 3, "clean_orders:0(analytics.orders_clean,bq-prod) orders_enriched:1 dim_customers:2(analytics.dim_customers,) "+
			"raw_orders:2(ecommerce.orders,pg-prod) crm_customers:3 | crm_customers>dim_customers@customers_sync dim_customers>orders_enriched@orders_sync "+
			"orders_enriched>clean_orders@orders_sync raw_orders>orders_enriched@orders_sync | truncated=false")
		check("clean_orders", catalog.Upstream, 2, "clean_orders:0(analytics.orders_clean,bq-prod) orders_enriched:1 dim_customers:2(analytics.dim_customers,) "+
			"raw_orders:2(ecommerce.orders,pg-prod) | dim_customers>orders_enriched@orders_sync orders_enriched>clean_orders@orders_sync "+
			"raw_orders>orders_enriched@orders_sync | truncated=true")
		check("orders_enriched", catalog.Both, 1, "orders_enriched:0 clean_orders:1(analytics.orders_clean,bq-prod) dim_customers:1(analytics.dim_customers,) "+
			"raw_orders:1(ecommerce.orders,pg-prod) | dim_customers>orders_enriched@orders_sync orders_enriched>clean_orders@orders_sync "+
			"raw_orders>orders_enriched@orders_sync | truncated=true")

		// A new version replaces the pipeline's edges; another pipeline's stay.
		if _, _, err := db.RegisterPipeline(ctx, ordersV2); err != nil {
			t.Fatal(err)
		}
		check("clean_orders", catalog.Upstream, 5, "clean_orders:0(analytics.orders_clean,bq-prod) orders_enriched:1 raw_orders:2(ecommerce.orders,pg-prod) | "+
			"orders_enriched>clean_orders@orders_sync raw_orders>orders_enriched@orders_sync | truncated=false")
		check("dim_customers", catalog.Both, 5, "dim_customers:0(analytics.dim_customers,) crm_customers:1 | crm_customers>dim_customers@customers_sync | truncated=false")

		// Deleting a pipeline removes its edges and the datasets only it declared.
		if err := db.DeletePipeline(ctx, "customers_sync"); err != nil {
			t.Fatal(err)
		}
		for _, gone := range []string{"dim_customers", "crm_customers"} {
			if _, err := db.Lineage(ctx, catalog.LineageQuery{Root: gone, Direction: catalog.Both, Depth: 3}); catalog.ErrorCode(err) != catalog.ENOTFOUND {
				t.Fatalf("%s after its pipeline's deletion: %v, want not_found", gone, err)
			}
		}
		if err := db.DeletePipeline(ctx, "orders_sync"); err != nil {
			t.Fatal(err)
		}
		// clean_orders stays (reporting reads it) but nothing says its object any more.
		check("clean_orders", catalog.Both, 3, "clean_orders:0 daily_revenue:1 | clean_orders>daily_revenue@reporting | truncated=false")
	})
	if a, b := answers["TestLineageService_MergeReplaceDelete/sqlite"], answers["TestLineageService_MergeReplaceDelete/postgres"]; a != nil && b != nil && strings.Join(a, "\n") != strings.Join(b, "\n") {
		t.Fatalf("the engines answer differently:\nsqlite   %v\npostgres %v", a, b)
	}
}

func TestLineageService_CyclesAndBadQueries(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanBusiness)
		// Each pipeline is acyclic; together they close a loop a → b → c → a.
		for i, pair := range [][2]string{{"a", "b"}, {"b", "c"}, {"c", "a"}} {
			r := lineageReg(fmt.Sprintf("p%d", i), "1", pair[:], pair[0]+">"+pair[1])
			if _, _, err := db.RegisterPipeline(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		if got, want := mustWalk(t, db, ctx, "a", catalog.Downstream, 50), "a:0 b:1 c:2 | a>b@p0 b>c@p1 c>a@p2 | truncated=false"; got != want {
			t.Fatalf("cycle at depth 50:\n got %s\nwant %s", got, want)
		}
		if got, want := mustWalk(t, db, ctx, "a", catalog.Both, 1), "a:0 b:1 c:1 | a>b@p0 c>a@p2 | truncated=true"; got != want {
			t.Fatalf("cycle both ways at depth 1:\n got %s\nwant %s", got, want)
		}
		for _, q := range []catalog.LineageQuery{{Root: "a", Direction: "sideways", Depth: 3}, {Root: "a", Direction: catalog.Both, Depth: 0}, {Root: "a", Direction: catalog.Both, Depth: 51}} {
			if _, err := db.Lineage(ctx, q); catalog.ErrorCode(err) != catalog.EINVALID {
				t.Errorf("Lineage(%+v) = %v, want validation_failed", q, err)
			}
		}
	})
}

func TestLineageService_ErrOtherOrg(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		a, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanBusiness)
		b, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanBusiness)
		if _, _, err := db.RegisterPipeline(a, ordersV1); err != nil {
			t.Fatal(err)
		}
		// The same dataset ids in another organization are other nodes.
		if _, _, err := db.RegisterPipeline(b, reporting); err != nil {
			t.Fatal(err)
		}
		if got, want := mustWalk(t, db, b, "clean_orders", catalog.Both, 50), "clean_orders:0 daily_revenue:1 | clean_orders>daily_revenue@reporting | truncated=false"; got != want {
			t.Fatalf("org B's walk:\n got %s\nwant %s", got, want)
		}
		if got := mustWalk(t, db, a, "clean_orders", catalog.Downstream, 50); got != "clean_orders:0(analytics.orders_clean,bq-prod) | | truncated=false" {
			t.Fatalf("org A's walk reaches org B's graph: %s", got)
		}
		if _, err := db.Lineage(b, catalog.LineageQuery{Root: "raw_orders", Direction: catalog.Both, Depth: 3}); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("org B walks org A's dataset: %v", err)
		}
		if _, err := db.FindDataset(b, "raw_orders"); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("org B finds org A's dataset: %v", err)
		}
		if items, _, _ := db.ListDatasets(b, catalog.DatasetFilter{}); len(items) != 2 {
			t.Fatalf("org B lists %d datasets, want its own 2", len(items))
		}
		if err := db.DeletePipeline(b, "orders_sync"); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("org B deletes org A's pipeline: %v", err)
		}
	})
}

// TestLineageService_DeletionWaitsForAConcurrentDeclaration holds a
// transaction that declares a dataset open while another deletes the only
// pipeline that declared it before: the deletion must wait and then keep
// the node, not remove it from under the declaration.
func TestLineageService_DeletionWaitsForAConcurrentDeclaration(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanBusiness)
		if _, _, err := db.RegisterPipeline(ctx, lineageReg("a", "1", []string{"shared", "a_out"}, "shared>a_out")); err != nil {
			t.Fatal(err)
		}
		commitB, err := sqlstore.ReplaceLineageInTxForTest(ctx, db, "b", []catalog.LineageEdge{{From: "shared", To: "b_out"}})
		if err != nil {
			t.Fatal(err)
		}
		deleted := make(chan error, 1)
		go func() { deleted <- db.DeletePipeline(ctx, "a") }()
		if err := sqlstore.WaitForLineageWaiterForTest(ctx, db); err != nil {
			t.Fatal(err)
		}
		if err := commitB(); err != nil {
			t.Fatal(err)
		}
		if err := <-deleted; err != nil {
			t.Fatal(err)
		}
		if got, want := mustWalk(t, db, ctx, "shared", catalog.Downstream, 3), "shared:0 b_out:1 | shared>b_out@b | truncated=false"; got != want {
			t.Fatalf("after the concurrent deletion:\n got %s\nwant %s", got, want)
		}
	})
}

func TestLineageService_Datasets(t *testing.T) {
	sqlstoretest.Each(t, func(t *testing.T, db *sqlstore.DB) {
		ctx, _ := sqlstoretest.MustCreateOrg(t, db, catalog.PlanBusiness)
		backfill := lineageReg("backfill", "1", []string{"clean_orders", "orders_enriched"}, "orders_enriched>clean_orders")
		for _, r := range []catalog.PipelineRegistration{ordersV1, reporting, backfill} {
			if _, _, err := db.RegisterPipeline(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		d, err := db.FindDataset(ctx, "clean_orders")
		if err != nil {
			t.Fatal(err)
		}
		got, _ := json.Marshal(d)
		want := `{"ID":"clean_orders","Namespace":"","Name":"","Object":"analytics.orders_clean","ConnectionRef":"bq-prod","Dropped":false,"Facets":null,"Producers":["backfill","orders_sync"],` +
			`"Upstream":[{"ID":"orders_enriched","Namespace":"","Name":"","Object":"","ConnectionRef":"","Dropped":false,"Pipelines":["backfill","orders_sync"]}],` +
			`"Downstream":[{"ID":"daily_revenue","Namespace":"","Name":"","Object":"","ConnectionRef":"","Dropped":false,"Pipelines":["reporting"]}]}`
		if string(got) != want {
			t.Fatalf("FindDataset =\n%s\nwant\n%s", got, want)
		}
		if d, _ := db.FindDataset(ctx, "raw_orders"); d == nil || len(d.Producers) != 0 || len(d.Upstream) != 0 || len(d.Downstream) != 1 {
			t.Fatalf("a source has no producers: %+v", d)
		}
		if _, err := db.FindDataset(ctx, "nope"); catalog.ErrorCode(err) != catalog.ENOTFOUND {
			t.Fatalf("unknown dataset: %v", err)
		}

		var ids []string
		for cursor := ""; ; {
			page, next, err := db.ListDatasets(ctx, catalog.DatasetFilter{Page: catalog.Page{Limit: 2, Cursor: cursor}})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range page {
				ids = append(ids, d.ID)
			}
			if cursor = next; cursor == "" {
				break
			}
		}
		if got := strings.Join(ids, ","); got != "clean_orders,daily_revenue,dim_customers,orders_enriched,raw_orders" {
			t.Fatalf("paged ids = %s", got)
		}
		// q matches the id or the object, whatever the case; LIKE wildcards are literal.
		for q, want := range map[string]string{"ORDERS": "clean_orders,orders_enriched,raw_orders", "analytics.": "clean_orders", "ecommerce": "raw_orders", "_": "clean_orders,daily_revenue,dim_customers,orders_enriched,raw_orders", "%": ""} {
			items, _, err := db.ListDatasets(ctx, catalog.DatasetFilter{Query: q})
			var got []string
			for _, d := range items {
				got = append(got, d.ID)
			}
			if err != nil || strings.Join(got, ",") != want {
				t.Errorf("q=%s: %v, %v; want %s", q, got, err, want)
			}
		}
	})
}

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
