package lineagedraw

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// DefaultBudget is how many boxes a drawing shows at most: beyond it a
// picture is no longer read, and the browser slows down.
const DefaultBudget = 300

// GroupHref is where a group's box links: the page's table of groups.
const GroupHref = "#groups"

// MaxPerColumn is how many datasets one column shows before the rest of
// it folds too: a column of hundreds of boxes is a list, not a picture.
const MaxPerColumn = 30

// Group is datasets folded into one box.
type Group struct {
	ID      string // the box's node id
	Kind    string // "pipeline", "namespace" or "column"
	Name    string // the pipeline or namespace ("" for a column)
	Column  int
	Members []string // dataset ids, sorted
	State   State    // every member's states together
}

// Title names the group in words: "pipeline orders_sync".
func (gr Group) Title() string {
	switch gr.Kind {
	case "column":
		return fmt.Sprintf("%d %s %s", abs(gr.Column), plural(abs(gr.Column), "step", "steps"), side(gr.Column))
	case "namespace":
		if gr.Name == "" {
			return "no namespace"
		}
	}
	return gr.Kind + " " + gr.Name
}

func side(c int) string {
	if c < 0 {
		return "upstream"
	}
	return "downstream"
}

func abs(n int) int { return max(n, -n) }

// Collapsed is a graph within its budget and what it folded.
type Collapsed struct {
	Graph   Graph
	Groups  []Group
	Hidden  int               // datasets inside groups
	GroupOf map[string]string // dataset id → group id, for the hidden ones
}

