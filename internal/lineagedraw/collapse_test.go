package lineagedraw_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dataxpipe/catalog/internal/lineagedraw"
)

// fanout is a focus feeding n datasets, each produced by one of pipes
// pipelines (or none, every seventh), each feeding one more dataset.
func fanout(n, pipes int) lineagedraw.Graph {
	g := lineagedraw.Graph{Focus: "f", Nodes: []lineagedraw.Node{{ID: "f"}}}
	for i := range n {
		a, b := fmt.Sprintf("a%04d", i), fmt.Sprintf("b%04d", i)
		p := fmt.Sprintf("pipe%d", i%pipes)
		if i%7 == 0 {
			p = ""
		}
		g.Nodes = append(g.Nodes, lineagedraw.Node{ID: a, Pipeline: p, Namespace: "warehouse"}, lineagedraw.Node{ID: b, Pipeline: p, Namespace: "lake"})
		g.Edges = append(g.Edges, lineagedraw.Edge{From: "f", To: a, Prov: lineagedraw.Declared}, lineagedraw.Edge{From: a, To: b, Prov: lineagedraw.Observed})
	}
	return g
}

func TestCollapse_WithinBudgetExactCounts(t *testing.T) {
	g := fanout(250, 9)
	g.Nodes[5].Pinned = true // b-something deep: kept although far
	pinned := g.Nodes[5].ID
	c := lineagedraw.Collapse(g, 300)
	if len(c.Graph.Nodes) > 300 {
		t.Fatalf("%d boxes, budget 300", len(c.Graph.Nodes))
	}
	drawn, hidden := 0, 0
	for _, n := range c.Graph.Nodes {
		if n.Count > 0 {
			hidden += n.Count
		} else {
			drawn++
		}
	}
	if drawn+hidden != len(g.Nodes) || hidden != c.Hidden || len(c.GroupOf) != hidden {
		t.Fatalf("drawn %d + hidden %d (said %d) ≠ %d datasets", drawn, hidden, c.Hidden, len(g.Nodes))
	}
	if want := fmt.Sprintf("%d datasets hidden in %d groups", hidden, len(c.Groups)); c.Summary() != want {
		t.Fatalf("summary %q, want %q", c.Summary(), want)
	}
	if _, folded := c.GroupOf[pinned]; folded {
		t.Fatalf("pinned %s was folded", pinned)
	}
	if _, folded := c.GroupOf["f"]; folded {
		t.Fatal("the focus was folded")
	}
	// Nearer datasets stay before farther ones, and no column is crowded.
	perColumn := map[int]int{}
	for _, n := range c.Graph.Nodes {
		if n.Count == 0 {
			perColumn[c.Graph.Columns[n.ID]]++
		}
	}
	if perColumn[1] != lineagedraw.MaxPerColumn || perColumn[2] > lineagedraw.MaxPerColumn {
		t.Fatalf("datasets drawn per column: %v", perColumn)
	}
	// Groups are by pipeline, datasets of no pipeline by namespace; each
	// in one column.
	for _, gr := range c.Groups {
		if gr.Kind != "pipeline" && !(gr.Kind == "namespace" && (gr.Name == "lake" || gr.Name == "warehouse")) {
			t.Errorf("group %s: kind %s name %s", gr.ID, gr.Kind, gr.Name)
		}
		if gr.Column != 1 && gr.Column != 2 {
			t.Errorf("group %s in column %d", gr.ID, gr.Column)
		}
	}
	// The collapsed graph still draws.
	pic := layout(t, c.Graph)
	checkPicture(t, pic)
	if col := column(pic, c.Groups[len(c.Groups)-1].ID); col != 2 {
		t.Fatalf("group drawn in column %d", col)
	}
}

// Too many pipelines for one box each: the groups fall back to namespaces.
func TestCollapse_ManyPipelinesGroupByNamespace(t *testing.T) {
	c := lineagedraw.Collapse(fanout(2000, 1000), 300)
	if len(c.Graph.Nodes) > 300 {
		t.Fatalf("%d boxes", len(c.Graph.Nodes))
	}
	for _, gr := range c.Groups {
		if gr.Kind != "namespace" {
			t.Fatalf("group %s by %s", gr.ID, gr.Kind)
		}
	}
	if c.Hidden+len(c.Graph.Nodes)-len(c.Groups) != 4001 {
		t.Fatalf("counts do not add up: %d hidden", c.Hidden)
	}
}

func TestCollapse_SmallGraphUntouched(t *testing.T) {
	g := fanout(10, 3)
	c := lineagedraw.Collapse(g, 300)
	if c.Hidden != 0 || len(c.Groups) != 0 || len(c.Graph.Nodes) != len(g.Nodes) || c.Summary() != "" {
		t.Fatalf("small graph collapsed: %+v", c.Groups)
	}
}

// Two drawings at once share nothing: while one is held in the middle of
// its layout, another completes. No clock is involved: the held drawing
// waits on a channel the test closes only after the other returned.
func TestDraw_ConcurrentDrawingsDoNotWait(t *testing.T) {
	held, release := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	var bigErr error
	go func() {
		defer wg.Done()
		pause := func(context.Context) { close(held); <-release }
		_, _, bigErr = lineagedraw.Draw(context.Background(), lineagedraw.Collapse(fanout(3000, 40), 300).Graph, lineagedraw.Options{Pause: pause}, lineagedraw.RenderOptions{})
	}()
	select {
	case <-held:
	case <-time.After(time.Minute): // a hang guard, not a measurement
		t.Fatal("the large drawing never reached its layout")
	}
	svg, _, err := lineagedraw.Draw(context.Background(), fanout(2, 1), lineagedraw.Options{}, lineagedraw.RenderOptions{})
	if err != nil || !strings.Contains(string(svg), `data-id="a0001"`) {
		t.Fatalf("small drawing while a large one is held: %v", err)
	}
	close(release)
	wg.Wait()
	if bigErr != nil {
		t.Fatal(bigErr)
	}
}
