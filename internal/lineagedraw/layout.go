package lineagedraw

import (
	"cmp"
	"context"
	"errors"
	"math"
	"slices"
)

// Geometry, in SVG user units (pixels).
const (
	NodeW      = 224
	NodeH      = 60
	fieldH     = 18 // one column row inside a node showing column lineage
	dummyH     = 10 // the slot a long edge takes as it passes a column
	colGap     = 96
	rowGap     = 18
	margin     = 24
	dummyIndex = -1
)

// ErrTooSlow is Layout's and Render's answer when the context ended first.
var ErrTooSlow = errors.New("lineagedraw: the drawing ran past its deadline")

// Options tune a drawing.
type Options struct {
	// Pause, when set, is called in the middle of the layout with the
	// drawing's context: tests use it to hold one drawing while others
	// run. It is never set in production.
	Pause func(ctx context.Context)
}

// Point is a position in the picture.
type Point struct{ X, Y int }

// Box is a node's rectangle.
type Box struct{ X, Y, W, H int }

// Picture is a laid-out graph. Nodes and Edges are parallel to the
// graph's (sorted by Layout: nodes by id, edges by endpoints).
type Picture struct {
	Graph   Graph
	Width   int
	Height  int
	Boxes   []Box
	Columns []int // each node's column, its signed distance from the focus
	// Routes are each edge's polyline, from the border of its From box to
	// the border of its To box through the slots it takes in the columns
	// between; nil for an edge with an end that is not a node.
	Routes [][]Point
}

// vertex is a node or a dummy a long edge places in a column it crosses.
type vertex struct {
	node int // index in g.Nodes, or dummyIndex
	rank int
	h    int
	y    int // top
}

// Layout places every node and routes every edge. It is a pure function of
// the graph: the same graph gives the same picture whatever the order of
// its nodes and edges.
func Layout(ctx context.Context, g Graph, o Options) (*Picture, error) {
	g = sorted(g)
	rank := Ranks(g)
	index := make(map[string]int, len(g.Nodes))
	var vs []vertex
	for i, n := range g.Nodes {
		index[n.ID] = i
		h := NodeH
		if len(n.Fields) > 0 {
			h += 8 + fieldH*len(n.Fields)
		}
		vs = append(vs, vertex{node: i, rank: rank[n.ID], h: h})
	}
	// Each edge spanning more than one column becomes a chain through a
	// dummy per column it crosses, so ordering sees it and routing goes
	// round the boxes rather than through them.
	chains := make([][]int, len(g.Edges)) // vertex indexes from From to To
	segs := map[[2]int]bool{}             // adjacent-column pairs, left vertex first
	for i, e := range g.Edges {
		a, okA := index[e.From]
		b, okB := index[e.To]
		if !okA || !okB {
			continue
		}
		chain := []int{a}
		ra, rb := vs[a].rank, vs[b].rank
		step := 1
		if rb < ra {
			step = -1
		}
		for r := ra + step; ra != rb && r != rb; r += step {
			vs = append(vs, vertex{node: dummyIndex, rank: r, h: dummyH})
			chain = append(chain, len(vs)-1)
		}
		chain = append(chain, b)
		chains[i] = chain
		for k := 0; k+1 < len(chain); k++ {
			u, v := chain[k], chain[k+1]
			if vs[u].rank == vs[v].rank {
				continue
			}
			if vs[u].rank > vs[v].rank {
				u, v = v, u
			}
			segs[[2]int{u, v}] = true
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, ErrTooSlow
	}
	minR, maxR := 0, 0
	for _, v := range vs {
		minR, maxR = min(minR, v.rank), max(maxR, v.rank)
	}
	cols := make([][]int, maxR-minR+1)
	for i, v := range vs { // nodes by id, then dummies by edge: a stable start
		cols[v.rank-minR] = append(cols[v.rank-minR], i)
	}
	left, right := make([][]int, len(vs)), make([][]int, len(vs))
	for _, s := range slices.SortedFunc(mapKeys(segs), func(a, b [2]int) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) }) {
		right[s[0]] = append(right[s[0]], s[1])
		left[s[1]] = append(left[s[1]], s[0])
	}
	order(ctx, cols, left, right, -minR)
	if o.Pause != nil {
		o.Pause(ctx)
	}
	if err := ctx.Err(); err != nil {
		return nil, ErrTooSlow
	}
	place(cols, vs, left, right, -minR)

	pic := &Picture{Graph: g, Boxes: make([]Box, len(g.Nodes)), Columns: make([]int, len(g.Nodes)), Routes: make([][]Point, len(g.Edges))}
	colX := func(r int) int { return margin + (r-minR)*(NodeW+colGap) }
	top := 0
	for i, v := range vs {
		if i == 0 || v.y < top {
			top = v.y
		}
	}
	bottom := 0
	for i := range vs {
		vs[i].y += margin - top
		bottom = max(bottom, vs[i].y+vs[i].h)
	}
	for i, n := range g.Nodes {
		v := vs[index[n.ID]]
		pic.Boxes[i] = Box{X: colX(v.rank), Y: v.y, W: NodeW, H: v.h}
		pic.Columns[i] = v.rank
	}
	for i, chain := range chains {
		if chain == nil {
			continue
		}
		pic.Routes[i] = route(chain, vs, colX)
	}
	pic.Width = colX(maxR) + NodeW + margin + 40 // room for a loop round the last column
	pic.Height = bottom + margin
	return pic, nil
}

