package web

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/dataxpipe/catalog/internal/catalog"
	"github.com/dataxpipe/catalog/internal/lineagedraw"
	"github.com/dataxpipe/catalog/internal/notify"
	"github.com/dataxpipe/catalog/internal/spec"
)

// nodeStates marks each node with what its producing pipeline says: the
// latest result of each check the pipeline's spec aims at the dataset
// (error failed: red, warn failed: amber), and the pipeline's last run
// (failed, or late against its schedule). Pipelines are read once each,
// at most maxStatePipes of them, within stateDeadline; what could not be
// read is said on the page rather than waited for.
func (u *UI) nodeStates(ctx context.Context, g *lineagedraw.Graph, x *explored) {
	ctx, cancel := context.WithTimeout(ctx, stateDeadline)
	defer cancel()
	byPipe := map[string][]int{}
	var pipes []string
	for i, n := range g.Nodes {
		if n.Pipeline == "" {
			continue
		}
		if _, ok := byPipe[n.Pipeline]; !ok {
			pipes = append(pipes, n.Pipeline)
		}
		byPipe[n.Pipeline] = append(byPipe[n.Pipeline], i)
	}
	// The nearest first, so a cut leaves the far edge of the picture bare.
	near := map[string]int{}
	for _, p := range pipes {
		near[p] = 1 << 30
		for _, i := range byPipe[p] {
			near[p] = min(near[p], abs(x.Side[g.Nodes[i].ID]))
		}
	}
	slices.SortStableFunc(pipes, func(a, b string) int { return near[a] - near[b] })
	if len(pipes) > maxStatePipes {
		pipes, x.StatesPartial = pipes[:maxStatePipes], true
	}
	index := map[string]int{}
	for i, n := range g.Nodes {
		index[n.ID] = i
	}
	now := u.now()
	for _, name := range pipes {
		if ctx.Err() != nil {
			x.StatesPartial = true
			return
		}
		p, err := u.store.FindPipeline(ctx, name)
		if err != nil { // a job that is no registered pipeline, or a deadline
			if catalog.ErrorCode(err) != catalog.ENOTFOUND {
				x.StatesPartial = true
			}
			continue
		}
		x.Registered[name] = true
		runs, _, err := u.store.ListRuns(ctx, catalog.RunFilter{PipelineName: name, Page: catalog.Page{Limit: 1}})
		if err != nil {
			x.StatesPartial = true
			continue
		}
		if len(runs) > 0 {
			last := runs[0]
			var s lineagedraw.State
			note := ""
			switch {
			case last.Status == catalog.RunFailed:
				s, note = lineagedraw.RunFailed, fmt.Sprintf("last run %s of %s failed", last.ID, name)
			case late(p, last, now):
				s, note = lineagedraw.RunLate, fmt.Sprintf("%s is late: its last run started %s", name, last.StartedAt.UTC().Format("2006-01-02 15:04 UTC"))
			}
			for _, i := range byPipe[name] {
				g.Nodes[i].State |= s
				g.Nodes[i].Note = joinNote(g.Nodes[i].Note, note)
			}
		}
		var def spec.Pipeline
		if json.Unmarshal(p.Definition, &def) != nil || len(def.Checks) == 0 {
			continue
		}
		target := map[string]string{}
		for _, c := range def.Checks {
			target[c.ID] = c.Target
		}
		results, _, err := u.store.ListCheckResults(ctx, catalog.CheckResultFilter{PipelineName: name, Page: catalog.Page{Limit: catalog.MaxPageSize}})
		if err != nil {
			x.StatesPartial = true
			continue
		}
		seen := map[string]bool{}
		for _, r := range results { // newest first: the first of each check is its latest
			if seen[r.CheckID] {
				continue
			}
			seen[r.CheckID] = true
			i, ok := index[target[r.CheckID]]
			if !ok || r.Status != catalog.CheckFailed {
				continue
			}
			s := lineagedraw.CheckWarned
			if r.Severity == catalog.SeverityError {
				s = lineagedraw.CheckFailed
			}
			g.Nodes[i].State |= s
			g.Nodes[i].Note = joinNote(g.Nodes[i].Note, fmt.Sprintf("check %s (%s) failed in run %s", r.CheckID, r.Severity, r.RunID))
		}
	}
}

