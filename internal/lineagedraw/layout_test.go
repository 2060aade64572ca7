package lineagedraw_test

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/dataxpipe/catalog/internal/lineagedraw"
)

// build makes a graph from "a>b" edges; every named dataset is a node.
func build(focus string, edges ...string) lineagedraw.Graph {
	g := lineagedraw.Graph{Focus: focus}
	seen := map[string]bool{}
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			g.Nodes = append(g.Nodes, lineagedraw.Node{ID: id})
		}
	}
	add(focus)
	for _, e := range edges {
		from, to, _ := strings.Cut(e, ">")
		add(from)
		add(to)
		g.Edges = append(g.Edges, lineagedraw.Edge{From: from, To: to, Prov: lineagedraw.Declared | lineagedraw.Observed})
	}
	return g
}

// wide is a layered graph around f: up layers upstream and down layers
// downstream of width datasets, every dataset feeding two of the next
// layer, and a few edges that skip a layer.
func wide(up, down, width int) lineagedraw.Graph {
	var edges []string
	name := func(layer, i int) string {
		if layer == 0 {
			return "f"
		}
		return fmt.Sprintf("l%d_%d", layer, i)
	}
	for l := -up; l < down; l++ {
		n, m := width, width
		if l == 0 {
			n = 1
		}
		if l+1 == 0 {
			m = 1
		}
		for i := 0; i < n; i++ {
			edges = append(edges, name(l, i)+">"+name(l+1, (i*7)%m), name(l, i)+">"+name(l+1, (i*3+1)%m))
			if l+2 <= down && l+2 != 0 && l != 0 && i%5 == 0 {
				edges = append(edges, name(l, i)+">"+name(l+2, (i+2)%width))
			}
		}
	}
	return build("f", edges...)
}