// route is the polyline of one edge chain.
func route(chain []int, vs []vertex, colX func(int) int) []Point {
	a, b := vs[chain[0]], vs[chain[len(chain)-1]]
	mid := func(v vertex) int { return v.y + min(v.h, NodeH)/2 }
	if a.rank == b.rank { // same column, or itself: a loop out of the right side
		x := colX(a.rank) + NodeW
		y1, y2 := mid(a), mid(b)
		if chain[0] == chain[len(chain)-1] {
			y1, y2 = a.y+12, a.y+a.h-12
		}
		return []Point{{x, y1}, {x + 36, (y1 + y2) / 2}, {x, y2}}
	}
	forward := b.rank > a.rank
	var pts []Point
	for k, vi := range chain {
		v := vs[vi]
		x := colX(v.rank)
		switch {
		case k == 0 && forward, k == len(chain)-1 && !forward:
			pts = append(pts, Point{x + NodeW, mid(v)})
		case k == 0, k == len(chain)-1:
			pts = append(pts, Point{x, mid(v)})
		default: // a dummy: enter and leave its slot level
			y := v.y + v.h/2
			if forward {
				pts = append(pts, Point{x, y}, Point{x + NodeW, y})
			} else {
				pts = append(pts, Point{x + NodeW, y}, Point{x, y})
			}
		}
	}
	return pts
}

// order sorts each column to reduce crossings: first outward from the
// focus's column (each column by where its neighbours nearer the focus
// sit), then alternating sweeps left to right and right to left, keeping
// the order with the fewest crossings.
func order(ctx context.Context, cols [][]int, left, right [][]int, focus int) {
	pos := make([]float64, len(left))
	setPos := func(c []int) {
		for i, v := range c {
			pos[v] = float64(i)
		}
	}
	for _, c := range cols {
		setPos(c)
	}
	byNeighbours := func(c []int, nb [][]int) {
		key := make(map[int]float64, len(c))
		for i, v := range c {
			key[v] = float64(i)
			if len(nb[v]) > 0 {
				sum := 0.0
				for _, u := range nb[v] {
					sum += pos[u]
				}
				key[v] = sum / float64(len(nb[v]))
			}
		}
		slices.SortStableFunc(c, func(a, b int) int { return cmp.Compare(key[a], key[b]) })
		setPos(c)
	}
	for r := focus + 1; r < len(cols); r++ {
		byNeighbours(cols[r], left)
	}
	for r := focus - 1; r >= 0; r-- {
		byNeighbours(cols[r], right)
	}
	best, bestN := snapshot(cols), crossings(cols, right, pos)
	for sweep := 0; sweep < 4 && bestN > 0; sweep++ {
		if ctx.Err() != nil {
			break
		}
		if sweep%2 == 0 {
			for r := 1; r < len(cols); r++ {
				byNeighbours(cols[r], left)
			}
		} else {
			for r := len(cols) - 2; r >= 0; r-- {
				byNeighbours(cols[r], right)
			}
		}
		if n := crossings(cols, right, pos); n < bestN {
			best, bestN = snapshot(cols), n
		}
	}
	for r := range cols {
		copy(cols[r], best[r])
		setPos(cols[r])
	}
}