func joinNote(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "\n" + b
}

// late says the pipeline missed its latest scheduled run, by the rule the
// lateness notifications use (notify.Late: the schedule's latest time at
// least the spec's freshness grace ago has no run started since). A
// running last run is not late.
func late(p *catalog.Pipeline, last *catalog.Run, now time.Time) bool {
	if p.Schedule == "" || last.Status == catalog.RunRunning || last.Status == catalog.RunQueued {
		return false
	}
	start := last.StartedAt
	_, isLate := notify.Late(catalog.ScheduledPipeline{OrgID: p.OrgID, Name: p.Name, Schedule: p.Schedule, CreatedAt: p.CreatedAt,
		Definition: p.Definition, LastRunStart: &start}, now)
	return isLate
}

// columnLineage fills the fields of the focus and its direct neighbours
// from the columnLineage facets: the focus's own (its inputs' columns to
// its columns) and each downstream neighbour's that reads the focus. It
// returns a note for the page when there is nothing to show.
func (u *UI) columnLineage(ctx context.Context, g *lineagedraw.Graph, walk *catalog.LineageGraph) string {
	byName := map[[2]string]string{} // (namespace, name) → dataset id
	for _, n := range walk.Nodes {
		byName[[2]string{n.Namespace, n.Name}] = n.ID
		if n.Object != "" {
			byName[[2]string{"", n.Object}] = n.ID
		}
	}
	resolve := func(ns, name string) string {
		if id, ok := byName[[2]string{ns, name}]; ok {
			return id
		}
		if id, ok := byName[[2]string{"", name}]; ok {
			return id
		}
		return ""
	}
	var peers []string
	for _, e := range walk.Edges {
		if e.From == walk.Root && e.To != walk.Root && !slices.Contains(peers, e.To) {
			peers = append(peers, e.To)
		}
	}
	slices.Sort(peers)
	if len(peers) > maxColumnPeers {
		peers = peers[:maxColumnPeers]
	}
	fields := map[string][]string{}
	var edges []lineagedraw.ColumnEdge
	read := func(id string, onlyFrom string) {
		d, err := u.store.FindDataset(ctx, id)
		if err != nil {
			return
		}
		var facet struct {
			Fields map[string]struct {
				InputFields []struct {
					Namespace, Name, Field string
				} `json:"inputFields"`
			} `json:"fields"`
		}
		if json.Unmarshal(d.Facets["columnLineage"], &facet) != nil {
			return
		}
		for out, f := range facet.Fields {
			for _, in := range f.InputFields {
				from := resolve(in.Namespace, in.Name)
				if from == "" || from == id || (onlyFrom != "" && from != onlyFrom) {
					continue
				}
				edges = append(edges, lineagedraw.ColumnEdge{From: from, FromField: in.Field, To: id, ToField: out})
				fields[from] = append(fields[from], in.Field)
				fields[id] = append(fields[id], out)
			}
		}
	}
	read(walk.Root, "")
	for _, p := range peers {
		read(p, walk.Root)
	}
	if len(edges) == 0 {
		return "No column lineage was reported for " + walk.Root + " or the datasets it feeds (OpenLineage's columnLineage facet)."
	}
	slices.SortFunc(edges, func(a, b lineagedraw.ColumnEdge) int {
		return strings.Compare(a.From+"\x00"+a.FromField+"\x00"+a.To+"\x00"+a.ToField, b.From+"\x00"+b.FromField+"\x00"+b.To+"\x00"+b.ToField)
	})
	g.ColumnEdges = slices.CompactFunc(edges, func(a, b lineagedraw.ColumnEdge) bool { return a == b })
	for i := range g.Nodes {
		if f := fields[g.Nodes[i].ID]; len(f) > 0 {
			slices.Sort(f)
			g.Nodes[i].Fields = slices.Compact(f)
			g.Nodes[i].Pinned = true // drawn, not folded into a group
		}
	}
	return ""
}

func abs(n int) int { return max(n, -n) }
