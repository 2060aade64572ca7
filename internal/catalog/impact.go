package catalog

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Impact analysis answers "what breaks downstream of this dataset, and whose
// is it?": everything a dataset feeds, to a depth, grouped by the pipeline
// (or OpenLineage job) whose edges reach it, with the owner, tags, last and
// next run of each, and the error-severity checks failing upstream that
// block it. The store reads the walk (ImpactGraph); Analyse decides.

// DefaultImpactDepth is how far an impact walk goes unless asked; it stops
// at MaxLineageDepth like every walk.
const DefaultImpactDepth = 10

// ImpactQuery asks for the impact of Root up to Depth edges downstream,
// one page of groups at a time.
type ImpactQuery struct {
	Root  string
	Depth int
	Page
}

// Validate lists the query's problems.
func (q ImpactQuery) Validate() []FieldError {
	if q.Depth < 1 || q.Depth > MaxLineageDepth {
		return []FieldError{{"depth", fmt.Sprintf("depth must be a whole number from 1 to %d.", MaxLineageDepth)}}
	}
	return nil
}

// CheckTargets reads which dataset each check of a stored pipeline
// definition guards (check id → dataset id). Like CheckSeverities it is
// handed over by the caller, who knows the definition's shape. Nil, or a
// definition it cannot read, names none: a failing check without a known
// target guards every dataset its pipeline writes in the walk.
type CheckTargets func(definition json.RawMessage) map[string]string

// ImpactSource is who declares a group's edges: a registered pipeline
// (Kind "pipeline"), or an OpenLineage job or dataset (LineageSourceJob,
// LineageSourceDataset) that no spec declares.
type ImpactSource struct {
	Kind, Name string
}

// SourcePipeline is the Kind of a registered pipeline's edges.
const SourcePipeline = "pipeline"

// order sorts pipelines first, then jobs and datasets, each by name.
func (s ImpactSource) order(o ImpactSource) int {
	return cmp.Or(cmp.Compare(s.rank(), o.rank()), cmp.Compare(s.Kind, o.Kind), cmp.Compare(s.Name, o.Name))
}

func (s ImpactSource) rank() int {
	if s.Kind == SourcePipeline {
		return 0
	}
	return 1
}

// ImpactRun is the latest run of a pipeline.
type ImpactRun struct {
	ID           string
	Status       string
	StartedAt    time.Time
	ChecksFailed bool
}

// ImpactPipeline is what the store knows of a registered pipeline.
type ImpactPipeline struct {
	Owner, Schedule string
	Tags            []string
	LastRun         *ImpactRun // nil: it never ran
}

// FailingCheck is an error-severity check that failed in its pipeline's
// latest run. Dataset is the dataset it guards ("" when its definition does
// not say, see CheckTargets).
type FailingCheck struct {
	ResultID, RunID, Pipeline, CheckID, Dataset, Message string
	ExecutedAt                                           time.Time
}

// ImpactEdge is an edge the walk followed, from a dataset closer than the
// depth bound.
type ImpactEdge struct {
	From, To string
	Source   ImpactSource
}

// ImpactGraph is what the store reads in one statement: the downstream
// walk (Nodes by id, the root at depth 0), the edges it followed, the
// registered pipelines among their sources, and the failing checks of
// those pipelines and of the root's producers.
type ImpactGraph struct {
	Root      string
	Depth     int
	Nodes     map[string]LineageNode
	Edges     []ImpactEdge
	Pipelines map[string]ImpactPipeline
	Failing   []FailingCheck
	Truncated bool // a node at the bound has edges the walk did not follow
}

// ImpactDataset is a downstream dataset with its distance from the root.
type ImpactDataset struct {
	Dataset
	Depth int
}

// ImpactGroup is one pipeline (or job) whose edges reach downstream
// datasets: at risk when the root breaks.
type ImpactGroup struct {
	Source ImpactSource
	ImpactPipeline
	// Registered is false for a job, or for a pipeline name the catalog
	// no longer holds: then Owner, Tags and Schedule are unknown.
	Registered bool
	NextRun    *time.Time
	// Datasets are the downstream datasets its edges write, by depth then id.
	Datasets []ImpactDataset
	// BlockedBy are the failing checks guarding a dataset at or upstream of
	// one this group reads, within the walk: its next run would read data
	// an error check refused.
	BlockedBy []FailingCheck
}

// Blocked says an error-severity check failing upstream blocks the group.
func (g ImpactGroup) Blocked() bool { return len(g.BlockedBy) > 0 }

// OwnerImpact totals the groups of one owner ("" for groups with none).
type OwnerImpact struct {
	Owner     string
	Pipelines int // groups
	Datasets  int // distinct downstream datasets their edges write
	Blocked   int // groups blocked by a failing check
}

// ImpactAnalysis is the whole answer, before paging.
type ImpactAnalysis struct {
	Root      string
	Depth     int
	Groups    []ImpactGroup // by source (pipelines first, by name)
	Owners    []OwnerImpact // by owner
	Pipelines int           // groups in all, whatever page Groups is
	Datasets  int           // distinct downstream datasets, the root not counted
	Failing   []FailingCheck
	Truncated bool
}

// Impact is one page of an analysis: Groups after the query's cursor, with
// the cursor of the next page ("" for the last); the totals are the whole
// analysis's.
type Impact struct {
	ImpactAnalysis
	NextCursor string
}