// Summary says what was folded: "412 datasets hidden in 9 groups".
func (c Collapsed) Summary() string {
	if c.Hidden == 0 {
		return ""
	}
	return fmt.Sprintf("%d %s hidden in %d %s", c.Hidden, plural(c.Hidden, "dataset", "datasets"), len(c.Groups), plural(len(c.Groups), "group", "groups"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Collapse keeps g within budget boxes and each column within
// MaxPerColumn. The focus, pinned nodes, and then the nodes nearest the
// focus stay; the rest fold into one box per column
// and producing pipeline (a dataset no pipeline produces: per namespace).
// When even those groups would crowd the picture, every hidden dataset is
// grouped by namespace, and past that by column alone. Edges into and out
// of a group merge; their count says how many they stand for.
func Collapse(g Graph, budget int) Collapsed {
	g = sorted(g)
	if budget < 1 {
		budget = DefaultBudget
	}
	rank := Ranks(g)
	perColumn := map[int]int{}
	crowded := false
	for _, n := range g.Nodes {
		perColumn[rank[n.ID]]++
		crowded = crowded || perColumn[rank[n.ID]] > MaxPerColumn
	}
	if len(g.Nodes) <= budget && !crowded {
		return Collapsed{Graph: g}
	}
	prio := slices.Clone(g.Nodes)
	weight := func(n Node) int {
		switch {
		case n.ID == g.Focus:
			return 0
		case n.Pinned:
			return 1
		}
		return 2
	}
	slices.SortStableFunc(prio, func(a, b Node) int {
		return cmp.Or(cmp.Compare(weight(a), weight(b)), cmp.Compare(abs(rank[a.ID]), abs(rank[b.ID])),
			cmp.Compare(rank[a.ID], rank[b.ID]), cmp.Compare(a.ID, b.ID))
	})
	keys := []func(n Node) (kind, name string){
		func(n Node) (string, string) {
			if n.Pipeline != "" {
				return "pipeline", n.Pipeline
			}
			return "namespace", n.Namespace
		},
		func(n Node) (string, string) { return "namespace", n.Namespace },
		func(Node) (string, string) { return "column", "" },
	}
	var groupKey func(n Node) string
	var chosen func(n Node) (kind, name string)
	for level, key := range keys {
		chosen = key
		groupKey = func(n Node) string {
			kind, name := key(n)
			return fmt.Sprintf("group:%s:%d:%s", kind, rank[n.ID], name)
		}
		distinct := map[string]bool{}
		for _, n := range prio[1:] {
			distinct[groupKey(n)] = true
		}
		if len(distinct) <= budget/2 || level == len(keys)-1 {
			break
		}
	}
	// Start with everything but the focus hidden; keep nodes in priority
	// order while the kept nodes and the groups still left fit.
	members := map[string]int{}
	for _, n := range prio[1:] {
		members[groupKey(n)]++
	}
	keep := map[string]bool{g.Focus: true}
	inColumn := map[int]int{}
	for _, n := range prio[1:] {
		k := groupKey(n)
		groups := len(members)
		if members[k] == 1 {
			groups--
		}
		if len(keep)+1+groups > budget {
			break
		}
		if !n.Pinned && inColumn[rank[n.ID]] >= MaxPerColumn {
			continue // its column is full: it stays in its group
		}
		keep[n.ID] = true
		inColumn[rank[n.ID]]++
		if members[k]--; members[k] == 0 {
			delete(members, k)
		}
	}
	out := Collapsed{GroupOf: map[string]string{}}
	byID := map[string]*Group{}
	var order []string
	for _, n := range g.Nodes {
		if keep[n.ID] {
			out.Graph.Nodes = append(out.Graph.Nodes, n)
			continue
		}
		k := groupKey(n)
		gr, ok := byID[k]
		if !ok {
			kind, name := chosen(n)
			gr = &Group{ID: k, Kind: kind, Name: name, Column: rank[n.ID]}
			byID[k] = gr
			order = append(order, k)
		}
		gr.Members = append(gr.Members, n.ID)
		gr.State |= n.State
		out.GroupOf[n.ID] = k
		out.Hidden++
	}
	out.Graph.Focus = g.Focus
	out.Graph.Columns = map[string]int{}
	for _, n := range out.Graph.Nodes {
		out.Graph.Columns[n.ID] = rank[n.ID]
	}
	for _, k := range order {
		gr := byID[k]
		out.Groups = append(out.Groups, *gr)
		out.Graph.Nodes = append(out.Graph.Nodes, Node{ID: gr.ID, Href: GroupHref, Sub: gr.Title(), Count: len(gr.Members), GroupKind: gr.Kind,
			State: gr.State, Note: groupNote(gr)})
		out.Graph.Columns[gr.ID] = gr.Column
	}
	slices.SortFunc(out.Groups, func(a, b Group) int { return cmp.Or(cmp.Compare(a.Column, b.Column), cmp.Compare(a.ID, b.ID)) })
	rep := func(id string) string {
		if k, ok := out.GroupOf[id]; ok {
			return k
		}
		return id
	}
	merged := map[[2]string]int{} // index in out.Graph.Edges
	for _, e := range g.Edges {
		from, to := rep(e.From), rep(e.To)
		if from == to && from != e.From { // inside one group
			continue
		}
		k := [2]string{from, to}
		if i, ok := merged[k]; ok {
			m := &out.Graph.Edges[i]
			m.Prov |= e.Prov
			m.Historic = m.Historic && e.Historic
			m.Count += max(e.Count, 1)
			continue
		}
		merged[k] = len(out.Graph.Edges)
		e.From, e.To, e.Count = from, to, max(e.Count, 1)
		out.Graph.Edges = append(out.Graph.Edges, e)
	}
	for i := range out.Graph.Edges {
		if e := &out.Graph.Edges[i]; e.Count > 1 {
			e.Label = fmt.Sprintf("%d edges", e.Count)
		}
	}
	return out
}

func groupNote(gr *Group) string {
	list := gr.Members
	more := ""
	if len(list) > 8 {
		list, more = list[:8], fmt.Sprintf(" and %d more", len(gr.Members)-8)
	}
	return fmt.Sprintf("%d datasets: %s%s", len(gr.Members), strings.Join(list, ", "), more)
}