func layout(t *testing.T, g lineagedraw.Graph) *lineagedraw.Picture {
	t.Helper()
	pic, err := lineagedraw.Layout(context.Background(), g, lineagedraw.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return pic
}

func overlap(a, b lineagedraw.Box) bool {
	return a.X < b.X+b.W && b.X < a.X+a.W && a.Y < b.Y+b.H && b.Y < a.Y+a.H
}

// onBorder says p lies on the left or right side of box.
func onBorder(p lineagedraw.Point, b lineagedraw.Box) bool {
	return (p.X == b.X || p.X == b.X+b.W) && p.Y >= b.Y && p.Y <= b.Y+b.H
}

// checkPicture asserts the layout's invariants on any graph.
func checkPicture(t *testing.T, pic *lineagedraw.Picture) {
	t.Helper()
	g := pic.Graph
	box := map[string]lineagedraw.Box{}
	for i, n := range g.Nodes {
		box[n.ID] = pic.Boxes[i]
		b := pic.Boxes[i]
		if b.X < 0 || b.Y < 0 || b.X+b.W > pic.Width || b.Y+b.H > pic.Height {
			t.Errorf("%s at %+v lies outside the %dx%d picture", n.ID, b, pic.Width, pic.Height)
		}
	}
	for i := range pic.Boxes {
		for j := i + 1; j < len(pic.Boxes); j++ {
			if overlap(pic.Boxes[i], pic.Boxes[j]) {
				t.Errorf("%s %+v overlaps %s %+v", g.Nodes[i].ID, pic.Boxes[i], g.Nodes[j].ID, pic.Boxes[j])
			}
		}
	}
	for i, e := range g.Edges {
		r := pic.Routes[i]
		if len(r) < 2 {
			t.Errorf("edge %s→%s has no route", e.From, e.To)
			continue
		}
		if !onBorder(r[0], box[e.From]) || !onBorder(r[len(r)-1], box[e.To]) {
			t.Errorf("edge %s→%s runs %v→%v, not between %+v and %+v", e.From, e.To, r[0], r[len(r)-1], box[e.From], box[e.To])
		}
		// Where a long edge crosses a column it runs level through its own
		// slot: that stretch meets no box.
		for k := 1; k+2 < len(r); k++ {
			p, q := r[k], r[k+1]
			if p.Y != q.Y {
				continue
			}
			for id, b := range box {
				if b.X == min(p.X, q.X) && p.Y >= b.Y && p.Y <= b.Y+b.H {
					t.Errorf("edge %s→%s passes through %s at y=%d", e.From, e.To, id, p.Y)
				}
			}
		}
	}
}

func column(pic *lineagedraw.Picture, id string) int {
	for i, n := range pic.Graph.Nodes {
		if n.ID == id {
			return pic.Columns[i]
		}
	}
	return -999
}

func TestLayout_ColumnsAreSignedDistances(t *testing.T) {
	//   u2 → u1 → f → d1 → d2 → d3, and a shortcut f → d3, a side input s → d1
	pic := layout(t, build("f", "u2>u1", "u1>f", "f>d1", "d1>d2", "d2>d3", "f>d3", "s>d1"))
	checkPicture(t, pic)
	want := map[string]int{"u2": -2, "u1": -1, "f": 0, "d1": 1, "d2": 2, "d3": 1, "s": 0}
	for id, c := range want {
		if got := column(pic, id); got != c {
			t.Errorf("%s in column %d, want %d", id, got, c)
		}
	}
	// Columns run left to right: upstream left of the focus, downstream right.
	x := map[int]int{}
	for i, c := range pic.Columns {
		if old, ok := x[c]; ok && old != pic.Boxes[i].X {
			t.Errorf("column %d has two x: %d and %d", c, old, pic.Boxes[i].X)
		}
		x[c] = pic.Boxes[i].X
	}
	if !(x[-2] < x[-1] && x[-1] < x[0] && x[0] < x[1] && x[1] < x[2]) {
		t.Errorf("columns out of order: %v", x)
	}
}

func TestLayout_CyclesAndSelfLoops(t *testing.T) {
	// a → f → b → a round the focus, a self-loop, a cycle beyond.
	pic := layout(t, build("f", "a>f", "f>b", "b>a", "b>b", "b>c", "c>e", "e>c"))
	checkPicture(t, pic)
	for id, c := range map[string]int{"a": -1, "b": 1, "c": 2, "e": 3} {
		if got := column(pic, id); got != c {
			t.Errorf("%s in column %d, want %d", id, got, c)
		}
	}
}

func TestLayout_LargeGraphInvariants(t *testing.T) {
	pic := layout(t, wide(3, 4, 30))
	if len(pic.Graph.Nodes) < 200 {
		t.Fatalf("only %d nodes", len(pic.Graph.Nodes))
	}
	checkPicture(t, pic)
}

// Same graph, same picture: twice, and with nodes and edges shuffled.
func TestLayout_Deterministic(t *testing.T) {
	g := wide(2, 3, 12)
	g.Edges = append(g.Edges, lineagedraw.Edge{From: "l2_3", To: "l1_1", Prov: lineagedraw.Observed}) // a cycle
	first := layout(t, g)
	r := rand.New(rand.NewPCG(1, 2))
	for range 5 {
		h := g
		h.Nodes, h.Edges = slices.Clone(g.Nodes), slices.Clone(g.Edges)
		r.Shuffle(len(h.Nodes), func(i, j int) { h.Nodes[i], h.Nodes[j] = h.Nodes[j], h.Nodes[i] })
		r.Shuffle(len(h.Edges), func(i, j int) { h.Edges[i], h.Edges[j] = h.Edges[j], h.Edges[i] })
		if again := layout(t, h); !reflect.DeepEqual(first, again) {
			t.Fatal("the same graph in another order gave another picture")
		}
	}
	a, _, err := lineagedraw.Draw(context.Background(), g, lineagedraw.Options{}, lineagedraw.RenderOptions{Title: "t"})
	if err != nil {
		t.Fatal(err)
	}
	b, _, _ := lineagedraw.Draw(context.Background(), g, lineagedraw.Options{}, lineagedraw.RenderOptions{Title: "t"})
	if !bytes.Equal(a, b) {
		t.Fatal("two drawings of one graph differ")
	}
}

// The sweeps reduce crossings: a graph drawn in a bad first order ends up
// with none where none are needed.
func TestLayout_SweepsUntangle(t *testing.T) {
	// f feeds a,b,c; a→z, b→y, c→x: ids sort the second column x,y,z, the
	// crossing-free order is the reverse of what the first column says.
	pic := layout(t, build("f", "f>c", "f>a", "f>b", "a>z", "b>y", "c>x"))
	checkPicture(t, pic)
	y := map[string]int{}
	for i, n := range pic.Graph.Nodes {
		y[n.ID] = pic.Boxes[i].Y
	}
	if (y["a"] < y["b"]) != (y["z"] < y["y"]) || (y["b"] < y["c"]) != (y["y"] < y["x"]) {
		t.Fatalf("edges cross: %v", y)
	}
}

func TestLayout_Deadline(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := lineagedraw.Layout(ctx, wide(1, 1, 5), lineagedraw.Options{}); err != lineagedraw.ErrTooSlow {
		t.Fatalf("past its deadline: %v", err)
	}
}