// Analyse groups the walk by source, decides which groups a failing check
// blocks, and totals by owner. now is the moment next runs are counted from.
func (g *ImpactGraph) Analyse(now time.Time) ImpactAnalysis {
	out := ImpactAnalysis{Root: g.Root, Depth: g.Depth, Truncated: g.Truncated, Groups: []ImpactGroup{}, Owners: []OwnerImpact{}, Failing: []FailingCheck{}}
	groups := map[ImpactSource]*groupEdges{}
	for _, e := range g.Edges {
		a := groups[e.Source]
		if a == nil {
			a = &groupEdges{writes: map[string]bool{}, reads: map[string]bool{}}
			groups[e.Source] = a
		}
		if e.To != g.Root {
			a.writes[e.To] = true
		}
		a.reads[e.From] = true
	}
	reach := g.failingReach(groups)
	for _, f := range g.Failing {
		if _, ok := reach[f.ResultID]; ok {
			out.Failing = append(out.Failing, f)
		}
	}
	downstream := map[string]bool{}
	for src, a := range groups {
		if len(a.writes) == 0 {
			continue // it only writes the root back (a cycle): nothing downstream
		}
		grp := ImpactGroup{Source: src}
		if p, ok := g.Pipelines[src.Name]; ok && src.Kind == SourcePipeline {
			grp.ImpactPipeline, grp.Registered = p, true
			if next, ok := NextRun(p.Schedule, now); ok {
				grp.NextRun = &next
			}
		}
		for id := range a.writes {
			downstream[id] = true
			if n, ok := g.Nodes[id]; ok {
				grp.Datasets = append(grp.Datasets, ImpactDataset(n))
			}
		}
		slices.SortFunc(grp.Datasets, func(x, y ImpactDataset) int { return cmp.Or(cmp.Compare(x.Depth, y.Depth), cmp.Compare(x.ID, y.ID)) })
		for _, f := range out.Failing {
			for id := range a.reads {
				if reach[f.ResultID][id] {
					grp.BlockedBy = append(grp.BlockedBy, f)
					break
				}
			}
		}
		out.Groups = append(out.Groups, grp)
	}
	slices.SortFunc(out.Groups, func(x, y ImpactGroup) int { return x.Source.order(y.Source) })
	out.Datasets, out.Pipelines = len(downstream), len(out.Groups)
	out.Owners = ownerTotals(out.Groups)
	return out
}

// groupEdges are the datasets one source's followed edges write and read.
type groupEdges struct{ writes, reads map[string]bool }

// failingReach is, per failing check (by result id), the datasets of the
// walk at or downstream of what it guards. A check whose target is unknown
// guards what its pipeline writes in the walk. A check guarding nothing in
// the walk is left out.
func (g *ImpactGraph) failingReach(groups map[ImpactSource]*groupEdges) map[string]map[string]bool {
	next := map[string][]string{}
	for _, e := range g.Edges {
		next[e.From] = append(next[e.From], e.To)
	}
	out := map[string]map[string]bool{}
	for _, f := range g.Failing {
		var start []string
		switch {
		case f.Dataset != "":
			if _, ok := g.Nodes[f.Dataset]; ok {
				start = []string{f.Dataset}
			}
		default:
			if a := groups[ImpactSource{SourcePipeline, f.Pipeline}]; a != nil {
				for id := range a.writes {
					start = append(start, id)
				}
			}
		}
		if len(start) == 0 {
			continue
		}
		seen := map[string]bool{}
		for len(start) > 0 {
			id := start[len(start)-1]
			start = start[:len(start)-1]
			if seen[id] {
				continue
			}
			seen[id] = true
			start = append(start, next[id]...)
		}
		out[f.ResultID] = seen
	}
	return out
}

func ownerTotals(groups []ImpactGroup) []OwnerImpact {
	type acc struct {
		OwnerImpact
		datasets map[string]bool
	}
	by := map[string]*acc{}
	for _, grp := range groups {
		a := by[grp.Owner]
		if a == nil {
			a = &acc{OwnerImpact: OwnerImpact{Owner: grp.Owner}, datasets: map[string]bool{}}
			by[grp.Owner] = a
		}
		a.Pipelines++
		if grp.Blocked() {
			a.Blocked++
		}
		for _, d := range grp.Datasets {
			a.datasets[d.ID] = true
		}
	}
	out := []OwnerImpact{}
	for _, a := range by {
		a.Datasets = len(a.datasets)
		out = append(out, a.OwnerImpact)
	}
	slices.SortFunc(out, func(x, y OwnerImpact) int { return cmp.Compare(x.Owner, y.Owner) })
	return out
}

// After is the groups of a that come after the source after (all of them
// for nil), at most limit, and whether more follow.
func (a ImpactAnalysis) After(after *ImpactSource, limit int) ([]ImpactGroup, bool) {
	start := 0
	if after != nil {
		start, _ = slices.BinarySearchFunc(a.Groups, *after, func(g ImpactGroup, s ImpactSource) int { return g.Source.order(s) })
		if start < len(a.Groups) && a.Groups[start].Source == *after {
			start++
		}
	}
	end := min(start+limit, len(a.Groups))
	return a.Groups[start:end], end < len(a.Groups)
}

// ImpactService analyses the caller's organization's lineage.
type ImpactService interface {
	// Impact is one page of the impact of q.Root: EINVALID for a bad
	// query or cursor; ENOTFOUND if the organization has no dataset
	// q.Root. targets names what each failing check guards.
	Impact(ctx context.Context, q ImpactQuery, targets CheckTargets) (*Impact, error)
}
