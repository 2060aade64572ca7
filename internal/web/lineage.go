package web

import (
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/lineagedraw"
)

// The lineage explorer: /lineage/{dataset} draws the neighbourhood of a
// dataset as inline SVG (internal/lineagedraw), every node a link, with
// separate upstream and downstream depths, per-node expand and collapse
// and column lineage on demand. The whole view is the URL's query, so a
// view can be shared and the back button undoes a click.

// Limits of one view.
const (
	drawBudget     = lineagedraw.DefaultBudget // boxes drawn; the rest fold into groups
	drawDeadline   = 2 * time.Second           // past it the page lists the walk without a drawing
	maxToggles     = 20                        // expand and collapse entries read from a URL
	maxTableRows   = 100                       // rows of the page's tables; the CSV has every dataset
	maxColumnPeers = 25                        // neighbours whose column lineage is read
	stateDeadline  = time.Second               // reading check and run states
	maxStatePipes  = 200                       // pipelines whose states are read for one view
)

// lineageView is the page's state, read from and written to the query.
type lineageView struct {
	Up, Down int
	Expand   []string // nodes walked one step further
	Collapse []string // nodes whose far side is hidden
	Columns  bool     // column lineage between the focus and its neighbours
}

// readLineageView reads up, down, expand, collapse and columns. The older
// direction and depth (links from before separate depths) still work when
// up and down are absent. A bad number is a problem the page shows; an
// unknown parameter is ignored, as on the other pages.
func readLineageView(q url.Values) (lineageView, []catalog.FieldError) {
	v := lineageView{Up: catalog.DefaultLineageDepth, Down: catalog.DefaultLineageDepth, Columns: q.Get("columns") == "1"}
	var problems []catalog.FieldError
	depth := func(name string, def int) int {
		s := q.Get(name)
		if s == "" {
			return def
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > catalog.MaxLineageDepth {
			problems = append(problems, catalog.FieldError{Field: name, Message: fmt.Sprintf("%s depth must be a whole number from 0 to %d.", strings.ToUpper(name[:1])+name[1:]+"stream", catalog.MaxLineageDepth)})
			return def
		}
		return n
	}
	if q.Get("up") == "" && q.Get("down") == "" && (q.Get("depth") != "" || q.Get("direction") != "") {
		d := q.Get("depth")
		n := catalog.DefaultLineageDepth
		if d != "" {
			var err error
			if n, err = strconv.Atoi(d); err != nil || n < 1 || n > catalog.MaxLineageDepth {
				problems = append(problems, catalog.FieldError{Field: "depth", Message: fmt.Sprintf("depth must be a whole number from 1 to %d.", catalog.MaxLineageDepth)})
				n = catalog.DefaultLineageDepth
			}
		}
		v.Up, v.Down = n, n
		switch q.Get("direction") {
		case "", string(catalog.Both):
		case string(catalog.Upstream):
			v.Down = 0
		case string(catalog.Downstream):
			v.Up = 0
		default:
			problems = append(problems, catalog.FieldError{Field: "direction", Message: "direction must be upstream, downstream or both."})
		}
	} else {
		v.Up, v.Down = depth("up", v.Up), depth("down", v.Down)
	}
	ids := func(name string) []string {
		var out []string
		for _, id := range q[name] {
			if id != "" && !slices.Contains(out, id) && len(out) < maxToggles {
				out = append(out, id)
			}
		}
		slices.Sort(out)
		return out
	}
	v.Expand, v.Collapse = ids("expand"), ids("collapse")
	return v, problems
}

// query is the view as URL parameters; defaults are left out.
func (v lineageView) query() url.Values {
	q := url.Values{}
	q.Set("up", strconv.Itoa(v.Up))
	q.Set("down", strconv.Itoa(v.Down))
	for _, id := range v.Expand {
		q.Add("expand", id)
	}
	for _, id := range v.Collapse {
		q.Add("collapse", id)
	}
	if v.Columns {
		q.Set("columns", "1")
	}
	return q
}

// href is the page of root in view v, or a file of it (suffix "/nodes.csv").
func (v lineageView) href(root, suffix string) string {
	return "/lineage/" + url.PathEscape(root) + suffix + "?" + v.query().Encode()
}

// with returns v changed by fn, leaving v as it is.
func (v lineageView) with(fn func(*lineageView)) lineageView {
	c := v
	c.Expand, c.Collapse = slices.Clone(v.Expand), slices.Clone(v.Collapse)
	fn(&c)
	slices.Sort(c.Expand)
	slices.Sort(c.Collapse)
	return c
}

func toggled(list []string, id string) []string {
	if i := slices.Index(list, id); i >= 0 {
		return slices.Delete(slices.Clone(list), i, i+1)
	}
	return append(slices.Clone(list), id)
}

// explored is one view's answer: the walk, what the drawing folded, and
// the drawing itself when it finished in time.
type explored struct {
	Root    string
	View    lineageView
	Walk    *catalog.LineageGraph // upstream and downstream walks merged, with expansions
	Side    map[string]int        // signed column of every dataset of the walk
	Graph   lineagedraw.Graph     // every dataset with states and links
	Folded  lineagedraw.Collapsed
	SVG     template.HTML
	TooSlow bool
	// StatesPartial says some states could not be read in time.
	StatesPartial bool
	// Registered are the producing pipelines that are registered ones (the
	// others are OpenLineage jobs with no pipeline page).
	Registered map[string]bool
	MoreUp     bool // the upstream walk stopped at its depth with more beyond
	MoreDown   bool
	ColumnNote string
}

// explore walks, decorates, folds and draws one view.
func (u *UI) explore(ctx context.Context, root string, v lineageView) (*explored, error) {
	x := &explored{Root: root, View: v, Registered: map[string]bool{}}
	walk, err := u.lineageWalk(ctx, root, v, x)
	if err != nil {
		return nil, err
	}
	x.Walk = walk
	g := lineagedraw.FromLineage(walk)
	x.Side = lineagedraw.Ranks(g)
	u.decorate(ctx, &g, v, x)
	if v.Columns {
		x.ColumnNote = u.columnLineage(ctx, &g, walk)
	}
	x.Graph = g
	x.Folded = lineagedraw.Collapse(g, drawBudget)
	dctx, cancel := context.WithTimeout(ctx, drawDeadline)
	defer cancel()
	svg, _, err := lineagedraw.Draw(dctx, x.Folded.Graph, lineagedraw.Options{Pause: u.lineagePause},
		lineagedraw.RenderOptions{Inline: true, Title: fmt.Sprintf("Lineage of %s: %d datasets upstream and downstream", root, len(walk.Nodes)-1)})
	switch {
	case errors.Is(err, lineagedraw.ErrTooSlow):
		x.TooSlow = true
	case err != nil:
		return nil, err
	default:
		x.SVG = template.HTML(svg) // built by lineagedraw, which escapes every text and attribute
	}
	return x, nil
}

// lineageWalk merges the upstream walk, the downstream walk and a one-step
// walk beyond each expanded node, then hides what lies beyond each
// collapsed node.
func (u *UI) lineageWalk(ctx context.Context, root string, v lineageView, x *explored) (*catalog.LineageGraph, error) {
	merged := &catalog.LineageGraph{LineageQuery: catalog.LineageQuery{Root: root, Direction: catalog.Both, Depth: max(v.Up, v.Down)}}
	nodes := map[string]int{}
	type edgeKey struct{ from, to, pipeline, job string }
	edges := map[edgeKey]bool{}
	side := map[string]catalog.Direction{}
	add := func(g *catalog.LineageGraph, dir catalog.Direction, only bool) {
		for _, n := range g.Nodes {
			if only && n.ID != root {
				continue
			}
			if i, ok := nodes[n.ID]; ok {
				merged.Nodes[i].Depth = min(merged.Nodes[i].Depth, n.Depth)
				continue
			}
			nodes[n.ID] = len(merged.Nodes)
			merged.Nodes = append(merged.Nodes, n)
			if _, ok := side[n.ID]; !ok {
				side[n.ID] = dir
			}
		}
		if only {
			return
		}
		for _, e := range g.Edges {
			k := edgeKey{e.From, e.To, e.Pipeline, e.Job}
			if !edges[k] {
				edges[k] = true
				merged.Edges = append(merged.Edges, e)
			}
		}
	}
	walk := func(from string, dir catalog.Direction, depth int) (*catalog.LineageGraph, error) {
		return u.store.Lineage(ctx, catalog.LineageQuery{Root: from, Direction: dir, Depth: depth})
	}
	if v.Up > 0 {
		g, err := walk(root, catalog.Upstream, v.Up)
		if err != nil {
			return nil, err
		}
		add(g, catalog.Upstream, false)
		x.MoreUp = g.Truncated
	}
	if v.Down > 0 {
		g, err := walk(root, catalog.Downstream, v.Down)
		if err != nil {
			return nil, err
		}
		add(g, catalog.Downstream, false)
		x.MoreDown = g.Truncated
	}
	if v.Up == 0 && v.Down == 0 { // the focus alone
		g, err := walk(root, catalog.Downstream, 1)
		if err != nil {
			return nil, err
		}
		add(g, catalog.Downstream, true)
	}
	side[root] = catalog.Both
	for _, id := range v.Expand {
		dir, ok := side[id]
		if !ok || id == root {
			continue // a node no longer in the view: its toggle went stale
		}
		g, err := walk(id, dir, 1)
		if catalog.ErrorCode(err) == catalog.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		add(g, dir, false)
	}
	if len(v.Collapse) > 0 {
		prune(merged, v.Collapse, side)
	}
	slices.SortFunc(merged.Nodes, func(a, b catalog.LineageNode) int {
		if c := a.Depth - b.Depth; c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return merged, nil
}

// prune drops the edges leading away from the focus out of each collapsed
// node, and every dataset the focus no longer reaches.
func prune(g *catalog.LineageGraph, collapsed []string, side map[string]catalog.Direction) {
	cut := map[string]bool{}
	for _, id := range collapsed {
		if id != g.Root {
			cut[id] = true
		}
	}
	var kept []catalog.LineageEdge
	for _, e := range g.Edges {
		if (cut[e.From] && side[e.From] == catalog.Downstream) || (cut[e.To] && side[e.To] == catalog.Upstream) {
			continue
		}
		kept = append(kept, e)
	}
	reach := map[string]bool{g.Root: true}
	for _, forward := range []bool{true, false} {
		frontier := []string{g.Root}
		seen := map[string]bool{g.Root: true}
		for len(frontier) > 0 {
			var next []string
			for _, id := range frontier {
				for _, e := range kept {
					near, far := e.From, e.To
					if !forward {
						near, far = e.To, e.From
					}
					if near == id && !seen[far] {
						seen[far], reach[far] = true, true
						next = append(next, far)
					}
				}
			}
			frontier = next
		}
	}
	g.Edges = g.Edges[:0]
	for _, e := range kept {
		if reach[e.From] && reach[e.To] {
			g.Edges = append(g.Edges, e)
		}
	}
	nodes := g.Nodes[:0]
	for _, n := range g.Nodes {
		if reach[n.ID] {
			nodes = append(nodes, n)
		}
	}
	g.Nodes = nodes
}

// decorate gives every node its link, its toggles and its states.
func (u *UI) decorate(ctx context.Context, g *lineagedraw.Graph, v lineageView, x *explored) {
	outward := map[string]bool{} // nodes with an edge leading further from the focus
	for _, e := range g.Edges {
		if x.Side[e.From] >= 0 && x.Side[e.To] > x.Side[e.From] {
			outward[e.From] = true
		}
		if x.Side[e.To] <= 0 && x.Side[e.From] < x.Side[e.To] {
			outward[e.To] = true
		}
	}
	keep := lineageView{Up: v.Up, Down: v.Down, Columns: v.Columns} // a node's page keeps depths and columns
	for i := range g.Nodes {
		n := &g.Nodes[i]
		n.Href = keep.href(n.ID, "")
		if n.ID == g.Focus {
			continue
		}
		col := x.Side[n.ID]
		expanded, collapsed := slices.Contains(v.Expand, n.ID), slices.Contains(v.Collapse, n.ID)
		atEdge := (col > 0 && col >= v.Down && x.MoreDown) || (col < 0 && -col >= v.Up && x.MoreUp)
		switch {
		case collapsed:
			n.ExpandHref = v.with(func(c *lineageView) { c.Collapse = toggled(c.Collapse, n.ID) }).href(g.Focus, "")
		case expanded:
			n.Pinned = true
			n.CollapseHref = v.with(func(c *lineageView) { c.Expand = toggled(c.Expand, n.ID) }).href(g.Focus, "")
		case outward[n.ID]:
			n.CollapseHref = v.with(func(c *lineageView) { c.Collapse = toggled(c.Collapse, n.ID) }).href(g.Focus, "")
		case atEdge:
			n.ExpandHref = v.with(func(c *lineageView) { c.Expand = toggled(c.Expand, n.ID) }).href(g.Focus, "")
		}
	}
	u.nodeStates(ctx, g, x)
}

// lineageRow is a dataset of the walk as the table and the CSV list it.
type lineageRow struct {
	ID, Label, Namespace, Object string
	Pipeline                     string
	Registered                   bool // Pipeline has a page
	Badges                       []lineagedraw.Badge
	Column                       int
	States                       []string
	Where                        string // "focus", "2 upstream"
	Group                        string // the group it is drawn in, "" when drawn itself
	Href                         string
}

func (x *explored) rows() []lineageRow {
	titles := map[string]string{}
	for _, gr := range x.Folded.Groups {
		titles[gr.ID] = gr.Title()
	}
	byID := map[string]lineagedraw.Node{}
	for _, n := range x.Graph.Nodes {
		byID[n.ID] = n
	}
	out := make([]lineageRow, 0, len(x.Walk.Nodes))
	for _, n := range x.Walk.Nodes {
		d := byID[n.ID]
		out = append(out, lineageRow{ID: n.ID, Label: cmp.Or(d.Label, n.ID), Badges: d.State.Badges(), Registered: x.Registered[d.Pipeline], Namespace: n.Namespace, Object: n.Object, Pipeline: d.Pipeline, Column: x.Side[n.ID],
			States: d.State.Words(), Group: titles[x.Folded.GroupOf[n.ID]], Href: d.Href, Where: where(x.Side[n.ID])})
	}
	slices.SortStableFunc(out, func(a, b lineageRow) int {
		if c := abs(a.Column) - abs(b.Column); c != 0 {
			return c
		}
		if c := a.Column - b.Column; c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

type lineageGroupRow struct {
	lineagedraw.Group
	Title  string
	Side   string
	Sample string
	Badges []lineagedraw.Badge
}

type lineagePage struct {
	X        *explored
	Problems []catalog.FieldError
	Root     string
	Name     string // what the focus is called: its id, or its OpenLineage name
	View     lineageView
	Groups   []lineageGroupRow
	Rows     []lineageRow
	RowsMore int
	Summary  string
	Edges    int
	URLs     map[string]string
}

// lineage is the explorer page.
func (u *UI) lineage(w http.ResponseWriter, r *http.Request, s *signedIn) error {
	root := r.PathValue("dataset")
	v, problems := readLineageView(r.URL.Query())
	data := lineagePage{Root: root, Name: root, View: v, Problems: problems}
	data.URLs = map[string]string{"impact": "/lineage/" + url.PathEscape(root) + "/impact", "dataset": "/datasets/" + url.PathEscape(root)}
	if len(problems) > 0 {
		u.render(w, r, s, http.StatusUnprocessableEntity, "lineage", "Lineage of "+root, "pipelines", data)
		return nil
	}
	x, err := u.explore(r.Context(), root, v)
	if err != nil {
		return err
	}
	data.X = x
	for _, n := range x.Graph.Nodes {
		if n.ID == root && n.Label != "" {
			data.Name = n.Label
		}
	}
	data.Summary = x.Folded.Summary()
	data.Edges = len(x.Walk.Edges)
	for _, gr := range x.Folded.Groups {
		row := lineageGroupRow{Group: gr, Title: gr.Title(), Side: where(gr.Column), Badges: gr.State.Badges()}
		sample := gr.Members
		if len(sample) > 4 {
			sample = sample[:4]
		}
		row.Sample = strings.Join(sample, ", ")
		if len(gr.Members) > len(sample) {
			row.Sample += fmt.Sprintf(", and %d more", len(gr.Members)-len(sample))
		}
		data.Groups = append(data.Groups, row)
	}
	data.Rows = x.rows()
	if len(data.Rows) > maxTableRows {
		data.RowsMore = len(data.Rows) - maxTableRows
		data.Rows = data.Rows[:maxTableRows]
	}
	for name, fn := range map[string]func(*lineageView){
		"upMore":   func(c *lineageView) { c.Up = min(c.Up+1, catalog.MaxLineageDepth) },
		"upLess":   func(c *lineageView) { c.Up = max(c.Up-1, 0) },
		"downMore": func(c *lineageView) { c.Down = min(c.Down+1, catalog.MaxLineageDepth) },
		"downLess": func(c *lineageView) { c.Down = max(c.Down-1, 0) },
		"columns":  func(c *lineageView) { c.Columns = !c.Columns },
		"reset":    func(c *lineageView) { c.Expand, c.Collapse = nil, nil },
	} {
		data.URLs[name] = v.with(fn).href(root, "")
	}
	data.URLs["csv"] = v.href(root, "/nodes.csv")
	data.URLs["svg"] = v.href(root, "/graph.svg")
	data.URLs["dot"] = v.href(root, "/graph.dot")
	u.render(w, r, s, http.StatusOK, "lineage", "Lineage of "+root, "pipelines", data)
	return nil
}

func where(c int) string {
	if c == 0 {
		return "focus"
	}
	return fmt.Sprintf("%d %s", abs(c), sideWord(c))
}

func sideWord(c int) string {
	switch {
	case c < 0:
		return "upstream"
	case c > 0:
		return "downstream"
	}
	return "beside the focus"
}

// lineageSVG serves the view's drawing as a standalone SVG file, with its
// legend, for download.
func (u *UI) lineageSVG(w http.ResponseWriter, r *http.Request, _ *signedIn) error {
	x, err := u.exploreFile(r)
	if err != nil {
		return err
	}
	dctx, cancel := context.WithTimeout(r.Context(), drawDeadline)
	defer cancel()
	svg, _, err := lineagedraw.Draw(dctx, x.Folded.Graph, lineagedraw.Options{Pause: u.lineagePause},
		lineagedraw.RenderOptions{Title: lineagedraw.Title(x.Walk)})
	if errors.Is(err, lineagedraw.ErrTooSlow) {
		return catalog.Errorf(catalog.EUNAVAILABLE, "Drawing this view took over %s; lower the depths or download the CSV.", drawDeadline)
	} else if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "image/svg+xml")
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(svg)
	return nil
}

// lineageDOT serves the view's walk as Graphviz DOT, the text export.
func (u *UI) lineageDOT(w http.ResponseWriter, r *http.Request, _ *signedIn) error {
	x, err := u.exploreFile(r)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/vnd.graphviz; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="lineage.dot"`)
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(lineagedraw.DOT(x.Walk))
	return nil
}

// lineageCSV lists every dataset of the view, drawn or folded, with the
// group it is drawn in: the same answer as the page, for a spreadsheet.
func (u *UI) lineageCSV(w http.ResponseWriter, r *http.Request, _ *signedIn) error {
	x, err := u.exploreFile(r)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="lineage-nodes.csv"`)
	w.Header().Set("Cache-Control", "private, no-store")
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"dataset", "namespace", "object", "column", "side", "producing_pipeline", "state", "drawn_in"})
	for _, row := range x.rows() {
		drawn := "itself"
		if row.Group != "" {
			drawn = "group: " + row.Group
		}
		_ = cw.Write(cells(row.ID, row.Namespace, row.Object, strconv.Itoa(row.Column), sideWord(row.Column), row.Pipeline, strings.Join(row.States, "; "), drawn))
	}
	cw.Flush()
	return cw.Error()
}

// cells makes text safe for spreadsheets: a cell that starts like a
// formula gets a leading apostrophe. Numbers of our own are left alone.
func cells(vs ...string) []string {
	for i, s := range vs {
		if _, err := strconv.Atoi(s); err == nil {
			continue
		}
		if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
			vs[i] = "'" + s
		}
	}
	return vs
}

// exploreFile is explore for the downloads, which have no page to show
// problems on: a bad view is a 422.
func (u *UI) exploreFile(r *http.Request) (*explored, error) {
	v, problems := readLineageView(r.URL.Query())
	if len(problems) > 0 {
		return nil, catalog.Invalid(problems)
	}
	return u.explore(r.Context(), r.PathValue("dataset"), v)
}