func snapshot(cols [][]int) [][]int {
	out := make([][]int, len(cols))
	for i, c := range cols {
		out[i] = slices.Clone(c)
	}
	return out
}

// crossings counts pairs of segments that cross between adjacent columns:
// the inversions of the right ends when segments are sorted by their left
// ends, counted with a Fenwick tree.
func crossings(cols [][]int, right [][]int, pos []float64) int {
	total := 0
	for r := 0; r+1 < len(cols); r++ {
		type seg struct{ a, b int }
		var segs []seg
		for _, u := range cols[r] {
			for _, v := range right[u] {
				segs = append(segs, seg{int(pos[u]), int(pos[v])})
			}
		}
		slices.SortFunc(segs, func(x, y seg) int { return cmp.Or(cmp.Compare(x.a, y.a), cmp.Compare(x.b, y.b)) })
		n := len(cols[r+1])
		tree := make([]int, n+1)
		seen := 0
		for _, s := range segs {
			// segments already seen ending strictly below s.b cross it
			le := 0
			for i := s.b + 1; i > 0; i -= i & -i {
				le += tree[i]
			}
			total += seen - le
			for i := s.b + 1; i <= n; i += i & -i {
				tree[i]++
			}
			seen++
		}
	}
	return total
}

// place gives every vertex its top: columns stacked, then each column
// pulled towards the mean height of its neighbours, outward from the
// focus and then once more both ways, never reordering or overlapping.
func place(cols [][]int, vs []vertex, left, right [][]int, focus int) {
	tallest := 0
	for _, c := range cols {
		tallest = max(tallest, stackHeight(c, vs))
	}
	for _, c := range cols {
		y := (tallest - stackHeight(c, vs)) / 2
		for _, v := range c {
			vs[v].y = y
			y += vs[v].h + rowGap
		}
	}
	centre := func(v int) float64 { return float64(vs[v].y) + float64(min(vs[v].h, NodeH))/2 }
	pull := func(c []int, nbs ...[][]int) {
		want := make([]float64, len(c))
		for i, v := range c {
			want[i] = float64(vs[v].y)
			sum, k := 0.0, 0
			for _, nb := range nbs {
				for _, u := range nb[v] {
					sum, k = sum+centre(u), k+1
				}
			}
			if k > 0 {
				want[i] = sum/float64(k) - float64(min(vs[v].h, NodeH))/2
			}
		}
		// Push down to remove overlaps, then shift the whole column so it
		// sits, on average, where it wanted to.
		got := make([]float64, len(c))
		shift := 0.0
		for i := range c {
			got[i] = want[i]
			if i > 0 {
				got[i] = max(got[i], got[i-1]+float64(vs[c[i-1]].h+rowGap))
			}
			shift += want[i] - got[i]
		}
		shift /= float64(max(len(c), 1))
		for i, v := range c {
			vs[v].y = int(math.Round(got[i] + shift))
		}
	}
	for round := 0; round < 2; round++ {
		for r := focus + 1; r < len(cols); r++ {
			pull(cols[r], left)
		}
		for r := focus - 1; r >= 0; r-- {
			pull(cols[r], right)
		}
	}
	for r := range cols {
		pull(cols[r], left, right)
	}
}

func stackHeight(c []int, vs []vertex) int {
	h := 0
	for i, v := range c {
		if i > 0 {
			h += rowGap
		}
		h += vs[v].h
	}
	return h
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
